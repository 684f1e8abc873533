"""The documented procedures on every release, done with salt-ipmp: add a
member, move a member between groups, replace a failed NIC (offline, swap,
online), with the group state run at every point as a scheduled highstate
would run it.  After each step the group keeps a working interface and its
data address."""

import pathlib
import subprocess
import sys
import time

import pytest
import salt.loader

import lab

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = {"solaris10": ("bge0", "bge1", "bge2"), "solaris11": ("net0", "net1", "net2"),
        "illumos": ("net0", "net1", "net2")}
NETMASKS = {"192.168.10.0": "255.255.255.0"}


@pytest.fixture(params=["solaris10", "solaris11", "illumos"])
def rig(request, lab_host_factory, loaders):
    release = request.param
    host = lab_host_factory("proc", nics=NICS[release], os=release)
    a, b, c = NICS[release]

    class Rig:
        pass

    rig = Rig()
    rig.host, rig.release, rig.nics = host, release, (a, b, c)

    def load(test=False):
        loaded = loaders(host, grains=dict(lab.GRAINS[release]), test=test,
                         states_dirs=[str(REPO / "_states")])
        states = salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )
        return loaded, states

    def apply(group, interfaces):
        _, predicted = load(test=True)
        before = predicted["ipmp_group.present"](group, interfaces=interfaces, netmasks=NETMASKS)
        _, states = load()
        ret = states["ipmp_group.present"](group, interfaces=interfaces, netmasks=NETMASKS)
        assert ret["changes"] == before["changes"], (before, ret)
        return ret

    def call(fun, *args):
        loaded, _ = load()
        return loaded[fun](*args)

    def status(group):
        return call("ipmp.status", group)[group]

    rig.apply, rig.call, rig.status = apply, call, status
    return rig


def lab_cmd(*args):
    subprocess.run([sys.executable, "-m", "lab"] + [str(a) for a in args], cwd=str(REPO),
                   check=True, stdout=subprocess.PIPE)


def settle(rig, group, check, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        got = rig.status(group)
        if check(got) or time.time() > deadline:
            return got
        time.sleep(0.1)


def working(group_status):
    return sorted(n for n, i in group_status["interfaces"].items()
                  if i["state"] in ("active", "standby", "inactive"))


def test_add_move_and_replace(rig):
    a, b, c = rig.nics
    # a group of one, then add a member
    assert rig.apply("ipmp0", {a: {"address": "192.168.10.10"}})["result"] is True
    ret = rig.apply("ipmp0", {a: {"address": "192.168.10.10"}, b: {"standby": True}})
    assert ret["result"] is True, ret
    assert sorted(rig.status("ipmp0")["interfaces"]) == [a, b]

    # move the standby to a new group: both groups keep a working interface
    ret = rig.apply("ipmp1", {b: {"address": "192.168.10.20"}})
    assert ret["result"] is True, ret
    assert sorted(rig.status("ipmp0")["interfaces"]) == [a]
    assert sorted(rig.status("ipmp1")["interfaces"]) == [b]
    ret = rig.apply("ipmp0", {a: {"address": "192.168.10.10"}, c: {}})
    assert ret["result"] is True, ret

    # replace a failed NIC: it fails, is offlined, swapped and brought back
    declared = {a: {"address": "192.168.10.10"}, c: {}}
    lab_cmd("link", rig.host.root, a, "down")
    got = settle(rig, "ipmp0", lambda s: s["interfaces"][a]["state"] == "failed")
    assert got["interfaces"][a]["state"] == "failed"
    assert rig.call("ipmp.offline", a)
    ret = rig.apply("ipmp0", declared)     # a highstate during the repair
    assert ret["result"] is True, ret
    assert working(rig.status("ipmp0")) == [c]
    assert "192.168.10.10" in rig.status("ipmp0")["addresses"]
    lab_cmd("link", rig.host.root, a, "up")    # the new NIC, same link name
    assert rig.call("ipmp.online", a)
    got = settle(rig, "ipmp0", lambda s: working(s) == [a, c])
    assert working(got) == [a, c]
    ret = rig.apply("ipmp0", declared)
    assert ret["result"] is True and ret["changes"] == {}, ret
