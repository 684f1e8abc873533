"""ipmp_report: the rows and the table of ``salt-run ipmp.report``."""

import pytest


@pytest.fixture(scope="module")
def report(load_util):
    return load_util("ipmp_report")


@pytest.fixture(scope="module")
def members_in(load_util):
    return load_util("ipmp_model").members_in


ANSWERS = {
    "sol2": {
        "ipmp.status": {
            "ipmp1": {"state": "ok", "interfaces": {"e1000g0": {"state": "active"},
                                                    "e1000g1": {"state": "inactive"}}},
            "ipmp0": {"state": "failed", "interfaces": {"bge0": {"state": "failed"}}},
        },
        "ipmp.events": [
            {"event": "failure", "interface": "bge0:1", "time": "Jan  5 10:22:01"},
            "not an event",
        ],
    },
    "win1": {"ipmp.status": "'ipmp.status' is not available.", "ipmp.events": []},
    "dead": False,
}


def test_rows(report, members_in):
    rows = report.rows(ANSWERS, members_in)
    assert [(r["minion"], r["group"]) for r in rows] == [("sol2", "ipmp0"), ("sol2", "ipmp1")]
    assert rows[0]["failed"] == ["bge0"]
    assert rows[0]["last_event"] == "Jan  5 10:22:01 failure bge0:1"
    assert rows[1]["standby"] == ["e1000g1"] and rows[1]["active"] == ["e1000g0"]
    assert rows[1]["last_event"] == ""
    assert report.rows(None, members_in) == []


def test_table_lines_up(report, members_in):
    lines = report.table(report.rows(ANSWERS, members_in)).splitlines()
    assert lines[0].startswith("MINION  GROUP  STATE ")
    assert lines[1].split() == ["sol2", "ipmp0", "failed", "-", "-", "bge0", "-", "Jan", "5",
                                "10:22:01", "failure", "bge0:1"]
    assert lines[0].index("ACTIVE") == lines[1].index("-") == lines[2].index("e1000g0")
    assert report.table([]) == "No IPMP groups found."


def test_last_event_names_the_failover_target(report):
    evs = [{"event": "failover", "interface": "bge0", "to": "bge2", "time": "t"}]
    assert report.last_event(evs, "ipmp0", {"bge0"}) == "t failover bge0 -> bge2"
    assert report.last_event(evs, "ipmp0", set()) == ""


@pytest.mark.parametrize("tgt_type, events", [("exec", 50), ("glob", 0), ("glob", 10001), ("glob", "many"), ("glob", None)])
def test_bad_arguments(report, tgt_type, events):
    with pytest.raises(report.SaltInvocationError):
        report.events_wanted(tgt_type, events)


def test_good_arguments(report):
    assert report.events_wanted("grain", "20") == 20
