"""From in.mpathd's log line to an alert, through a real master, reactor and lab minions.

sol1 runs the ``ipmp_events`` engine, sol3 the ``ipmp`` beacon (set up by the
formula from pillar); sol2 is a bystander a forged event tries to drag in.
The master maps ``salt/beacon/*/ipmp/*`` to ``salt://reactor/ipmp/ipmp_alert.sls``,
writes alerts to its ``ipmp.alert_log`` and POSTs them to a local webhook.
"""

import http.server
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from lab.fleet import build_group, wait_until

pytestmark = [pytest.mark.slow]

REACTOR = [{"salt/beacon/*/ipmp/*": ["salt://reactor/ipmp/ipmp_alert.sls"]}]


class Webhook:
    """An HTTP server on 127.0.0.1 that keeps every JSON body POSTed to it."""

    def __init__(self):
        self.received = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.received.append(json.loads(body.decode("utf-8")))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:{}/ipmp".format(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture(scope="module")
def salt_master(salt_master_factory, webhook):
    master = salt_master_factory(
        "ipmp-events-master",
        overrides={
            "reactor": REACTOR,
            "ipmp.alert_webhook": webhook.url,
            "ipmp.alert_window": 1,
        },
    )
    with master.started():
        ret = master.salt_run_cli(timeout=120).run("saltutil.sync_all")
        assert ret.returncode == 0, ret
        yield master


def settle(alert_log, seconds=2.5):
    """Wait until no alert was written for ``seconds`` (fold windows closed)."""
    last = len(alert_log.read())
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < seconds:
        time.sleep(0.2)
        now = len(alert_log.read())
        if now != last:
            last, quiet_since = now, time.monotonic()
    return last


@pytest.fixture(scope="module")
def engine_minion(lab_minion):
    minion = lab_minion(
        "sol1", overrides={"engines": [{"ipmp_events": {"interval": 0.05}}]}
    )
    build_group(minion.host.root)
    # Engines start with the minion: restart it now that sync_all has
    # brought the engine, as an admin does after enabling it.
    minion.daemon.terminate()
    minion.daemon.start()
    ret = minion.salt("test.ping")
    assert ret.returncode == 0 and ret.data is True, ret
    time.sleep(1)  # the engine is a separate process: let it open the log
    return minion


@pytest.fixture(scope="module")
def bystander(lab_minion):
    minion = lab_minion("sol2")
    build_group(minion.host.root)
    return minion


def alert_for(minion_id, *events):
    def match(alert):
        return (
            alert["minion"] == minion_id
            and alert["kind"] == "alert"
            and all(name in [e["event"] for e in alert["events"]] for name in events)
        )

    return match


def assert_failed_over(alert, nic="bge0", state="failed"):
    status = alert["status"]["ipmp0"]
    assert status["state"] == "degraded", status
    assert status["interfaces"][nic]["state"] == state, status
    assert status["interfaces"]["bge2"]["state"] == "active", status
    assert "192.168.10.10" in status["addresses"], status


def test_link_down_alerts_with_status_and_webhook(engine_minion, alert_log, webhook):
    host = engine_minion.host
    since = settle(alert_log)
    host.link("bge0", "down")
    alert = alert_log.wait_for(alert_for("sol1", "failover"), since=since, timeout=30)
    assert alert["group"] == "ipmp0"
    assert alert["event"]["message"] in host.messages()
    names = [e["event"] for e in alert["events"]]
    assert names[: names.index("failover") + 1] == ["link_down", "failure", "failover"], alert_log.read(since)
    assert_failed_over(alert)
    assert alert["severity"] == "warning"
    wait_until(lambda: alert in webhook.received, what="the webhook POST")
    host.link("bge0", "up")
    alert_log.wait_for(
        lambda a: a["minion"] == "sol1" and "failback" in [e["event"] for e in a["events"]],
        since=since,
        timeout=30,
    )
    settle(alert_log)


def test_offline_alerts_with_status(engine_minion, alert_log, webhook):
    since = settle(alert_log)
    ret = engine_minion.salt("ipmp.offline", "bge0")
    assert ret.returncode == 0, ret
    alert = alert_log.wait_for(alert_for("sol1", "failover"), since=since, timeout=30)
    assert_failed_over(alert, state="offline")
    wait_until(lambda: alert in webhook.received, what="the webhook POST")
    ret = engine_minion.salt("ipmp.online", "bge0")
    assert ret.returncode == 0, ret
    settle(alert_log)


