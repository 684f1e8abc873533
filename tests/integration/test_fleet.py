"""The fleet: grains for targeting, ipmp.status in the mine, the report from
the mine, and the message of an unsynced minion.

One ``lab.fleet.Fleet`` for the module (a master and three lab Solaris 10
minions): ``sol1`` and ``sol2`` converge from pillar.example with the mine
on (``ipmp:mine:interval``), ``newhost`` never syncs.
"""

import json
import pathlib
import time

import pytest
import yaml

from lab import fleet as rig

REPO = pathlib.Path(__file__).resolve().parents[2]
SYNCED = ["sol1", "sol2"]
MINIONS = SYNCED + ["newhost"]
NICS = ["bge0", "bge1", "bge2", "e1000g0", "e1000g1"]
SYNC_HINT = "run saltutil.sync_all"

pytestmark = pytest.mark.slow


def _state_files():
    """The top file (the formula's map.jinja tells an unsynced minion what to do)."""
    assert '"ipmp.check_pillar" not in salt' in (REPO / "salt" / "ipmp" / "map.jinja").read_text()
    return {"top.sls": "base:\n  '*':\n  - ipmp\n"}


def _pillar_files():
    """pillar.example with the mine on (``ipmp:mine:interval``)."""
    top = "base:\n  'sol*':\n    - ipmp\n"
    pillar = yaml.safe_load((REPO / "pillar.example" / "ipmp.sls").read_text())
    pillar["ipmp"]["mine"] = {"interval": 3600}
    return {"top.sls": top, "ipmp.sls": yaml.safe_dump(pillar, default_flow_style=False)}


@pytest.fixture(scope="module")
def fleet():
    fleet = rig.Fleet(MINIONS, NICS, pillar_files=_pillar_files(), state_files=_state_files(),
                      prefix="salt-ipmp-test-fleet-")
    # The grains module is served with the other custom modules.
    grains_root = fleet.root / "grains-root"
    grains_root.mkdir()
    (grains_root / "_grains").symlink_to(REPO / "_grains", target_is_directory=True)
    roots = rig.file_roots(fleet.root, [fleet.root / "states"]) + [str(grains_root)]
    fleet.configure_master({"file_roots": {"base": roots}})
    # sol2 follows in.mpathd's log (its engine starts once synced and restarted).
    fleet.configure_minion("sol2", {"engines": [{"ipmp_events": {"interval": 0.05}}]})
    try:
        fleet.create_hosts()
        fleet.start()
        fleet.wait_for_minions()
        rc, out = fleet.salt_run("saltutil.sync_all")
        assert rc == 0, out
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture(scope="module")
def converged(fleet):
    # A highstate syncs the minion's custom modules (grains too) by itself.
    ret = fleet.salt_json("-L", ",".join(SYNCED), "state.apply", timeout=300, wait=240)
    for minion in SYNCED:
        states = ret.get(minion)
        assert isinstance(states, dict), ret
        failed = [k for k, s in states.items() if s.get("result") is not True]
        assert failed == [], failed
    return ret


def _wait(check, timeout=30):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value or time.time() > deadline:
            return value
        time.sleep(0.5)


def test_unsynced_minion_is_told_to_sync(fleet):
    rc, out = fleet.salt("newhost", "state.apply", "ipmp", timeout=180, wait=120)
    assert rc != 0
    assert SYNC_HINT in out, out
    assert "has no attribute" not in out, out


def test_grains_name_the_groups(fleet, converged):
    for minion in SYNCED:
        states = converged[minion]
        refresh = [s for k, s in states.items() if "ipmp-grains-refresh" in k]
        assert refresh and refresh[0]["result"] is True, states.keys()
    grains = fleet.salt_json("-L", ",".join(SYNCED), "grains.item", "ipmp_groups", "ipmp_platform")
    for minion in SYNCED:
        assert grains[minion] == {"ipmp_groups": ["ipmp0", "ipmp1"], "ipmp_platform": "solaris10"}
    # Targeting by group reaches exactly the minions in it.
    answered = _wait(lambda: fleet.salt_json("-G", "ipmp_groups:ipmp0", "test.ping", wait=10))
    assert sorted(answered) == SYNCED
    # A minion with no group has the grain, empty (newhost has not synced its grains).
    assert fleet.salt_json("-G", "ipmp_groups:nosuch", "test.ping", wait=5) == {}


def test_report_from_the_mine(fleet, converged):
    # The highstate changed the groups: each minion sent ipmp.status at once.
    mine = fleet.salt_run("mine.get", "sol*", "ipmp.status", "--out", "json")
    assert mine[0] == 0, mine
    assert sorted(json.loads(mine[1])) == SYNCED
    fleet.lab("link", fleet.host("sol1"), "bge0", "down")
    try:
        rc, out = fleet.salt_run("ipmp.report", "--out", "json")
        assert rc == 0, out
        rows = {(r["minion"], r["group"]): r for r in json.loads(out)}
        assert set(rows) == {(m, g) for m in SYNCED for g in ("ipmp0", "ipmp1")}
        for row in rows.values():
            assert row["state"] == "ok"  # the mine still has the time before the cable
            assert 0 <= row["age"] < 600 and row["stale"] is False
        rc, out = fleet.salt_run("ipmp.report", "source=live", "--out", "json")
        live = {(r["minion"], r["group"]): r for r in json.loads(out)}
        assert live[("sol1", "ipmp0")]["state"] == "degraded"
        assert "age" not in live[("sol1", "ipmp0")]
        # Everything is stale once older than the threshold.
        time.sleep(1.5)
        rc, out = fleet.salt_run("ipmp.report", "source=mine", "stale=1", "--out", "json")
        assert all(r["stale"] for r in json.loads(out))
        rc, out = fleet.salt_run("ipmp.report", "source=mine")
        lines = out.splitlines()
        assert lines[0].split()[:3] == ["MINION", "GROUP", "STATE"] and "AGE" in lines[0], out
    finally:
        fleet.lab("link", fleet.host("sol1"), "bge0", "up")


def test_an_alert_refreshes_the_mine(fleet, converged):
    """The alert runner asks the minion for a fresh mine.send: the mine shows
    the failure at once, not at the next interval (an hour here)."""

    def mined_state():
        rc, out = fleet.salt_run("mine.get", "sol2", "ipmp.status", "--out", "json")
        assert rc == 0, out
        return (json.loads(out).get("sol2") or {}).get("ipmp0", {}).get("state")

    fleet.restart_minion("sol2")  # the engine is synced now: start it
    fleet.wait_for_minions(["sol2"])
    assert mined_state() == "ok"
    since = len(fleet.alerts())
    fleet.lab("link", fleet.host("sol2"), "bge0", "down")
    try:
        alert = fleet.wait_for_alert(
            lambda a: a.get("minion") == "sol2" and a.get("group") == "ipmp0", since=since)
        assert alert is not None, fleet.alerts()[since:]
        assert _wait(lambda: mined_state() == "degraded", timeout=30), mined_state()
    finally:
        fleet.lab("link", fleet.host("sol2"), "bge0", "up")
