"""Agentless hosts: ``salt-ssh`` against lab Solaris hosts behind a real sshd.

The module starts its own OpenSSH server (``/usr/sbin/sshd`` from Debian's
``openssh-server``, which ``make test`` installs) on a free port of
127.0.0.1, with a host key and a client key generated for the run.  Every
salt-ssh target is that sshd, logged into as the user running the tests; its
roster entry (``lab.fleet.ssh_roster_entry``) makes it a lab host:
``set_path`` puts the host's ``bin/`` first on the PATH of the command
salt-ssh runs there, and ``minion_opts`` sets ``ipmp.root`` and the lab's
static grains in the minion config of the Salt it unpacks there.  No
salt-minion runs.  The master config (``lab.fleet.ssh_master_config``) serves
the formula and the custom modules from the checkout and the pillar from
``pillar.example``.

- ``ipmp.status`` on a Solaris 10 and a Solaris 11 host, on both Salt
  versions: Salt 3006's salt-ssh does not ship ``_utils/``, so there the
  test first sees the modules fail to load and then copies the utils the way
  docs/fleet.md says;
- the formula as shipped (``state.apply ipmp``: test=True, apply, apply
  again) on a Solaris 10 and a Solaris 11 host, from the master's pillar,
  Salt 3008 only (over a minute).

A missing sshd, ssh, scp or ssh-keygen fails the module: it is never skipped.
"""

import concurrent.futures
import getpass
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import salt.version
import yaml

from lab import fleet as rig

REPO = pathlib.Path(__file__).resolve().parents[2]
SSHD = pathlib.Path("/usr/sbin/sshd")
SALT_SSH = rig.BIN / "salt-ssh"
SALT_MAJOR = salt.version.__saltstack_version__.major
# Salt 3006's salt-ssh packs _modules/, _states/, _grains/ (not _utils/) into
# the tarball of extension modules it ships; 3008's packs _utils/ too.
SHIPS_UTILS = SALT_MAJOR >= 3008
# salt-ssh retries a failed deployment of Salt on the target without end.
SALT_SSH_TIMEOUT = 300

NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1")
STATUS_TARGETS = ("sol10", "sol11")
FORMULA_TARGETS = ("sol10-formula", "sol11-formula")
RELEASE = {"sol10": "solaris10", "sol11": "solaris11",
           "sol10-formula": "solaris10", "sol11-formula": "solaris11"}

only_3008 = pytest.mark.skipif(
    SALT_MAJOR < 3008,
    reason="three formula runs over salt-ssh take over a minute: Salt 3008 run only",
)

pytestmark = pytest.mark.slow

# -- expectations ----------------------------------------------------------------

# lab.fleet.build_group: bge0 and bge1 active with data addresses, bge2 standby.
SOL10_STATUS = {
    "ipmp0": {
        "state": "ok",
        "failure_detection": "link",
        "interfaces": {
            "bge0": {"state": "active"},
            "bge1": {"state": "active"},
            "bge2": {"state": "standby"},
        },
        "addresses": ["192.168.10.10", "192.168.10.11"],
    }
}
# build_sol11_group: the group test_releases.py builds, probe-based.
SOL11_STATUS = {
    "ipmp0": {
        "state": "ok",
        "failure_detection": "probe",
        "interface": "ipmp0",
        "interfaces": {
            "net0": {"state": "active", "test_address": "192.168.1.11"},
            "net1": {"state": "active", "test_address": "192.168.1.12"},
            "net2": {"state": "standby"},
        },
        "addresses": ["192.168.1.50"],
    }
}
# pillar.example on Solaris 10 (test_formula_highstate.py checks the same).
SOL10_FILES = {
    "etc/hostname.bge0": "myhost netmask + broadcast + group ipmp0 up\n",
    "etc/hostname.bge2": "group ipmp0 standby up\n",
    "etc/hostname.e1000g0": (
        "web-e1000g0 netmask + broadcast + group ipmp1 deprecated -failover up "
        "addif web netmask + broadcast + failover up\n"
    ),
    "etc/hostname.e1000g1": (
        "web-e1000g1 netmask + broadcast + group ipmp1 deprecated -failover standby up\n"
    ),
    "etc/hostname6.e1000g0": "-failover group ipmp1 up addif 2001:db8:20::10/64 up\n",
    "etc/hostname6.e1000g1": "-failover group ipmp1 standby up\n",
}
PREDICTED_IDS = {
    "ipmp-host-myhost", "ipmp-host-web", "ipmp-host-web-e1000g0", "ipmp-host-web-e1000g1",
    "ipmp-netmask-192.168.10.0", "ipmp-netmask-192.168.20.0",
    "ipmp-group-ipmp0", "ipmp-group-ipmp1",
}
SOL10_PREDICTED_IDS = PREDICTED_IDS | {
    "ipmp-hostname-bge0", "ipmp-hostname-bge2", "ipmp-hostname-e1000g0",
    "ipmp-hostname-e1000g1", "ipmp-hostname6-e1000g0", "ipmp-hostname6-e1000g1",
}
READ_SUBCOMMANDS = {"show-if", "show-addr", "show-ifprop", "show-link", "show-phys",
                    "show-dev", "show-linkprop"}


