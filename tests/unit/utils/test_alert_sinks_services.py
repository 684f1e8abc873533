"""The Slack, PagerDuty, mail and Prometheus sinks, each against a real
receiver on loopback: an HTTP server that checks the JSON each service
documents, an SMTP server (aiosmtpd), and the textfile parsed by
prometheus_client's own parser."""

import email
import functools
import http.server
import json
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families

DEGRADED = {"ipmp0": {"state": "degraded", "interfaces": {
    "bge0": {"state": "failed"}, "bge2": {"state": "active"}}}}
OK = {"ipmp0": {"state": "ok", "interfaces": {
    "bge0": {"state": "active"}, "bge2": {"state": "standby"}}}}
EVENTS = [
    {"event": "failure", "interface": "bge0", "received": 1700000000.5},
    {"event": "failover", "interface": "bge0", "to": "bge2", "received": 1700000000.75},
]


def record(status=DEGRADED, severity="warning", events=EVENTS, group="ipmp0", kind="alert"):
    return {"kind": kind, "minion": "sol1", "group": group, "id": "abc", "severity": severity,
            "event": {"event": events[0]["event"]} if events else {},
            "events": events, "status": status}


@pytest.fixture(scope="module")
def settings(load_util):
    return load_util("ipmp_alert_settings")


@pytest.fixture
def sinks(load_util, monkeypatch):
    mod = load_util("ipmp_alert_sinks")
    monkeypatch.setattr(mod, "fire", lambda opts, tag, rec: None)
    return mod


