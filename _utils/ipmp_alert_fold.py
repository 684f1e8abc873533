"""
Fold windows of the ipmp alert runner: events of one minion and group that
come close together become one alert.

The reactor runs ``ipmp.alert`` in several worker threads side by side, so
the open windows live in a JSON file in the master's cache directory
(``<cachedir>/ipmp/alerts.json``), changed only under a process-wide lock
and an flock. The lock is kept in ``sys.modules``: the reactor reloads
runners and their utils (new module objects) while alerts are running.
"""

import errno
import hashlib
import json
import logging
import os
import sys
import threading
import time
import types
import uuid

try:
    import fcntl
except ImportError:  # pragma: no cover - masters run on POSIX
    fcntl = None

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_alert_fold"

#: Events one window keeps (the count goes on).
MAX_EVENTS = 100
#: Event ids remembered per minion, to drop a batch sent twice.
SEEN = 500
_SHARED = "_salt_ipmp_alert_fold_shared"


def __virtual__():
    """Standard library only: always loadable."""
    return __virtualname__


def _process_lock():
    """One lock per master process: the reactor reloads runners and their
    utils (new module objects) while its threads run alerts side by side."""
    holder = sys.modules.setdefault(_SHARED, types.ModuleType(_SHARED))
    return holder.__dict__.setdefault("lock", threading.RLock())


def state_dir(cachedir):
    """``<cachedir>/ipmp``, made (mode 0700) when missing."""
    path = os.path.join(cachedir, "ipmp")
    if not os.path.isdir(path):
        try:
            os.makedirs(path, 0o700)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
    return path


class Locked(object):
    """Process lock plus an flock on the state file's lock (other processes)."""

    def __init__(self, cachedir):
        self.cachedir = cachedir
        self.plock = _process_lock()
        self.fh = None

    def __enter__(self):
        self.plock.acquire()
        try:
            self.fh = open(os.path.join(state_dir(self.cachedir), "alerts.lock"), "a")
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


def locked(cachedir):
    """The lock every change of the state file is made under (a context manager)."""
    return Locked(cachedir)


def _state_file(cachedir):
    return os.path.join(state_dir(cachedir), "alerts.json")


