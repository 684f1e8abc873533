"""
Turn IPMP events from minions into alerts a person reads, and report the
IPMP groups of every minion.

``ipmp.alert`` is what the reactor calls for every
``salt/beacon/<minion>/ipmp/<group>/<event>`` event (from the ``ipmp``
beacon or the ``ipmp_events`` engine; ``salt/reactor/ipmp/ipmp_alert.sls``
and ``docs/master-reactor.conf.example``). For each accepted event it

- asks the minion that sent it (and only that minion) for the group's
  status right now (``ipmp.status``),
- appends one JSON line to ``ipmp.alert_log``,
- POSTs the same JSON to ``ipmp.alert_webhook`` when that is set (failures
  are logged, never raised),
- fires ``ipmp/alert/<minion>/<group>`` on the master event bus.

A failure and the failover in.mpathd logs right after it (or a link that
flaps) become one alert: events of the same minion and group within
``ipmp.alert_window`` seconds of each other are folded into the open alert.
When the window ends, a ``summary`` alert follows only if something changed
after the alert was written (a repair after the failure, a different group
state). Window state lives in the master's cache directory.

Event data from minions is untrusted. The minion acted on is the sender
Salt recorded: the ``id`` of the envelope of an engine event (set by the
master from the minion's authenticated request), or the ``id`` Salt's beacon
framework puts in a beacon event; it must match the minion named in the tag
and have an accepted key. Group and interface names are checked with the
project's validators; nothing from an event is used in a command line, a
target expression or a template; the status request targets exactly that
one minion id, as a list.

Master configuration keys:

==============================  =======  =========================================
key                             default  meaning
==============================  =======  =========================================
``ipmp.alert_log``              unset    JSON-lines file, one alert per line
``ipmp.alert_webhook``          unset    http(s) URL each alert is POSTed to as JSON
``ipmp.alert_webhook_timeout``  5        seconds
``ipmp.alert_window``           2        seconds of quiet that end a fold window
``ipmp.alert_window_max``       60       seconds a fold window stays open at most
``ipmp.alert_status_timeout``   10       seconds to wait for the minion's status
``ipmp.alert_settle``           0.2      seconds a detection waits for its failover
==============================  =======  =========================================
"""

import copy
import datetime
import errno
import json
import logging
import math
import os
import re
import sys
import threading
import time
import types
import uuid

import salt.client
import salt.key
import salt.utils.event
import salt.utils.verify
from salt.exceptions import SaltInvocationError

try:
    import fcntl
except ImportError:  # pragma: no cover - masters run on POSIX
    fcntl = None

from urllib.request import Request, urlopen

log = logging.getLogger(__name__)

__virtualname__ = "ipmp"

NO_GROUP = "-"
TAG_RE = re.compile(r"^salt/beacon/([^/]+)/ipmp/([^/]+)/([a-z][a-z0-9_]{0,31})$")
MINION_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,254}$")
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d:\d\d|Z)?$")
MAX_STR = 4096
MAX_KEYS = 40
MAX_EVENTS = 100
DEFAULTS = {
    "ipmp.alert_window": 2.0,
    "ipmp.alert_window_max": 60.0,
    "ipmp.alert_status_timeout": 10.0,
    "ipmp.alert_webhook_timeout": 5.0,
    "ipmp.alert_settle": 0.2,
}

# in.mpathd logs a detection first and what it did about it right after
# ("NIC failure detected" then "Successfully failed over"); an alert opened
# by the first waits up to ipmp.alert_settle seconds for the second, so that
# one alert tells the whole story.
FOLLOWED_BY = {
    "link_down": ("failover", "group_failed"),
    "failure": ("failover", "group_failed"),
    "link_up": ("failback", "group_repaired"),
    "repair": ("failback", "group_repaired"),
}

# Which way an event points: towards trouble or back to normal.
DOWN = frozenset(
    (
        "link_down", "failure", "failover", "group_failed", "link_flapping",
        "test_address_duplicate", "hwaddr_duplicate", "no_test_address",
        "plumb_mismatch", "config",
    )
)
UP = frozenset(
    (
        "link_up", "repair", "failback", "group_repaired", "test_address",
        "test_address_unique", "hwaddr_unique", "consistent",
    )
)
BAD_STATES = frozenset(("failed", "offline", "degraded", "removed"))


