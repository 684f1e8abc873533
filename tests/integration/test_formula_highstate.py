"""The ipmp formula end to end: a real salt-master and two salt-minions on lab
Solaris 10 hosts, pillar from pillar.example/ipmp.sls, highstate.

Checked against the manual procedure: a second lab host (same host name, so
the same MAC addresses) configured by hand with the documented ifconfig
commands must print exactly the same ``ifconfig -a``, and the files must be
what the manual procedure writes.
"""

import pathlib
import subprocess
import sys
import time

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1")
MINIONS = ("ipmpa", "ipmpb")

FILES = {
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

# The manual procedure for pillar.example, in the order the formula runs it.
MANUAL = [
    ["bge0", "plumb", "myhost", "netmask", "+", "broadcast", "+", "group", "ipmp0", "up"],
    ["bge2", "plumb", "group", "ipmp0", "standby", "up"],
    ["e1000g0", "plumb", "web-e1000g0", "netmask", "+", "broadcast", "+", "group", "ipmp1",
     "deprecated", "-failover", "up", "addif", "web", "netmask", "+", "broadcast", "+",
     "failover", "up"],
    ["e1000g1", "plumb", "web-e1000g1", "netmask", "+", "broadcast", "+", "group", "ipmp1",
     "deprecated", "-failover", "standby", "up"],
    ["e1000g0", "inet6", "plumb", "-failover", "group", "ipmp1", "up", "addif",
     "2001:db8:20::10/64", "up"],
    ["e1000g1", "inet6", "plumb", "-failover", "group", "ipmp1", "standby", "up"],
]


def example_pillar():
    with open(str(REPO / "pillar.example" / "ipmp.sls")) as handle:
        return yaml.safe_load(handle)


def ifconfig(host, *args):
    proc = subprocess.run([str(host.bin / "ifconfig")] + list(args), env=host.environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def is_read(argv):
    return argv == ["ifconfig", "-a"] or (argv[0] == "dladm" and argv[1].startswith("show-"))


def mutating(commands):
    return [c for c in commands if not is_read(c)]


def wait_for(check, timeout=15.0):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value or time.time() > deadline:
            return value
        time.sleep(0.1)


def flags(host, name):
    for line in ifconfig(host, "-a").splitlines():
        if line.startswith(name + ": ") and "IPv4" in line:
            return line.split("<", 1)[1].split(">", 1)[0].split(",")
    return []


def snapshot(host):
    files = {}
    for rel in list(FILES) + ["etc/inet/hosts", "etc/inet/netmasks", "etc/default/mpathd"]:
        path = host.path(rel)
        files[rel] = path.read_text() if path.exists() else None
    return files, ifconfig(host, "-a")


def manual_host(lab_host_factory, name):
    """A lab host configured by hand the documented way, for comparison."""
    host = lab_host_factory(name, nics=NICS)
    pillar = example_pillar()["ipmp"]
    hosts = host.path("etc/inet/hosts")
    hosts.write_text(hosts.read_text() + "".join(
        "{}\t{}\n".format(addr, name) for name, addr in sorted(pillar["hosts"].items())))
    netmasks = host.path("etc/inet/netmasks")
    netmasks.write_text(netmasks.read_text() + "".join(
        "{}\t{}\n".format(net, mask) for net, mask in sorted(pillar["netmasks"].items())))
    for args in MANUAL:
        ifconfig(host, *args)
    return host


def highstate(minion, *args):
    ret = minion.salt("state.highstate", *args, _timeout=240)
    assert isinstance(ret.data, dict), ret
    return ret


def changes_by_id(data):
    return {v["__id__"]: v["changes"] for v in data.values() if v["changes"]}


def results(data):
    return {v["__id__"]: v["result"] for v in data.values()}


@pytest.fixture(scope="module")
def top(state_tree_dir):
    (state_tree_dir / "top.sls").write_text("base:\n  '*':\n    - ipmp\n")
    yield
    (state_tree_dir / "top.sls").unlink()


@pytest.fixture(scope="module")
def minions(lab_minion, top):
    found = [lab_minion(mid, nics=NICS) for mid in MINIONS]
    for minion in found:
        minion.set_pillar(example_pillar())
    return found


def test_test_mode_on_fresh_host_predicts_and_leaves_it_untouched(minions):
    minion = minions[0]
    before = snapshot(minion.host)
    mark = len(minion.host.commands())
    ret = highstate(minion, "test=True")
    assert ret.returncode == 0, ret
    assert set(results(ret.data).values()) <= {None, True}
    assert snapshot(minion.host) == before
    assert mutating(minion.host.commands(since=mark)) == []
    predicted = changes_by_id(ret.data)
    assert sorted(predicted) == sorted([
        "ipmp-host-myhost", "ipmp-host-web", "ipmp-host-web-e1000g0", "ipmp-host-web-e1000g1",
        "ipmp-netmask-192.168.10.0", "ipmp-netmask-192.168.20.0",
        "ipmp-hostname-bge0", "ipmp-hostname-bge2", "ipmp-hostname-e1000g0",
        "ipmp-hostname-e1000g1", "ipmp-hostname6-e1000g0", "ipmp-hostname6-e1000g1",
        "ipmp-group-ipmp0", "ipmp-group-ipmp1",
    ])
    # the real run then does exactly what was predicted
    real = highstate(minion)
    assert real.returncode == 0, real
    assert changes_by_id(real.data) == predicted


def test_highstate_converges_both_minions_like_the_manual_procedure(minions, lab_host_factory):
    for minion in minions[1:]:
        ret = highstate(minion)
        assert ret.returncode == 0, ret
    for minion in minions:
        host = minion.host
        for rel, text in FILES.items():
            assert host.path(rel).read_text() == text, rel
        manual = manual_host(lab_host_factory, minion.id)
        assert ifconfig(host, "-a") == ifconfig(manual, "-a")
        assert host.path("etc/inet/hosts").read_text() == manual.path("etc/inet/hosts").read_text()
        assert host.path("etc/inet/netmasks").read_text() == (
            manual.path("etc/inet/netmasks").read_text()
        )
        assert host.path("etc/default/mpathd").read_text() == (
            manual.path("etc/default/mpathd").read_text()
        )


def test_second_highstate_changes_nothing_and_runs_no_command_but_one_read(minions):
    for minion in minions:
        mark = len(minion.host.commands())
        ret = highstate(minion)
        assert ret.returncode == 0, ret
        assert changes_by_id(ret.data) == {}
        assert set(results(ret.data).values()) == {True}
        ran = minion.host.commands(since=mark)
        assert mutating(ran) == []
        assert len(ran) <= 2, ran


def test_pillar_change_converges_with_only_the_needed_commands(minions):
    minion = minions[1]
    pillar = example_pillar()
    pillar["ipmp"]["mpathd"]["failure_detection_time"] = 5000
    ipmp0 = pillar["ipmp"]["groups"]["ipmp0"]["interfaces"]
    ipmp0["bge0"]["standby"] = True
    ipmp0["bge2"] = {}
    minion.set_pillar(pillar)
    mark = len(minion.host.commands())
    ret = highstate(minion)
    assert ret.returncode == 0, ret
    assert sorted(changes_by_id(ret.data)) == [
        "ipmp-group-ipmp0", "ipmp-hostname-bge0", "ipmp-hostname-bge2", "ipmp-mpathd",
    ]
    assert mutating(minion.host.commands(since=mark)) == [
        ["pkill", "-HUP", "-x", "in.mpathd"],
        ["ifconfig", "bge2", "inet", "-standby"],
        ["ifconfig", "bge0", "inet", "standby"],
    ]
    host = minion.host
    assert host.path("etc/hostname.bge0").read_text() == (
        "myhost netmask + broadcast + group ipmp0 standby up\n"
    )
    assert host.path("etc/hostname.bge2").read_text() == "group ipmp0 up\n"
    assert "FAILURE_DETECTION_TIME=5000\n" in host.path("etc/default/mpathd").read_text()
    assert "STANDBY" in flags(host, "bge0") and "STANDBY" not in flags(host, "bge2")
    mark = len(host.commands())
    assert changes_by_id(highstate(minion).data) == {}
    assert mutating(host.commands(since=mark)) == []


def test_link_failure_in_the_middle_of_a_live_change_does_not_cut_the_host_off(minions):
    """Move the standby back (bge0 active, bge2 standby) on minion A while
    bge0's cable is pulled right after it became active again: bge2, the
    only working interface left, must not be made standby."""
    minion = minions[0]
    host = minion.host
    pillar = example_pillar()
    ipmp0 = pillar["ipmp"]["groups"]["ipmp0"]["interfaces"]
    ipmp0["bge0"]["standby"] = True
    ipmp0["bge2"] = {}
    minion.set_pillar(pillar)
    assert highstate(minion).returncode == 0
    assert "STANDBY" in flags(host, "bge0")

    # Wrap the host's ifconfig: pull bge0's cable as soon as it has been
    # made active (`ifconfig bge0 inet -standby`).
    real = host.bin / "ifconfig.lab"
    (host.bin / "ifconfig").rename(real)
    wrapper = host.bin / "ifconfig"
    wrapper.write_text(
        "#!/bin/sh\n"
        "\"{real}\" \"$@\"\nrc=$?\n"
        "if [ \"$1 $3\" = \"bge0 -standby\" ]; then\n"
        "  cd \"{repo}\" && \"{python}\" -m lab link \"{host}\" bge0 down >/dev/null\n"
        "  sleep 1\n"
        "fi\n"
        "exit $rc\n".format(real=real, repo=REPO, python=sys.executable,
                            host=host.root)
    )
    wrapper.chmod(0o755)
    try:
        minion.set_pillar(example_pillar())
        mark = len(host.commands())
        ret = highstate(minion)
    finally:
        wrapper.unlink()
        real.rename(host.bin / "ifconfig")
    group = [v for v in ret.data.values() if v["__id__"] == "ipmp-group-ipmp0"][0]
    assert group["result"] is False
    assert "Refusing to mark bge2 standby" in group["comment"]
    assert mutating(host.commands(since=mark)) == [["ifconfig", "bge0", "inet", "-standby"]]
    assert wait_for(lambda: "FAILED" in flags(host, "bge0"))
    bge2 = flags(host, "bge2")
    assert "STANDBY" not in bge2 and "UP" in bge2 and "FAILED" not in bge2
    # the data address is still served (in.mpathd moved it to bge2)
    assert "inet 192.168.10.10 " in ifconfig(host, "-a")
    # cable back in: the next highstate finishes the change
    host.link("bge0", "up")
    assert wait_for(lambda: "FAILED" not in flags(host, "bge0"))
    ret = highstate(minion)
    assert ret.returncode == 0, ret
    assert "STANDBY" in flags(host, "bge2") and "STANDBY" not in flags(host, "bge0")


def test_invalid_pillar_fails_the_render_before_anything_changes(minions):
    minion = minions[1]
    pillar = example_pillar()
    pillar["ipmp"]["groups"]["ipmp0"]["interfaces"]["bge2"] = {"stanbdy": True}
    minion.set_pillar(pillar)
    before = snapshot(minion.host)
    mark = len(minion.host.commands())
    try:
        ret = minion.salt("state.highstate", _timeout=240)
        assert ret.returncode != 0
        text = "\n".join(ret.data) if isinstance(ret.data, list) else str(ret.data)
        assert "ipmp:groups:ipmp0:interfaces:bge2:stanbdy" in text
        assert "did you mean 'standby'?" in text
        assert minion.host.commands(since=mark) == []
        assert snapshot(minion.host) == before
    finally:
        minion.set_pillar(example_pillar())