def test_failover_after_rotation_still_alerts(engine_minion, alert_log):
    host = engine_minion.host
    since = settle(alert_log)
    messages = host.path("var/adm/messages")
    # logadm: rename, then syslogd creates the new file on HUP.
    os.rename(str(messages), str(messages) + ".0")
    messages.write_text("")
    host.link("bge0", "down")
    alert = alert_log.wait_for(alert_for("sol1", "failover"), since=since, timeout=30)
    assert alert["event"]["message"] in host.messages()
    assert_failed_over(alert)
    host.link("bge0", "up")
    settle(alert_log)


def runner_returns(event_listener, master, after):
    events = event_listener.get_events([(master.id, "salt/run/*/ret")], after_time=after)
    return [e.data for e in events if e.data.get("fun") == "runner.ipmp.alert"]


@pytest.mark.parametrize(
    "tag, body",
    [
        # sol1 claims an event of sol2.
        ("salt/beacon/sol2/ipmp/ipmp0/failover", {"id": "sol2"}),
        # sol1's own tag, but the body names sol2.
        ("salt/beacon/sol1/ipmp/ipmp0/failover", {"id": "sol2"}),
    ],
    ids=["tag-names-other-minion", "body-names-other-minion"],
)
def test_forged_event_naming_another_minion_is_ignored(
    engine_minion, bystander, alert_log, salt_master, event_listener, tag, body
):
    since = settle(alert_log, seconds=1)
    mark = len(bystander.host.argv())
    after = time.time()
    data = dict(body, event="failover", group="ipmp0", interface="bge0", to="bge2")
    ret = engine_minion.salt_call_cli.run("event.send", tag, json.dumps(data))
    assert ret.returncode == 0, ret
    returns = wait_until(
        lambda: runner_returns(event_listener, salt_master, after),
        what="the ipmp.alert runner to finish",
    )
    result = returns[0]["return"]
    assert result["result"] is False, result
    assert result["comment"].startswith("rejected: ")
    time.sleep(1)
    assert alert_log.read(since=since) == []
    # Nothing ran on sol2: not even a status query.
    assert bystander.host.argv(since=mark) == []
    jobs = event_listener.get_events([(salt_master.id, "salt/job/*/new")], after_time=after)
    assert not [j for j in jobs if "sol2" in (j.data.get("minions") or [])]


def test_preload_forgery_of_a_beacon_event_is_ignored(
    engine_minion, bystander, alert_log, salt_master, event_listener
):
    """sol1 hands the master a beacon-shaped event in sol2's name through
    ``preload``: Salt passes its ``id`` through unchecked, but sol1 cannot
    sign it with sol2's key."""
    since = settle(alert_log, seconds=1)
    mark = len(bystander.host.argv())
    after = time.time()
    tag = "salt/beacon/sol2/ipmp/ipmp0/failure"
    forged = {"id": "sol2", "event": "failure", "group": "ipmp0", "interface": "bge0",
              "sent": time.time(), "sig": "AAAA"}
    preload = json.dumps({"events": [{"tag": tag, "data": forged}]})
    ret = engine_minion.salt_call_cli.run("event.fire_master", "{}", "x", "preload=" + preload)
    assert ret.returncode == 0, ret
    returns = wait_until(
        lambda: runner_returns(event_listener, salt_master, after),
        what="the ipmp.alert runner to finish",
    )
    result = returns[0]["return"]
    assert result["result"] is False, result
    assert "not sent by sol2" in result["comment"], result
    time.sleep(1)
    assert alert_log.read(since=since) == []
    assert bystander.host.argv(since=mark) == []


def test_engine_events_reach_the_master_with_the_beacon_tag(engine_minion, salt_master, event_listener, alert_log):
    since = settle(alert_log)
    after = time.time()
    engine_minion.host.link("bge1", "down")
    matched = event_listener.wait_for_events(
        [(salt_master.id, "salt/beacon/sol1/ipmp/ipmp0/failure")], after_time=after, timeout=30
    )
    assert matched.found_all_events, matched
    (event,) = matched.matches
    # The event dict as the engine sent it, signed with sol1's key.
    assert event.data["id"] == "sol1" and event.data["sig"]
    assert event.data["interface"] == "bge1"
    assert event.data["group"] == "ipmp0"
    assert event.data["status"]["ipmp0"]["interfaces"]["bge1"]["state"] == "failed"
    engine_minion.host.link("bge1", "up")
    alert_log.wait_for(alert_for("sol1", "failure"), since=since, timeout=30)
    settle(alert_log)