class Rejected(Exception):
    """An event the runner will not act on (the reason is logged)."""


# --------------------------------------------------------------- validation
def _utils_fn(name):
    try:
        return __utils__[name]
    except KeyError:
        raise Rejected(
            "{} is not available on the master; run 'salt-run saltutil.sync_all'".format(name)
        )


def _valid_group(group):
    if group == NO_GROUP:
        return group
    try:
        return _utils_fn("ipmp_cmd.group")(group)
    except SaltInvocationError as exc:
        raise Rejected(str(exc))


def _valid_interface(name, what):
    try:
        return _utils_fn("ipmp_cmd.interface")(name)
    except SaltInvocationError as exc:
        raise Rejected("{}: {}".format(what, exc))


def _valid_minion(minion_id):
    if not isinstance(minion_id, str) or not MINION_RE.match(minion_id):
        raise Rejected("{!r} is not a minion id this runner acts on".format(minion_id))
    if not salt.utils.verify.valid_id(__opts__, minion_id):
        raise Rejected("{!r} is not a valid minion id".format(minion_id))
    accepted = salt.key.get_key(__opts__).list_status("accepted").get("minions", [])
    if minion_id not in accepted:
        raise Rejected("minion {!r} has no accepted key".format(minion_id))
    return minion_id


def _clean(event):
    """A bounded copy of the event dict: scalar values, short strings."""
    out = {}
    for key in sorted(k for k in event if isinstance(k, str)):
        if len(out) >= MAX_KEYS:
            break
        if not KEY_RE.match(key) or key in ("id", "_stamp"):
            continue
        val = event[key]
        if isinstance(val, str):
            out[key] = val[:MAX_STR]
        elif isinstance(val, bool) or val is None:
            out[key] = val
        elif isinstance(val, int) or (isinstance(val, float) and math.isfinite(val)):
            out[key] = val
    return out


def _verify(tag, data, minion=None):
    """
    Check an event as the reactor hands it over; return
    ``(minion, group, event)`` or raise :class:`Rejected`.

    The sender is the ``id`` Salt put beside the event: in the envelope of
    an engine event (``fire_master``, verified by the master against the
    minion's key) or in the data of a beacon event. It has to agree with the
    minion named in the tag (and with ``minion`` from the reactor, if given);
    the event's own fields never choose the minion.
    """
    if not isinstance(tag, str):
        raise Rejected("no tag")
    match = TAG_RE.match(tag)
    if not match:
        raise Rejected("tag {!r} is not salt/beacon/<minion>/ipmp/<group>/<event>".format(tag[:200]))
    tag_minion, tag_group, tag_event = match.groups()
    if not isinstance(data, dict):
        raise Rejected("event data is not a mapping")
    if data.get("cmd") == "_minion_event" and isinstance(data.get("data"), dict):
        sender = data.get("id")
        if "tag" in data and data["tag"] != tag:
            raise Rejected("envelope tag does not match the event tag")
        event = data["data"]
        if "id" in event and event["id"] != sender:
            raise Rejected("event names minion {!r} but was sent by {!r}".format(event["id"], sender))
    else:
        sender = data.get("id")
        event = data
    if sender != tag_minion:
        raise Rejected(
            "tag names minion {!r} but the event came from {!r}".format(tag_minion, sender)
        )
    if minion is not None and minion != sender:
        raise Rejected("reactor minion {!r} does not match sender {!r}".format(minion, sender))
    _valid_minion(sender)
    event = _clean(event)
    if event.get("event") != tag_event:
        raise Rejected("event {!r} does not match tag event {!r}".format(event.get("event"), tag_event))
    group = event.get("group")
    if group is None:
        if tag_group != NO_GROUP:
            raise Rejected("tag names group {!r}, the event none".format(tag_group))
    elif group != tag_group:
        raise Rejected("tag names group {!r}, the event {!r}".format(tag_group, group))
    _valid_group(tag_group)
    for key in ("interface", "to"):
        if key in event:
            _valid_interface(event[key], key)
    return sender, tag_group, event


