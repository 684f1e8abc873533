"""
The rig: Salt configuration for lab hosts, and a throwaway fleet on loopback.

Every harness that runs Salt against lab hosts takes its configuration from
here, so that a lab minion is the same everywhere:

- :func:`minion_config`: what binds a minion to a lab host (static grains from
  :data:`lab.GRAINS`, ``ipmp.root``, ``hosts.file``; engines from the checkout);
  :func:`host_environ` puts the host's ``bin/`` first on ``PATH``;
- :func:`master_config`: a master for lab minions (file roots serving the
  checkout through links, reactor for alerts, ``ipmp.alert_log`` ...);
- :func:`masterless_config`: a ``salt-call --local`` minion on a lab host;
- :func:`ssh_roster_entry`, :func:`ssh_master_config`: a lab host reached by
  ``salt-ssh`` through an sshd, with no minion (docs/fleet.md);
- :class:`Fleet`: a salt-master and lab minions as subprocesses under one
  temporary directory (``python -m demo``, ``bench/alert_latency.py``);
- lab host helpers: :func:`create_host`, :func:`run_lab` (``python -m lab``),
  :func:`host_command`, :func:`host_commands` (the argv log), :func:`build_group`.

The integration tests start their daemons with pytest-salt-factories and
pass :func:`master_config` / :func:`minion_config` as its overrides; the
daemon plumbing (directories, ports, user) is then salt-factories' own.
Nothing here imports Salt.
"""

import getpass
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

import lab

REPO = pathlib.Path(__file__).resolve().parent.parent
# The bin/ of the Python running this: salt-master, salt-minion, salt, salt-run.
BIN = pathlib.Path(sys.executable).parent
# The checkout directories whose files Salt syncs to minions and the master.
SYNCED_DIRS = ("_modules", "_states", "_utils", "_beacons", "_runners", "_engines")
DEFAULT_NICS = ("bge0", "bge1", "bge2")
FILE_IGNORE_REGEX = [r"(^|/)__pycache__(/|$)"]
# Beacon and engine events of the ipmp pipeline -> the alert runner.
ALERT_REACTOR = {"salt/beacon/*/ipmp/*": ["salt://reactor/ipmp/ipmp_alert.sls"]}


class LabError(RuntimeError):
    """A ``python -m lab`` command failed; the message carries its output."""


# -- lab hosts -----------------------------------------------------------------


def run_lab(*args):
    """Run ``python -m lab ARGS`` from the checkout; return its output, or raise :class:`LabError`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    proc = subprocess.run(
        [sys.executable, "-m", "lab"] + [str(arg) for arg in args], cwd=str(REPO), env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False,
    )
    if proc.returncode != 0:
        raise LabError("python -m lab {} exited {}:\n{}{}".format(
            " ".join(str(arg) for arg in args), proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def create_host(root, hostname, nics=DEFAULT_NICS, release=lab.DEFAULT_RELEASE):
    """``python -m lab create ROOT --hostname HOSTNAME --nics NICS --os RELEASE``;
    return ``root`` as a Path."""
    run_lab("create", root, "--hostname", hostname, "--nics", ",".join(nics), "--os", release)
    return pathlib.Path(root)


def host_environ(host, base=None):
    """A copy of ``base`` (default ``os.environ``) with the lab host's ``bin/`` first on PATH.

    The modules look commands up on PATH before ``/usr/sbin``: this is what
    makes a process run the host's stand-in ``ifconfig`` and ``dladm``.
    """
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([str(pathlib.Path(host) / "bin"), env.get("PATH") or os.defpath])
    return env


def host_commands(host, since=0):
    """The argv lists (command name first) of the host's ``var/lab/argv.log``, from index ``since``."""
    log = pathlib.Path(host) / "var" / "lab" / "argv.log"
    if not log.exists():
        return []
    with log.open(encoding="utf-8") as handle:
        return [json.loads(line)["argv"] for line in handle if line.strip()][since:]