# ------------------------------------------------------- the beacon, from the formula
@pytest.fixture(scope="module")
def beacon_minion(lab_minion):
    minion = lab_minion("sol3", overrides={"loop_interval": 1})
    build_group(minion.host.root)
    minion.set_pillar({"ipmp": {"events": {"enabled": True, "method": "beacon", "interval": 1,
                                           "status_interval": 0}}})
    ret = minion.salt("state.apply", "ipmp.events")
    assert ret.returncode == 0, ret
    return minion


def test_formula_beacon_alerts_with_the_same_tags(beacon_minion, salt_master, event_listener, alert_log):
    ret = beacon_minion.salt("beacons.list", "return_yaml=False")
    assert ret.returncode == 0, ret
    assert "ipmp" in ret.data, ret.data
    since = settle(alert_log)
    after = time.time()
    time.sleep(2)  # first beacon run positions at the end of the log
    beacon_minion.host.link("bge0", "down")
    matched = event_listener.wait_for_events(
        [(salt_master.id, "salt/beacon/sol3/ipmp/ipmp0/failover")], after_time=after, timeout=30
    )
    assert matched.found_all_events, matched
    (event,) = matched.matches
    assert event.data["id"] == "sol3"
    assert event.data["to"] == "bge2"
    alert = alert_log.wait_for(alert_for("sol3", "failover"), since=since, timeout=30)
    assert_failed_over(alert)
    beacon_minion.host.link("bge0", "up")
    settle(alert_log)


def test_formula_engine_method_renders_engine_config(beacon_minion):
    beacon_minion.set_pillar({"ipmp": {"events": {"enabled": True, "method": "engine",
                                                  "status_interval": 5}}})
    ret = beacon_minion.salt("state.show_sls", "ipmp.events")
    assert ret.returncode == 0, ret
    conf = ret.data["ipmp-events-engine-config"]["file"]
    dataset = [item["dataset"] for item in conf if isinstance(item, dict) and "dataset" in item][0]
    assert dataset == {
        "engines": [{"ipmp_events": {"interval": 0.05, "status": True, "status_interval": 5}}]
    }
    name = [item["name"] for item in conf if isinstance(item, dict) and "name" in item][0]
    assert name.endswith(os.path.join("minion.d", "ipmp_events.conf"))
    assert "ipmp-events-beacon-absent" in ret.data


@pytest.mark.parametrize("pillar", [{}, {"ipmp": {"events": {"enabled": False, "method": "beacon"}}}])
def test_formula_is_a_no_op_when_not_enabled(beacon_minion, pillar):
    beacon_minion.set_pillar(pillar)
    ret = beacon_minion.salt("state.show_sls", "ipmp.events")
    assert ret.returncode == 0, ret
    assert ret.data == {}


# ------------------------------------------------------------------- report
def test_report_one_line_per_group(engine_minion, bystander, salt_run_cli, salt_master):
    engine_minion.host.link("bge1", "down")
    try:
        ret = salt_run_cli.run("ipmp.report")  # salt-factories asks for --out=json
        assert ret.returncode == 0, ret
        rows = {(row["minion"], row["group"]): row for row in ret.data}
        row = rows[("sol1", "ipmp0")]
        assert row["state"] == "degraded"
        assert row["failed"] == ["bge1"]
        assert row["active"] == ["bge0", "bge2"]
        assert row["standby"] == []
        assert row["last_event"].endswith("failover bge1 -> bge2")
        assert rows[("sol2", "ipmp0")]["state"] == "ok"
        assert rows[("sol2", "ipmp0")]["standby"] == ["bge2"]
        # Without --out, salt-run prints an aligned table.
        proc = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "salt-run"),
             "-c", str(salt_master.config_dir), "ipmp.report", "tgt=sol1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
        )
        assert proc.returncode == 0, proc
        lines = proc.stdout.splitlines()
        assert lines[0].split()[:3] == ["MINION", "GROUP", "STATE"], proc.stdout
        assert lines[1].split()[:6] == ["sol1", "ipmp0", "degraded", "bge0,bge2", "-", "bge1"]
    finally:
        engine_minion.host.link("bge1", "up")
