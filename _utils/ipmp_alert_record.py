"""
What an ipmp alert says: the alert and summary records and their severity.

A record is what a person reads (the alert log line, the event, the webhook
body), so its shape is a contract (docs/events.md, "The alert record"). Pure
functions; which way an event points is asked of ``ipmp_events.direction``,
passed in by the runner because utils cannot load each other.
"""

import time

__virtualname__ = "ipmp_alert_record"

#: The tag's group for an event that names none: the alert is about every group.
NO_GROUP = "-"
#: The event keys an alert lists for each folded event.
BRIEF_KEYS = ("event", "interface", "to", "group", "state", "previous", "time", "msgid")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def now_iso(stamp):
    """A UTC ISO 8601 time with milliseconds for a Unix time."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)) + ".{:03d}Z".format(
        int((stamp % 1) * 1000)
    )


def brief(event, received):
    """How an alert lists one event: its :data:`BRIEF_KEYS` and when it came."""
    out = {"received": round(received, 3)}
    for key in BRIEF_KEYS:
        if key in event:
            out[key] = event[key]
    return out


def severity(group, status, events, direction):
    """``critical`` (group failed), ``warning`` (degraded), ``info`` (ok);
    without a status, ``warning`` if an event points down."""
    if isinstance(status, dict):
        states = [
            (info or {}).get("state")
            for name, info in status.items()
            if group == NO_GROUP or name == group
        ]
        if "failed" in states:
            return "critical"
        if "degraded" in states:
            return "warning"
        if states:
            return "info"
    if any(direction(ev) == "down" for ev in events):
        return "warning"
    return "info"


def record(kind, minion, group, event, events, status, error, received, direction, **extra):
    """One alert (``kind`` ``alert`` or ``summary``), ready to deliver."""
    out = {
        "kind": kind,
        "time": now_iso(time.time()),
        "received": now_iso(received),
        "minion": minion,
        "group": group,
        "event": event,
        "events": events,
        "status": status,
        "severity": severity(group, status, events, direction),
    }
    if error:
        out["status_error"] = error
    out.update(extra)
    return out


def counts(events):
    """``{event name: how many}`` of brief events."""
    found = {}
    for ev in events:
        found[ev.get("event")] = found.get(ev.get("event"), 0) + 1
    return found


def worth_a_summary(before, later, then, now, direction):
    """
    Whether what came after an alert changed the picture: an event pointing
    another way than those in the alert (a repair after a failure), or a
    status snapshot ``now`` that differs from the one the alert had (``then``).
    """
    directions = set(direction(ev) for ev in before)
    if any(direction(ev) not in directions for ev in later):
        return True
    return now != then


def summary(alert, briefs, later, status, error, opened, count, direction):
    """
    The summary of a closed fold window: ``alert`` is the alert record it
    follows, ``briefs`` every event of the window, ``later`` those that came
    after the alert, ``opened`` when the window opened, ``count`` how many
    events it held.
    """
    return record(
        "summary", alert["minion"], alert["group"], alert["event"], later, status, error,
        opened, direction, alert=alert["id"], count=count, counts=counts(briefs),
        first=now_iso(opened),
        last=now_iso(max([opened] + [item["received"] for item in briefs])),
    )
