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


@pytest.fixture
def canned_bin(tmp_path, monkeypatch):
    """``canned_bin(rules)`` -> a fake ``bin/`` alone on PATH whose commands
    answer from ``rules`` and log their argv.

    A rule is ``{"cmd": "ipmpstat", "argv": [...] or None, "stdout": text,
    "file": path, "stderr": text, "rc": 0}``: the first rule of that command
    whose ``argv`` equals the arguments (``None``: any) answers; an
    unmatched call prints ``<cmd>: unexpected arguments`` and exits 2.
    ``.commands()`` gives the logged argv lists (command name first).
    """
    import json
    import stat
    import sys

    directory = tmp_path / "cannedbin"

    class Canned:
        def __init__(self, rules):
            directory.mkdir(exist_ok=True)
            self.rules = list(rules)
            self.write()
            for cmd in sorted(set(rule["cmd"] for rule in self.rules)):
                path = directory / cmd
                path.write_text(CANNED_TOOL.format(python=sys.executable))
                path.chmod(path.stat().st_mode | stat.S_IXUSR)
            monkeypatch.setenv("PATH", str(directory))

        def write(self):
            (directory / "rules.json").write_text(json.dumps(self.rules))

        def commands(self):
            log = directory / "argv.log"
            if not log.exists():
                return []
            return [json.loads(line) for line in log.read_text().splitlines()]

        def forget(self):
            log = directory / "argv.log"
            if log.exists():
                log.unlink()

    return Canned


CANNED_TOOL = '''#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
cmd = os.path.basename(sys.argv[0])
args = sys.argv[1:]
with open(os.path.join(here, "argv.log"), "a") as log:
    log.write(json.dumps([cmd] + args) + "\\n")
with open(os.path.join(here, "rules.json")) as handle:
    rules = json.load(handle)
for rule in rules:
    if rule["cmd"] == cmd and (rule.get("argv") is None or rule["argv"] == args):
        out = rule.get("stdout", "")
        if rule.get("file"):
            out = open(rule["file"]).read()
        sys.stdout.write(out)
        sys.stderr.write(rule.get("stderr", ""))
        sys.exit(rule.get("rc", 0))
sys.stderr.write(cmd + ": unexpected arguments " + " ".join(args) + "\\n")
sys.exit(2)
'''