# ----------------------------------------------------------------- settings
def _opt(key):
    val = __opts__.get(key)
    if key in DEFAULTS:
        try:
            val = float(val) if val is not None else DEFAULTS[key]
        except (TypeError, ValueError):
            log.warning("ipmp: %s must be a number; using %s", key, DEFAULTS[key])
            val = DEFAULTS[key]
        if val < 0:
            val = DEFAULTS[key]
    return val


# -------------------------------------------------------------------- state
def _shared():
    """
    Process-wide state that must outlive this module: the reactor reloads
    runners (a new module object) while its worker threads run alerts side
    by side. Holds the lock and each thread's reusable LocalClient.
    """
    holder = sys.modules.get("_salt_ipmp_runner_shared")
    if holder is None:
        holder = types.ModuleType("_salt_ipmp_runner_shared")
        holder.lock = threading.RLock()
        holder.clients = threading.local()
        holder = sys.modules.setdefault("_salt_ipmp_runner_shared", holder)
    return holder


def _process_lock():
    return _shared().lock


def _local_client():
    """
    This thread's LocalClient, made once: building one loads the master's
    execution modules and returners, which would add tens of milliseconds
    to every alert.
    """
    tls = _shared().clients
    client = getattr(tls, "client", None)
    if client is None:
        client = salt.client.get_local_client(mopts=copy.copy(__opts__))
        tls.client = client
    return client


def _drop_local_client():
    tls = _shared().clients
    client = getattr(tls, "client", None)
    tls.client = None
    destroy = getattr(client, "destroy", None)
    if destroy is not None:
        try:
            destroy()
        except Exception:  # pylint: disable=broad-except
            pass


def _state_dir():
    path = os.path.join(__opts__["cachedir"], "ipmp")
    if not os.path.isdir(path):
        try:
            os.makedirs(path, 0o700)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
    return path


class _Locked(object):
    """Process lock plus an flock on the state file's lock (other processes)."""

    def __init__(self):
        self.plock = _process_lock()
        self.fh = None

    def __enter__(self):
        self.plock.acquire()
        try:
            self.fh = open(os.path.join(_state_dir(), "alerts.lock"), "a")
            if fcntl is not None:
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX)
        except Exception:
            self.plock.release()
            raise
        return self

    def __exit__(self, *exc):
        try:
            if fcntl is not None:
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
            self.fh.close()
        finally:
            self.plock.release()


def _state_file():
    return os.path.join(_state_dir(), "alerts.json")


def _load():
    try:
        with open(_state_file()) as fh_:
            state = json.load(fh_)
    except (IOError, OSError, ValueError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    state.setdefault("windows", {})
    return state


def _save(state):
    path = _state_file()
    tmp = "{}.{}.{}".format(path, os.getpid(), threading.current_thread().ident)
    with open(tmp, "w") as fh_:
        json.dump(state, fh_, sort_keys=True)
    os.rename(tmp, path)


def _key(minion, group):
    return json.dumps([minion, group])


# ------------------------------------------------------------------ helpers
def _now_iso(stamp):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)) + ".{:03d}Z".format(
        int((stamp % 1) * 1000)
    )


def _brief(event, received):
    out = {"received": round(received, 3)}
    for key in ("event", "interface", "to", "group", "state", "previous", "time", "msgid"):
        if key in event:
            out[key] = event[key]
    return out


def _direction(event):
    name = event.get("event")
    if name in DOWN:
        return "down"
    if name in UP:
        return "up"
    if name in ("group_state", "interface_state"):
        return "down" if event.get("state") in BAD_STATES else "up"
    return "other"


def _shape(status):
    """What counts as a change of status between an alert and its summary."""
    if not isinstance(status, dict):
        return None
    # Lists, not tuples: it is stored as JSON and compared after loading.
    return dict(
        (
            group,
            [
                (info or {}).get("state"),
                sorted(
                    [name, (val or {}).get("state")]
                    for name, val in ((info or {}).get("interfaces") or {}).items()
                ),
            ],
        )
        for group, info in status.items()
    )


def _severity(group, status, events):
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
    if any(_direction(ev) == "down" for ev in events):
        return "warning"
    return "info"


