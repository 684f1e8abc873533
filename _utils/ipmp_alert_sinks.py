"""
Where the ipmp alert runner delivers an alert: the sinks, in one table.

Every alert and summary goes to each sink of :data:`SINKS` in turn; a sink
that fails logs why and never stops the others. Adding a sink is one row in
the table and the function it names.

The sinks that talk to a service (Slack, PagerDuty, mail) run each in a
thread of its own, bounded by its timeout (``ipmp.alert_sink_timeout``), so
that a slow or dead service never delays another sink; the alert log, the
event bus, the webhook and the Prometheus file are written in turn first.

- ``ipmp.alert_slack_webhook``: a Slack incoming-webhook URL; the alert is
  posted as ``{"text": <one line>}``.
- ``ipmp.alert_pagerduty_key``: a PagerDuty Events API v2 routing key. An
  alert whose group is degraded or failed (or, without a status, an event
  pointing down) triggers an incident with ``dedup_key``
  ``salt-ipmp/<minion>/<group>``; one whose group is ok again resolves it.
  ``ipmp.alert_pagerduty_url`` is the endpoint.
- ``ipmp.alert_mail_to``: one address or a list; a plain-text mail through
  the SMTP server ``ipmp.alert_mail_host``:``ipmp.alert_mail_port`` from
  ``ipmp.alert_mail_from``.
- ``ipmp.alert_prometheus_file``: a node_exporter textfile-collector file
  (``*.prom``), rewritten atomically after every alert with the state of
  each group and interface and the time of the last event per minion and
  group. The master runs no HTTP endpoint: node_exporter serves the file.
"""

import collections
import copy
import json
import logging
import os
import re
import smtplib
import socket
import tempfile
import threading
import time
import urllib.request
from email.message import EmailMessage

try:
    import fcntl
except ImportError:  # pragma: no cover - not a Unix master
    fcntl = None

import salt.utils.event

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_alert_sinks"

#: One sink. ``setting``: the master setting holding its target (a path, a
#: URL), or None for a sink that always delivers. ``name``: what it is
#: called. ``key``: where the runner's ``delivered`` return says whether it
#: worked (None: not reported); ``unset``: what that says when the setting
#: is unset (:data:`OMIT`: left out while unset). ``send(record, target,
#: opts, setting)`` delivers and returns True or False; ``setting(key)``
#: reads another master setting.
Sink = collections.namedtuple("Sink", ("setting", "name", "key", "unset", "send"))

#: ``unset`` of a sink that is not reported while its setting is unset.
OMIT = "omit"
#: The sinks (by name) that run in threads of their own (they wait on a service).
CONCURRENT = ("slack", "pagerduty", "mail")
PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue"
#: Where the Prometheus sink keeps every minion's and group's last state.
PROMETHEUS_STATE = "ipmp_prometheus.json"
GROUP_STATES = ("ok", "degraded", "failed")
INTERFACE_STATES = ("active", "standby", "inactive", "failed", "offline")


def __virtual__():
    """Needs only Salt itself: always loadable on a master."""
    return __virtualname__


def deliver(record, opts, setting):
    """
    Hand ``record`` to every sink, in table order: the alert log first (the
    record of truth), then the event bus, then the webhook. Returns
    ``{key: True/False/unset}`` for the sinks that report, e.g.
    ``{"log": True, "webhook": None}``.
    """
    delivered = {}
    threads = []
    quiet = record.get("kind") == "summary" and record.get("changed") is False
    for sink in SINKS:
        if quiet and sink.name in CONCURRENT:
            # Nothing new for a person: the log, bus and webhook count it.
            continue
        target = setting(sink.setting) if sink.setting else True
        if not target:
            if sink.key and sink.unset != OMIT:
                delivered[sink.key] = sink.unset
            continue
        if sink.name in CONCURRENT:
            thread = threading.Thread(
                target=_guarded, args=(sink, record, target, opts, setting, delivered),
                name="ipmp-sink-" + sink.name,
            )
            thread.daemon = True
            thread.start()
            threads.append((sink, thread))
            continue
        _guarded(sink, record, target, opts, setting, delivered)
    bound = time.time() + (setting("ipmp.alert_sink_timeout") or 0) + 2
    for sink, thread in threads:
        thread.join(max(0.1, bound - time.time()))
        if thread.is_alive() and sink.key:
            log.error("ipmp: the %s sink did not finish in time", sink.name)
            delivered.setdefault(sink.key, False)
    return dict(delivered)


def _guarded(sink, record, target, opts, setting, delivered):
    """Run one sink; whatever it raises is logged and counts as failed."""
    try:
        done = sink.send(record, target, opts, setting)
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: the %s sink failed: %s", sink.name, exc)
        done = False
    if sink.key:
        delivered[sink.key] = done


def tag(record):
    """The master event tag of an alert: ``ipmp/alert/<minion>/<group>``."""
    return "ipmp/alert/{}/{}".format(record["minion"], record["group"])


