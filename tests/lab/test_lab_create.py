"""python -m lab create: the host directory, its Solaris files and its commands."""
import json
import os
import stat
import subprocess
import sys

import pytest

pytestmark = pytest.mark.salt_independent

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def lab(*args):
    return subprocess.run([sys.executable, "-m", "lab"] + [str(a) for a in args], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def test_layout(tmp_path):
    root = tmp_path / "sol9"
    proc = lab("create", root, "--hostname", "sol9", "--nics", "bge0,bge1")
    assert proc.returncode == 0, proc.stderr
    assert os.readlink(str(root / "etc" / "hosts")) == "./inet/hosts"
    assert os.readlink(str(root / "etc" / "netmasks")) == "./inet/netmasks"
    hosts = (root / "etc" / "hosts").read_text()
    assert hosts.endswith("# Internet host table\n#\n::1\t\tlocalhost\n127.0.0.1\tlocalhost\n")
    netmasks = (root / "etc" / "netmasks").read_text()
    assert netmasks.endswith("#\n# \t\t128.32.0.0 255.255.255.0\n#\n")
    assert not [line for line in netmasks.splitlines() if line and not line.startswith("#")]
    mpathd = (root / "etc" / "default" / "mpathd").read_text()
    assert '# ident\t"@(#)mpathd.dfl\t1.4\t05/06/10 SMI"\n' in mpathd
    assert [line for line in mpathd.splitlines() if not line.startswith("#")] == [
        "FAILURE_DETECTION_TIME=10000", "FAILBACK=yes", "TRACK_INTERFACES_ONLY_WITH_GROUPS=yes"]
    assert "# by default only interfaces configured as part of multipathing groups \n".lower() \
        in mpathd.lower()
    assert (root / "var" / "adm" / "messages").read_text() == ""
    for tool in ("dladm", "ifconfig", "if_mpadm", "pkill"):
        path = root / "bin" / tool
        assert os.stat(str(path)).st_mode & stat.S_IXUSR
        assert path.read_text().startswith("#!%s" % sys.executable)
    state = json.loads(lab("show", root).stdout)
    assert state["hostname"] == "sol9"
    assert sorted(state["phyints"]) == ["lo0"]
    assert {n: (v["link"], v["mac"][:9]) for n, v in state["nics"].items()} == {
        "bge0": ("up", "00:14:4f:"), "bge1": ("up", "00:14:4f:")}


def test_refuses_to_overwrite(tmp_path):
    root = tmp_path / "sol9"
    assert lab("create", root).returncode == 0
    (root / "var" / "adm" / "messages").write_text("old\n")
    proc = lab("create", root)
    assert proc.returncode == 1 and "exists" in proc.stderr
    assert lab("create", root, "--force").returncode == 0
    assert (root / "var" / "adm" / "messages").read_text() == ""
    other = tmp_path / "notalab"
    other.mkdir()
    (other / "precious").write_text("x")
    proc = lab("create", other, "--force")
    assert proc.returncode == 1 and (other / "precious").exists()


def test_macs_are_deterministic_and_distinct(tmp_path):
    macs = []
    for name in ("a", "b"):
        lab("create", tmp_path / name, "--hostname", "same", "--nics", "bge0,bge1,e1000g0")
        state = json.loads(lab("show", tmp_path / name).stdout)
        macs.append([nic["mac"] for nic in state["nics"].values()])
    assert macs[0] == macs[1] and len(set(macs[0])) == 3


def test_vlan_needs_its_device(tmp_path):
    proc = lab("create", tmp_path / "x", "--nics", "e1000g876000")
    assert proc.returncode == 1 and "e1000g0" in proc.stderr


def test_control_commands_reject_unknown_nics(tmp_path):
    lab("create", tmp_path / "h")
    proc = lab("link", tmp_path / "h", "bge7", "down")
    assert proc.returncode == 2 and "bge7" in proc.stderr
    proc = lab("show", tmp_path / "nothere")
    assert proc.returncode == 2 and "not a lab host" in proc.stderr
