"""
The fleet view of ``salt-run ipmp.report``: one row per IPMP group of every
minion, and the aligned text table ``salt-run`` prints of them.

Kept apart from the runner so that what a row says (and how the table lines
up) can be tested from plain answers, without a master. Which interfaces
are in which state is asked of ``ipmp_model.members_in``, passed in by the
runner because utils cannot load each other.
"""

from salt.exceptions import SaltInvocationError

__virtualname__ = "ipmp_report"

#: The target types ``report`` accepts (those that name minions, not data).
TGT_TYPES = ("glob", "pcre", "list", "grain", "grain_pcre", "compound", "nodegroup")
#: The table's columns: row key and heading.
COLUMNS = (
    ("minion", "MINION"), ("group", "GROUP"), ("state", "STATE"),
    ("active", "ACTIVE"), ("standby", "STANDBY"), ("failed", "FAILED"),
    ("offline", "OFFLINE"), ("last_event", "LAST EVENT"),
)
NO_ROWS = "No IPMP groups found."


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def events_wanted(tgt_type, events):
    """Check ``report``'s arguments; return ``events`` as a number from 1 to
    10000, or raise SaltInvocationError."""
    if tgt_type not in TGT_TYPES:
        raise SaltInvocationError("tgt_type {!r} is not supported".format(tgt_type))
    try:
        events = int(events)
    except (TypeError, ValueError):
        raise SaltInvocationError("events must be a number from 1 to 10000")
    if not 1 <= events <= 10000:
        raise SaltInvocationError("events must be a number from 1 to 10000")
    return events


def last_event(events, group, members):
    """The last event about ``group`` or one of its ``members``, as text."""
    for ev in reversed(events or []):
        if not isinstance(ev, dict):
            continue
        iface = (ev.get("interface") or "").split(":")[0]
        if ev.get("group") == group or iface in members:
            text = "{} {}".format(ev.get("time", ""), ev.get("event", "")).strip()
            if ev.get("interface"):
                text += " " + ev["interface"]
            if ev.get("to"):
                text += " -> " + ev["to"]
            return text
    return ""


def rows(answers, members_in):
    """
    One row per group from ``{minion: {"ipmp.status": ..., "ipmp.events":
    ...}}``; minions whose status is not a mapping (no ``ipmp`` module) are
    left out. ``members_in(info, states)`` is ``ipmp_model.members_in``.
    """
    out = []
    for minion in sorted(answers or {}):
        answer = answers[minion]
        if not isinstance(answer, dict):
            continue
        status = answer.get("ipmp.status")
        if not isinstance(status, dict):
            continue
        evs = answer.get("ipmp.events")
        evs = evs if isinstance(evs, list) else []
        for group in sorted(status):
            info = status[group] or {}
            members = set((info.get("interfaces") or {}).keys())
            out.append(
                {
                    "minion": minion,
                    "group": group,
                    "state": info.get("state"),
                    "active": members_in(info, ("active",)),
                    "standby": members_in(info, ("standby", "inactive")),
                    "failed": members_in(info, ("failed",)),
                    "offline": members_in(info, ("offline",)),
                    "last_event": last_event(evs, group, members),
                }
            )
    return out


def _cell(row, key):
    val = row.get(key)
    if isinstance(val, list):
        return ",".join(val) or "-"
    return str(val) if val not in (None, "") else "-"


def table(rows_):
    """The rows as an aligned text table (a line saying so when there are none)."""
    if not rows_:
        return NO_ROWS
    cells = [[title for _, title in COLUMNS]] + [[_cell(r, k) for k, _ in COLUMNS] for r in rows_]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(val.ljust(widths[i]) for i, val in enumerate(line)).rstrip()
        for line in cells
    )
