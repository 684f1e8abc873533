"""
The fleet view of ``salt-run ipmp.report``: one row per IPMP group of every
minion, and the aligned text table ``salt-run`` prints of them, from the
minions' answers (``source=live``) or from the master's mine cache
(``source=mine``).

The mine holds no time of its own. The age of a minion's mine data is the
time the master last wrote that minion's mine entry, read with
``salt.cache``'s ``updated()`` (the file's mtime with the default
``localfs`` cache), on the master's clock: no clock skew between minion and
master enters it. A minion that stops sending (down, unreachable, its
schedule gone) ages and turns stale. With a cache driver that cannot tell
the time, the age is unknown and the row is stale.

Kept apart from the runner so that what a row says (and how the table lines
up) can be tested from plain answers, without a master. Which interfaces
are in which state is asked of ``ipmp_model.members_in``, passed in by the
runner because utils cannot load each other.
"""

import os
import time

import salt.cache
import salt.payload
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
#: Where a report's rows come from.
SOURCES = ("mine", "live")
#: The mine function whose data the report reads.
MINE_FUNCTION = "ipmp.status"
#: Seconds after which a row from the mine is stale (``ipmp.report_stale``).
STALE = 900
#: Where the master keeps a minion's mine data: (bank, key). Salt 3008
#: writes bank ``mine``, key <id>; Salt 3006 bank ``minions/<id>``, key ``mine``.
LAYOUTS = (
    lambda minion: ("mine", minion),
    lambda minion: ("minions/{}".format(minion), "mine"),
)


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


def source_wanted(source):
    """Check ``report``'s ``source``: None (choose), ``mine`` or ``live``."""
    if source is not None and source not in SOURCES:
        raise SaltInvocationError("source must be mine or live, not {!r}".format(source))
    return source


def stale_wanted(stale):
    """Check ``report``'s ``stale``: seconds, a number greater than 0."""
    try:
        stale = float(stale)
    except (TypeError, ValueError):
        raise SaltInvocationError("stale must be a number of seconds greater than 0")
    if stale <= 0:
        raise SaltInvocationError("stale must be a number of seconds greater than 0")
    return stale


def _unwrap(value):
    """Mine data published with ``allow_tgt`` is wrapped in ``__data__``."""
    if isinstance(value, dict) and "__data__" in value:
        return value["__data__"]
    return value


def _localfs_entry(cachedir, bank, key):
    """``(entry, mtime)`` of a ``localfs`` cache file, read as the driver
    writes it (``<cachedir>/<bank>/<key>.p``, msgpack): one open and one
    fstat, without the loader calls of ``salt.cache`` (5,000 minions)."""
    path = os.path.join(cachedir, bank, key + ".p")
    try:
        with open(path, "rb") as handle:
            written = os.fstat(handle.fileno()).st_mtime
            return salt.payload.load(handle), int(written)
    except (IOError, OSError):
        return None, None


def _cache_entry(cache, bank, key):
    """``(entry, updated)`` through ``salt.cache`` (any driver)."""
    try:
        entry = cache.fetch(bank, key)
    except Exception:  # pylint: disable=broad-except
        return None, None
    try:
        return entry, cache.updated(bank, key)
    except Exception:  # pylint: disable=broad-except
        return entry, None


def mine_read(opts, minions, function=MINE_FUNCTION):
    """
    ``{minion: (data, written)}`` for those of ``minions`` whose mine entry
    in the master's cache holds ``function``: the data as the minion sent
    it and the epoch second the master wrote the entry (None when the cache
    driver cannot tell). Reads the cache only; asks no minion. With the
    default ``localfs`` driver the files are read directly, else through
    ``salt.cache``.
    """
    if opts.get("cache", "localfs") == "localfs":
        cachedir = opts["cachedir"]

        def read(bank, key):
            return _localfs_entry(cachedir, bank, key)
    else:
        cache = salt.cache.factory(opts)

        def read(bank, key):
            return _cache_entry(cache, bank, key)

    found = {}
    for minion in minions:
        for layout in LAYOUTS:
            entry, written = read(*layout(minion))
            if isinstance(entry, dict) and function in entry:
                found[minion] = (_unwrap(entry[function]), written)
                break
    return found


def age(written, now=None):
    """Whole seconds since ``written`` (None when unknown); never negative."""
    if written is None:
        return None
    now = time.time() if now is None else now
    return max(0, int(now - float(written)))


def mine_rows(found, members_in, stale=STALE, now=None):
    """
    The rows of :func:`rows` from :func:`mine_read`'s ``found``, each with
    ``age`` (seconds, None when unknown) and ``stale`` (older than
    ``stale`` seconds, or of unknown age). The mine holds no events:
    ``last_event`` is empty.
    """
    now = time.time() if now is None else now
    out = []
    for minion in sorted(found or {}):
        data, written = found[minion]
        secs = age(written, now)
        for row in rows({minion: {"ipmp.status": data}}, members_in):
            row["age"] = secs
            row["stale"] = secs is None or secs > stale
            out.append(row)
    return out


def fresh_status(found, minion, group, max_age, now=None):
    """
    ``(status, age)`` of ``group`` (every group for ``-``) from
    :func:`mine_read`'s ``found`` when the minion's mine data is at most
    ``max_age`` seconds old, else ``(None, age)``.
    """
    if minion not in found:
        return None, None
    data, written = found[minion]
    secs = age(written, now)
    if secs is None or secs > max_age or not isinstance(data, dict):
        return None, secs
    if group != "-":
        data = {group: data[group]} if group in data else {}
    return data, secs


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


def _age_text(row):
    secs = row.get("age")
    if secs is None:
        text = "?"
    elif secs < 120:
        text = "{}s".format(secs)
    elif secs < 7200:
        text = "{}m".format(secs // 60)
    elif secs < 172800:
        text = "{}h".format(secs // 3600)
    else:
        text = "{}d".format(secs // 86400)
    return text + (" STALE" if row.get("stale") else "")


def _cell(row, key):
    if key == "age":
        return _age_text(row)
    val = row.get(key)
    if isinstance(val, list):
        return ",".join(val) or "-"
    return str(val) if val not in (None, "") else "-"


def table(rows_):
    """The rows as an aligned text table (a line saying so when there are
    none); rows from the mine get an AGE column before LAST EVENT."""
    if not rows_:
        return NO_ROWS
    columns = list(COLUMNS)
    if any("age" in r for r in rows_):
        columns.insert(len(columns) - 1, ("age", "AGE"))
    cells = [[title for _, title in columns]] + [[_cell(r, k) for k, _ in columns] for r in rows_]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(val.ljust(widths[i]) for i, val in enumerate(line)).rstrip()
        for line in cells
    )
