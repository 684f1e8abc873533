"""
The checkout's modules loaded by Salt's own loader for a lab host (no daemons).

    loaded = load(minion_opts(workdir, host=HOST_DIR))
    loaded["ipmp.status"]()            # the execution modules, as __salt__
    loaded.reset_context()             # a new job: no cached command results

:func:`minion_opts` are Salt's default minion opts with the file client
local, Salt's own files under ``workdir``, ``module_dirs``/``utils_dirs``
at the checkout's ``_modules``/``_utils``, the grains of ``lab.GRAINS``
and, with a host, :func:`lab.fleet.host_config`.  Put the host's ``bin/``
first on PATH yourself (``lab.fleet.host_environ(host)["PATH"]``): the
modules run the commands they find there.

Used by the functional tests' ``loaders`` fixture and by the benches.
"""

import copy
import pathlib

import salt._logging
import salt.config
import salt.loader

import lab
from lab.fleet import REPO, host_config


class Loaded:
    """The loaded modules of one simulated minion."""

    def __init__(self, opts, utils, modules, context):
        self.opts = opts
        self.utils = utils
        self.modules = modules
        self.context = context

    def __getitem__(self, name):
        return self.modules[name]

    def reset_context(self):
        """Forget cached command results, as a new job (a new process) would."""
        self.context.clear()


def release_salt_log_buffer():
    """Hand the log records Salt holds back until its logging is set up to the handlers now.

    Without it they are printed at exit, to a stderr that may be closed by then.
    """
    shutdown = getattr(salt._logging, "shutdown_temp_handler", None)
    if shutdown is not None:
        shutdown()


def minion_opts(workdir, host=None, minion_id="sol1", grains=None, release=lab.DEFAULT_RELEASE,
                **extra):
    """Minion opts for a loader-only minion (file client local, no master).

    ``grains`` replaces ``lab.grains(release, id=minion_id)`` whole; ``extra``
    options are set last (``**{"ipmp.root": ...}``, ``pillar={...}``, ``test=True``).
    """
    base = pathlib.Path(workdir)
    opts = copy.deepcopy(salt.config.DEFAULT_MINION_OPTS)
    opts.update(
        {
            "id": minion_id,
            "file_client": "local",
            "cachedir": str(base / "cache"),
            "pki_dir": str(base / "pki"),
            "sock_dir": str(base / "sock"),
            "extension_modules": str(base / "extmods"),
            "module_dirs": [str(REPO / "_modules")],
            "utils_dirs": [str(REPO / "_utils")],
            "grains": lab.grains(release, id=minion_id) if grains is None else dict(grains),
            "pillar": {},
        }
    )
    if host is not None:
        opts.update(host_config(host))
    opts.update(extra)
    return opts


def load(opts):
    """``salt.loader.utils`` and ``salt.loader.minion_mods`` for ``opts``, sharing one context."""
    context = {}
    utils = salt.loader.utils(opts, context=context)
    modules = salt.loader.minion_mods(opts, utils=utils, context=context)
    return Loaded(opts, utils, modules, context)