def _fetch_status(minion, group):
    """``ipmp.status`` of ``group`` from exactly this minion; (status, error)."""
    args = [] if group == NO_GROUP else [group]
    timeout = _opt("ipmp.alert_status_timeout")
    try:
        ret = _local_client().cmd(
            [minion],
            "ipmp.status",
            arg=args,
            kwarg={"refresh": True},
            tgt_type="list",
            timeout=timeout,
            full_return=True,
        )
    except Exception as exc:  # pylint: disable=broad-except
        _drop_local_client()
        return None, "status request failed: {}".format(exc)
    answer = (ret or {}).get(minion)
    if not isinstance(answer, dict):
        return None, "no answer from {} within {}s".format(minion, timeout)
    value = answer.get("ret")
    if answer.get("retcode", 0) != 0 or not isinstance(value, dict):
        return None, "ipmp.status failed: {}".format(str(value)[:500])
    return value, None


def _write_line(path, record):
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _post(url, record):
    if not isinstance(url, str) or not re.match(r"^https?://", url):
        log.error("ipmp.alert_webhook must be an http:// or https:// URL, not %r", url)
        return False
    body = json.dumps(record, sort_keys=True).encode("utf-8")
    req = Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": "salt-ipmp"},
    )
    try:
        resp = urlopen(req, timeout=_opt("ipmp.alert_webhook_timeout"))
        try:
            resp.read(65536)
        finally:
            resp.close()
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: webhook %s failed: %s", url, exc)
        return False
    return True


def _fire(tag, record):
    try:
        with salt.utils.event.get_master_event(
            __opts__, __opts__["sock_dir"], listen=False
        ) as bus:
            # fire_event adds _stamp to the dict it is given: hand it a copy.
            bus.fire_event(copy.deepcopy(record), tag)
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: cannot fire %s: %s", tag, exc)


def _deliver(record):
    """Alert log first (the record of truth), then the event, then the webhook."""
    path = _opt("ipmp.alert_log")
    delivered = {"log": False, "webhook": None}
    if path:
        try:
            _write_line(path, record)
            delivered["log"] = True
        except (IOError, OSError) as exc:
            log.error("ipmp: cannot write alert to %s: %s", path, exc)
    _fire("ipmp/alert/{}/{}".format(record["minion"], record["group"]), record)
    url = _opt("ipmp.alert_webhook")
    if url:
        delivered["webhook"] = _post(url, record)
    return delivered


# ------------------------------------------------------------------- alerts
def _stamp(data, received):
    """
    Ordering key of an event: the ``_stamp`` the master's event bus gave it
    (in arrival order, microseconds), else the time the runner got it. The
    reactor's worker threads may start in any order; alerts list events in
    the order the master received them.
    """
    stamp = data.get("_stamp") if isinstance(data, dict) else None
    if isinstance(stamp, str) and STAMP_RE.match(stamp):
        return stamp[:26]
    return datetime.datetime.utcfromtimestamp(received).isoformat()


def _entry(win, event, received, stamp):
    win["count"] += 1
    if len(win["events"]) < MAX_EVENTS:
        brief = _brief(event, received)
        win["events"].append({"n": win["count"], "stamp": stamp, "brief": brief, "event": event})


def _ordered(entries):
    return sorted(entries, key=lambda item: (item["stamp"], item["n"]))


def _open_or_fold(key, event, received, stamp):
    """Fold into the open window of this minion/group, or open one."""
    window = _opt("ipmp.alert_window")
    span = _opt("ipmp.alert_window_max")
    stale = _opt("ipmp.alert_status_timeout") + 30
    with _Locked():
        state = _load()
        for other in [k for k, w in state["windows"].items() if k != key]:
            if received > state["windows"][other]["deadline"] + stale:
                # Its owner died (master restart): nobody will close it.
                log.warning("ipmp: dropping an alert window nobody closed: %s", other)
                del state["windows"][other]
        win = state["windows"].get(key)
        if win is not None:
            alive = received <= win["deadline"] + stale
            if alive and received < win["opened"] + span:
                _entry(win, event, received, stamp)
                win["deadline"] = max(win["deadline"], received + window)
                _save(state)
                return win["id"], False
            if not alive:
                log.warning("ipmp: dropping an alert window nobody closed: %s", key)
        win = {
            "id": uuid.uuid4().hex,
            "opened": received,
            "deadline": received + window,
            "count": 0,
            "events": [],
            "reported": [],
            "reported_count": 0,
            "status": None,
        }
        _entry(win, event, received, stamp)
        state["windows"][key] = win
        _save(state)
        return win["id"], True


