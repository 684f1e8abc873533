"""Functional fixtures: the repository's modules loaded by Salt's own loader
(no daemons) against a lab Solaris host.

``loaders(host)`` builds ``salt.loader.utils`` and ``salt.loader.minion_mods``
with ``module_dirs``/``utils_dirs`` pointing at the checkout, grains saying
SunOS 5.10 and ``ipmp.root`` set to the lab host; the host's ``bin/`` is put
first on PATH (monkeypatched, so it is undone after the test).
"""

import copy
import pathlib

import pytest
import salt._logging
import salt.config
import salt.loader

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
UTILS = ["ipmp_cmd", "ipmp_parse", "ipmp_events", "ipmp_pillar"]
SOLARIS_GRAINS = {
    "kernel": "SunOS",
    "kernelrelease": "5.10",
    "os": "Solaris",
    "os_family": "Solaris",
    "osrelease": "10",
    "osmajorrelease": 10,
    "id": "sol1",
}


@pytest.fixture(scope="session", autouse=True)
def _salt_logging_to_pytest():
    """Salt buffers log records until its logging is set up and prints them at
    exit (to an already closed stderr under pytest); hand them to pytest now."""
    shutdown = getattr(salt._logging, "shutdown_temp_handler", None)
    if shutdown is not None:
        shutdown()


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


def make_opts(tmp_path, grains=None, root=None, **extra):
    """Minion opts for a loader-only minion (file client local, no master)."""
    opts = copy.deepcopy(salt.config.DEFAULT_MINION_OPTS)
    base = pathlib.Path(tmp_path)
    opts.update(
        {
            "id": "sol1",
            "file_client": "local",
            "cachedir": str(base / "cache"),
            "pki_dir": str(base / "pki"),
            "sock_dir": str(base / "sock"),
            "extension_modules": str(base / "extmods"),
            "module_dirs": [str(REPO_ROOT / "_modules")],
            "utils_dirs": [str(REPO_ROOT / "_utils")],
            "grains": dict(SOLARIS_GRAINS if grains is None else grains),
            "pillar": {},
        }
    )
    if root is not None:
        opts["ipmp.root"] = str(root)
    opts.update(extra)
    return opts


def build(opts):
    context = {}
    utils = salt.loader.utils(opts, context=context)
    modules = salt.loader.minion_mods(opts, utils=utils, context=context)
    return Loaded(opts, utils, modules, context)


@pytest.fixture
def loaders(tmp_path, monkeypatch):
    """``loaders(host, grains=None, **opts)`` -> :class:`Loaded` for that lab host."""

    def make(host=None, grains=None, **extra):
        if host is not None:
            monkeypatch.setenv("PATH", host.environ()["PATH"])
        opts = make_opts(
            tmp_path / "minion", grains=grains, root=host.root if host else None, **extra
        )
        return build(opts)

    return make


@pytest.fixture
def host(lab_host):
    """A fresh lab host (bge0, bge1, bge2; links up; nothing plumbed but lo0)."""
    return lab_host


@pytest.fixture
def mods(loaders, host):
    """The minion's loaded modules (``mods["ipmp.status"]()``) against ``host``."""
    return loaders(host)


@pytest.fixture
def counter(host):
    """``with counter() as seen: ...`` then ``seen.commands`` = argv lists run inside."""

    class Count:
        def __init__(self):
            self.mark = 0
            self.commands = []

        def __enter__(self):
            self.mark = len(host.argv())
            return self

        def __exit__(self, *exc):
            self.commands = host.commands(since=self.mark)
            return False

    return Count
