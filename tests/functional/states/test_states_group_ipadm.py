"""ipmp_group.present on Solaris 11 and illumos lab hosts: the group becomes
an IPMP interface of the same name, made persistent with ipadm in the order
of the documented 11.4 procedure, and never loses its last working member."""

import json
import pathlib
import subprocess
import sys

import pytest
import salt.loader

import lab

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("net0", "net1", "net2", "net3")
NETMASKS = {"192.168.10.0": "255.255.255.0"}
PROBE = {
    "net0": {"address": "192.168.10.10", "test_address": "192.168.10.11"},
    "net1": {"test_address": "192.168.10.12", "standby": True},
}
READS = {"show-if", "show-addr", "show-ifprop"}


@pytest.fixture(params=["solaris11", "illumos"])
def release(request):
    return request.param


@pytest.fixture
def host(lab_host_factory, release):
    return lab_host_factory("s11", nics=NICS, os=release)


@pytest.fixture
def present(loaders, host, release):
    """``present(name, interfaces, test=False, **kwargs)``: one state run."""

    def call(name, interfaces, test=False, **kwargs):
        loaded = loaders(host, grains=dict(lab.GRAINS[release]), test=test,
                         states_dirs=[str(REPO / "_states")])
        states = salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )
        kwargs.setdefault("netmasks", NETMASKS)
        return states["ipmp_group.present"](name, interfaces=interfaces, **kwargs)

    return call


def run(host, *argv):
    proc = subprocess.run([str(host.bin / argv[0])] + list(argv[1:]), env=host.environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def mutating(commands):
    return [c for c in commands
            if not (c[0] == "ipadm" and c[1] in READS) and c[0] not in ("ipmpstat", "dladm")]


def picture(host):
    """What an admin checks: groups, members, addresses, and the store."""
    return {
        "groups": run(host, "ipmpstat", "-gP", "-o", "group,groupname,interfaces"),
        "members": run(host, "ipmpstat", "-iP", "-o", "interface,group,flags"),
        "addrs": run(host, "ipadm", "show-addr", "-p", "-o", "addrobj,state,current,persistent,addr"),
        "store": json.loads(host.path("etc/ipadm/ipadm.conf").read_text()),
    }


def test_fresh_probe_group_follows_the_documented_procedure(present, host, release):
    ret = present("ipmp0", PROBE, failure_detection="probe")
    assert ret["result"] is True, ret
    temporary = "--temporary" if release == "illumos" else "-t"
    assert temporary not in json.dumps(host.commands())
    assert mutating(host.commands()) == [
        ["ipadm", "create-ipmp", "ipmp0"],
        ["ipadm", "create-ip", "net0"],
        ["ipadm", "create-addr", "-T", "static", "-a", "192.168.10.11/24", "net0/test"],
        ["ipadm", "create-ip", "net1"],
        ["ipadm", "create-addr", "-T", "static", "-a", "192.168.10.12/24", "net1/test"],
        ["ipadm", "add-ipmp", "-i", "net0", "ipmp0"],
        ["ipadm", "add-ipmp", "-i", "net1", "ipmp0"],
        ["ipadm", "create-addr", "-T", "static", "-a", "192.168.10.10/24", "ipmp0/net0"],
        ["ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net1"],
    ]
    now = picture(host)
    assert now["groups"] == "ipmp0:ipmp0:net0 (net1)\n"
    members = dict(line.split(":", 1) for line in now["members"].splitlines())
    assert members["net0"].startswith("ipmp0:")
    assert members["net1"].startswith("ipmp0:is")
    assert "ipmp0/net0:ok:U----:U--:192.168.10.10/24" in now["addrs"]
    assert "net0/test:ok:U---d:U--:192.168.10.11/24" in now["addrs"]
    store = now["store"]
    assert store["interfaces"]["net0"]["ipmp"] == "ipmp0"
    assert store["interfaces"]["net1"].get("standby") is True
    assert store["addresses"]["ipmp0/net0"]["address"] == "192.168.10.10"


def test_test_mode_predicts_exactly_and_changes_nothing(present, host):
    before = picture(host)
    predicted = present("ipmp0", PROBE, test=True, failure_detection="probe")
    assert predicted["result"] is None, predicted
    assert mutating(host.commands()) == []
    assert picture(host) == before
    real = present("ipmp0", PROBE, failure_detection="probe")
    assert real["result"] is True, real
    assert real["changes"] == predicted["changes"]


def test_converged_run_reads_at_most_four_times_and_changes_nothing(present, host):
    assert present("ipmp0", PROBE, failure_detection="probe")["result"] is True
    both = dict(PROBE, net2={"address": "192.168.10.20", "test_address": "192.168.10.21"})
    assert present("ipmp1", {"net3": {"address": "192.168.10.30"}})["result"] is True
    assert present("ipmp0", both, failure_detection="probe")["result"] is True
    mark = len(host.commands())
    ret = present("ipmp0", both, failure_detection="probe")
    assert ret["result"] is True and ret["changes"] == {}, ret
    assert ret["comment"] == "Group ipmp0 is as declared"
    ran = host.commands(since=mark)
    assert mutating(ran) == []
    assert len(ran) <= 4, ran


def test_moving_the_last_working_member_is_refused(present, host):
    assert present("ipmp0", {"net0": {"address": "192.168.10.10"}})["result"] is True
    mark = len(host.commands())
    ret = present("ipmp1", {"net0": {"address": "192.168.10.30"}})
    assert ret["result"] is False
    assert "would leave" in ret["comment"] and "ipmp0" in ret["comment"], ret
    assert mutating(host.commands(since=mark)) == []


def test_moving_a_member_keeps_both_groups_working(present, host):
    two = {"net0": {"address": "192.168.10.10"}, "net1": {}}
    assert present("ipmp0", two)["result"] is True
    ret = present("ipmp1", {"net1": {"address": "192.168.10.30"}})
    assert ret["result"] is True, ret
    assert sorted(run(host, "ipmpstat", "-gP", "-o", "group,interfaces").splitlines()) == [
        "ipmp0:net0", "ipmp1:net1"]


def test_standby_on_the_only_working_active_member_is_refused(present, host):
    two = {"net0": {"address": "192.168.10.10"}, "net1": {}}
    assert present("ipmp0", two)["result"] is True
    subprocess.run([sys.executable, "-m", "lab", "link", str(host.root), "net0", "down"],
                   cwd=str(REPO), check=True, stdout=subprocess.PIPE)
    mark = len(host.commands())
    ret = present("ipmp0", {"net0": {"address": "192.168.10.10"}, "net1": {"standby": True}})
    assert ret["result"] is False
    assert ret["comment"].startswith("Refused: making net1 standby would leave group ipmp0"), ret
    assert mutating(host.commands(since=mark)) == []
    # with net0 repaired the same change is made
    subprocess.run([sys.executable, "-m", "lab", "link", str(host.root), "net0", "up"],
                   cwd=str(REPO), check=True, stdout=subprocess.PIPE)
    ret = present("ipmp0", {"net0": {"address": "192.168.10.10"}, "net1": {"standby": True}})
    assert ret["result"] is True, ret
    assert mutating(host.commands(since=mark)) == [
        ["ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net1"]]


def test_missing_nic_is_refused_before_any_change(present, host):
    mark = len(host.commands())
    ret = present("ipmp0", {"net9": {"address": "192.168.10.10"}})
    assert ret["result"] is False
    assert ret["comment"].startswith("net9 does not exist on this host"), ret
    assert mutating(host.commands(since=mark)) == []