def write_line(path, record):
    """Append ``record`` to ``path`` as one JSON line (created with mode 0640)."""
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def fire(opts, event_tag, record):
    """Fire ``record`` on the master event bus; failures are logged."""
    try:
        with salt.utils.event.get_master_event(opts, opts["sock_dir"], listen=False) as bus:
            # fire_event adds _stamp to the dict it is given: hand it a copy.
            bus.fire_event(copy.deepcopy(record), event_tag)
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: cannot fire %s: %s", event_tag, exc)


def post(url, record, timeout, key="ipmp.alert_webhook"):
    """POST ``record`` as JSON to an http(s) ``url`` (the value of master
    setting ``key``); False (logged) on failure."""
    if not isinstance(url, str) or not re.match(r"^https?://", url):
        log.error("%s must be an http:// or https:// URL, not %r", key, url)
        return False
    body = json.dumps(record, sort_keys=True).encode("utf-8")
    req = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": "salt-ipmp"},
    )
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
        try:
            resp.read(65536)
        finally:
            resp.close()
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: %s %s failed: %s", key, url, exc)
        return False
    return True


# ------------------------------------------------------------------- sinks
def _alert_log(record, path, opts, setting):  # pylint: disable=unused-argument
    try:
        write_line(path, record)
    except (IOError, OSError) as exc:
        log.error("ipmp: cannot write alert to %s: %s", path, exc)
        return False
    return True


def _event(record, target, opts, setting):  # pylint: disable=unused-argument
    fire(opts, tag(record), record)
    return True


def _webhook(record, url, opts, setting):  # pylint: disable=unused-argument
    return post(url, record, setting("ipmp.alert_webhook_timeout"))


def _groups_of(record):
    """The groups an alert is about: its own, or every group of its status
    for an event that named none (``-``)."""
    group = record.get("group")
    status = record.get("status")
    if group == "-" and isinstance(status, dict) and status:
        return sorted(status)
    return [group]


def _group_state(record, group):
    status = record.get("status")
    if isinstance(status, dict):
        return (status.get(group) or {}).get("state")
    return None


def summary_line(record):
    """One line a person reads: ``[warning] sol1/ipmp0 degraded: failure bge0,
    failover bge0 -> bge2 (bge0 failed, bge2 active)``."""
    group = record.get("group")
    state = _group_state(record, group) or "state unknown"
    events = []
    for ev in record.get("events") or [record.get("event") or {}]:
        text = " ".join(str(ev[k]) for k in ("event", "interface") if ev.get(k))
        if ev.get("to"):
            text += " -> {}".format(ev["to"])
        if text:
            events.append(text)
    members = ((record.get("status") or {}).get(group) or {}).get("interfaces") or {}
    nics = ", ".join(
        "{} {}".format(name, (info or {}).get("state")) for name, info in sorted(members.items())
    )
    line = "[{}] {}{}/{} {}".format(
        record.get("severity", "info"),
        "summary " if record.get("kind") == "summary" else "",
        record.get("minion"), group, state,
    )
    if events:
        line += ": " + ", ".join(events)
    if nics:
        line += " ({})".format(nics)
    if record.get("status_error"):
        line += " [{}]".format(record["status_error"])
    return line


def _slack(record, url, opts, setting):  # pylint: disable=unused-argument
    return post(
        url, {"text": summary_line(record)}, setting("ipmp.alert_sink_timeout"),
        key="ipmp.alert_slack_webhook",
    )


def pagerduty_action(record, group):
    """``trigger``, ``resolve`` or None (nothing to tell) for one group of an alert."""
    state = _group_state(record, group)
    if state in ("degraded", "failed"):
        return "trigger"
    if state == "ok":
        return "resolve"
    return "trigger" if record.get("severity") in ("warning", "critical") else None


def pagerduty_events(record, routing_key):
    """The PagerDuty Events API v2 bodies for an alert, one per group."""
    out = []
    for group in _groups_of(record):
        action = pagerduty_action(record, group)
        if action is None:
            continue
        body = {
            "routing_key": routing_key,
            "event_action": action,
            "dedup_key": "salt-ipmp/{}/{}".format(record.get("minion"), group),
        }
        if action == "trigger":
            body["payload"] = {
                "summary": summary_line(record)[:1024],
                "source": record.get("minion"),
                "severity": record.get("severity") if record.get("severity") in (
                    "critical", "error", "warning", "info") else "warning",
                "component": group,
                "group": "ipmp",
                "class": ((record.get("event") or {}).get("event")) or "ipmp",
                "custom_details": record,
            }
        out.append(body)
    return out


def _pagerduty(record, key, opts, setting):  # pylint: disable=unused-argument
    url = setting("ipmp.alert_pagerduty_url") or PAGERDUTY_URL
    done = True
    for body in pagerduty_events(record, key):
        done = post(url, body, setting("ipmp.alert_sink_timeout"),
                    key="ipmp.alert_pagerduty_url") and done
    return done


