"""
A throwaway Salt fleet on loopback: one salt-master and lab Solaris minions.

Everything lives under one temporary directory; ``Fleet.stop()`` ends every
process it started, whatever state they are in.
"""

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

from lab import SOLARIS10_GRAINS

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(os.path.abspath(sys.executable))


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_yaml(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        yaml.safe_dump(data, fh, default_flow_style=False)


class Fleet:
    """A master and lab minions under ``self.root``."""

    def __init__(self, minions, nics, pillar_files, keep=False):
        self.root = tempfile.mkdtemp(prefix="salt-ipmp-demo-")
        self.minions = list(minions)
        self.nics = nics
        self.pillar_files = pillar_files
        self.keep = keep
        self.procs = []
        self.user = getpass.getuser()
        self.publish_port = _free_port()
        self.ret_port = _free_port()
        self.alert_log = os.path.join(self.root, "alerts.jsonl")
        self.master_dir = os.path.join(self.root, "master")

    # -- paths -------------------------------------------------------------
    def host(self, minion):
        return os.path.join(self.root, "hosts", minion)

    def messages(self, minion):
        return os.path.join(self.host(minion), "var", "adm", "messages")

    # -- set-up ------------------------------------------------------------
    def create_hosts(self):
        for minion in self.minions:
            subprocess.run(
                [sys.executable, "-m", "lab", "create", self.host(minion),
                 "--hostname", minion, "--nics", ",".join(self.nics)],
                cwd=REPO, check=True, stdout=subprocess.DEVNULL,
            )

    def lab(self, *args):
        return subprocess.run(
            [sys.executable, "-m", "lab"] + [str(a) for a in args],
            cwd=REPO, check=True, stdout=subprocess.PIPE, universal_newlines=True,
        ).stdout

    def _master_config(self):
        pillar_root = os.path.join(self.root, "pillar")
        state_root = os.path.join(self.root, "states")
        os.makedirs(pillar_root, exist_ok=True)
        for name, text in self.pillar_files.items():
            with open(os.path.join(pillar_root, name), "w") as fh:
                fh.write(text)
        _write_yaml(os.path.join(state_root, "top.sls"), {"base": {"*": ["ipmp"]}})
        # The checkout's _modules/, _states/ ... are served through links, so
        # that the fileserver never walks the checkout's virtualenvs.
        for name in sorted(os.listdir(REPO)):
            if name.startswith("_") and os.path.isdir(os.path.join(REPO, name)):
                os.symlink(os.path.join(REPO, name), os.path.join(state_root, name))
        return {
            "id": "demo-master",
            "user": self.user,
            "root_dir": self.master_dir,
            "pki_dir": os.path.join(self.master_dir, "pki"),
            "cachedir": os.path.join(self.master_dir, "cache"),
            "sock_dir": os.path.join(self.master_dir, "sock"),
            "pidfile": os.path.join(self.master_dir, "master.pid"),
            "log_file": os.path.join(self.master_dir, "master.log"),
            "log_level_logfile": "info",
            "interface": "127.0.0.1",
            "publish_port": self.publish_port,
            "ret_port": self.ret_port,
            "auto_accept": True,
            "file_roots": {"base": [os.path.join(REPO, "salt"), state_root]},
            "pillar_roots": {"base": [pillar_root]},
            "reactor": [{"salt/beacon/*/ipmp/*": [
                "salt://reactor/ipmp/ipmp_alert.sls"]}],
            "ipmp.alert_log": self.alert_log,
            "ipmp.alert_window": 1,
            "enable_ssh_minions": False,
        }

    def _minion_config(self, minion):
        mdir = os.path.join(self.root, "minions", minion)
        return mdir, {
            "id": minion,
            "user": self.user,
            "master": "127.0.0.1",
            "master_port": self.ret_port,
            "publish_port": self.publish_port,
            "root_dir": mdir,
            "pki_dir": os.path.join(mdir, "pki"),
            "cachedir": os.path.join(mdir, "cache"),
            "sock_dir": os.path.join(mdir, "sock"),
            "pidfile": os.path.join(mdir, "minion.pid"),
            "log_file": os.path.join(mdir, "minion.log"),
            "log_level_logfile": "info",
            "grains": dict(SOLARIS10_GRAINS),
            "ipmp.root": self.host(minion),
            "loop_interval": 1,
            "acceptance_wait_time": 1,
            "random_reauth_delay": 0,
            "tcp_keepalive": True,
            # The ipmp_events engine follows in.mpathd's log from the first
            # start; it is loaded from the checkout because engines load only
            # when the minion starts, before any sync could ship them.
            "engines": [{"ipmp_events": {"interval": 0.05}}],
            "engines_dirs": [os.path.join(REPO, "_engines")],
            "utils_dirs": [os.path.join(REPO, "_utils")],
        }

    def _spawn(self, argv, env, log):
        proc = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def start(self):
        conf = os.path.join(self.master_dir, "conf")
        _write_yaml(os.path.join(conf, "master"), self._master_config())
        env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
        self._spawn([os.path.join(BIN, "salt-master"), "-c", conf, "-l", "quiet"], env,
                    subprocess.DEVNULL)
        for minion in self.minions:
            mdir, cfg = self._minion_config(minion)
            _write_yaml(os.path.join(mdir, "conf", "minion"), cfg)
            menv = dict(env, PATH=os.pathsep.join(
                [os.path.join(self.host(minion), "bin"), env["PATH"]]))
            self._spawn([os.path.join(BIN, "salt-minion"), "-c", os.path.join(mdir, "conf"),
                         "-l", "quiet"], menv, subprocess.DEVNULL)

    # -- talking to the fleet ---------------------------------------------
    def salt(self, *args, timeout=120):
        """Run the ``salt`` CLI against this master; return (rc, stdout)."""
        return self._cli("salt", list(args) + ["--timeout", "60"], timeout)

    def salt_run(self, *args, timeout=120):
        return self._cli("salt-run", list(args), timeout)

    def _cli(self, tool, args, timeout):
        argv = [os.path.join(BIN, tool), "-c", os.path.join(self.master_dir, "conf")] + args
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
        # Salt's own shutdown chatter on stderr is shown only when the call failed.
        return proc.returncode, proc.stdout + (proc.stderr if proc.returncode else "")

    def wait_for_minions(self, timeout=90):
        """Wait until every minion's key is accepted and it answers a ping."""
        deadline = time.time() + timeout
        keys = os.path.join(self.master_dir, "pki", "minions")
        while not all(os.path.exists(os.path.join(keys, m)) for m in self.minions):
            if time.time() > deadline:
                raise RuntimeError("minion keys did not reach the master within {}s".format(timeout))
            time.sleep(0.2)
        while time.time() < deadline:
            try:
                rc, out = self._cli("salt", ["-L", ",".join(self.minions), "test.ping",
                                             "--out", "json", "--static", "--timeout", "5"], 60)
                answered = json.loads(out) if rc == 0 else {}
            except (ValueError, subprocess.TimeoutExpired):
                answered = {}
            if all(answered.get(m) is True for m in self.minions):
                return
            time.sleep(1)
        raise RuntimeError("minions did not answer within {}s".format(timeout))

    def alerts(self):
        if not os.path.exists(self.alert_log):
            return []
        with open(self.alert_log) as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def wait_for_alert(self, predicate, since=0, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for alert in self.alerts()[since:]:
                if predicate(alert):
                    return alert
            time.sleep(0.1)
        return None

    # -- tear-down -----------------------------------------------------------
    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 15
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        # Daemon children may outlive their parent for a moment; a process
        # group is done only when nothing is left in it.
        groups = {proc.pid for proc in self.procs}
        deadline = time.time() + 10
        while _members(groups) and time.time() < deadline:
            for pgid in groups:
                try:
                    os.killpg(pgid, signal.SIGKILL if time.time() > deadline - 5 else signal.SIGTERM)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)
        # The lab's in.mpathd timers are detached processes of their own.
        for pid in _mentioning(self.root):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def _mentioning(text):
    """PIDs of other processes whose command line mentions ``text``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open("/proc/{}/cmdline".format(entry), "rb") as fh:
                if text.encode() in fh.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _members(groups):
    """PIDs of live processes in any of the process groups ``groups``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getpgid(int(entry)) in groups:
                found.append(int(entry))
        except OSError:
            continue
    return found
