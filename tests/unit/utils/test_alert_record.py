"""ipmp_alert_record and ipmp_alert_status: what an alert says, and how the status is asked for."""

import pytest


@pytest.fixture(scope="module")
def record(load_util):
    return load_util("ipmp_alert_record")


@pytest.fixture(scope="module")
def direction(load_util):
    return load_util("ipmp_events").direction


def status(state, group="ipmp0"):
    return {group: {"state": state, "interfaces": {}}}


def test_brief_keeps_the_listed_keys(record):
    event = {"event": "failover", "interface": "bge0", "to": "bge2", "message": "long text", "pid": 1}
    assert record.brief(event, 12.34567) == {
        "event": "failover", "interface": "bge0", "to": "bge2", "received": 12.346,
    }


def test_now_iso(record):
    assert record.now_iso(0.25) == "1970-01-01T00:00:00.250Z"


@pytest.mark.parametrize(
    "group, state, events, expected",
    [
        ("ipmp0", "failed", [], "critical"),
        ("ipmp0", "degraded", [], "warning"),
        ("ipmp0", "ok", [{"event": "failure"}], "info"),
        ("-", "failed", [], "critical"),
        ("ipmp1", "failed", [{"event": "failure"}], "warning"),  # not this group: by the events
        ("ipmp1", "failed", [{"event": "repair"}], "info"),
    ],
)
def test_severity(record, direction, group, state, events, expected):
    assert record.severity(group, status(state), events, direction) == expected


def test_severity_without_status(record, direction):
    assert record.severity("ipmp0", None, [{"event": "link_down"}], direction) == "warning"
    assert record.severity("ipmp0", None, [{"event": "link_up"}], direction) == "info"


def test_record(record, direction):
    out = record.record("alert", "sol1", "ipmp0", {"event": "failure"}, [{"event": "failure"}],
                        None, "no answer", 0.0, direction, id="x", count=1)
    assert out["kind"] == "alert"
    assert out["received"] == "1970-01-01T00:00:00.000Z"
    assert out["severity"] == "warning"
    assert out["status_error"] == "no answer"
    assert (out["id"], out["count"]) == ("x", 1)
    assert "status_error" not in record.record("alert", "sol1", "ipmp0", {}, [], None, None, 0.0, direction)


def test_worth_a_summary(record, direction):
    down, up = [{"event": "failure"}], [{"event": "repair"}]
    same = status("degraded")
    assert record.worth_a_summary(down, up, same, same, direction) is True
    assert record.worth_a_summary(down, [{"event": "failover"}], same, same, direction) is False
    assert record.worth_a_summary(down, [{"event": "failover"}], same, status("failed"), direction) is True
    assert record.worth_a_summary(down, [], None, None, direction) is False


def test_summary(record, direction):
    alert = {"minion": "sol1", "group": "ipmp0", "event": {"event": "link_down"}, "id": "abc"}
    briefs = [{"event": "link_down", "received": 10.0}, {"event": "link_up", "received": 11.5},
              {"event": "link_down", "received": 11.0}]
    out = record.summary(alert, briefs, briefs[1:], status("ok"), None, 10.0, 3, direction)
    assert out["kind"] == "summary"
    assert out["alert"] == "abc"
    assert out["event"] == {"event": "link_down"}
    assert out["events"] == briefs[1:]
    assert out["counts"] == {"link_down": 2, "link_up": 1}
    assert (out["first"], out["last"]) == ("1970-01-01T00:00:10.000Z", "1970-01-01T00:00:11.500Z")
    assert out["severity"] == "info"


# ------------------------------------------------------------------ status
class FakeClient:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls, self.destroyed = answer, error, [], False

    def cmd(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if self.error:
            raise self.error
        return self.answer

    def destroy(self):
        self.destroyed = True


@pytest.fixture
def status_util(load_util, monkeypatch):
    mod = load_util("ipmp_alert_status")
    clients = []
    monkeypatch.setattr(mod.salt.client, "get_local_client", lambda mopts: clients.pop(0))
    mod._drop_local_client()
    yield mod, clients
    mod._drop_local_client()


def test_status_targets_exactly_one_minion_and_reuses_the_client(status_util):
    mod, clients = status_util
    client = FakeClient({"sol1": {"ret": status("ok"), "retcode": 0}})
    clients.append(client)
    assert mod.fetch({}, "sol1", "ipmp0", 3) == (status("ok"), None)
    assert mod.fetch({}, "sol1", "-", 3) == (status("ok"), None)
    (args, kwargs), (_, every) = client.calls
    assert args == (["sol1"], "ipmp.status")
    assert kwargs["tgt_type"] == "list" and kwargs["arg"] == ["ipmp0"] and kwargs["timeout"] == 3
    assert every["arg"] == []


@pytest.mark.parametrize(
    "answer, error, why",
    [
        ({}, None, "no answer from sol1 within 3s"),
        ({"sol1": {"ret": "'ipmp.status' is not available.", "retcode": 1}}, None, "ipmp.status failed"),
        (None, RuntimeError("master gone"), "status request failed: master gone"),
    ],
)
def test_status_failures_are_reasons(status_util, answer, error, why):
    mod, clients = status_util
    client = FakeClient(answer, error)
    clients.append(client)
    got, reason = mod.fetch({}, "sol1", "ipmp0", 3)
    assert got is None and reason.startswith(why)
    assert client.destroyed is bool(error)