def load(cachedir):
    """The state file: ``{"windows": {key: window}}`` (empty when unreadable)."""
    try:
        with open(_state_file(cachedir)) as fh_:
            state = json.load(fh_)
    except (IOError, OSError, ValueError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    state.setdefault("windows", {})
    return state


def save(cachedir, state):
    """Replace the state file (call it holding :func:`locked`)."""
    _write_json(_state_file(cachedir), state)


def _write_json(path, data):
    """Replace ``path`` with ``data`` as JSON in one rename (the temporary
    file is this thread's own: the reactor runs alerts side by side)."""
    tmp = "{}.{}.{}".format(path, os.getpid(), threading.current_thread().ident)
    with open(tmp, "w") as fh_:
        json.dump(data, fh_, sort_keys=True)
    os.rename(tmp, path)


def key(minion, group):
    """The window key of a minion and group."""
    return json.dumps([minion, group])


def parse_key(win_key):
    """``(minion, group)`` of a window key."""
    minion, group = json.loads(win_key)
    return minion, group


def _entry(win, event, brief, stamp, weight=1):
    win["count"] += weight
    if len(win["events"]) < MAX_EVENTS:
        win["events"].append({"n": win["count"], "stamp": stamp, "brief": brief, "event": event})


def ordered(entries):
    """Window entries in the order the master received them."""
    return sorted(entries, key=lambda item: (item["stamp"], item["n"]))


def seen_before(cachedir, win_key, eid):
    """
    Whether the minion of ``win_key`` sent an event with this ``eid``
    lately (a batch the minion sent again because the master's answer did
    not reach it); remembers it otherwise.  One small file per minion
    (call it holding :func:`locked`).
    """
    if not isinstance(eid, str) or not eid:
        return False
    minion = json.loads(win_key)[0]
    name = hashlib.sha1(minion.encode("utf-8")).hexdigest()[:20] + ".json"
    path = os.path.join(state_dir(cachedir), "seen", name)
    try:
        with open(path) as fh_:
            seen = json.load(fh_)
    except (IOError, OSError, ValueError):
        seen = []
    if not isinstance(seen, list):
        seen = []
    if eid in seen:
        return True
    seen = seen[-(SEEN - 1):] + [eid]
    if not os.path.isdir(os.path.dirname(path)):
        os.makedirs(os.path.dirname(path), 0o700)
    _write_json(path, seen)
    return False


def open_or_fold(cachedir, win_key, event, brief, stamp, received, window, span, stale,
                 weight=1):
    """
    Fold the event into the open window of ``win_key``, or open one; return
    ``(window id, opened)``, ``(None, False)`` for an event seen before
    (same ``eid``). A window stays open ``window`` seconds after its last
    event, ``span`` seconds at most. A window that ends is set aside for
    its owner to close (:func:`close_when_quiet`), never overwritten: what
    it counted is always reported. ``weight`` is how many log lines the
    event stands for (a burst).
    """
    with locked(cachedir):
        if seen_before(cachedir, win_key, event.get("eid")):
            return None, False
        state = load(cachedir)
        win = state["windows"].get(win_key)
        if win is not None:
            alive = received <= win["deadline"] + stale and _owner_alive(win)
            if alive and received < win["opened"] + span:
                _entry(win, event, brief, stamp, weight)
                win["deadline"] = max(win["deadline"], received + window)
                save(cachedir, state)
                return win["id"], False
            _set_aside(state, win_key)
        win = {
            "id": uuid.uuid4().hex,
            "owner": os.getpid(),
            "opened": received,
            "deadline": received + window,
            "count": 0,
            "events": [],
            "reported": [],
            "reported_count": 0,
            "delivered": [],
            "delivered_count": 0,
            "status": None,
        }
        _entry(win, event, brief, stamp, weight)
        state["windows"][win_key] = win
        save(cachedir, state)
        return win["id"], True


def await_outcome(cachedir, win_key, win_id, wanted, settle, eids=()):
    """Wait up to ``settle`` seconds for one of the ``wanted`` events
    (in.mpathd's follow-up line) to fold into this window, or, when the
    minion named them (``eids``: the events sent with this one, through
    its outcome), for all of those."""
    if not wanted:
        return
    until = time.time() + settle
    while time.time() < until:
        with locked(cachedir):
            win = load(cachedir)["windows"].get(win_key)
        if win is None or win["id"] != win_id:
            return
        if eids:
            if set(eids) <= set(item["event"].get("eid") for item in win["events"]):
                return
        elif any(item["event"].get("event") in wanted for item in win["events"]):
            return
        time.sleep(0.02)


def _find(state, win_key, win_id):
    """Window ``win_id``: still open under ``win_key``, or set aside; None
    when it is gone."""
    win = state["windows"].get(win_key)
    if win is None or win["id"] != win_id:
        win = (state.get("ended") or {}).get(win_id)
    return win


def mark_reported(cachedir, win_key, win_id, status):
    """
    Everything folded so far goes into the alert being written, with the
    ``status`` snapshot it shows; returns ``(ordered entries, count)``, or
    None when the window is gone.
    """
    with locked(cachedir):
        state = load(cachedir)
        win = _find(state, win_key, win_id)
        if win is None:
            return None
        win["reported"] = [item["n"] for item in win["events"]]
        win["reported_count"] = win["count"]
        win["status"] = status
        save(cachedir, state)
        return ordered(win["events"]), win["count"]


def _set_aside(state, win_key):
    """Move the window of ``win_key`` out of the way of a new one, to be
    closed by its owner or, if that died, by :func:`orphans`."""
    win = state["windows"].pop(win_key)
    win["key"] = win_key
    state.setdefault("ended", {})[win["id"]] = win


def _owner_alive(win):
    """Whether the process that opened the window (and will close it) runs."""
    pid = win.get("owner")
    if not isinstance(pid, int) or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


def _orphaned(win, now, stale):
    """A window nobody will close: its owner is gone (a master restart), or
    its deadline passed ``stale`` seconds ago."""
    return now > win["deadline"] + stale or not _owner_alive(win)


def orphans(cachedir, now, stale):
    """
    Windows whose owner died (a master restart) before closing them: its
    process is gone, or the deadline passed ``stale`` seconds ago. They are removed and
    returned (with ``key``) so the caller can report what they counted.
    """
    found = []
    with locked(cachedir):
        state = load(cachedir)
        for win_key in [k for k, w in state["windows"].items() if _orphaned(w, now, stale)]:
            _set_aside(state, win_key)
        ended = state.get("ended") or {}
        for win_id in [i for i, w in ended.items() if _orphaned(w, now, stale)]:
            found.append(ended.pop(win_id))
        if found:
            save(cachedir, state)
    for win in found:
        log.warning("ipmp: closing an alert window whose runner died: %s", win["key"])
    return found


def close_when_quiet(cachedir, win_key, win_id, span):
    """Sleep until the window has been quiet long enough (or open ``span``
    seconds); return it, closed, or None when it is gone. A closed window
    is set aside until :func:`done`: should its runner die before the
    summary is out, :func:`orphans` reports it."""
    while True:
        with locked(cachedir):
            state = load(cachedir)
            win = (state.get("ended") or {}).get(win_id)
            if win is None:
                # Not set aside yet (a new window set it aside after this
                # one's span otherwise).
                current = state["windows"].get(win_key)
                if current is None or current["id"] != win_id:
                    return None
                now = time.time()
                end = min(current["deadline"], current["opened"] + span)
                if now >= end:
                    _set_aside(state, win_key)
                    save(cachedir, state)
                    win = current
            if win is not None:
                return dict(win)
        time.sleep(min(max(end - now, 0.01), 1.0))


def delivered(cachedir, win_key, win_id):
    """The alert of the window is out: what it reported is counted. Events
    a dead runner marked reported but never delivered are summarised by
    :func:`orphans`' caller."""
    with locked(cachedir):
        state = load(cachedir)
        win = _find(state, win_key, win_id)
        if win is None:
            return
        win["delivered"] = list(win["reported"])
        win["delivered_count"] = win["reported_count"]
        save(cachedir, state)


def done(cachedir, win_id):
    """Forget a closed window once its summary (if any) is out."""
    with locked(cachedir):
        state = load(cachedir)
        if (state.get("ended") or {}).pop(win_id, None) is not None:
            save(cachedir, state)


def after_alert(win):
    """
    What a closed window held beyond its alert: ``{"briefs": every event,
    "before": those in the alert, "later": those after it}`` (brief events,
    in order), or None when nothing came after the alert.
    """
    if win is None or win["count"] <= win["reported_count"]:
        return None
    reported = set(win["reported"])
    entries = ordered(win["events"])
    return {
        "briefs": [item["brief"] for item in entries],
        "before": [item["brief"] for item in entries if item["n"] in reported],
        "later": [item["brief"] for item in entries if item["n"] not in reported],
    }