def is_read(argv):
    """A lab command that changes nothing: ``ifconfig -a``, ``ipmpstat``, ``show-*``."""
    if argv[0] == "ifconfig":
        return argv[1:] == ["-a"]
    if argv[0] == "ipmpstat":
        return True
    if argv[0] in ("dladm", "ipadm"):
        return len(argv) > 1 and argv[1] in READ_SUBCOMMANDS
    return False


def parsable(argv):
    """``ipmpstat`` asked for parsable output (``-P``, alone or in ``-gP``)."""
    return any(arg.startswith("-") and not arg.startswith("--") and "P" in arg
               for arg in argv[1:])


def mutating(commands):
    return [argv for argv in commands if not is_read(argv)]


# -- the sshd ------------------------------------------------------------------------


def require_openssh():
    """Fail (never skip) unless the OpenSSH server and client tools are here."""
    missing = [] if os.access(str(SSHD), os.X_OK) else [str(SSHD)]
    missing += [tool for tool in ("ssh", "scp", "ssh-keygen") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            "the salt-ssh tests need OpenSSH, and {} is missing: install Debian's "
            "openssh-server (apt-get install -y openssh-server; `make test` does it when "
            "run as root)".format(", ".join(missing)),
            pytrace=False,
        )


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keygen(path):
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "salt-ipmp-test", "-f", str(path)],
        check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60,
    )
    return pathlib.Path(path)