def _await_outcome(key, win_id, event):
    """Give in.mpathd's follow-up line a moment to fold into this window."""
    wanted = FOLLOWED_BY.get(event.get("event"))
    if not wanted:
        return
    until = time.time() + _opt("ipmp.alert_settle")
    while time.time() < until:
        with _Locked():
            win = _load()["windows"].get(key)
        if win is None or win["id"] != win_id:
            return
        if any(item["event"].get("event") in wanted for item in win["events"]):
            return
        time.sleep(0.02)


def _mark_reported(key, win_id, status):
    """Everything folded so far goes into the alert being written."""
    with _Locked():
        state = _load()
        win = state["windows"].get(key)
        if win is None or win["id"] != win_id:
            return None
        win["reported"] = [item["n"] for item in win["events"]]
        win["reported_count"] = win["count"]
        win["status"] = _shape(status)
        _save(state)
        return _ordered(win["events"]), win["count"]


def _close_when_quiet(key, win_id):
    """Sleep until the window has been quiet long enough; return it, closed."""
    span = _opt("ipmp.alert_window_max")
    while True:
        with _Locked():
            state = _load()
            win = state["windows"].get(key)
            if win is None or win["id"] != win_id:
                return None
            now = time.time()
            end = min(win["deadline"], win["opened"] + span)
            if now >= end:
                del state["windows"][key]
                _save(state)
                return win
        time.sleep(min(max(end - now, 0.01), 1.0))


def _record(kind, minion, group, event, events, status, error, received, **extra):
    record = {
        "kind": kind,
        "time": _now_iso(time.time()),
        "received": _now_iso(received),
        "minion": minion,
        "group": group,
        "event": event,
        "events": events,
        "status": status,
        "severity": _severity(group, status, events),
    }
    if error:
        record["status_error"] = error
    record.update(extra)
    return record


def alert(tag=None, data=None, minion=None, **kwargs):  # pylint: disable=unused-argument
    """
    Turn one IPMP event into an alert (or fold it into the open one).

    Called by the reactor (``salt/reactor/ipmp/ipmp_alert.sls``) with the
    event's ``tag`` and ``data`` exactly as Salt delivered them, and the
    ``minion`` id the reactor read from the tag. Returns what was done:
    ``{"result": True, "alert": <record>}``, ``{"result": True, "folded":
    <alert id>}`` or ``{"result": False, "comment": <why rejected>}``.

    CLI Example:

    .. code-block:: bash

        salt-run ipmp.alert tag=salt/beacon/sol1/ipmp/ipmp0/failure \\
            data='{"id": "sol1", "event": "failure", "interface": "bge0", "group": "ipmp0"}'
    """
    received = time.time()
    try:
        sender, group, event = _verify(tag, data, minion)
    except Rejected as exc:
        log.warning("ipmp.alert: ignoring event %r: %s", str(tag)[:200], exc)
        return {"result": False, "comment": "rejected: {}".format(exc)}
    key = _key(sender, group)
    win_id, opened = _open_or_fold(key, event, received, _stamp(data, received))
    if not opened:
        return {"result": True, "folded": win_id}

    # Ask for the status while in.mpathd's follow-up line folds in: the
    # alert costs the longer of the two, not their sum.
    fetched = {}
    fetcher = threading.Thread(
        target=lambda: fetched.update(result=_fetch_status(sender, group)), name="ipmp-status"
    )
    fetcher.start()
    _await_outcome(key, win_id, event)
    fetcher.join()
    status, error = fetched.get("result") or (None, "status request failed")
    marked = _mark_reported(key, win_id, status)
    entries, count = marked if marked else ([{"brief": _brief(event, received), "event": event}], 1)
    record = _record(
        "alert", sender, group, entries[0]["event"], [item["brief"] for item in entries],
        status, error, received, id=win_id, count=count, window=_opt("ipmp.alert_window"),
    )
    delivered = _deliver(record)
    ret = {"result": True, "alert": record, "delivered": delivered}

    closed = _close_when_quiet(key, win_id)
    if closed is None or closed["count"] <= closed["reported_count"]:
        return ret
    # Something happened after the alert was written: summarise the window
    # if it changed the picture (a repair after a failure, another state).
    reported = set(closed["reported"])
    entries = _ordered(closed["events"])
    before = [item["brief"] for item in entries if item["n"] in reported]
    later = [item["brief"] for item in entries if item["n"] not in reported]
    final, error = _fetch_status(sender, group)
    directions = set(_direction(ev) for ev in before)
    changed = any(_direction(ev) not in directions for ev in later)
    if not changed and _shape(final) == closed.get("status"):
        ret["summary"] = None
        return ret
    summary = _record(
        "summary", sender, group, record["event"], later, final, error, closed["opened"],
        alert=win_id, count=closed["count"],
        counts=_counts([item["brief"] for item in entries]),
        first=_now_iso(closed["opened"]),
        last=_now_iso(max([closed["opened"]] + [item["brief"]["received"] for item in entries])),
    )
    ret["summary"] = summary
    ret["summary_delivered"] = _deliver(summary)
    return ret


