"""Functional fixtures: the repository's modules loaded by Salt's own loader
(no daemons) against a lab Solaris host.

``loaders(host)`` builds ``salt.loader.utils`` and ``salt.loader.minion_mods``
with ``module_dirs``/``utils_dirs`` pointing at the checkout, the Solaris 10
grains of ``lab.GRAINS`` and ``ipmp.root`` set to the lab host (see
``lab/loaders.py``); the host's ``bin/`` is put first on PATH (monkeypatched,
so it is undone after the test).
"""

import pytest

from lab import loaders as lab_loaders
from lab.loaders import Loaded  # noqa: F401  (the type ``loaders`` returns)


@pytest.fixture(scope="session", autouse=True)
def _salt_logging_to_pytest():
    """Salt buffers log records until its logging is set up and prints them at
    exit (to an already closed stderr under pytest); hand them to pytest now."""
    lab_loaders.release_salt_log_buffer()


def make_opts(tmp_path, grains=None, root=None, **extra):
    """Minion opts for a loader-only minion ``sol1`` (file client local, no master)."""
    return lab_loaders.minion_opts(tmp_path, host=root, grains=grains, **extra)


def build(opts):
    return lab_loaders.load(opts)


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
