"""The one model (_utils/ipmp_model.py): interface states, group status and
the decisions that keep a group from losing its last working interface."""

import json

import pytest

pytestmark = pytest.mark.salt_independent

V4 = "IPv4"


def inet(address, *flags, group=None):
    entry = {"flags": list(flags), "address": address}
    if group:
        entry["groupname"] = group
    return entry


def host():
    """Parsed ``ifconfig -a`` of a Solaris 10 host: ipmp0 link-based with an
    active, a failed (its address failed over) and a standby NIC; ipmp1 with
    test addresses."""
    return {
        "lo0": {"inet": inet("127.0.0.1", "UP", "LOOPBACK", "RUNNING", V4)},
        "bge0": {
            "inet": inet("192.168.1.10", "UP", "RUNNING", V4, group="ipmp0"),
            "inet6": inet("fe80::1", "UP", "RUNNING", "IPv6", group="ipmp0"),
        },
        "bge0:1": {"inet": inet("192.168.1.11", "UP", "RUNNING", V4)},
        "bge0:2": {"inet6": inet("2001:db8::10", "UP", "RUNNING", "IPv6")},
        "bge1": {"inet": inet("0.0.0.0", "RUNNING", V4, "NOFAILOVER", "FAILED", group="ipmp0")},
        "bge2": {
            "inet": inet("0.0.0.0", "RUNNING", V4, "NOFAILOVER", "STANDBY", "INACTIVE", group="ipmp0")
        },
        "e1000g0": {
            "inet": inet("10.0.0.11", "UP", "RUNNING", "DEPRECATED", V4, "NOFAILOVER", group="ipmp1")
        },
        "e1000g0:1": {"inet": inet("10.0.0.10", "UP", "RUNNING", V4)},
        "e1000g1": {
            "inet": inet("10.0.0.12", "UP", "DEPRECATED", V4, "NOFAILOVER", "OFFLINE", group="ipmp1")
        },
        "nge0": {"inet": inet("172.16.0.5", "UP", "RUNNING", V4)},
    }


@pytest.fixture(scope="module")
def model(load_util):
    return load_util("ipmp_model")


@pytest.mark.parametrize(
    "flags,state",
    [
        (["UP", "RUNNING"], "active"),
        (["RUNNING", "STANDBY", "INACTIVE"], "standby"),
        (["UP", "RUNNING", "INACTIVE"], "inactive"),
        (["UP", "FAILED"], "failed"),
        (["UP", "FAILED", "OFFLINE"], "offline"),
        (["STANDBY"], "active"),  # a standby in use is active
    ],
)
def test_interface_state_worst_first(model, flags, state):
    assert model.interface_state(flags) == state


@pytest.mark.parametrize(
    "flags,working,carries",
    [
        (["UP", "RUNNING"], True, True),
        (["RUNNING"], True, True),  # the 0.0.0.0 placeholder is down, the NIC works
        (["RUNNING", "STANDBY", "INACTIVE"], True, False),
        (["UP"], False, False),  # no link
        (["UP", "RUNNING", "FAILED"], False, False),
        (["UP", "RUNNING", "OFFLINE"], False, False),
    ],
)
def test_working_is_link_and_not_failed_or_offline(model, flags, working, carries):
    assert model.working(flags) is working
    assert model.carries_data(flags) is carries


def test_status_from_ifconfig(model):
    status = model.status(model.observe_ifconfig(host()))
    assert sorted(status) == ["ipmp0", "ipmp1"]
    link, probe = status["ipmp0"], status["ipmp1"]
    assert (link["state"], link["failure_detection"]) == ("degraded", "link")
    assert {name: info["state"] for name, info in link["interfaces"].items()} == {
        "bge0": "active", "bge1": "failed", "bge2": "standby",
    }
    assert link["addresses"] == ["192.168.1.10", "192.168.1.11", "2001:db8::10"]
    assert (probe["state"], probe["failure_detection"]) == ("degraded", "probe")
    assert probe["interfaces"]["e1000g0"] == {"state": "active", "test_address": "10.0.0.11"}
    assert probe["interfaces"]["e1000g1"] == {"state": "offline", "test_address": "10.0.0.12"}
    assert probe["addresses"] == ["10.0.0.10"]
    assert model.groups(model.observe_ifconfig(host())) == {
        "ipmp0": ["bge0", "bge1", "bge2"],
        "ipmp1": ["e1000g0", "e1000g1"],
    }


def test_group_state(model):
    assert model.group_state(["active", "standby"]) == "ok"
    assert model.group_state(["active", "failed"]) == "degraded"
    assert model.group_state(["offline", "failed"]) == "failed"