def mail_message(record, to, sender):
    """The plain-text mail of an alert."""
    msg = EmailMessage()
    msg["Subject"] = "[salt-ipmp] " + summary_line(record)[:200]
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg.set_content(
        summary_line(record) + "\n\nThe alert as salt-ipmp recorded it:\n\n"
        + json.dumps(record, indent=2, sort_keys=True) + "\n"
    )
    return msg


def _mail(record, to, opts, setting):  # pylint: disable=unused-argument
    to = [to] if isinstance(to, str) else [str(addr) for addr in to or []]
    sender = setting("ipmp.alert_mail_from") or "salt-ipmp@{}".format(socket.getfqdn())
    host = setting("ipmp.alert_mail_host") or "localhost"
    try:
        port = int(setting("ipmp.alert_mail_port") or 25)
        smtp = smtplib.SMTP(host, port, timeout=setting("ipmp.alert_sink_timeout"))
        try:
            smtp.send_message(mail_message(record, to, sender))
        finally:
            smtp.quit()
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: cannot mail the alert to %s via %s: %s", ", ".join(to), host, exc)
        return False
    return True


def _label(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def prometheus_text(known):
    """The textfile-collector text of ``known`` ({minion: {group: {"state",
    "interfaces", "last_event"}}})."""
    group_lines, nic_lines, time_lines = [], [], []
    for minion in sorted(known):
        for group in sorted(known[minion]):
            info = known[minion][group]
            labels = 'minion="{}",group="{}"'.format(_label(minion), _label(group))
            if info.get("state") is not None:
                for state in GROUP_STATES:
                    group_lines.append('ipmp_group_state{{{},state="{}"}} {}'.format(
                        labels, state, 1 if info["state"] == state else 0))
            for nic in sorted(info.get("interfaces") or {}):
                for state in INTERFACE_STATES:
                    nic_lines.append('ipmp_interface_state{{{},interface="{}",state="{}"}} {}'.format(
                        labels, _label(nic), state,
                        1 if info["interfaces"][nic] == state else 0))
            if info.get("last_event") is not None:
                time_lines.append("ipmp_last_event_timestamp_seconds{{{}}} {:.3f}".format(
                    labels, info["last_event"]))
    out = []
    for name, help_, lines in (
        ("ipmp_group_state", "IPMP group state at the last alert (1: the group is in that state)",
         group_lines),
        ("ipmp_interface_state", "IPMP interface state at the last alert (1: in that state)",
         nic_lines),
        ("ipmp_last_event_timestamp_seconds", "When the master received the last IPMP event",
         time_lines),
    ):
        out.append("# HELP {} {}".format(name, help_))
        out.append("# TYPE {} gauge".format(name))
        out.extend(lines)
    return "\n".join(out) + "\n"


def _merge(known, record):
    """Fold one alert into ``known``."""
    stamps = [ev.get("received") for ev in record.get("events") or []
              if isinstance(ev.get("received"), (int, float))]
    stamp = max(stamps) if stamps else time.time()
    minion = known.setdefault(str(record.get("minion")), {})
    for group in _groups_of(record):
        info = minion.setdefault(str(group), {})
        status = (record.get("status") or {}).get(group) if isinstance(
            record.get("status"), dict) else None
        if isinstance(status, dict):
            info["state"] = status.get("state")
            info["interfaces"] = dict(
                (name, (val or {}).get("state"))
                for name, val in (status.get("interfaces") or {}).items()
            )
        info["last_event"] = max(stamp, info.get("last_event") or 0)
    return known


def write_atomically(path, text, mode=0o644):
    """Replace ``path`` with ``text`` in one rename (a reader sees the old or the new file)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".ipmp-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prometheus(record, path, opts, setting):  # pylint: disable=unused-argument
    state_file = os.path.join(opts["cachedir"], PROMETHEUS_STATE)
    try:
        with open(state_file + ".lock", "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                with open(state_file) as handle:
                    known = json.load(handle)
            except (IOError, OSError, ValueError):
                known = {}
            if not isinstance(known, dict):
                known = {}
            _merge(known, record)
            write_atomically(state_file, json.dumps(known, sort_keys=True), 0o640)
            write_atomically(path, prometheus_text(known))
    except (IOError, OSError) as exc:
        log.error("ipmp: cannot write the Prometheus file %s: %s", path, exc)
        return False
    return True


#: The sinks, in delivery order.
SINKS = (
    #    setting                        name          key           unset  send
    Sink("ipmp.alert_log",              "alert_log",  "log",        False, _alert_log),
    Sink(None,                          "event",      None,         None,  _event),
    Sink("ipmp.alert_webhook",          "webhook",    "webhook",    None,  _webhook),
    Sink("ipmp.alert_prometheus_file",  "prometheus", "prometheus", OMIT,  _prometheus),
    Sink("ipmp.alert_slack_webhook",    "slack",      "slack",      OMIT,  _slack),
    Sink("ipmp.alert_pagerduty_key",    "pagerduty",  "pagerduty",  OMIT,  _pagerduty),
    Sink("ipmp.alert_mail_to",          "mail",       "mail",       OMIT,  _mail),
)
