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
#: Events that stand for several log lines (``ipmp_burst``).
FOLDED = ("burst", "dropped")
#: The event keys an alert lists for each folded event.
BRIEF_KEYS = ("event", "interface", "to", "group", "state", "previous", "time", "msgid",
              "count", "counts", "first_event", "last_event", "first", "last", "until")


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
    """``{event name: how many}`` of brief events; a ``burst`` or ``dropped``
    event adds the counts it carries (``"failure=3 failover=3"``)."""
    found = {}
    for ev in events:
        for name, number in _carried(ev):
            found[name] = found.get(name, 0) + number
    return found


def _carried(ev):
    """``[(event name, how many)]`` one brief event stands for."""
    if ev.get("event") in FOLDED and isinstance(ev.get("counts"), str):
        out = []
        for word in ev["counts"].split():
            name, _, number = word.partition("=")
            if number.isdigit():
                out.append((name, int(number)))
        if out:
            return out
    return [(ev.get("event"), 1)]


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


def summary(alert, briefs, later, status, error, opened, count, direction, changed=True):
    """
    The summary of a closed fold window: ``alert`` is the alert record it
    follows, ``briefs`` every event of the window, ``later`` those that came
    after the alert, ``opened`` when the window opened, ``count`` how many
    log lines it held; ``changed`` whether the later events changed the
    picture (see :func:`worth_a_summary`: when not, the summary only
    accounts for them and no person is paged).
    """
    return record(
        "summary", alert["minion"], alert["group"], alert["event"], later, status, error,
        opened, direction, alert=alert["id"], count=count, counts=counts(briefs),
        changed=bool(changed), first=now_iso(opened),
        last=now_iso(max([opened] + [item["received"] for item in briefs])),
    )