def deliver(sinks, settings, opts, rec):
    return sinks.deliver(rec, opts, functools.partial(settings.setting, opts))


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
        time.sleep(self.server.delay)
        self.send_response(self.server.code)
        self.end_headers()
        self.wfile.write(b'{"status": "success"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def http_receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.got, server.delay, server.code = [], 0.0, 202
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = "http://127.0.0.1:{}".format(server.server_address[1])
    yield server
    server.shutdown()
    server.server_close()


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_receiver():
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd checks its own port: it needs a number
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def test_slack_gets_one_readable_line(sinks, settings, http_receiver, tmp_path):
    opts = {"cachedir": str(tmp_path), "ipmp.alert_slack_webhook": http_receiver.url + "/hook/T0"}
    assert deliver(sinks, settings, opts, record()) == {"log": False, "webhook": None, "slack": True}
    [(path, ctype, body)] = http_receiver.got
    assert path == "/hook/T0" and ctype == "application/json"
    assert body == {"text": "[warning] sol1/ipmp0 degraded: failure bge0, failover bge0 -> bge2 "
                            "(bge0 failed, bge2 active)"}


def test_pagerduty_triggers_then_resolves_with_one_dedup_key(sinks, settings, http_receiver,
                                                             tmp_path):
    opts = {"cachedir": str(tmp_path), "ipmp.alert_pagerduty_key": "R0UT1NG",
            "ipmp.alert_pagerduty_url": http_receiver.url + "/v2/enqueue"}
    assert deliver(sinks, settings, opts, record())["pagerduty"] is True
    repair = [{"event": "repair", "interface": "bge0", "received": 1700000100.0}]
    assert deliver(sinks, settings, opts, record(OK, "info", repair, kind="summary"))[
        "pagerduty"] is True
    (path, ctype, trigger), (_, _, resolve) = http_receiver.got
    assert path == "/v2/enqueue" and ctype == "application/json"
    assert trigger["routing_key"] == "R0UT1NG" and trigger["event_action"] == "trigger"
    assert trigger["dedup_key"] == "salt-ipmp/sol1/ipmp0"
    payload = trigger["payload"]
    assert set(payload) >= {"summary", "source", "severity"}
    assert payload["source"] == "sol1" and payload["severity"] == "warning"
    assert payload["component"] == "ipmp0" and payload["summary"].startswith("[warning] sol1/ipmp0")
    assert resolve == {"routing_key": "R0UT1NG", "event_action": "resolve",
                       "dedup_key": "salt-ipmp/sol1/ipmp0"}


def test_pagerduty_event_without_group_speaks_for_each_group(sinks):
    status = dict(DEGRADED, ipmp1={"state": "ok", "interfaces": {}})
    bodies = sinks.pagerduty_events(record(status, group="-"), "k")
    assert [(b["dedup_key"], b["event_action"]) for b in bodies] == [
        ("salt-ipmp/sol1/ipmp0", "trigger"), ("salt-ipmp/sol1/ipmp1", "resolve")]
    # No status and nothing pointing down: nothing to tell PagerDuty.
    assert sinks.pagerduty_events(record(None, "info"), "k") == []


def test_mail_is_plain_text_to_the_configured_address(sinks, settings, smtp_receiver, tmp_path):
    opts = {"cachedir": str(tmp_path), "ipmp.alert_mail_to": ["noc@example.com", "ops@example.com"],
            "ipmp.alert_mail_from": "salt@example.com", "ipmp.alert_mail_host": "127.0.0.1",
            "ipmp.alert_mail_port": smtp_receiver.port}
    assert deliver(sinks, settings, opts, record())["mail"] is True
    [(sender, rcpts, content)] = smtp_receiver.messages
    assert sender == "salt@example.com" and rcpts == ["noc@example.com", "ops@example.com"]
    msg = email.message_from_bytes(content)
    assert msg.get_content_type() == "text/plain"
    assert msg["Subject"].startswith("[salt-ipmp] [warning] sol1/ipmp0 degraded")
    assert "failover bge0 -> bge2" in msg.get_payload(decode=True).decode()


def _samples(path):
    found = {}
    for family in text_string_to_metric_families(path.read_text()):
        assert family.type == "gauge"
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_prometheus_textfile_parses_and_follows_the_alerts(sinks, settings, tmp_path):
    prom = tmp_path / "textfile" / "ipmp.prom"
    prom.parent.mkdir()
    opts = {"cachedir": str(tmp_path), "ipmp.alert_prometheus_file": str(prom)}
    assert deliver(sinks, settings, opts, record())["prometheus"] is True
    other = dict(record(), minion='sol"2')
    deliver(sinks, settings, opts, other)
    samples = _samples(prom)
    g = (("group", "ipmp0"), ("minion", "sol1"))
    assert samples[("ipmp_group_state", g + (("state", "degraded"),))] == 1
    assert samples[("ipmp_group_state", g + (("state", "ok"),))] == 0
    nic = (("group", "ipmp0"), ("interface", "bge0"), ("minion", "sol1"))
    assert samples[("ipmp_interface_state", nic + (("state", "failed"),))] == 1
    assert samples[("ipmp_last_event_timestamp_seconds", g)] == 1700000000.75
    assert samples[("ipmp_group_state", (("group", "ipmp0"), ("minion", 'sol"2'),
                                         ("state", "degraded")))] == 1
    # The repair: the same series, now ok; the other minion is kept.
    repair = [{"event": "repair", "interface": "bge0", "received": 1700000100.0}]
    deliver(sinks, settings, opts, record(OK, "info", repair))
    samples = _samples(prom)
    assert samples[("ipmp_group_state", g + (("state", "ok"),))] == 1
    assert samples[("ipmp_interface_state", nic + (("state", "active"),))] == 1
    assert samples[("ipmp_last_event_timestamp_seconds", g)] == 1700000100.0
    assert ("ipmp_group_state", (("group", "ipmp0"), ("minion", 'sol"2'),
                                 ("state", "degraded"))) in samples
    assert [p.name for p in prom.parent.iterdir()] == ["ipmp.prom"]  # no temporary file left


def test_a_failing_sink_blocks_and_fails_no_other(sinks, settings, http_receiver, smtp_receiver,
                                                  tmp_path, caplog):
    http_receiver.delay = 3  # PagerDuty hangs past the sink timeout
    prom = tmp_path / "ipmp.prom"
    opts = {
        "cachedir": str(tmp_path), "ipmp.alert_sink_timeout": 1,
        "ipmp.alert_log": str(tmp_path / "alerts.jsonl"),
        "ipmp.alert_slack_webhook": "http://127.0.0.1:9/closed",  # nothing listens
        "ipmp.alert_pagerduty_key": "k",
        "ipmp.alert_pagerduty_url": http_receiver.url + "/v2/enqueue",
        "ipmp.alert_mail_to": "noc@example.com", "ipmp.alert_mail_host": "127.0.0.1",
        "ipmp.alert_mail_port": smtp_receiver.port,
        "ipmp.alert_prometheus_file": str(tmp_path / "missing-dir" / "ipmp.prom"),
    }
    began = time.time()
    done = deliver(sinks, settings, opts, record())
    took = time.time() - began
    assert done == {"log": True, "webhook": None, "prometheus": False, "slack": False,
                    "pagerduty": False, "mail": True}
    assert took < 3.5, took
    assert len(smtp_receiver.messages) == 1
    assert (tmp_path / "alerts.jsonl").exists() and not prom.exists()
    assert "ipmp.alert_slack_webhook" in caplog.text
