"""ipmp_group.absent on every release: members leave, or the group is
dismantled, without leaving a data address on no working interface; under
test=True the same changes are reported and nothing is run."""

import pathlib
import subprocess
import sys

import pytest
import salt.loader

import lab

REPO = pathlib.Path(__file__).resolve().parents[3]
LINK10 = {"bge0": {"address": "192.168.10.10"}, "bge2": {"standby": True}}
LINK11 = {"net0": {"address": "192.168.10.10"}, "net1": {"standby": True}}


@pytest.fixture
def states(loaders):
    """``states(host, release, test=False)`` -> the state functions, one run."""

    def make(host, release, test=False):
        loaded = loaders(host, grains=dict(lab.GRAINS[release]), test=test,
                         states_dirs=[str(REPO / "_states")])
        return salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )

    return make


def run(host, *argv):
    proc = subprocess.run([str(host.bin / argv[0])] + list(argv[1:]), env=host.environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def lab_cmd(*args):
    subprocess.run([sys.executable, "-m", "lab"] + [str(a) for a in args], cwd=str(REPO),
                   check=True, stdout=subprocess.PIPE)


def changing(commands):
    return [c for c in commands
            if c not in (["ifconfig", "-a"], ["dladm", "show-link", "-p"])
            and not (c[0] == "ipadm" and c[1].startswith("show-"))
            and c[0] != "ipmpstat"]


# ------------------------------------------------------------------ Solaris 10

@pytest.fixture
def s10(lab_host_factory, states):
    host = lab_host_factory("sol1", nics=("bge0", "bge1", "bge2"))
    assert states(host, "solaris10")["ipmp_group.present"]("ipmp0", interfaces=LINK10)["result"]
    host.path("etc/hostname.bge0").write_text("192.168.10.10 netmask + broadcast + group ipmp0 up\n")
    host.path("etc/hostname.bge2").write_text("group ipmp0 standby up\n")
    return host


def test_s10_member_leaves_with_its_file(s10, states):
    predicted = states(s10, "solaris10", test=True)["ipmp_group.absent"]("ipmp0", interfaces=["bge2"])
    assert predicted["result"] is None, predicted
    mark = len(s10.commands())
    ret = states(s10, "solaris10")["ipmp_group.absent"]("ipmp0", interfaces=["bge2"])
    assert ret["result"] is True, ret
    assert ret["changes"] == predicted["changes"]
    assert changing(s10.commands(since=mark)) == [
        ["ifconfig", "bge2", "inet", "group", "", "-standby"]]
    assert s10.path("etc/hostname.bge2").read_text() == "up\n"
    assert "groupname" not in run(s10, "ifconfig", "bge2")
    assert "groupname ipmp0" in run(s10, "ifconfig", "bge0")


def test_s10_last_working_member_may_not_leave(s10, states):
    lab_cmd("link", s10.root, "bge2", "down")
    mark = len(s10.commands())
    ret = states(s10, "solaris10")["ipmp_group.absent"]("ipmp0", interfaces=["bge0"])
    assert ret["result"] is False
    assert "last working interface of group ipmp0" in ret["comment"], ret
    assert changing(s10.commands(since=mark)) == []


def test_s10_failed_member_may_not_leave(s10, states):
    lab_cmd("link", s10.root, "bge0", "down")
    mark = len(s10.commands())
    ret = states(s10, "solaris10")["ipmp_group.absent"]("ipmp0", interfaces=["bge0"])
    assert ret["result"] is False
    assert ret["comment"].startswith("Refused: bge0 is failed"), ret
    assert changing(s10.commands(since=mark)) == []


def test_s10_dismantle_keeps_every_address(s10, states):
    ret = states(s10, "solaris10")["ipmp_group.absent"]("ipmp0")
    assert ret["result"] is True, ret
    text = run(s10, "ifconfig", "-a")
    assert "groupname" not in text
    assert "inet 192.168.10.10 netmask ffffff00" in text
    again = states(s10, "solaris10")["ipmp_group.absent"]("ipmp0")
    assert again["result"] is True and again["changes"] == {}, again


# ------------------------------------------------------- Solaris 11, illumos

@pytest.fixture(params=["solaris11", "illumos"])
def s11(request, lab_host_factory, states):
    host = lab_host_factory("s11", nics=("net0", "net1", "net2"), os=request.param)
    host.release = request.param
    ret = states(host, request.param)["ipmp_group.present"](
        "ipmp0", interfaces=LINK11, netmasks={"192.168.10.0": "255.255.255.0"})
    assert ret["result"] is True, ret
    return host


def test_s11_dismantle_moves_the_data_address_and_survives_a_reboot(s11, states):
    predicted = states(s11, s11.release, test=True)["ipmp_group.absent"]("ipmp0")
    assert predicted["result"] is None, predicted
    ret = states(s11, s11.release)["ipmp_group.absent"]("ipmp0")
    assert ret["result"] is True, ret
    assert ret["changes"] == predicted["changes"]
    assert ret["changes"]["ipmp0"]["ipadm"][-1] == "ipadm delete-ipmp ipmp0"
    addrs = run(s11, "ipadm", "show-addr", "-p", "-o", "addrobj,persistent,addr")
    assert "net0/net0:U--:192.168.10.10/24" in addrs
    assert run(s11, "ipmpstat", "-gP", "-o", "group") == ""
    lab_cmd("reboot", s11.root)
    assert run(s11, "ipadm", "show-addr", "-p", "-o", "addrobj,persistent,addr") == addrs
    assert "ipmp0" not in run(s11, "ipadm", "show-if", "-p", "-o", "ifname")


def test_s11_last_working_member_may_not_leave(s11, states):
    lab_cmd("link", s11.root, "net1", "down")
    mark = len(s11.commands())
    ret = states(s11, s11.release)["ipmp_group.absent"]("ipmp0", interfaces=["net0"])
    assert ret["result"] is False
    assert "would leave the group without a working interface" in ret["comment"], ret
    assert changing(s11.commands(since=mark)) == []


def test_s11_member_leaves(s11, states):
    ret = states(s11, s11.release)["ipmp_group.absent"]("ipmp0", interfaces=["net1"])
    assert ret["result"] is True, ret
    assert ret["changes"]["net1"]["ipadm"] == [
        "ipadm set-ifprop -p standby=off -m ip net1", "ipadm remove-ipmp -i net1 ipmp0"]
    assert run(s11, "ipmpstat", "-gP", "-o", "group,interfaces") == "ipmp0:net0\n"
