"""Fixtures shared by every test level: the repository root and lab Solaris hosts.

A lab host is a directory made by ``python -m lab create``: simulated ``dladm``,
``ifconfig``, ``if_mpadm`` and ``pkill`` in ``bin/``, the host's ``etc/`` files,
``var/adm/messages`` and the argv log of every command the host ran.
"""
import json
import logging
import os
import pathlib
import subprocess
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_NICS = ("bge0", "bge1", "bge2")


def pytest_unconfigure(config):
    """Drop the records Salt's start-up log handler kept back.

    Importing salt installs a handler that stores warnings until logging is
    configured and writes them to stderr at exit, after pytest has closed it;
    pytest has already reported those records.
    """
    impl = sys.modules.get("salt._logging.impl")
    handler = impl.get_temp_handler() if impl is not None else None
    if handler is not None:
        logging.root.removeHandler(handler)
        handler.sync_with_handlers(())


class LabError(AssertionError):
    """A ``python -m lab`` command failed; the message carries its output."""


def lab_environ(base=None):
    """Environment for ``python -m lab``: the checkout importable, output unbuffered."""
    env = dict(os.environ if base is None else base)
    paths = [str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_lab(*args, check=True, timeout=120):
    """Run ``python -m lab ARGS`` with the test Python from the checkout.

    Returns the ``subprocess.CompletedProcess`` (text output).  With ``check``
    a non-zero exit raises :class:`LabError` showing the command and its output.
    """
    cmd = [sys.executable, "-m", "lab"] + [str(arg) for arg in args]
    proc = subprocess.run(
        cmd,
        cwd=str(REPO_ROOT),
        env=lab_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise LabError(
            "{} exited {}\nstdout:\n{}\nstderr:\n{}".format(
                " ".join(cmd[1:]), proc.returncode, proc.stdout, proc.stderr
            )
        )
    return proc


class LabHost:
    """One simulated Solaris host (a directory made by ``python -m lab create``)."""

    def __init__(self, root, name, nics):
        self.root = pathlib.Path(root)
        self.name = name
        self.nics = tuple(nics)
        self.bin = self.root / "bin"

    def __repr__(self):
        return "LabHost({!r}, root={})".format(self.name, self.root)

    def path(self, relative):
        """The host's file ``relative`` (``"etc/default/mpathd"``) as a Path."""
        return self.root / str(relative).lstrip("/")

    def environ(self, base=None):
        """A copy of ``base`` (default ``os.environ``) with this host's bin/ first on PATH."""
        env = dict(os.environ if base is None else base)
        rest = env.get("PATH") or os.defpath
        env["PATH"] = os.pathsep.join([str(self.bin), rest])
        return env

    def run_lab(self, *args, check=True):
        """Run ``python -m lab ARGS`` (the host directory is not added: pass ``host.root``)."""
        return run_lab(*args, check=check)

    def tool(self, name, *args):
        """Run the host's own ``bin/<name> ARGS`` (its PATH first); the CompletedProcess."""
        return subprocess.run(
            [str(self.bin / name)] + [str(arg) for arg in args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            env=self.environ(),
            check=False,
        )

    def tool_ok(self, name, *args):
        """:meth:`tool`, asserting that it exited 0 (its stderr is the message)."""
        proc = self.tool(name, *args)
        assert proc.returncode == 0, proc.stderr
        return proc

    def link(self, nic, state):
        """Pull (``"down"``) or plug (``"up"``) the cable of ``nic``."""
        return run_lab("link", self.root, nic, state)

    def probe(self, nic, state):
        """Make the probe targets behind ``nic`` stop (``"fail"``) or start (``"ok"``) answering."""
        return run_lab("probe", self.root, nic, state)

    def show(self):
        """The lab's JSON dump of the simulated kernel and in.mpathd state."""
        return json.loads(run_lab("show", self.root).stdout)

    def argv(self, since=0):
        """Entries of ``var/lab/argv.log`` (dicts with ``argv``, ``time``, ``rc``), from index ``since``.

        Count the commands an action runs with ``mark = len(host.argv())`` before it
        and ``host.argv(since=mark)`` after it.
        """
        log = self.path("var/lab/argv.log")
        if not log.exists():
            return []
        entries = []
        with log.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line:
                    entries.append(json.loads(line))
        return entries[since:]

    def commands(self, since=0):
        """Just the argv lists of :meth:`argv`, command name first."""
        return [entry["argv"] for entry in self.argv(since=since)]

    def messages(self):
        """Lines of the host's ``var/adm/messages`` (no trailing newlines)."""
        log = self.path("var/adm/messages")
        if not log.exists():
            return []
        return log.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def lab_host_factory(tmp_path_factory):
    """Create lab hosts: ``lab_host_factory("sol1", nics=("bge0", "bge2"))`` -> :class:`LabHost`.

    Every call makes a new host in its own temporary directory, so the same name
    can be used again.  Extra ``python -m lab create`` options go in ``extra_args``;
    ``os="solaris11"`` or ``os="illumos"`` makes a SunOS 5.11 host (Clearview IPMP,
    links net0, net1, net2 unless ``nics`` says otherwise).
    """

    def create(name="sol1", nics=None, extra_args=(), os=None):
        if nics is None:
            nics = DEFAULT_NICS if os in (None, "solaris10") else ("net0", "net1", "net2")
        if isinstance(nics, str):
            nics = tuple(nic for nic in nics.split(",") if nic)
        if os is not None:
            extra_args = ("--os", os) + tuple(extra_args)
        root = tmp_path_factory.mktemp("lab-{}".format(name)) / name
        run_lab(
            "create", root, "--hostname", name, "--nics", ",".join(nics), *extra_args
        )
        host = LabHost(root, name, nics)
        missing = [
            tool
            for tool in ("dladm", "ifconfig", "if_mpadm", "pkill")
            if not (host.bin / tool).exists()
        ]
        if missing:
            raise LabError("lab create made no bin/{} in {}".format(",".join(missing), root))
        return host

    return create


@pytest.fixture
def lab_host(lab_host_factory):
    """A fresh lab host ``sol1`` with NICs bge0, bge1 and bge2 (links up, nothing plumbed)."""
    return lab_host_factory("sol1")