class Sshd:
    """``sshd -D -f <config> -e`` on 127.0.0.1, keys and config in ``directory``.

    ``client_key``: the private key its only authorized key belongs to;
    ``known_hosts``: a known_hosts file with its host key; ``user``: who logs in.
    """

    def __init__(self, directory):
        self.dir = pathlib.Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.user = getpass.getuser()
        self.host_key = keygen(self.dir / "ssh_host_ed25519_key")
        self.client_key = keygen(self.dir / "client_key")
        self.config = self.dir / "sshd_config"
        self.log = self.dir / "sshd.log"
        self.known_hosts = self.dir / "known_hosts"
        self.port = None
        self.proc = None

    def write_config(self):
        self.config.write_text(
            "ListenAddress 127.0.0.1\n"
            "Port {port}\n"
            "HostKey {dir}/ssh_host_ed25519_key\n"
            "PidFile {dir}/sshd.pid\n"
            "AuthorizedKeysFile {dir}/client_key.pub\n"
            "StrictModes no\n"
            "UsePAM no\n"
            "PermitRootLogin prohibit-password\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            # salt-ssh copies Salt over with scp, which speaks SFTP (OpenSSH 9).
            "Subsystem sftp internal-sftp\n".format(port=self.port, dir=self.dir),
            encoding="utf-8",
        )
        key_type, key = self.dir.joinpath("ssh_host_ed25519_key.pub").read_text().split()[:2]
        self.known_hosts.write_text("[127.0.0.1]:{} {} {}\n".format(self.port, key_type, key))

    def start(self, attempts=5, timeout=30):
        if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
            # sshd's privilege separation directory: Debian's service creates
            # it when it starts, a container that never started it has none.
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        for _ in range(attempts):
            self.port = free_port()
            self.write_config()
            with self.log.open("w") as log:
                self.proc = subprocess.Popen(
                    [str(SSHD), "-D", "-f", str(self.config), "-e"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            listening = "Server listening on 127.0.0.1 port {}".format(self.port)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if listening in self.log_text():
                    return self
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
            self.stop()
            if "Address already in use" not in self.log_text():
                break
        raise AssertionError("sshd did not start:\n{}".format(self.log_text()))

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self):
        """End this sshd and its per-connection children (its own session)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    require_openssh()
    server = Sshd(tmp_path_factory.mktemp("sshd"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- salt-ssh --------------------------------------------------------------------------


class Ret:
    def __init__(self, argv, rc, stdout, stderr):
        self.argv, self.rc, self.stdout, self.stderr = argv, rc, stdout, stderr
        try:
            self.data = json.loads(stdout) if stdout.strip() else None
        except ValueError:
            self.data = None

    def __repr__(self):
        return "{} exited {}\nstdout:\n{}\nstderr (end):\n{}".format(
            " ".join(self.argv), self.rc, self.stdout[-6000:], self.stderr[-3000:])


class SaltSsh:
    """``salt-ssh -c <conf_dir> --out json --static``; the sshd's log is in failures."""

    def __init__(self, conf_dir, sshd):
        self.conf_dir = pathlib.Path(conf_dir)
        self.sshd = sshd

    def run(self, targets, *args, timeout=SALT_SSH_TIMEOUT):
        targets = [targets] if isinstance(targets, str) else list(targets)
        argv = [str(SALT_SSH), "-c", str(self.conf_dir), "--out", "json", "--static"]
        argv += ["-L", ",".join(targets)] if len(targets) > 1 else targets
        argv += [str(arg) for arg in args]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, universal_newlines=True,
                                start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
            raise AssertionError("{} did not finish in {}s:\n{}\nsshd log (end):\n{}".format(
                " ".join(argv), timeout, stderr[-3000:], self.sshd.log_text()[-3000:]))
        return Ret(argv, proc.returncode, stdout, stderr)


class Agentless:
    """The lab hosts, the roster and the master configs of the module."""

    def __init__(self, workdir, sshd, hosts):
        self.workdir = pathlib.Path(workdir)
        self.sshd = sshd
        self.hosts = hosts
        self.roster = self.workdir / "roster"
        # The target's python3: the interpreter under this virtualenv, so the
        # Salt it runs is the one salt-ssh ships, never this one's site-packages.
        self.python_dir = self.workdir / "target-python"
        self.python_dir.mkdir()
        (self.python_dir / "python3").symlink_to(os.path.realpath(sys.executable))
        roster = {
            target: rig.ssh_roster_entry(
                host.root, sshd.port, sshd.user, sshd.client_key,
                thin_dir=self.workdir / "thin" / target, release=RELEASE[target],
                python_dir=self.python_dir)
            for target, host in hosts.items()
        }
        rig.write_config(self.roster, roster)
        pillar = self.workdir / "pillar"
        pillar.mkdir()
        # pillar.example as it is, its top for 5.11 as well as 5.10.
        top = yaml.safe_load((REPO / "pillar.example" / "top.sls").read_text())
        top["base"]["G@kernel:SunOS and G@kernelrelease:5.11"] = [{"match": "compound"}, "ipmp"]
        rig.write_config(pillar / "top.sls", top)
        shutil.copy(str(REPO / "pillar.example" / "ipmp.sls"), str(pillar / "ipmp.sls"))
        self.salt_ssh = self._master("master", [], pillar)

    def _master(self, name, state_roots, pillar):
        config = rig.ssh_master_config(self.workdir / name, self.roster, self.sshd.known_hosts,
                                       state_roots=state_roots, pillar_roots=[pillar])
        conf = rig.write_config(self.workdir / name / "conf" / "master", config).parent
        return SaltSsh(conf, self.sshd)

    def thin_dir(self, target):
        return self.workdir / "thin" / target


def build_sol11_group(host):
    """ipmp0 over net0..net2, 192.168.1.50 on ipmp0, test addresses on net0
    and net1, net2 standby (test_releases.py's Solaris 11 group)."""
    def ipadm(*argv):
        rig.host_command(host.root, "ipadm", *argv)

    ipadm("create-ipmp", "ipmp0")
    for nic in ("net0", "net1", "net2"):
        ipadm("create-ip", nic)
    ipadm("add-ipmp", "-i", "net0", "-i", "net1", "-i", "net2", "ipmp0")
    ipadm("create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    ipadm("create-addr", "-T", "static", "-a", "192.168.1.11/24", "net0/test")
    ipadm("create-addr", "-T", "static", "-a", "192.168.1.12/24", "net1/test")
    ipadm("set-ifprop", "-p", "standby=on", "-m", "ip", "net2")


@pytest.fixture(scope="module")
def agentless(tmp_path_factory, lab_host_factory, sshd):
    hosts = {
        "sol10": lab_host_factory("sol10"),
        "sol11": lab_host_factory("sol11", os="solaris11"),
        "sol10-formula": lab_host_factory("sol10-formula", nics=NICS),
        "sol11-formula": lab_host_factory("sol11-formula", nics=NICS, os="solaris11"),
    }
    rig.build_group(hosts["sol10"].root)
    build_sol11_group(hosts["sol11"])
    return Agentless(tmp_path_factory.mktemp("agentless"), sshd, hosts)


def ship_utils_3006(agentless, target):
    """Salt 3006: copy _utils/ into the extension modules of the Salt
    salt-ssh unpacked on the target (docs/fleet.md, "Salt 3006")."""
    utils = agentless.thin_dir(target) / "running_data/var/cache/salt/minion/extmods/utils"
    ret = agentless.salt_ssh.run(target, "state.single", "file.recurse", "name={}".format(utils),
                                 "source=salt://_utils", "include_pat=*.py")
    assert ret.rc == 0, ret
    (state,) = ret.data[target].values()
    assert state["result"] is True, ret


# -- the tests ---------------------------------------------------------------------------


def test_status_over_ssh_reads_the_lab_hosts(agentless):
    marks = {target: len(agentless.hosts[target].commands()) for target in STATUS_TARGETS}
    if not SHIPS_UTILS:
        ret = agentless.salt_ssh.run(STATUS_TARGETS, "ipmp.status")
        assert ret.rc != 0, ret
        for target in STATUS_TARGETS:
            assert "ipmp_platform.virtual" in json.dumps(ret.data[target]), ret
        with concurrent.futures.ThreadPoolExecutor(len(STATUS_TARGETS)) as pool:
            for done in [pool.submit(ship_utils_3006, agentless, t) for t in STATUS_TARGETS]:
                done.result()
    ret = agentless.salt_ssh.run(STATUS_TARGETS, "ipmp.status")
    assert ret.rc == 0, ret
    assert ret.data == {"sol10": SOL10_STATUS, "sol11": SOL11_STATUS}, ret
    # The lab's own commands answered, found first on the target's PATH.
    ran10 = agentless.hosts["sol10"].commands(since=marks["sol10"])
    assert ["ifconfig", "-a"] in ran10 and mutating(ran10) == [], ran10
    # Solaris 11: parsable ipmpstat only (the ipmp grains' -gP among them).
    ran11 = agentless.hosts["sol11"].commands(since=marks["sol11"])
    assert ran11 and all(argv[0] == "ipmpstat" and parsable(argv) for argv in ran11), ran11


def by_id(states):
    assert isinstance(states, dict), states
    return {body["__id__"]: body for body in states.values()}


def changes(states):
    return {sid: body["changes"] for sid, body in by_id(states).items() if body["changes"]}


def results(states):
    return {sid: body["result"] for sid, body in by_id(states).items()}


def ipmpstat_groups(host):
    return sorted(rig.host_command(host.root, "ipmpstat", "-gP", "-o",
                                   "group,groupname,interfaces").splitlines())


def ipadm_addrs(host):
    out = rig.host_command(host.root, "ipadm", "show-addr", "-p", "-o",
                           "addrobj,current,persistent,addr")
    return sorted(line for line in out.splitlines() if not line.startswith("lo0/"))


def sol10_interface(ifconfig_a, name):
    """The IPv4 stanza of ``name`` in ``ifconfig -a``, one string."""
    stanzas, current = [], []
    for line in ifconfig_a.splitlines():
        if line and not line[0].isspace():
            current = [line]
            stanzas.append(current)
        elif current:
            current.append(line.strip())
    for stanza in stanzas:
        if stanza[0].startswith(name + ": ") and "IPv4" in stanza[0]:
            return " ".join(stanza)
    return ""


@only_3008
def test_formula_over_ssh_predicts_converges_and_stays(agentless):
    salt_ssh, hosts = agentless.salt_ssh, agentless.hosts
    sol10, sol11 = hosts["sol10-formula"], hosts["sol11-formula"]

    marks = {target: len(hosts[target].commands()) for target in FORMULA_TARGETS}
    ret = salt_ssh.run(FORMULA_TARGETS, "state.apply", "ipmp", "test=True")
    assert ret.rc == 0, ret
    predicted = {target: changes(ret.data[target]) for target in FORMULA_TARGETS}
    for target in FORMULA_TARGETS:
        assert set(results(ret.data[target]).values()) <= {True, None}, ret
        assert mutating(hosts[target].commands(since=marks[target])) == [], target
    assert set(predicted["sol10-formula"]) == SOL10_PREDICTED_IDS
    assert set(predicted["sol11-formula"]) == PREDICTED_IDS
    assert not sol10.path("etc/hostname.bge0").exists()

    ret = salt_ssh.run(FORMULA_TARGETS, "state.apply", "ipmp")
    assert ret.rc == 0, ret
    for target in FORMULA_TARGETS:
        assert set(results(ret.data[target]).values()) == {True}, ret
        assert changes(ret.data[target]) == predicted[target], target
    # Solaris 10: the hostname files under ipmp.root and the live groups.
    for relative, text in SOL10_FILES.items():
        assert sol10.path(relative).read_text() == text, relative
    ifconfig_a = rig.host_command(sol10.root, "ifconfig", "-a")
    bge0 = sol10_interface(ifconfig_a, "bge0")
    assert "inet 192.168.10.10 " in bge0 and "groupname ipmp0" in bge0, ifconfig_a
    bge2 = sol10_interface(ifconfig_a, "bge2")
    assert "STANDBY" in bge2 and "groupname ipmp0" in bge2, ifconfig_a
    e1000g0 = sol10_interface(ifconfig_a, "e1000g0")
    assert "inet 192.168.20.11 " in e1000g0 and "groupname ipmp1" in e1000g0, ifconfig_a
    assert "192.168.10.10\tmyhost" in sol10.path("etc/inet/hosts").read_text()
    # Solaris 11: the same groups as Clearview IPMP, in ipadm's store.
    assert ipmpstat_groups(sol11) == ["ipmp0:ipmp0:bge0 (bge2)", "ipmp1:ipmp1:e1000g0 (e1000g1)"]
    addrs = ipadm_addrs(sol11)
    assert "ipmp0/bge0:U----:U--:192.168.10.10/24" in addrs, addrs
    assert "e1000g0/test:U---d:U--:192.168.20.11/24" in addrs, addrs
    assert not list(sol11.path("etc").glob("hostname.*"))

    marks = {target: len(hosts[target].commands()) for target in FORMULA_TARGETS}
    ret = salt_ssh.run(FORMULA_TARGETS, "state.apply", "ipmp")
    assert ret.rc == 0, ret
    for target in FORMULA_TARGETS:
        assert set(results(ret.data[target]).values()) == {True}, ret
        assert changes(ret.data[target]) == {}, ret
        assert mutating(hosts[target].commands(since=marks[target])) == [], target
