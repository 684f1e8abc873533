"""The formula through a real master on Solaris 11.4 and illumos minions:
pillar.example (written for Solaris 10) converges them to the equivalent
Clearview groups, test=True predicts the run, and after ``python -m lab
reboot`` the groups are back and a highstate changes nothing, with at most
four read commands."""

import pathlib
import subprocess
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1")
RELEASES = {"solaris11": "fs11", "illumos": "fomni"}
READS = ("show-if", "show-addr", "show-ifprop")


def example_pillar():
    with open(str(REPO / "pillar.example" / "ipmp.sls")) as handle:
        return yaml.safe_load(handle)


def highstate(minion, *args):
    ret = minion.salt("state.highstate", *args, _timeout=240)
    assert isinstance(ret.data, dict), ret
    return ret


def changes_by_id(data):
    return {v["__id__"]: v["changes"] for v in data.values() if v["changes"]}


def is_read(argv):
    return argv[0] == "ipmpstat" or (argv[0] == "ipadm" and argv[1] in READS) or (
        argv[0] == "dladm" and argv[1].startswith("show-"))


def groups(host):
    out = host.tool_ok("ipmpstat", "-gP", "-o", "group,interfaces").stdout
    addrs = host.tool_ok("ipadm", "show-addr", "-p", "-o", "addrobj,persistent,addr").stdout
    return sorted(out.splitlines()), sorted(a for a in addrs.splitlines() if not a.startswith("lo0"))


@pytest.fixture(scope="module")
def top(state_tree_dir):
    (state_tree_dir / "top.sls").write_text("base:\n  '*':\n    - ipmp\n")
    yield
    (state_tree_dir / "top.sls").unlink()


@pytest.fixture(scope="module", params=sorted(RELEASES))
def minion(request, lab_minion, top):
    minion = lab_minion(RELEASES[request.param], nics=NICS, os=request.param)
    minion.set_pillar(example_pillar())
    return minion


def test_converge_reboot_and_nothing_left(minion):
    host = minion.host
    predicted = highstate(minion, "test=True")
    assert predicted.returncode == 0, predicted
    assert [c for c in host.commands() if not is_read(c)] == []
    ret = highstate(minion)
    assert ret.returncode == 0, ret
    assert changes_by_id(ret.data) == changes_by_id(predicted.data)
    before = groups(host)
    assert before[0] == ["ipmp0:bge0 (bge2)", "ipmp1:e1000g0 (e1000g1)"]
    assert "ipmp0/bge0:U--:192.168.10.10/24" in before[1]

    subprocess.run([sys.executable, "-m", "lab", "reboot", str(host.root)], cwd=str(REPO),
                   check=True, stdout=subprocess.PIPE)
    assert groups(host) == before

    mark = len(host.commands())
    again = highstate(minion)
    assert again.returncode == 0, again
    assert changes_by_id(again.data) == {}
    ran = host.commands(since=mark)
    assert [c for c in ran if not is_read(c)] == []
    # one ipmpstat -g for the grains refresh the highstate makes, then the
    # state run's own reads
    beyond_grains = [c for c in ran if not (c[0] == "ipmpstat" and "-gP" in c)]
    assert len(beyond_grains) <= 4, ran
