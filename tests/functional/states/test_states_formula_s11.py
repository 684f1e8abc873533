"""The ipmp formula with pillar.example on Solaris 11 and illumos lab hosts
(masterless ``salt-call --local``): the Solaris 10 pillar converges them to
the equivalent Clearview groups, kept in ipadm's store, predicted exactly by
``test=True``, unchanged by a second run, and back after a reboot."""

import json
import pathlib
import subprocess
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1")
READS = {"show-if", "show-addr", "show-ifprop"}


def example():
    with open(str(REPO / "pillar.example" / "ipmp.sls")) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(params=["solaris11", "illumos"])
def minion(request, formula_minion):
    return formula_minion(request.param, NICS)


def by_id(data):
    return {v["__id__"]: v for v in data.values()}


def changed(data):
    return dict((sid, body["changes"]) for sid, body in by_id(data).items() if body["changes"])


def run(host, *argv):
    proc = subprocess.run([str(host.bin / argv[0])] + list(argv[1:]), env=host.environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def picture(host):
    """The groups, members and addresses as ipmpstat and ipadm show them."""
    return {
        "groups": sorted(run(host, "ipmpstat", "-gP", "-o", "group,groupname,interfaces")
                         .splitlines()),
        "members": sorted(run(host, "ipmpstat", "-iP", "-o", "interface,group,flags")
                          .splitlines()),
        "addrs": sorted(line for line in run(
            host, "ipadm", "show-addr", "-p", "-o", "addrobj,current,persistent,addr").splitlines()
            if not line.startswith("lo0/")),
    }


def mutating(commands):
    return [c for c in commands
            if not (c[0] == "ipadm" and c[1] in READS) and c[0] not in ("ipmpstat", "dladm")]


def test_pillar_example_converges_as_predicted_and_stays(minion):
    host = minion.host
    rc, predicted = minion(example(), "state.apply", "ipmp", "test=True")
    assert rc == 0, predicted
    assert mutating(host.commands()) == []
    assert not host.path("etc/hostname.bge0").exists()

    rc, data = minion(example(), "state.apply", "ipmp")
    assert rc == 0, data
    assert set(body["result"] for body in by_id(data).values()) == {True}
    assert changed(data) == changed(predicted)
    now = picture(host)
    assert now["groups"] == ["ipmp0:ipmp0:bge0 (bge2)", "ipmp1:ipmp1:e1000g0 (e1000g1)"]
    assert "ipmp0/bge0:U----:U--:192.168.10.10/24" in now["addrs"]
    assert "ipmp1/e1000g0:U----:U--:192.168.20.10/24" in now["addrs"]
    assert "e1000g0/test:U---d:U--:192.168.20.11/24" in now["addrs"]
    assert not list(host.path("etc").glob("hostname.*"))

    mark = len(host.commands())
    rc, data = minion(example(), "state.apply", "ipmp")
    assert rc == 0, data
    assert changed(data) == {}
    ran = host.commands(since=mark)
    assert mutating(ran) == []
    beyond_grains = [c for c in ran if c[0] != "ipmpstat" or "-g" not in " ".join(c)]
    assert len(beyond_grains) <= 4, ran


def test_reboot_brings_the_groups_back_and_nothing_is_left_to_do(minion):
    host = minion.host
    rc, data = minion(example(), "state.apply", "ipmp")
    assert rc == 0, data
    before = picture(host)
    subprocess.run([sys.executable, "-m", "lab", "reboot", str(host.root)], cwd=str(REPO),
                   check=True, stdout=subprocess.PIPE)
    assert picture(host) == before
    mark = len(host.commands())
    rc, data = minion(example(), "state.apply", "ipmp")
    assert rc == 0, data
    assert changed(data) == {}, json.dumps(changed(data))
    assert mutating(host.commands(since=mark)) == []


def test_illumos_hostname_files_keep_the_groups_out_of_ipadms_store(formula_minion):
    minion = formula_minion("illumos", NICS)
    host = minion.host
    pillar = example()
    pillar["ipmp"]["persist"] = "hostname_files"
    rc, predicted = minion(pillar, "state.apply", "ipmp", "test=True")
    assert rc == 0, predicted
    rc, data = minion(pillar, "state.apply", "ipmp")
    assert rc == 0, data
    assert changed(data) == changed(predicted)
    assert host.path("etc/hostname.ipmp1").read_text() == (
        "ipmp group ipmp1\n192.168.20.10/24 up\n")
    assert host.path("etc/hostname6.ipmp1").read_text() == (
        "ipmp group ipmp1 up\naddif 2001:db8:20::10/64 up\n")
    assert host.path("etc/hostname.e1000g1").read_text() == (
        "group ipmp1 standby\n-failover 192.168.20.12/24 up\n")
    assert host.path("etc/hostname.bge2").read_text() == "group ipmp0 standby up\n"
    changing = mutating(host.commands())
    assert changing and all("-t" in c or "--temporary" in c for c in changing), changing
    store = json.loads(host.path("etc/ipadm/ipadm.conf").read_text())
    assert not set(store["interfaces"]) & set(NICS + ("ipmp0", "ipmp1")), store
    before = picture(host)
    assert before["groups"] == ["ipmp0:ipmp0:bge0 (bge2)", "ipmp1:ipmp1:e1000g0 (e1000g1)"]

    subprocess.run([sys.executable, "-m", "lab", "reboot", str(host.root)], cwd=str(REPO),
                   check=True, stdout=subprocess.PIPE)
    after = picture(host)
    assert after["groups"] == before["groups"]
    assert after["members"] == before["members"]
    mark = len(host.commands())
    rc, data = minion(pillar, "state.apply", "ipmp")
    assert rc == 0, data
    assert changed(data) == {}, json.dumps(changed(data))
    assert mutating(host.commands(since=mark)) == []


def test_solaris11_refuses_hostname_files_naming_the_key(formula_minion):
    minion = formula_minion("solaris11", NICS)
    pillar = example()
    pillar["ipmp"]["persist"] = "hostname_files"
    rc, data = minion(pillar, "state.apply", "ipmp")
    assert rc != 0
    group = by_id(data)["ipmp-group-ipmp0"]
    assert group["result"] is False
    assert "ipmp:persist: hostname_files is for illumos only" in group["comment"], group
    assert mutating(minion.host.commands()) == []
    assert not list(minion.host.path("etc").glob("hostname.*"))
