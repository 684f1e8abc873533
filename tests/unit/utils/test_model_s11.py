"""The one model fed by Solaris 11 / illumos ipmpstat (observe_ipmpstat):
the same Member records, the same status contract plus ``interface``, the
same refusals."""

import json
import pathlib

import pytest

pytestmark = pytest.mark.salt_independent


@pytest.fixture(scope="module")
def model(load_util):
    return load_util("ipmp_model")


@pytest.fixture(scope="module")
def parsed(load_util, fixture_text):
    ofmt = load_util("ipmp_parse").ofmt
    s11 = load_util("ipmp_parse_s11")

    def read(scenario):
        out = []
        for mode in ("g", "i", "a", "t"):
            text = fixture_text("ipmpstat-{}P.{}.txt".format(mode, scenario))
            rows = ofmt(text, s11.ipmpstat_fields(mode))
            out.append(getattr(s11, "ipmpstat_" + mode)(rows))
        return out

    return read


# ipmp.status of the canned output (shared with the functional test_ipmp_s11_canned.py).
EXPECTED = json.loads((pathlib.Path(__file__).resolve().parents[1] / "fixtures"
                       / "ipmp-status.s11-two-groups.json").read_text())


def test_status_two_groups(model, parsed):
    observed = model.observe_ipmpstat(*parsed("s11-two-groups"))
    assert model.status(observed) == EXPECTED
    assert json.loads(json.dumps(model.status(observed))) == EXPECTED


def test_groups_map_to_their_ipmp_interfaces(model, parsed):
    observed = model.observe_ipmpstat(*parsed("s11-two-groups"))
    assert observed.groups == {"ipmp0": "ipmp0", "frontend": "ipmp1"}
    assert model.groups(observed) == {"ipmp0": ["net0", "net1", "net2"],
                                      "frontend": ["net3", "net4", "net5"]}


def test_families_from_the_ipmp_interface_and_test_addresses(model, parsed):
    observed = model.observe_ipmpstat(*parsed("s11-two-groups"))
    # ipmp1 shows a '::' placeholder: plumbed for IPv6, no IPv6 data address
    assert sorted(observed.members["net3"].families) == ["inet", "inet6"]
    assert sorted(observed.members["net0"].families) == ["inet", "inet6"]


def test_working_rule(model, parsed):
    observed = model.observe_ipmpstat(*parsed("s11-two-groups"))
    m = observed.members
    assert m["net0"].working("inet") and m["net0"].families["inet"]["carries_data"]
    assert m["net2"].working("inet") and not m["net2"].families["inet"]["carries_data"]
    assert m["net2"].families["inet"]["condition"] == "standby"
    assert not m["net4"].working() and m["net4"].families["inet"]["condition"] == "failed"
    assert not m["net5"].working() and m["net5"].families["inet"]["flags"] >= {"OFFLINE"}


def test_status_without_addresses_and_targets(model, parsed):
    groups, members, _, _ = parsed("s11-two-groups")
    out = model.status(model.observe_ipmpstat(groups, members))
    assert out["ipmp0"]["addresses"] == []
    assert out["ipmp0"]["failure_detection"] == "probe"  # FDT printed
    assert out["ipmp0"]["interfaces"]["net0"] == {"state": "active"}
    assert out["frontend"]["failure_detection"] == "link"


def test_edge_scenario(model, parsed):
    observed = model.observe_ipmpstat(*parsed("edge"))
    out = model.status(observed)
    assert sorted(out) == ["acctg1", "back:office\\team-group-name-31", "ipmp0", "ipmp9"]
    long = out["back:office\\team-group-name-31"]
    assert long["interface"] == "ipmpbackofficelong77"
    assert long["interfaces"] == {
        "e1000g876000": {"state": "active", "test_address": "10.1.0.11"},
        "e1000g876001": {"state": "inactive"},
        "e1000g876002": {"state": "failed", "test_address6": "2001:db8:0:1::b"},
    }
    assert long["addresses"] == ["192.168.10.10", "2001:db8:0:1::a"]
    assert long["state"] == "degraded"
    # placeholders only: no data address; an empty IPMP interface is failed
    assert out["ipmp9"] == {"state": "failed", "failure_detection": "link", "interface": "ipmp9",
                            "interfaces": {}, "addresses": []}
    assert out["acctg1"]["interfaces"] == {"hme0": {"state": "offline"},
                                           "hme1": {"state": "failed"}}
    # net7 is in the anonymous group: no member of any group
    assert "net7" not in observed.members
    assert observed.members["e1000g876002"].families["inet"]["condition"] == "down"


@pytest.mark.parametrize(
    "info, state",
    [
        ({"state": "offline", "active": False, "flags": []}, "offline"),
        ({"state": "failed", "active": False, "flags": ["inactive", "standby"]}, "failed"),
        ({"state": "ok", "active": True, "flags": ["standby"]}, "active"),
        ({"state": "ok", "active": False, "flags": ["inactive", "standby"]}, "standby"),
        ({"state": "ok", "active": False, "flags": ["inactive"]}, "inactive"),
        ({"state": "ok", "active": False, "flags": ["down"]}, "failed"),
        ({"state": "unknown", "active": True, "flags": []}, "active"),
        ({"state": "offline", "active": False, "flags": ["dup_hwaddr"]}, "offline"),
    ],
)
def test_member_state_rule(model, info, state):
    assert model.ipmpstat_state(info) == state


def test_link_down_is_not_working(model):
    view = model.ipmpstat_view({"state": "ok", "active": True, "link": "down", "flags": []},
                               "active")
    assert view["working"] is False and view["condition"] == "link down"


def test_offline_refusal_on_5_11(model, parsed):
    observed = model.observe_ipmpstat(*parsed("s11-two-groups"))
    assert model.offline_refusal(observed, "net0") is None
    assert "last working interface of IPMP group frontend" in model.offline_refusal(observed, "net3")
    assert "already offline" in model.offline_refusal(observed, "net5")


def test_takeaway_refusal_on_5_11(model, parsed):
    observed = model.observe_ipmpstat(*parsed("s11-two-groups"))
    assert model.takeaway_refusal(observed, "net3", "inet", standby="frontend")
    assert model.takeaway_refusal(observed, "net0", "inet", standby="ipmp0") is None


def test_snapshot_of_5_11_status(model, parsed):
    snap = model.snapshot(model.status(model.observe_ipmpstat(*parsed("s11-two-groups"))))
    assert snap["frontend"] == {"state": "degraded",
                                "interfaces": {"net3": "active", "net4": "failed",
                                               "net5": "offline"}}


def test_solaris10_status_has_no_interface(model):
    data = {"bge0": {"inet": {"flags": ["UP", "RUNNING"], "address": "192.168.1.10",
                              "groupname": "ipmp0"}}}
    out = model.status(model.observe_ifconfig(data))
    assert "interface" not in out["ipmp0"]