def host_command(host, *argv):
    """Run the lab host's stand-in command ``argv`` as an admin on the host would; its output.

    ``host_command(host, "ifconfig", "-a")``; a non-zero exit raises :class:`LabError`.
    """
    proc = subprocess.run(
        [str(pathlib.Path(host) / "bin" / argv[0])] + [str(arg) for arg in argv[1:]],
        env=host_environ(host), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60, check=False,
    )
    if proc.returncode != 0:
        raise LabError("{} exited {}:\n{}{}".format(
            " ".join(argv), proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def wait_until(check, timeout=30, what="condition"):
    """Poll ``check()`` every 0.2 s until it returns something true, and
    return that; AssertionError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for {}".format(what))
        time.sleep(0.2)


def build_group(host):
    """ipmp0 by hand: bge0 and bge1 active with data addresses, bge2 standby (link-based)."""
    host_command(host, "ifconfig", "bge0", "plumb")
    host_command(host, "ifconfig", "bge0", "192.168.10.10", "netmask", "+", "broadcast", "+",
                 "group", "ipmp0", "up")
    host_command(host, "ifconfig", "bge1", "plumb")
    host_command(host, "ifconfig", "bge1", "192.168.10.11", "netmask", "+", "broadcast", "+",
                 "group", "ipmp0", "up")
    host_command(host, "ifconfig", "bge2", "plumb")
    host_command(host, "ifconfig", "bge2", "group", "ipmp0", "standby", "up")


# -- configuration -------------------------------------------------------------


def link_checkout(directory):
    """Make ``directory`` hold links to the checkout's ``_modules/``, ``_states/`` ...; return it.

    The fileserver serves this directory instead of the checkout itself, which
    would make it walk the checkout's virtualenvs on every listing (2-4 s each).
    """
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in SYNCED_DIRS:
        link = directory / name
        if (REPO / name).is_dir() and not os.path.lexists(str(link)):
            link.symlink_to(REPO / name, target_is_directory=True)
    return directory


def file_roots(workdir, state_roots=()):
    """``[*state_roots, <checkout>/salt, <links to the checkout>]``, the links in ``workdir``."""
    links = link_checkout(pathlib.Path(workdir) / "checkout-root")
    return [str(path) for path in state_roots] + [str(REPO / "salt"), str(links)]


def host_config(host):
    """The options that point a minion's modules at the lab host directory ``host``."""
    host = pathlib.Path(host)
    return {
        "ipmp.root": str(host),
        # Salt's own hosts.* functions write here, never to the machine's /etc/hosts.
        "hosts.file": str(host / "etc" / "inet" / "hosts"),
    }


def minion_config(host, release=lab.DEFAULT_RELEASE, engines=None):
    """The part of a minion config that makes it a lab host of ``release``.

    Static grains from ``lab.GRAINS[release]`` (they win over the core grains
    of the machine that runs the minion) and :func:`host_config`.  With
    ``engines`` (the ``engines`` option) they and the utils they need load
    from the checkout: engines load only when the minion starts, before any
    sync could ship them.  Start the minion with :func:`host_environ`.
    """
    config = {"grains": lab.grains(release)}
    config.update(host_config(host))
    if engines:
        config["engines"] = list(engines)
        config["engines_dirs"] = [str(REPO / "_engines")]
        config["utils_dirs"] = [str(REPO / "_utils")]
    return config


def master_config(workdir, alert_log=None, reactor=(ALERT_REACTOR,), alert_window=None,
                  state_roots=(), pillar_roots=()):
    """The part of a master config that makes it a master of lab minions.

    ``file_roots`` base is ``[*state_roots, <checkout>/salt, <links>]`` (the
    links made in ``workdir``, see :func:`link_checkout`), so the formula, the
    reactor sls and the custom modules are served from the checkout; the
    master gets its runners and utils with ``salt-run saltutil.sync_all``.
    ``reactor`` maps the ipmp beacon/engine events to the alert runner, which
    writes ``alert_log`` (default ``workdir/alerts.jsonl``); ``alert_window``
    sets ``ipmp.alert_window`` if given.  ``pillar_roots`` is set only if given.
    """
    workdir = pathlib.Path(workdir)
    config = {
        "file_roots": {"base": file_roots(workdir, state_roots)},
        "file_ignore_regex": list(FILE_IGNORE_REGEX),
        "reactor": [dict(entry) for entry in reactor],
        "ipmp.alert_log": str(alert_log or workdir / "alerts.jsonl"),
    }
    if alert_window is not None:
        config["ipmp.alert_window"] = alert_window
    if pillar_roots:
        config["pillar_roots"] = {"base": [str(path) for path in pillar_roots]}
    return config


def masterless_config(workdir, host, minion_id, state_roots=(), pillar_roots=(),
                      release=lab.DEFAULT_RELEASE):
    """A ``salt-call --local`` minion config for lab host ``host``; Salt's files under ``workdir``.

    Run ``salt-call -c CONF --local`` with :func:`host_environ`.
    """
    workdir = pathlib.Path(workdir)
    (workdir / "root").mkdir(parents=True, exist_ok=True)
    config = {
        "id": minion_id,
        "file_client": "local",
        "root_dir": str(workdir / "root"),
        "file_roots": {"base": file_roots(workdir, state_roots)},
        "file_ignore_regex": list(FILE_IGNORE_REGEX),
        "pillar_roots": {"base": [str(path) for path in pillar_roots]},
    }
    config.update(minion_config(host, release))
    return config


# -- agentless hosts (salt-ssh) --------------------------------------------------

# The directories on the target after the lab host's bin/, when no Python
# directory is given: where python3 and the tools salt-ssh's shim calls live.
SSH_SYSTEM_PATH = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")


def ssh_roster_entry(host, port, user, priv, thin_dir, release=lab.DEFAULT_RELEASE,
                     python_dir=None, address="127.0.0.1"):
    """A salt-ssh roster entry: the sshd at ``address:port`` fronts lab host ``host``.

    - ``minion_opts``: :func:`minion_config` (static grains of ``release``,
      ``ipmp.root``, ``hosts.file``); salt-ssh writes it as the minion config
      of the Salt it runs on the target;
    - ``set_path``: the PATH salt-ssh's shim exports on the target before it
      looks for ``python3``: the host's ``bin/`` first (as :func:`host_environ`),
      then ``python_dir`` if given, then :data:`SSH_SYSTEM_PATH`;
    - ``thin_dir``: where salt-ssh unpacks Salt on the target (give each
      target its own: two deployments into one directory race).
    """
    path = [str(pathlib.Path(host) / "bin")]
    if python_dir:
        path.append(str(python_dir))
    path.extend(SSH_SYSTEM_PATH)
    return {
        "host": address,
        "port": int(port),
        "user": user,
        "priv": str(priv),
        "thin_dir": str(thin_dir),
        "set_path": os.pathsep.join(path),
        "minion_opts": minion_config(host, release),
    }


def ssh_master_config(workdir, roster_file, known_hosts_file, state_roots=(), pillar_roots=()):
    """A master config for ``salt-ssh -c <dir>``; every file it writes is under ``workdir``.

    ``file_roots`` base is ``[*state_roots, <checkout>/salt, <links>]``, the
    links in ``workdir/ssh-checkout-root`` covering :data:`SYNCED_DIRS` and
    ``_grains/``: salt-ssh packs the ``_modules/``, ``_states/`` and
    ``_grains/`` it finds there (Salt 3008: and ``_utils/``; Salt 3006 does
    not) into the tarball it ships to each target.  ``pillar_roots`` is set
    only if given.
    """
    workdir = pathlib.Path(workdir)
    links = link_checkout(workdir / "ssh-checkout-root")
    if not os.path.lexists(str(links / "_grains")):
        (links / "_grains").symlink_to(REPO / "_grains", target_is_directory=True)
    salt_dir = workdir / "salt-ssh"
    config = {
        "user": getpass.getuser(),
        "root_dir": str(salt_dir),
        "pki_dir": str(salt_dir / "pki"),
        "cachedir": str(salt_dir / "cache"),
        "sock_dir": str(salt_dir / "sock"),
        "log_file": str(salt_dir / "master.log"),
        "ssh_log_file": str(salt_dir / "ssh.log"),
        "log_level_logfile": "info",
        "roster_file": str(roster_file),
        "known_hosts_file": str(known_hosts_file),
        "file_roots": {"base": [str(path) for path in state_roots]
                       + [str(REPO / "salt"), str(links)]},
        "file_ignore_regex": list(FILE_IGNORE_REGEX),
    }
    if pillar_roots:
        config["pillar_roots"] = {"base": [str(path) for path in pillar_roots]}
    return config


def write_config(path, config):
    """Write ``config`` as YAML to ``path`` (parents made); return ``path``."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        yaml.safe_dump(config, handle, default_flow_style=False)
    return path


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the fleet -----------------------------------------------------------------


class Fleet:
    """A salt-master and lab minions on 127.0.0.1, everything under ``self.root``.

    ``minions`` is a list of minion ids, or a dict of id -> extra minion
    config (an ``engines`` entry goes through :func:`minion_config`);
    ``release`` is one lab release for every minion or a dict of minion id ->
    release (a mixed fleet);
    ``pillar_files`` and ``state_files`` ({relative path: text}) are written to
    the master's pillar root and first file root; ``master`` is extra master
    config.  :meth:`configure_master` and :meth:`configure_minion` add more
    before :meth:`start`.  Each daemon's console output is in
    ``<root>/<name>.out``, its log in its own directory.

        fleet = Fleet(["sol1"], pillar_files={...})
        try:
            fleet.create_hosts(); fleet.start(); fleet.wait_for_minions()
            rc, out = fleet.salt("sol1", "ipmp.status")
        finally:
            fleet.stop()

    :meth:`stop` ends every process it started, whatever state they are in,
    and removes ``root`` unless ``keep``.
    """

    def __init__(self, minions, nics=DEFAULT_NICS, pillar_files=None, state_files=None,
                 master=None, master_id="lab-master", prefix="salt-ipmp-fleet-", keep=False,
                 release=lab.DEFAULT_RELEASE):
        self.root = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
        extra = minions if isinstance(minions, dict) else {m: {} for m in minions}
        self.minions = list(extra)
        self.minion_extra = {m: dict(config or {}) for m, config in extra.items()}
        self.nics = tuple(nics)
        self.pillar_files = dict(pillar_files or {})
        self.state_files = dict(state_files or {})
        self.master_extra = dict(master or {})
        self.master_id = master_id
        self.keep = keep
        self.release = release
        self.procs = {}
        self.user = getpass.getuser()
        self.publish_port = _free_port()
        self.ret_port = _free_port()
        self.alert_log = self.root / "alerts.jsonl"
        self.master_dir = self.root / "master"

    # -- paths -------------------------------------------------------------
    def host(self, minion):
        return self.root / "hosts" / minion

    def messages(self, minion):
        return self.host(minion) / "var" / "adm" / "messages"

    def minion_dir(self, minion):
        return self.root / "minions" / minion

    # -- set-up ------------------------------------------------------------
    def configure_master(self, config):
        """Merge ``config`` (top level) into the master config :meth:`start` writes."""
        self.master_extra.update(config)

    def configure_minion(self, minion, config):
        """Merge ``config`` (top level) into ``minion``'s config; a new id adds a minion."""
        if minion not in self.minion_extra:
            self.minions.append(minion)
            self.minion_extra[minion] = {}
        self.minion_extra[minion].update(config)

    def release_of(self, minion):
        """The lab release of ``minion`` (``release`` may be one for all, or
        a dict of minion id -> release)."""
        if isinstance(self.release, dict):
            return self.release.get(minion, lab.DEFAULT_RELEASE)
        return self.release

    def create_hosts(self):
        for minion in self.minions:
            create_host(self.host(minion), minion, self.nics, self.release_of(minion))

    def lab(self, *args):
        """``python -m lab ARGS`` (pass ``fleet.host(minion)`` where a host is wanted)."""
        return run_lab(*args)

    def _daemon(self, role, daemon_id, directory):
        """Where a daemon keeps its keys, cache, sockets, pid and log: all in ``directory``."""
        return {
            "id": daemon_id,
            "user": self.user,
            "root_dir": str(directory),
            "pki_dir": str(directory / "pki"),
            "cachedir": str(directory / "cache"),
            "sock_dir": str(directory / "sock"),
            "pidfile": str(directory / "{}.pid".format(role)),
            "log_file": str(directory / "{}.log".format(role)),
            "log_level_logfile": "info",
        }

    def master_config(self):
        pillar_root, state_root = self.root / "pillar", self.root / "states"
        for root, files in ((pillar_root, self.pillar_files), (state_root, self.state_files)):
            root.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(text)
        config = self._daemon("master", self.master_id, self.master_dir)
        config.update({
            "interface": "127.0.0.1",
            "publish_port": self.publish_port,
            "ret_port": self.ret_port,
            "auto_accept": True,
            "enable_ssh_minions": False,
        })
        config.update(master_config(self.root, alert_log=self.alert_log, alert_window=1,
                                    state_roots=[state_root], pillar_roots=[pillar_root]))
        config.update(self.master_extra)
        return config

    def minion_config(self, minion):
        extra = dict(self.minion_extra[minion])
        config = self._daemon("minion", minion, self.minion_dir(minion))
        config.update({
            "master": "127.0.0.1",
            "master_port": self.ret_port,
            "publish_port": self.publish_port,
            "loop_interval": 1,
            "acceptance_wait_time": 1,
            "random_reauth_delay": 0,
            "tcp_keepalive": True,
        })
        config.update(minion_config(self.host(minion), self.release_of(minion),
                                    extra.pop("engines", None)))
        config.update(extra)
        return config

    def _environ(self):
        return dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))

    def _spawn(self, name, argv, env):
        with open(str(self.root / "{}.out".format(name)), "w") as out:
            self.procs[name] = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        return self.procs[name]

    def start(self):
        """Write the configs and start the master and every minion (do not wait for them)."""
        conf = write_config(self.master_dir / "conf" / "master", self.master_config()).parent
        self._spawn("master", [str(BIN / "salt-master"), "-c", str(conf), "-l", "warning"],
                    self._environ())
        for minion in self.minions:
            self.start_minion(minion)

    def start_minion(self, minion):
        conf = write_config(self.minion_dir(minion) / "conf" / "minion",
                            self.minion_config(minion)).parent
        _drop_zombie_claim(self.minion_dir(minion) / "process_responsibility_minion.pid")
        self._spawn(minion, [str(BIN / "salt-minion"), "-c", str(conf), "-l", "warning"],
                    host_environ(self.host(minion), self._environ()))

    def stop_minion(self, minion):
        """End ``minion``'s processes (``start_minion`` starts it again)."""
        proc = self.procs.pop(minion, None)
        if proc is not None:
            _end([proc], grace=30)

    def restart_minion(self, minion):
        self.stop_minion(minion)
        self.start_minion(minion)

    def up(self, restart=None, timeout=120):
        """Create the hosts, start everything, sync the custom modules to the
        master and every minion, then restart ``restart`` (default: every
        minion; engines and custom beacons load when a minion starts) and
        wait for them again. RuntimeError when a step fails."""
        self.create_hosts()
        self.start()
        self.wait_for_minions(timeout=timeout)
        rc, out = self.salt_run("saltutil.sync_all")
        if rc != 0:
            raise RuntimeError("salt-run saltutil.sync_all failed:\n" + out)
        ret = self.salt_json("*", "saltutil.sync_all")
        if set(ret) != set(self.minions):
            raise RuntimeError("saltutil.sync_all on the minions failed: {}".format(ret))
        for minion in self.minions if restart is None else restart:
            self.restart_minion(minion)
        self.wait_for_minions(timeout=timeout)

    # -- talking to the fleet ---------------------------------------------
    def salt(self, *args, timeout=120, wait=60):
        """``salt ARGS --timeout WAIT`` against this master; return (rc, stdout).

        Salt's own shutdown chatter on stderr is added only when the call failed.
        """
        rc, out, err = self._cli("salt", list(args) + ["--timeout", str(wait)], timeout)
        return rc, out + (err if rc else "")

    def salt_json(self, *args, timeout=120, wait=60):
        """``salt --out json --static ARGS``: the parsed answer, {} when there is none."""
        rc, out, err = self._cli(
            "salt", ["--out", "json", "--static"] + list(args) + ["--timeout", str(wait)], timeout)
        try:
            return json.loads(out or "{}")
        except ValueError:
            return {}

    def salt_run(self, *args, timeout=120):
        """``salt-run ARGS``; return (rc, stdout, plus stderr when it failed)."""
        rc, out, err = self._cli("salt-run", list(args), timeout)
        return rc, out + (err if rc else "")

    def _cli(self, tool, args, timeout):
        argv = [str(BIN / tool), "-c", str(self.master_dir / "conf")] + [str(a) for a in args]
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr

    def wait_for_minions(self, minions=None, timeout=90):
        """Wait until every minion's key is accepted and it answers a ping."""
        minions = list(self.minions if minions is None else minions)
        deadline = time.time() + timeout
        keys = self.master_dir / "pki" / "minions"
        while not all((keys / m).exists() for m in minions):
            if time.time() > deadline:
                raise RuntimeError("minion keys did not reach the master within {}s; see {}".format(
                    timeout, self.root))
            time.sleep(0.2)
        answered = {}
        while time.time() < deadline:
            try:
                answered = self.salt_json("-L", ",".join(minions), "test.ping", timeout=60, wait=5)
            except subprocess.TimeoutExpired:
                answered = {}
            if all(answered.get(m) is True for m in minions):
                return
            time.sleep(1)
        silent = [m for m in minions if answered.get(m) is not True]
        raise RuntimeError("minions {} did not answer within {}s; see {}{}".format(
            ", ".join(silent), timeout, self.root,
            "".join(self._log_tail(m) for m in silent)))

    def _log_tail(self, minion, lines=8):
        """The end of ``minion``'s log, to say why it did not answer."""
        try:
            with open(str(self.minion_dir(minion) / "minion.log"), errors="replace") as fh:
                tail = fh.readlines()[-lines:]
        except OSError as exc:
            return "\n{}: no log ({})".format(minion, exc)
        return "\n{} log:\n{}".format(minion, "".join(line[:300] for line in tail))

    def alerts(self):
        """The alerts the master's runner wrote so far (dicts, oldest first)."""
        if not self.alert_log.exists():
            return []
        with self.alert_log.open() as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def wait_for_alert(self, predicate, since=0, timeout=30):
        """The first alert from index ``since`` that satisfies ``predicate``, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for alert in self.alerts()[since:]:
                if predicate(alert):
                    return alert
            time.sleep(0.1)
        return None

    # -- tear-down -----------------------------------------------------------
    def stop(self):
        # The fleet is thrown away: Salt's daemons get a few seconds to exit
        # on SIGTERM (their process managers wait on every child), then KILL.
        _end(list(self.procs.values()), grace=3)
        self.procs.clear()
        # The lab's in.mpathd timers are detached processes of their own.
        for pid in processes_mentioning(str(self.root)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not self.keep:
            shutil.rmtree(str(self.root), ignore_errors=True)


def _end(procs, grace):
    """End ``procs`` (each a session leader) and their process groups.

    SIGTERM goes to the leader only, as Salt's service units send it
    (``KillMode=process``): salt-minion's supervisor passes it on to the
    minion once.  Sent to the whole group, the minion gets it twice, and
    the second signal can land in its shutdown before it takes the lock
    its parent-watch thread waits for: the minion then never exits.

    After ``grace`` seconds the rest of the group is killed before the
    leader, so that the supervisor reaps its minion: a killed minion left
    unreaped (this machine's init reaps late) still holds the
    ``process_responsibility`` file, and the next salt-minion exits with
    "An instance is already running".
    """
    for proc in procs:
        if proc.poll() is None:
            try:
                os.kill(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + grace
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            _kill_members({proc.pid}, leaders={proc.pid})
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            _kill_members({proc.pid}, leaders=())
            proc.wait()
    # Daemon children may outlive their parent for a moment; a process
    # group is done only when nothing is left in it.
    groups = {proc.pid for proc in procs}
    deadline = time.time() + 10
    while _members(groups) and time.time() < deadline:
        _kill_members(groups, leaders=(),
                      signum=signal.SIGKILL if time.time() > deadline - 5 else signal.SIGTERM)
        time.sleep(0.2)


def _kill_members(groups, leaders, signum=signal.SIGKILL):
    """Send ``signum`` to every live process of ``groups`` but ``leaders``."""
    for pid in _members(groups):
        if pid in leaders:
            continue
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def _drop_zombie_claim(path):
    """Remove Salt's ``process_responsibility`` file when the process it
    names has ended but is not reaped yet: Salt takes a zombie for a running
    minion and would refuse to start."""
    try:
        with open(str(path)) as fh:
            pid = int(json.load(fh)["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if _proc_state(pid) in ("Z", "X"):
        os.unlink(str(path))


def _proc_state(pid):
    """The state letter of process ``pid`` (``R``, ``S``, ``Z`` ...), None when it is gone."""
    try:
        with open("/proc/{}/stat".format(pid)) as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _pids():
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def processes_mentioning(text):
    """PIDs of other processes whose command line mentions ``text``."""
    found = []
    for pid in _pids():
        if pid == os.getpid():
            continue
        try:
            with open("/proc/{}/cmdline".format(pid), "rb") as fh:
                if text.encode() in fh.read():
                    found.append(pid)
        except OSError:
            continue
    return found


def _members(groups):
    """PIDs of live processes in any of the process groups ``groups``.

    A zombie (ended, not yet reaped by its new parent) is not live: waiting
    for it to leave would cost the whole deadline for nothing."""
    found = []
    for pid in _pids():
        try:
            if os.getpgid(pid) not in groups:
                continue
        except OSError:
            continue
        if _proc_state(pid) not in (None, "Z", "X"):
            found.append(pid)
    return found
