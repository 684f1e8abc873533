"""ipmp_alert_verify: the checks an event passes before the runner acts on it."""

import pytest


@pytest.fixture(scope="module")
def verify(load_util):
    return load_util("ipmp_alert_verify")


@pytest.fixture(scope="module")
def validate(load_util):
    return load_util("ipmp_validate")


@pytest.fixture
def opts(tmp_path):
    return {"pki_dir": str(tmp_path)}


def check(verify, validate, opts, tag, data, minion=None, **kwargs):
    args = {"group": validate.group, "interface": validate.interface, "accepted": lambda: ["sol1"]}
    args.update(kwargs)
    return verify.check(tag, data, minion, opts, **args)


def test_accepted_event(verify, validate, opts):
    data = {"id": "sol1", "event": "failover", "group": "ipmp0", "interface": "bge0", "to": "bge2",
            "_stamp": "2026-01-05T10:22:01.100000"}
    got = check(verify, validate, opts, "salt/beacon/sol1/ipmp/ipmp0/failover", data, "sol1")
    assert got == {
        "minion": "sol1",
        "group": "ipmp0",
        "event": {"event": "failover", "group": "ipmp0", "interface": "bge0", "to": "bge2"},
    }


def test_event_without_group(verify, validate, opts):
    data = {"id": "sol1", "event": "config", "key": "FAILBACK"}
    got = check(verify, validate, opts, "salt/beacon/sol1/ipmp/-/config", data)
    assert got["group"] == "-"


@pytest.mark.parametrize(
    "tag, data, why",
    [
        (None, {}, "no tag"),
        ("salt/beacon/sol1/ipmp/ipmp0/failure", [], "not a mapping"),
        ("salt/beacon/sol1/ipmp/ipmp0/failure", {"id": "sol2", "event": "failure", "group": "ipmp0"},
         "came from 'sol2'"),
        ("salt/beacon/sol2/ipmp/ipmp0/failure", {"id": "sol2", "event": "failure", "group": "ipmp0"},
         "no accepted key"),
        ("salt/beacon/sol1/ipmp/a;b/failure", {"id": "sol1", "event": "failure", "group": "a;b"},
         "not a valid IPMP group name"),
        ("salt/beacon/sol1/ipmp/ipmp0/failure",
         {"id": "sol1", "event": "failure", "group": "ipmp0", "interface": "../x"}, "interface: "),
    ],
)
def test_rejections_are_data(verify, validate, opts, tag, data, why):
    got = check(verify, validate, opts, tag, data)
    assert set(got) == {"rejected"}
    assert why in got["rejected"]


def test_missing_validator_rejects_with_the_fix(verify, validate, opts):
    data = {"id": "sol1", "event": "failure", "group": "ipmp0"}
    got = check(verify, validate, opts, "salt/beacon/sol1/ipmp/ipmp0/failure", data, group=None)
    assert "ipmp_validate.group" in got["rejected"]
    assert "saltutil.sync_all" in got["rejected"]
    data["interface"] = "bge0"
    got = check(verify, validate, opts, "salt/beacon/sol1/ipmp/ipmp0/failure", data, interface=None)
    assert "ipmp_validate.interface" in got["rejected"]


def test_no_accepted_key_lookup_accepts_nobody(verify, validate, opts):
    data = {"id": "sol1", "event": "failure", "group": "ipmp0"}
    got = check(verify, validate, opts, "salt/beacon/sol1/ipmp/ipmp0/failure", data, accepted=None)
    assert "no accepted key" in got["rejected"]


def test_clean_bounds_values(verify):
    event = {"s": "x" * 5000, "i": 1, "b": True, "n": None, "f": 1.5, "inf": float("inf"),
             "l": [1], "d": {}, "id": "sol1", "_stamp": "t", "bad key": 1, 3: "x"}
    event.update(("z{:02d}".format(n), n) for n in range(50))  # sorted last: cut
    out = verify.clean(event)
    assert len(out["s"]) == verify.MAX_STR
    assert out["b"] is True and out["n"] is None and out["f"] == 1.5
    for gone in ("inf", "l", "d", "id", "_stamp", "bad key", 3):
        assert gone not in out
    assert len(out) == verify.MAX_KEYS


def test_stamp(verify):
    assert verify.stamp({"_stamp": "2026-01-05T10:22:01.123456+00:00"}, 0) == "2026-01-05T10:22:01.123456"
    assert verify.stamp({"_stamp": "yesterday"}, 0) == "1970-01-01T00:00:00"
    assert verify.stamp("text", 1.5) == "1970-01-01T00:00:01.500000"