def test_ipmp_interface_holds_addresses_but_is_no_member(model):
    data = {
        "ipmp0": {"inet": inet("10.1.0.10", "UP", "RUNNING", V4, "IPMP", group="grp0")},
        "net0": {"inet": inet("10.1.0.11", "UP", "RUNNING", V4, "NOFAILOVER", group="grp0")},
    }
    observed = model.observe_ifconfig(data)
    assert list(observed.members) == ["net0"]
    assert observed.groups == {"grp0": "ipmp0"}
    assert model.status(observed)["grp0"]["addresses"] == ["10.1.0.10"]


def test_offline_refused_for_the_last_usable_interface(model):
    observed = model.observe_ifconfig(host())
    # bge2 stands by for IPv4 but is not plumbed for IPv6: bge0 is the
    # group's last working IPv6 interface (issue 9: the rule is per family;
    # this asserted None when both families were counted together)
    assert model.offline_refusal(observed, "bge0") == (
        "Refusing to offline bge0: it is the last working IPv6 interface of IPMP "
        "group ipmp0 (bge1 not plumbed for IPv6, bge2 not plumbed for IPv6)"
    )
    data = host()
    data["bge2"]["inet6"] = inet("fe80::3", "RUNNING", "IPv6", "NOFAILOVER", "STANDBY", "INACTIVE",
                                 group="ipmp0")
    assert model.offline_refusal(model.observe_ifconfig(data), "bge0") is None  # bge2 stands by
    text = model.offline_refusal(observed, "e1000g0")
    assert text == (
        "Refusing to offline e1000g0: it is the last working interface of IPMP "
        "group ipmp1 (e1000g1 offline)"
    )
    assert model.offline_refusal(observed, "e1000g1") == "e1000g1 is already offline"
    assert model.offline_refusal(observed, "nge0") is None  # not a member


def test_offline_counts_each_family_on_its_own(model):
    data = host()
    # bge0 is the only working IPv4 member once bge2 fails, though bge2 still
    # works for IPv6
    data["bge2"]["inet"]["flags"].append("FAILED")
    data["bge2"]["inet6"] = inet("fe80::3", "UP", "RUNNING", "IPv6", group="ipmp0")
    text = model.offline_refusal(model.observe_ifconfig(data), "bge0")
    assert text.startswith("Refusing to offline bge0: it is the last working interface of IPMP group ipmp0")
    # an interface plumbed for IPv4 only is not held back by IPv6
    data = host()
    assert model.offline_refusal(model.observe_ifconfig(data), "bge2") is None


def test_offline_of_a_failed_interface_with_nobody_left(model):
    data = host()
    data["e1000g0"]["inet"]["flags"].append("FAILED")
    text = model.offline_refusal(model.observe_ifconfig(data), "e1000g0")
    assert "no other interface of IPMP group ipmp1 is working" in text


def test_marking_the_last_data_carrier_standby_is_refused(model):
    observed = model.observe_ifconfig(host())
    text = model.takeaway_refusal(observed, "bge0", "inet", standby="ipmp0")
    assert text.startswith("Refusing to mark bge0 standby: it is the last working interface of group ipmp0")
    assert "bge1: failed" in text and "bge2: standby" in text


def test_moving_the_last_working_interface_is_refused(model):
    observed = model.observe_ifconfig(host())
    text = model.takeaway_refusal(observed, "e1000g0", "inet", leaves="ipmp1", joins="ipmp9")
    assert "move e1000g0 from group ipmp1 to ipmp9" in text
    assert "e1000g1: offline" in text
    # bge2 (standby, working) remains for ipmp0: bge0 may move
    assert model.takeaway_refusal(observed, "bge0", "inet", leaves="ipmp0", joins="ipmp9") is None


def test_takeaway_of_a_non_working_interface_is_never_refused(model):
    observed = model.observe_ifconfig(host())
    assert model.takeaway_refusal(observed, "bge1", "inet", leaves="ipmp0", joins="x") is None


def test_data_addresses_follow_failover_and_skip_test_addresses(model):
    data = host()
    assert model.data_addresses(data, "ipmp0", "inet") == ["192.168.1.10", "192.168.1.11"]
    assert model.data_addresses(data, "ipmp1", "inet") == ["10.0.0.10"]
    assert model.data_addresses(data, "ipmp0", "inet6") == ["2001:db8::10"]
    assert model.data_addresses(data, "nothere", "inet", also="nge0") == ["172.16.0.5"]


def test_snapshot_is_what_a_change_is_made_of_and_survives_json(model):
    status = model.status(model.observe_ifconfig(host()))
    snap = model.snapshot(status)
    assert snap["ipmp0"] == {
        "state": "degraded",
        "interfaces": {"bge0": "active", "bge1": "failed", "bge2": "standby"},
    }
    assert json.loads(json.dumps(snap)) == snap
    assert model.snapshot(None) == {}
    assert model.members_in(status["ipmp0"], ("standby", "inactive")) == ["bge2"]