def _counts(events):
    counts = {}
    for ev in events:
        counts[ev.get("event")] = counts.get(ev.get("event"), 0) + 1
    return counts


# ------------------------------------------------------------------- report
def _members(info, states):
    return sorted(
        name
        for name, val in ((info or {}).get("interfaces") or {}).items()
        if (val or {}).get("state") in states
    )


def _last_event(events, group, members):
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


def _table(rows):
    cols = [
        ("minion", "MINION"), ("group", "GROUP"), ("state", "STATE"),
        ("active", "ACTIVE"), ("standby", "STANDBY"), ("failed", "FAILED"),
        ("offline", "OFFLINE"), ("last_event", "LAST EVENT"),
    ]

    def cell(row, key):
        val = row.get(key)
        if isinstance(val, list):
            return ",".join(val) or "-"
        return str(val) if val not in (None, "") else "-"

    cells = [[title for _, title in cols]] + [[cell(r, k) for k, _ in cols] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(cols))]
    return "\n".join(
        "  ".join(val.ljust(widths[i]) for i, val in enumerate(line)).rstrip()
        for line in cells
    )


def report(tgt="*", tgt_type="glob", timeout=None, events=50):
    """
    One line per IPMP group of every minion that answers: minion, group,
    state, active, standby (standby and inactive NICs), failed, offline and
    the last in.mpathd event about the group. Minions without the ``ipmp``
    module (not Solaris) are left out.

    Returns a list of dicts (``--out json``); on the command line without
    ``--out`` it prints an aligned table.

    tgt / tgt_type
        Which minions to ask (default all).
    timeout
        Seconds to wait for answers (default: the master's ``timeout``).
    events
        How many recent log events each minion looks through for the last one.

    CLI Example:

    .. code-block:: bash

        salt-run ipmp.report
        salt-run ipmp.report tgt='web*' --out json
    """
    if tgt_type not in ("glob", "pcre", "list", "grain", "grain_pcre", "compound", "nodegroup"):
        raise SaltInvocationError("tgt_type {!r} is not supported".format(tgt_type))
    try:
        events = int(events)
    except (TypeError, ValueError):
        raise SaltInvocationError("events must be a number from 1 to 10000")
    if not 1 <= events <= 10000:
        raise SaltInvocationError("events must be a number from 1 to 10000")
    client = salt.client.get_local_client(mopts=copy.copy(__opts__))
    try:
        ret = client.cmd(
            tgt,
            ["ipmp.status", "ipmp.events"],
            [[], [events]],
            tgt_type=tgt_type,
            timeout=timeout or __opts__.get("timeout", 5),
        )
    finally:
        destroy = getattr(client, "destroy", None)
        if destroy is not None:
            destroy()
    rows = []
    for minion in sorted(ret or {}):
        answer = ret[minion]
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
            rows.append(
                {
                    "minion": minion,
                    "group": group,
                    "state": info.get("state"),
                    "active": _members(info, ("active",)),
                    "standby": _members(info, ("standby", "inactive")),
                    "failed": _members(info, ("failed",)),
                    "offline": _members(info, ("offline",)),
                    "last_event": _last_event(evs, group, members),
                }
            )
    if __opts__.get("__cli") == "salt-run" and not __opts__.get("output"):
        return {"outputter": "txt", "data": _table(rows) if rows else "No IPMP groups found."}
    return rows
