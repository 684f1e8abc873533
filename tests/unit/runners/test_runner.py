"""The ipmp runner: alerts from events, folding, untrusted data, the report."""

import copy
import http.server
import importlib.machinery
import importlib.util
import json
import os
import threading
import time
import types

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

DEGRADED = {
    "ipmp0": {
        "state": "degraded",
        "failure_detection": "link",
        "interfaces": {"bge0": {"state": "failed"}, "bge2": {"state": "active"}},
        "addresses": ["192.168.1.10"],
    }
}
OK = {
    "ipmp0": {
        "state": "ok",
        "failure_detection": "link",
        "interfaces": {"bge0": {"state": "active"}, "bge2": {"state": "standby"}},
        "addresses": ["192.168.1.10"],
    }
}
LINE = "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID {} daemon.error] {}"


def event(name, minion="sol1", group="ipmp0", **fields):
    data = {"event": name, "id": minion, "time": "Jan  5 10:22:01", "message": LINE.format(1, name)}
    if group is not None:
        data["group"] = group
    data.update(fields)
    return data


def tag_of(data, minion=None, group=None):
    return "salt/beacon/{}/ipmp/{}/{}".format(
        minion or data["id"], group or data.get("group", "-"), data["event"]
    )


def make_keys(pki, keys, minions):
    """A Salt key pair per minion: ``keys/<id>/minion.pem`` (the minion's
    own) and ``pki/minions/<id>`` (what the master accepted)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    (pki / "minions").mkdir(parents=True, exist_ok=True)
    for minion in minions:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (keys / minion).mkdir(parents=True, exist_ok=True)
        (keys / minion / "minion.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption()))
        (pki / "minions" / minion).write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


class FakeKey:
    def __init__(self, accepted):
        self.accepted = accepted

    def list_status(self, match):
        assert match == "accepted"
        return {"minions": list(self.accepted)}


# The utils the runner reaches through __utils__ (what saltutil.sync_all puts on the master).
RUNNER_UTILS = (
    "ipmp_validate", "ipmp_events", "ipmp_model", "ipmp_report", "ipmp_alert_verify",
    "ipmp_alert_fold", "ipmp_alert_record", "ipmp_alert_sinks", "ipmp_alert_settings",
    "ipmp_alert_status", "ipmp_event_sign",
)


class Master:
    """The runner module with a fake minion side and recorded deliveries."""

    def __init__(self, mod, tmp_path):
        self.mod = mod
        self.log = tmp_path / "alerts.jsonl"
        self.fetches = []
        self.fired = []
        self.statuses = []  # returned in turn; the last one repeats
        self.delay = 0.0

    def fetch(self, minion, group):
        self.fetches.append((minion, group))
        time.sleep(self.delay)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status is None:
            return None, "no answer from {} within 1s".format(minion)
        return copy.deepcopy(status), None

    def alerts(self):
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def sign(self, data, tag, minion=None):
        """``data`` signed as the minion ``minion`` (default: the tag's) would sign it."""
        if not isinstance(data, dict):
            return data
        minion = minion or tag.split("/")[2]
        opts = {"pki_dir": str(self.keys / minion)}
        if data.get("cmd") == "_minion_event" and isinstance(data.get("data"), dict):
            return dict(data, data=self.signer(opts, tag, data["data"]))
        return self.signer(opts, tag, data)

    def later(self, data, **kwargs):
        """``alert(data)`` as a call for another thread, signed now (as the
        minion signed it before sending), so the threads race in the runner."""
        tag = kwargs.pop("tag", None) or tag_of(data)
        signed = self.sign(data, tag, kwargs.pop("signed_by", None))
        return lambda: self.mod.alert(tag=tag, data=signed, **kwargs)

    def alert(self, data, tag=None, signed_by=None, **kwargs):
        tag = tag or tag_of(data)
        return self.mod.alert(tag=tag, data=self.sign(data, tag, signed_by), **kwargs)


@pytest.fixture
def master(load_extension, load_util, tmp_path, monkeypatch):
    mod = load_extension("_runners/ipmp.py", utils=RUNNER_UTILS)
    (tmp_path / "pki").mkdir()
    mod.__opts__ = {
        "cachedir": str(tmp_path / "cache"),
        "pki_dir": str(tmp_path / "pki"),
        "sock_dir": str(tmp_path / "sock"),
        "ipmp.alert_log": str(tmp_path / "alerts.jsonl"),
        "ipmp.alert_window": 0.3,
        "ipmp.alert_window_max": 5,
        "ipmp.alert_status_timeout": 1,
        "ipmp.alert_webhook_timeout": 2,
        # Most tests time events against the moment the alert is written;
        # the wait for in.mpathd's follow-up line has tests of its own.
        "ipmp.alert_settle": 0,
    }
    state = Master(mod, tmp_path)
    state.statuses = [DEGRADED]
    state.keys = tmp_path / "keys"
    make_keys(tmp_path / "pki", state.keys, ("sol1", "sol2"))
    state.signer = load_util("ipmp_event_sign").sign
    monkeypatch.setattr(mod.salt.key, "get_key", lambda opts: FakeKey(["sol1", "sol2"]))
    monkeypatch.setattr(mod, "_status_fetcher", lambda setting: state.fetch)
    monkeypatch.setattr(
        load_util("ipmp_alert_sinks"), "fire",
        lambda opts, tag, record: state.fired.append((tag, record)),
    )
    # The fold windows' state file, as the runner's helpers for it were once called.
    fold, cachedir = load_util("ipmp_alert_fold"), mod.__opts__["cachedir"]
    state.fold = types.SimpleNamespace(
        _key=fold.key,
        _Locked=lambda: fold.locked(cachedir),
        _save=lambda data: fold.save(cachedir, data),
        _load=lambda: fold.load(cachedir),
    )
    return state


def in_threads(*calls):
    results = [None] * len(calls)

    def run(index, func):
        results[index] = func()

    threads = []
    for index, func in enumerate(calls):
        thread = threading.Thread(target=run, args=(index, func))
        thread.start()
        threads.append(thread)
        time.sleep(0.01)  # the reactor hands events over in order
    for thread in threads:
        thread.join(30)
    return results


# -------------------------------------------------------------------- alerts
def test_one_event_one_alert_line(master):
    ret = master.alert(event("failure", interface="bge0"))
    assert ret["result"] is True
    assert master.fetches == [("sol1", "ipmp0")]
    (alert,) = master.alerts()
    assert alert["kind"] == "alert"
    assert alert["minion"] == "sol1"
    assert alert["group"] == "ipmp0"
    assert alert["event"]["event"] == "failure"
    assert alert["event"]["interface"] == "bge0"
    assert "id" not in alert["event"]
    assert alert["status"] == DEGRADED
    assert alert["severity"] == "warning"
    assert [e["event"] for e in alert["events"]] == ["failure"]
    assert master.fired == [("ipmp/alert/sol1/ipmp0", alert)]
    assert ret["alert"] == alert


def test_failure_and_failover_fold_into_one_alert(master):
    master.delay = 0.1
    down = event("link_down", interface="bge0")
    fail = event("failure", interface="bge0")
    over = event("failover", interface="bge0", to="bge2")
    results = in_threads(
        master.later(down), master.later(fail), master.later(over)
    )
    alerts = master.alerts()
    assert len(alerts) == 1, alerts
    assert [e["event"] for e in alerts[0]["events"]] == ["link_down", "failure", "failover"]
    assert alerts[0]["count"] == 3
    assert sorted("folded" in r for r in results) == [False, True, True]
    assert master.fetches == [("sol1", "ipmp0")]


def test_alert_lists_events_in_the_order_the_master_received_them(master):
    """Reactor worker threads race; the master's _stamp keeps the log order."""
    master.delay = 0.1
    stamps = {"link_down": "2026-01-05T10:22:01.100000+00:00",
              "failure": "2026-01-05T10:22:01.100200+00:00",
              "failover": "2026-01-05T10:22:01.100400+00:00"}

    def send(name, **fields):
        data = event(name, interface="bge0", **fields)
        data["_stamp"] = stamps[name]
        tag = tag_of(data)
        signed = master.sign(data, tag)  # before the race, as a minion would have
        return lambda: master.mod.alert(tag=tag, data=signed)

    in_threads(send("failover", to="bge2"), send("failure"), send("link_down"))
    (alert,) = master.alerts()
    assert [e["event"] for e in alert["events"]] == ["link_down", "failure", "failover"]
    assert alert["event"]["event"] == "link_down"


def test_failure_waits_for_the_failover_that_follows(master):
    """in.mpathd logs the failover just after the failure: one alert holds both."""
    master.mod.__opts__["ipmp.alert_settle"] = 0.5
    master.statuses = [DEGRADED, DEGRADED]
    results = in_threads(
        master.later(event("failure", interface="bge0")),
        (lambda late: lambda: (time.sleep(0.15), late())[1])(
            master.later(event("failover", interface="bge0", to="bge2"))),
    )
    assert results[1]["folded"] == results[0]["alert"]["id"]
    (alert,) = master.alerts()
    assert [e["event"] for e in alert["events"]] == ["failure", "failover"]
    assert [a["kind"] for a in master.alerts()] == ["alert"]


def test_failure_without_a_failover_waits_only_the_settle_time(master):
    master.mod.__opts__["ipmp.alert_settle"] = 0.5
    master.statuses = [DEGRADED, DEGRADED]
    began = time.time()
    result = master.alert(event("failure", interface="bge0"))
    written = time.time() - began
    assert [e["event"] for e in result["alert"]["events"]] == ["failure"]
    assert 0.5 <= written < 0.5 + 0.3 + 1.0  # settle, then the window (0.3 s)


def test_events_after_the_alert_same_story_are_counted_by_a_quiet_summary(master):
    master.statuses = [DEGRADED, DEGRADED]
    results = in_threads(
        master.later(event("failure", interface="bge0")),
        (lambda late: lambda: (time.sleep(0.15), late())[1])(
            master.later(event("failover", interface="bge0", to="bge2"))),
    )
    assert results[1]["folded"] == results[0]["alert"]["id"]
    alert, summary = master.alerts()
    assert [e["event"] for e in alert["events"]] == ["failure"] and alert["count"] == 1
    # Every event ends up counted; nothing new for a person, so no one is paged.
    assert summary["kind"] == "summary" and summary["changed"] is False
    assert summary["count"] == 2 and [e["event"] for e in summary["events"]] == ["failover"]
    assert results[0]["summary"] == summary
    assert len(master.fetches) == 2  # the alert, and the check at the end of the window


def test_a_burst_counts_its_lines_and_points_where_its_last_line_does(master):
    master.statuses = [DEGRADED, DEGRADED]
    burst = event("burst", interface="bge0", count=600, counts="failover=300 failure=300",
                  first_event="failure", last_event="failover")
    result = master.alert(burst)
    alert = result["alert"]
    assert alert["count"] == 600 and alert["events"][0]["counts"] == "failover=300 failure=300"
    assert alert["severity"] == "warning"


def test_the_same_event_sent_twice_is_alerted_once(master):
    master.statuses = [DEGRADED, DEGRADED]
    first = master.alert(event("failure", interface="bge0", eid="0123456789abcdef"))
    again = master.alert(event("failure", interface="bge0", eid="0123456789abcdef"))
    assert "alert" in first and again == {"result": True, "duplicate": "0123456789abcdef"}
    assert [a["kind"] for a in master.alerts()] == ["alert"]


def test_flap_gives_alert_then_summary(master):
    master.statuses = [DEGRADED, OK]
    results = in_threads(
        master.later(event("link_down", interface="bge0")),
        lambda: (time.sleep(0.1), master.alert(event("link_up", interface="bge0")))[1],
        lambda: (time.sleep(0.2), master.alert(event("repair", interface="bge0")))[1],
    )
    alerts = master.alerts()
    assert [a["kind"] for a in alerts] == ["alert", "summary"], alerts
    alert, summary = alerts
    assert summary["alert"] == alert["id"]
    assert [e["event"] for e in summary["events"]] == ["link_up", "repair"]
    assert summary["counts"] == {"link_down": 1, "link_up": 1, "repair": 1}
    assert summary["status"] == OK
    assert summary["severity"] == "info"
    assert results[0]["summary"] == summary
    assert [tag for tag, _ in master.fired] == ["ipmp/alert/sol1/ipmp0"] * 2


def test_status_change_without_new_direction_also_summarised(master):
    worse = copy.deepcopy(DEGRADED)
    worse["ipmp0"]["state"] = "failed"
    worse["ipmp0"]["interfaces"]["bge2"]["state"] = "failed"
    master.statuses = [DEGRADED, worse]
    in_threads(
        master.later(event("failure", interface="bge0")),
        lambda: (time.sleep(0.1), master.alert(event("group_failed")))[1],
    )
    alerts = master.alerts()
    assert [a["kind"] for a in alerts] == ["alert", "summary"]
    assert alerts[1]["severity"] == "critical"


def test_window_closes_then_next_event_alerts_again(master):
    master.alert(event("failure", interface="bge0"))
    master.alert(event("repair", interface="bge0"))
    assert [a["kind"] for a in master.alerts()] == ["alert", "alert"]


def test_groups_and_minions_have_separate_windows(master):
    master.delay = 0.05
    in_threads(
        master.later(event("failure", interface="bge0")),
        master.later(event("failure", interface="e1000g0", group="ipmp1")),
        master.later(event("failure", minion="sol2", interface="bge0")),
    )
    got = sorted((a["minion"], a["group"]) for a in master.alerts())
    assert got == [("sol1", "ipmp0"), ("sol1", "ipmp1"), ("sol2", "ipmp0")]


def test_event_without_group_asks_for_every_group(master):
    data = event("config", group=None, key="FAILBACK", value="maybe")
    ret = master.alert(data, tag="salt/beacon/sol1/ipmp/-/config")
    assert ret["result"] is True
    assert master.fetches == [("sol1", "-")]
    assert master.alerts()[0]["group"] == "-"


def test_minion_not_answering_still_alerts(master):
    master.statuses = [None]
    master.alert(event("failure", interface="bge0"))
    (alert,) = master.alerts()
    assert alert["status"] is None
    assert "no answer" in alert["status_error"]
    assert alert["severity"] == "warning"


def test_engine_envelope_is_accepted(master):
    inner = event("failover", interface="bge0", to="bge2")
    inner.pop("id")
    tag = tag_of(event("failover"))
    data = {"cmd": "_minion_event", "id": "sol1", "tag": tag, "data": inner, "pretag": None}
    ret = master.alert(data, tag=tag, minion="sol1")
    assert ret["result"] is True
    assert master.alerts()[0]["event"]["to"] == "bge2"


def test_event_fields_are_bounded(master):
    data = event("failure", interface="bge0", message="x" * 100000, nested={"a": 1},
                 ratio=float("nan"), pid=123, **{"bad key": 1})
    data[7] = "integer key"
    master.alert(data)
    stored = master.alerts()[0]["event"]
    assert len(stored["message"]) == 4096
    assert stored["pid"] == 123
    assert "nested" not in stored and "bad key" not in stored and "ratio" not in stored
    assert "7" not in stored


# --------------------------------------------------------------- rejections
FORGED = [
    # (description, tag, data, reactor minion)
    ("tag names another minion", "salt/beacon/sol2/ipmp/ipmp0/failure", event("failure"), None),
    ("data names another minion", "salt/beacon/sol1/ipmp/ipmp0/failure", event("failure", minion="sol2"), None),
    ("reactor minion differs", "salt/beacon/sol1/ipmp/ipmp0/failure", event("failure"), "sol2"),
    (
        "envelope sender differs from tag",
        "salt/beacon/sol2/ipmp/ipmp0/failure",
        {"cmd": "_minion_event", "id": "sol1", "data": event("failure", minion="sol2")},
        None,
    ),
    (
        "envelope body names another minion",
        "salt/beacon/sol1/ipmp/ipmp0/failure",
        {"cmd": "_minion_event", "id": "sol1", "data": event("failure", minion="sol2")},
        None,
    ),
    ("minion without accepted key", "salt/beacon/rogue/ipmp/ipmp0/failure", event("failure", minion="rogue"), None),
    ("glob as minion", "salt/beacon/*/ipmp/ipmp0/failure", event("failure", minion="*"), None),
    ("list as minion", "salt/beacon/sol1,sol2/ipmp/ipmp0/failure", event("failure", minion="sol1,sol2"), None),
    ("shell in group", "salt/beacon/sol1/ipmp/a;reboot/failure", event("failure", group="a;reboot"), None),
    ("group mismatch", "salt/beacon/sol1/ipmp/ipmp1/failure", event("failure"), None),
    ("group missing from tag", "salt/beacon/sol1/ipmp/-/failure", event("failure"), None),
    ("event mismatch", "salt/beacon/sol1/ipmp/ipmp0/repair", event("failure"), None),
    ("bad interface", None, event("failure", interface="bge0 $(reboot)"), None),
    ("bad failover target", None, event("failover", interface="bge0", to="../../x"), None),
    ("not our tag", "salt/beacon/sol1/log/ipmp0/failure", event("failure"), None),
    ("data not a mapping", "salt/beacon/sol1/ipmp/ipmp0/failure", "failure", None),
]


@pytest.mark.parametrize("why, tag, data, minion", FORGED, ids=[f[0] for f in FORGED])
def test_forged_or_malformed_events_are_ignored(master, why, tag, data, minion):
    # Signed by the minion the tag names, when it has a key: the rejection
    # must come from the check each case is about.
    tag = tag or tag_of(data)
    name = tag.split("/")[2]
    if (master.keys / name).is_dir():
        data = master.sign(data, tag)
    ret = master.mod.alert(tag=tag, data=data, minion=minion)
    assert ret["result"] is False
    assert ret["comment"].startswith("rejected: ")
    assert master.fetches == []
    assert master.alerts() == []
    assert master.fired == []


def test_unsigned_event_is_rejected(master):
    data = event("failure", interface="bge0")
    ret = master.mod.alert(tag=tag_of(data), data=data)
    assert ret["result"] is False
    assert "not signed" in ret["comment"], ret
    assert master.alerts() == [] and master.fetches == []


def test_event_signed_by_another_minion_is_rejected(master):
    """The preload forgery: sol2 sends a beacon-shaped event naming sol1."""
    data = event("failure", interface="bge0")
    ret = master.alert(data, signed_by="sol2")
    assert ret["result"] is False
    assert "the signature is not sol1's" in ret["comment"], ret
    assert master.alerts() == []


def test_tampered_or_stale_event_is_rejected(master):
    tag = tag_of(event("failure"))
    signed = master.sign(event("failure", interface="bge0"), tag)
    ret = master.mod.alert(tag=tag, data=dict(signed, interface="bge2"))
    assert ret["result"] is False and "signature is not sol1's" in ret["comment"], ret
    old = master.signer({"pki_dir": str(master.keys / "sol1")}, tag, event("failure"),
                        clock=lambda: time.time() - 3600)
    ret = master.mod.alert(tag=tag, data=old)
    assert ret["result"] is False and "sent 3600s from now" in ret["comment"], ret
    assert master.alerts() == []


def test_unsigned_events_only_when_the_master_allows_them(master):
    master.mod.__opts__["ipmp.alert_unsigned"] = True
    data = event("failure", interface="bge0")
    ret = master.mod.alert(tag=tag_of(data), data=data)
    assert ret["result"] is True, ret
    assert len(master.alerts()) == 1


def test_missing_validators_fail_closed(master):
    master.mod.__utils__ = {}
    ret = master.alert(event("failure"))
    assert ret["result"] is False
    assert "saltutil.sync_all" in ret["comment"]
    assert master.fetches == []


# ------------------------------------------------------------------ webhook
class Hook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Hook.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield "http://127.0.0.1:{}/hook".format(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join()


def test_webhook_receives_the_alert(master, webhook):
    master.mod.__opts__["ipmp.alert_webhook"] = webhook
    ret = master.alert(event("failure", interface="bge0"))
    assert ret["delivered"] == {"log": True, "webhook": True}
    assert Hook.received == [("application/json", master.alerts()[0])]


def test_webhook_failure_is_logged_not_raised(master, caplog):
    master.mod.__opts__["ipmp.alert_webhook"] = "http://127.0.0.1:9/nothing-listens"
    ret = master.alert(event("failure", interface="bge0"))
    assert ret["delivered"]["webhook"] is False
    assert len(master.alerts()) == 1
    assert "webhook" in caplog.text


def test_non_http_webhook_is_refused(master, caplog):
    master.mod.__opts__["ipmp.alert_webhook"] = "file:///etc/passwd"
    ret = master.alert(event("failure", interface="bge0"))
    assert ret["delivered"]["webhook"] is False
    assert "http:// or https://" in caplog.text


# ------------------------------------------------------------------- report
class FakeClient:
    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def cmd(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return copy.deepcopy(self.answer)

    def destroy(self):
        pass


REPORT_ANSWER = {
    "sol1": {
        "ipmp.status": {
            "ipmp0": {
                "state": "degraded",
                "interfaces": {
                    "bge0": {"state": "failed"},
                    "bge1": {"state": "offline"},
                    "bge2": {"state": "active"},
                    "bge3": {"state": "standby"},
                },
            }
        },
        "ipmp.events": [
            {"event": "link_down", "interface": "bge0", "time": "Jan  5 10:22:01"},
            {"event": "failover", "interface": "bge0", "to": "bge2", "time": "Jan  5 10:22:01"},
            {"event": "failure", "interface": "e1000g0", "group": "other", "time": "Jan  5 10:23:00"},
        ],
    },
    "linux1": {"ipmp.status": "'ipmp.status' is not available.", "ipmp.events": "x"},
}


def test_report_rows(master, monkeypatch):
    client = FakeClient(REPORT_ANSWER)
    monkeypatch.setattr(master.mod.salt.client, "get_local_client", lambda **kw: client)
    rows = master.mod.report()
    assert rows == [
        {
            "minion": "sol1",
            "group": "ipmp0",
            "state": "degraded",
            "active": ["bge2"],
            "standby": ["bge3"],
            "failed": ["bge0"],
            "offline": ["bge1"],
            "last_event": "Jan  5 10:22:01 failover bge0 -> bge2",
        }
    ]
    args, kwargs = client.calls[0]
    assert args[:3] == ("*", ["ipmp.status", "ipmp.events"], [[], [50]])


def test_report_prints_a_table_on_the_command_line(master, monkeypatch):
    monkeypatch.setattr(
        master.mod.salt.client, "get_local_client", lambda **kw: FakeClient(REPORT_ANSWER)
    )
    master.mod.__opts__["__cli"] = "salt-run"
    ret = master.mod.report()
    assert ret["outputter"] == "txt"
    lines = ret["data"].splitlines()
    assert lines[0].split() == ["MINION", "GROUP", "STATE", "ACTIVE", "STANDBY", "FAILED", "OFFLINE", "LAST", "EVENT"]
    assert lines[1].split()[:7] == ["sol1", "ipmp0", "degraded", "bge2", "bge3", "bge0", "bge1"]
    master.mod.__opts__["output"] = "json"
    assert isinstance(master.mod.report(), list)


@pytest.mark.parametrize("kwargs", [{"tgt_type": "exec"}, {"events": 0}, {"events": "many"}])
def test_report_rejects_bad_arguments(master, kwargs):
    with pytest.raises(master.mod.SaltInvocationError):
        master.mod.report(**kwargs)


# ------------------------------------------------------------------ reactor
def load_reactor():
    path = os.path.join(REPO, "salt", "reactor", "ipmp", "ipmp_alert.sls")
    loader = importlib.machinery.SourceFileLoader("ipmp_reactor_under_test", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    with open(path) as handle:
        assert handle.readline().strip() == "#!py"
    return mod


def test_reactor_passes_event_as_objects():
    reactor = load_reactor()
    data = event("failover", interface="bge0", to="bge2", message="$(reboot) {{ evil }}")
    reactor.tag = tag_of(data)
    reactor.data = data
    high = reactor.run()
    (args,) = high["ipmp_alert"]["runner.ipmp.alert"]
    kwargs = {}
    for item in args["args"]:
        kwargs.update(item)
    assert kwargs["tag"] == reactor.tag
    assert kwargs["data"] is data
    assert kwargs["minion"] == "sol1"


@pytest.mark.parametrize(
    "tag, data",
    [
        ("salt/beacon/sol1/log/x/y", {"id": "sol1"}),
        ("salt/beacon/so l1/ipmp/ipmp0/failure", {"id": "so l1"}),
        ("salt/beacon/sol1;reboot/ipmp/ipmp0/failure", {}),
        ("salt/beacon/sol1/ipmp/ipmp0/Failure", {}),
        ("salt/beacon/sol1/ipmp/ipmp0/failure", "text"),
        (None, {}),
    ],
)
def test_reactor_drops_what_does_not_fit(tag, data):
    reactor = load_reactor()
    reactor.tag = tag
    reactor.data = data
    assert reactor.run() == {}


def test_windows_left_by_a_dead_owner_are_dropped(master):
    """A master restart in the middle of a window leaves it in the cache; it must not
    swallow the next event of that group, nor stay in the state file forever."""
    mod = master.fold
    old = time.time() - 3600
    state = {"windows": {}}
    for key in (mod._key("sol1", "ipmp0"), mod._key("sol2", "ipmp9")):
        state["windows"][key] = {"id": "dead", "opened": old, "deadline": old + 2, "count": 1,
                                 "events": [], "reported": [], "reported_count": 1, "status": None}
    with mod._Locked():
        mod._save(state)
    ret = master.alert(event("failure", interface="bge0"))
    assert "alert" in ret
    assert len(master.alerts()) == 1
    assert mod._load()["windows"] == {}


def test_an_alert_its_runner_never_wrote_is_counted_in_a_summary(master):
    """The runner marked two events reported and died with its master
    before writing the alert: the next alert reports them, all of them."""
    mod = master.fold
    now = time.time()
    entries = [
        {"n": n, "stamp": "{:020.6f}".format(now + n), "brief": {"event": name, "received": now},
         "event": event(name, interface="bge0")}
        for n, name in ((1, "failure"), (2, "failover"))
    ]
    state = {"windows": {mod._key("sol1", "ipmp0"): {
        "id": "dead", "owner": 2 ** 22 + 1, "opened": now, "deadline": now + 5, "count": 2,
        "events": entries, "reported": [1, 2], "reported_count": 2,
        "delivered": [], "delivered_count": 0, "status": None}}}
    with mod._Locked():
        mod._save(state)
    master.alert(event("failure", group="ipmp9", interface="bge3"))
    (summary,) = [a for a in master.alerts() if a.get("alert") == "dead"]
    assert summary["kind"] == "summary" and summary["count"] == 2
    assert mod._load().get("ended") == {}


def test_a_status_the_engine_sent_with_the_event_is_used_without_asking(master):
    master.statuses = [OK]
    result = master.alert(event("failure", interface="bge0", status=DEGRADED))
    assert result["alert"]["status"] == DEGRADED
    assert master.fetches == []  # nothing came after the alert: no end-of-window check either
    assert "status_error" not in result["alert"]


def test_a_status_for_another_group_is_not_used(master):
    master.statuses = [DEGRADED, DEGRADED]
    other = {"ipmp9": DEGRADED["ipmp0"]}
    result = master.alert(event("failure", interface="bge0", status=other))
    assert result["alert"]["status"] == DEGRADED
    assert len(master.fetches) >= 1
