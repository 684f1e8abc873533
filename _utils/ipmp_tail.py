"""
Follow a growing log file (``/var/adm/messages``) the way an operator's
``tail -F`` would, but so that nothing is lost or repeated.

Shared by the ``ipmp`` beacon and the ``ipmp_events`` engine. Why a custom
follower instead of Salt's ``log`` beacon approach:

- an idle check costs one ``stat()``, whatever the size of the file;
- rotation is seen as an inode change: the rest of the old file is read
  first (also lines written to it shortly after the rename), then the new
  file from its start, so the first line after a rotation is not lost;
- truncation in place (``copytruncate``) and a file replaced by different
  content of the same or larger size are detected with a short signature of
  the bytes before the current position;
- partial lines wait until their newline arrives;
- bytes that are not UTF-8 are replaced, NULs (left by copytruncate races)
  are dropped;
- the position (device, inode, offset, signature) can be persisted to a
  small JSON file in the minion's cache directory, so a restart neither
  repeats nor loses lines. Without a saved position the follower starts at
  the end of an existing file (no flood of old lines).

No Salt imports: unit tests load this file directly, and the loader exposes
the factory functions to other modules as ``__utils__['ipmp_tail.*']``.
"""

import errno
import hashlib
import json
import logging
import os
import time

log = logging.getLogger(__name__)

SIG_BYTES = 64
MAX_BYTES = 4 * 1024 * 1024
MAX_LINE = 64 * 1024
ROTATE_GRACE = 5.0
STATE_VERSION = 1
DEFAULT_MESSAGES = "/var/adm/messages"


def state_path(cachedir, consumer, path):
    """
    Where ``consumer`` (e.g. ``beacon-ipmp``) keeps its position in ``path``.

    One file per consumer and followed file so the beacon and the engine
    never share (and fight over) a position.
    """
    digest = hashlib.sha1(
        "{}\0{}".format(consumer, os.path.abspath(path)).encode("utf-8")
    ).hexdigest()[:16]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in consumer)
    return os.path.join(cachedir, "ipmp", "tail", "{}-{}.json".format(safe, digest))


def follower(path, state_file=None, **kwargs):
    """
    Return a :class:`Follower` for ``path``; the loader only exposes functions.
    """
    return Follower(path, state_file=state_file, **kwargs)


def decode(raw):
    """
    One raw line (bytes, no newline) to text: invalid UTF-8 replaced, NULs
    and a trailing CR dropped.
    """
    if b"\0" in raw:
        raw = raw.replace(b"\0", b"")
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode("utf-8", "replace")


class _Open(object):
    """An open file and how far it has been consumed."""

    def __init__(self, fh, st, offset, sig):
        self.fh = fh
        self.dev = st.st_dev
        self.ino = st.st_ino
        self.offset = offset  # end of the last complete line consumed
        self.sig = sig  # up to SIG_BYTES bytes ending at offset
        self.seen = (st.st_size, getattr(st, "st_mtime_ns", st.st_mtime))
        self.until = None  # for a rotated-away file: read until this time

    def close(self):
        try:
            self.fh.close()
        except OSError:
            pass


class Follower(object):
    """
    Return the complete new lines of ``path`` on each :meth:`poll`.

    ``poll`` advances the in-memory position; :meth:`commit` persists it.
    Call ``commit`` after the lines have been handed on, so that a crash in
    between repeats lines rather than losing them.
    """

    def __init__(
        self,
        path,
        state_file=None,
        max_bytes=MAX_BYTES,
        max_line=MAX_LINE,
        rotate_grace=ROTATE_GRACE,
        start_at_end=True,
    ):
        self.path = path
        self.state_file = state_file
        self.max_bytes = int(max_bytes)
        self.max_line = int(max_line)
        self.rotate_grace = float(rotate_grace)
        self.start_at_end = start_at_end
        self.more = False  # True when poll stopped at max_bytes
        self._cur = None
        self._old = []  # rotated-away files still drained for a while
        self._started = False
        self._saved = None

    # -- public ---------------------------------------------------------
    def poll(self):
        """
        Return a list of new complete lines (text). Costs one ``stat`` when
        nothing changed.
        """
        if not self._started:
            self._start()
        self.more = False
        lines = []
        try:
            st = os.stat(self.path)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                raise
            st = None

        if self._old:
            lines.extend(self._drain_old())
            if self.more:
                # Old lines first: the new file waits for the next poll.
                return lines

        cur = self._cur
        if cur is not None and st is not None and (st.st_dev, st.st_ino) != (
            cur.dev,
            cur.ino,
        ):
            # Rotated: finish the old file now, keep it a moment for late
            # writers, then follow the new one from its first byte.
            final = self.rotate_grace <= 0
            st_old = os.fstat(cur.fh.fileno())
            lines.extend(self._read(cur, st_old, final=final))
            if final and cur.offset >= st_old.st_size:
                cur.close()
            else:
                cur.until = time.time() + self.rotate_grace
                self._old.append(cur)
            self._cur = cur = None
            if self.more:
                return lines
        if cur is None:
            if st is None:
                return lines
            cur = self._open_new(0)
            if cur is None:
                return lines
            self._cur = cur
            st = os.fstat(cur.fh.fileno())
        elif st is None:
            # Renamed away, no new file yet: the old one is still the live
            # file for its writer.
            st = os.fstat(cur.fh.fileno())
        if (st.st_size, getattr(st, "st_mtime_ns", st.st_mtime)) == cur.seen:
            return lines
        lines.extend(self._read(cur, st))
        return lines

    def commit(self):
        """Persist the position if it changed (no write when idle)."""
        if not self.state_file or not self._started:
            return False
        state = self.position()
        if state == self._saved:
            return False
        tmp = "{}.{}.tmp".format(self.state_file, os.getpid())
        try:
            sdir = os.path.dirname(self.state_file)
            if sdir and not os.path.isdir(sdir):
                os.makedirs(sdir, 0o700)
            with open(tmp, "w") as fh_:
                json.dump(state, fh_, sort_keys=True)
            os.rename(tmp, self.state_file)
        except (OSError, IOError) as exc:
            log.warning("ipmp_tail: cannot save position to %s: %s", self.state_file, exc)
            return False
        self._saved = state
        return True

    def position(self):
        """The persistable position (dict), or None before anything is open."""
        cur = self._cur
        if cur is None:
            return {"version": STATE_VERSION, "path": self.path, "missing": True}
        return {
            "version": STATE_VERSION,
            "path": self.path,
            "dev": cur.dev,
            "ino": cur.ino,
            "offset": cur.offset,
            "sig": _hex(cur.sig),
        }

    def close(self):
        """Close file handles (position is kept in memory and on disk)."""
        for old in self._old:
            old.close()
        self._old = []
        if self._cur is not None:
            self._cur.close()
            self._cur = None
        self._started = False

    # -- internals ------------------------------------------------------
    def _start(self):
        self._started = True
        state = self._load()
        try:
            st = os.stat(self.path)
        except OSError:
            st = None
        if state is None:
            if self.state_file and self._state_exists():
                log.warning(
                    "ipmp_tail: ignoring unreadable position file %s", self.state_file
                )
            if st is not None:
                # First start on an existing file: no flood of old lines.
                self._cur = self._open_new(0)
                if self._cur is not None and self.start_at_end:
                    cur = self._cur
                    cur.offset = self._line_end(cur.fh)
                    cur.sig = _read_at(
                        cur.fh, max(0, cur.offset - SIG_BYTES), min(cur.offset, SIG_BYTES)
                    )
            return
        if state.get("missing"):
            # The file did not exist at the last save: anything now there
            # is new.
            return
        want = (state["dev"], state["ino"])
        sig = _unhex(state.get("sig", ""))
        if st is not None and (st.st_dev, st.st_ino) == want:
            self._cur = self._open_new(state["offset"], sig)
            return
        # Rotated while we were away: finish the old file if it can still
        # be found next to the new one (logadm: messages.0), then the new
        # file from its start.
        old = self._find_rotated(want)
        if old is not None:
            opened = self._open_path(old, state["offset"], sig, want)
            if opened is not None:
                opened.until = time.time() + self.rotate_grace
                self._old.append(opened)
        if st is not None:
            self._cur = self._open_new(0)

    def _line_end(self, fh_):
        """
        Offset just after the last newline: a trailing partial line is not
        old news, the next write finishes it.
        """
        size = os.fstat(fh_.fileno()).st_size
        start = max(0, size - self.max_line)
        tail = _read_at(fh_, start, size - start)
        idx = tail.rfind(b"\n")
        if idx < 0:
            return start
        return start + idx + 1

    def _state_exists(self):
        return os.path.exists(self.state_file)

    def _load(self):
        if not self.state_file:
            return None
        try:
            with open(self.state_file) as fh_:
                state = json.load(fh_)
        except (OSError, IOError, ValueError):
            return None
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            return None
        if state.get("missing"):
            self._saved = state
            return state
        try:
            state["dev"] = int(state["dev"])
            state["ino"] = int(state["ino"])
            state["offset"] = int(state["offset"])
        except (KeyError, TypeError, ValueError):
            return None
        if state["offset"] < 0:
            return None
        self._saved = dict(state)
        return state

    def _find_rotated(self, want):
        dirname = os.path.dirname(self.path) or "."
        base = os.path.basename(self.path) + "."
        try:
            names = sorted(os.listdir(dirname))
        except OSError:
            return None
        for name in names:
            if not name.startswith(base):
                continue
            cand = os.path.join(dirname, name)
            try:
                st = os.stat(cand)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == want:
                return cand
        return None

    def _open_new(self, offset, sig=None):
        return self._open_path(self.path, offset, sig)

    def _open_path(self, path, offset, sig=None, want=None):
        try:
            fh_ = open(path, "rb")
        except (OSError, IOError) as exc:
            if exc.errno != errno.ENOENT:
                log.warning("ipmp_tail: cannot open %s: %s", path, exc)
            return None
        st = os.fstat(fh_.fileno())
        if want is not None and (st.st_dev, st.st_ino) != want:
            fh_.close()
            return None
        if offset > st.st_size:
            offset = 0
            sig = b""
        if sig is None:
            sig = _read_at(fh_, max(0, offset - SIG_BYTES), min(offset, SIG_BYTES))
        opened = _Open(fh_, st, offset, sig)
        # Force the first poll to look at the file (and verify sig).
        opened.seen = (-1, -1)
        return opened

    def _drain_old(self):
        lines = []
        keep = []
        now = time.time()
        for old in self._old:
            if self.more:
                keep.append(old)
                continue
            st = os.fstat(old.fh.fileno())
            final = old.until is None or now >= old.until
            if final or (st.st_size, getattr(st, "st_mtime_ns", st.st_mtime)) != old.seen:
                lines.extend(self._read(old, st, final=final))
            if final and old.offset >= st.st_size:
                old.close()
                continue
            keep.append(old)
        self._old = keep
        return lines

    def _read(self, opened, st, final=False):
        """Read from the last line boundary to EOF (at most max_bytes)."""
        size = st.st_size
        opened.seen = (size, getattr(st, "st_mtime_ns", st.st_mtime))
        if size < opened.offset:
            log.info("ipmp_tail: %s was truncated, reading from its start", self.path)
            opened.offset, opened.sig = 0, b""
        start = opened.offset - len(opened.sig)
        want = min(size - start, self.max_bytes + len(opened.sig))
        data = _read_at(opened.fh, start, want)
        if opened.sig and data[: len(opened.sig)] != opened.sig:
            # Same inode, different bytes before our position: truncated and
            # rewritten past our offset. Everything in it is new.
            log.info("ipmp_tail: %s was rewritten, reading from its start", self.path)
            opened.offset, opened.sig = 0, b""
            data = _read_at(opened.fh, 0, min(size, self.max_bytes))
        else:
            data = data[len(opened.sig):]
        at_eof = opened.offset + len(data) >= size
        if not at_eof:
            self.more = True
            opened.seen = (-1, -1)
        lines = []
        pos = 0
        nl = data.find(b"\n")
        while nl >= 0:
            lines.append(data[pos:nl])
            pos = nl + 1
            nl = data.find(b"\n", pos)
        rest = data[pos:]
        if rest and ((final and at_eof) or len(rest) >= self.max_line):
            # A writer that never finishes its line, or the end of a file that
            # will not grow again: hand the fragment on.
            lines.append(rest)
            pos = len(data)
        if pos:
            consumed = data[:pos]
            opened.offset += pos
            opened.sig = (opened.sig + consumed)[-SIG_BYTES:]
        out = []
        for raw in lines:
            text = decode(raw)
            if text.strip():
                out.append(text)
        return out


def _read_at(fh_, offset, length):
    if length <= 0:
        return b""
    fh_.seek(offset)
    chunks = []
    while length > 0:
        chunk = fh_.read(length)
        if not chunk:
            break
        chunks.append(chunk)
        length -= len(chunk)
    return b"".join(chunks)


def _hex(data):
    return "".join("{:02x}".format(c) for c in bytearray(data))


def _unhex(text):
    try:
        return bytes(bytearray.fromhex(text or ""))
    except (TypeError, ValueError):
        return b""


# ---------------------------------------------------------------------------
# From lines to tagged events (shared by the beacon and the engine, so both
# produce exactly the same events and tags).

NO_GROUP = "-"
RESOLVE_EVERY = 1.0


def tag_group(name):
    """
    The ``<group>`` tag segment for a group name; ``-`` when there is none
    or it could not be used safely inside a tag.
    """
    if not isinstance(name, str) or not name or len(name) > 31:
        return NO_GROUP
    for char in name:
        if char in "/*?[]!" or char.isspace() or not char.isprintable():
            return NO_GROUP
    return name


def event_tag(event):
    """``<group>/<event>``: what the beacon returns as its ``tag``."""
    name = event.get("event")
    if not isinstance(name, str) or not name.replace("_", "").isalnum():
        name = "other"
    return "{}/{}".format(tag_group(event.get("group")), name)


def full_tag(minion_id, event, beacon="ipmp"):
    """The tag Salt gives a beacon event: ``salt/beacon/<id>/ipmp/<group>/<event>``."""
    return "salt/beacon/{}/{}/{}".format(minion_id, beacon, event_tag(event))


def watcher(follower_, parse, **kwargs):
    """Return a :class:`Watcher`; the loader only exposes functions."""
    return Watcher(follower_, parse, **kwargs)


def messages_path(config_get, root_path, messages=None, error=None):
    """
    The syslog file in.mpathd logs to, on this host: ``messages`` when given,
    else the ``ipmp.messages`` config key (default ``/var/adm/messages``),
    taken under the ``ipmp.root`` config key.

    ``config_get`` is the caller's ``__salt__['config.get']``, ``root_path``
    its ``__utils__['ipmp_cmd.root_path']``.  With ``error`` (a function of
    the name returning an exception) a name that is not an absolute path is
    refused with that exception.
    """
    name = messages or (config_get("ipmp.messages", DEFAULT_MESSAGES) or DEFAULT_MESSAGES)
    if error is not None and (not isinstance(name, str) or not name.startswith("/")):
        raise error(name)
    root = config_get("ipmp.root", "/") or "/"
    return root_path(root, name)


def message_watcher(path, cachedir, consumer, parse, status=None, status_interval=None):
    """
    A :class:`Watcher` on ``path`` whose position (and status snapshot) are
    kept under ``cachedir`` for ``consumer`` (see :func:`state_path`), so a
    restart neither repeats nor loses lines.  ``status_interval`` None turns
    the status polls off.
    """
    state_file = state_path(cachedir, consumer, path)
    return watcher(
        follower(path, state_file=state_file),
        parse,
        status=status,
        status_interval=status_interval,
        status_file=os.path.splitext(state_file)[0] + ".status.json",
    )


def snapshot(status):
    """Reduce ``ipmp.status`` output to what a state change is made of."""
    snap = {}
    if not isinstance(status, dict):
        return snap
    for group, info in status.items():
        if not isinstance(info, dict):
            continue
        ifaces = info.get("interfaces") or {}
        snap[group] = {
            "state": info.get("state"),
            "interfaces": dict(
                (name, (val or {}).get("state"))
                for name, val in ifaces.items()
                if isinstance(val, dict)
            ),
        }
    return snap


def diff_snapshots(old, new):
    """
    Events for what changed between two snapshots: ``group_state`` and
    ``interface_state`` (``state``, ``previous``).
    """
    events = []
    for group in sorted(set(old) | set(new)):
        before = old.get(group) or {"state": None, "interfaces": {}}
        after = new.get(group) or {"state": "removed", "interfaces": {}}
        if before.get("state") != after.get("state"):
            events.append(
                {
                    "event": "group_state",
                    "group": group,
                    "state": after.get("state"),
                    "previous": before.get("state"),
                    "source": "status",
                }
            )
        b_if = before.get("interfaces") or {}
        a_if = after.get("interfaces") or {}
        for iface in sorted(set(b_if) | set(a_if)):
            if b_if.get(iface) != a_if.get(iface):
                ev = {
                    "event": "interface_state",
                    "group": group,
                    "interface": iface,
                    "state": a_if.get(iface, "removed"),
                    "source": "status",
                }
                if b_if.get(iface) is not None:
                    ev["previous"] = b_if.get(iface)
                events.append(ev)
    for ev in events:
        if ev.get("previous") is None:
            ev.pop("previous", None)
        if ev.get("state") is None:
            ev.pop("state", None)
    return events


class Watcher(object):
    """
    Turn new lines of in.mpathd's log into event dicts (``group`` filled in
    from ``status`` when the line names only an interface), and, when
    ``status_interval`` is set, group/interface state changes seen by
    polling ``status`` that syslog said nothing about.

    ``parse`` is ``ipmp_events.parse_line``; ``status`` is ``ipmp.status``
    (both injected, so this stays free of Salt imports).
    """

    def __init__(
        self,
        follower,
        parse,
        status=None,
        status_interval=None,
        status_file=None,
        clock=time.time,
    ):
        self.follower = follower
        self.parse = parse
        self.status = status
        self.status_interval = status_interval
        self.status_file = status_file
        self.clock = clock
        self._groups = {}
        self._resolved_at = None
        self._snap = None
        self._snap_saved = None
        self._next_status = None
        self._said = set()  # groups syslog spoke about since the last poll
        self._status_error = None

    def poll(self):
        """Return the new events (list of dicts), in file order."""
        events = []
        for line in self.follower.poll():
            try:
                event = self.parse(line)
            except Exception as exc:  # pylint: disable=broad-except
                log.warning("ipmp: cannot parse %r: %s", line[:200], exc)
                continue
            if not event:
                continue
            if not event.get("group") and event.get("interface"):
                group = self.group_of(event["interface"])
                if group:
                    event["group"] = group
            if event.get("group"):
                self._said.add(event["group"])
            events.append(event)
        if self.status is not None and self.status_interval:
            events.extend(self._poll_status())
        return events

    @property
    def more(self):
        return self.follower.more

    def commit(self):
        """Persist the file position and the last status snapshot."""
        self.follower.commit()
        if self.status_file and self._snap is not None and self._snap != self._snap_saved:
            _write_json(self.status_file, self._snap)
            self._snap_saved = self._snap

    def close(self):
        self.follower.close()

    def group_of(self, interface):
        """Group of a physical interface, from a cached ``ipmp.status``."""
        base = interface.split(":", 1)[0]
        if base not in self._groups:
            now = self.clock()
            if self._resolved_at is None or now - self._resolved_at >= RESOLVE_EVERY:
                self._resolved_at = now
                self._refresh_groups()
        return self._groups.get(base)

    def _call_status(self):
        if self.status is None:
            return None
        try:
            status = self.status()
        except Exception as exc:  # pylint: disable=broad-except
            text = str(exc)
            # Once per distinct problem, not once per poll.
            (log.debug if text == self._status_error else log.warning)(
                "ipmp: cannot read group status: %s", text
            )
            self._status_error = text
            return None
        self._status_error = None
        return status

    def _refresh_groups(self, status=None):
        if status is None:
            status = self._call_status()
        if not isinstance(status, dict):
            return
        groups = {}
        for group, info in status.items():
            for iface in ((info or {}).get("interfaces") or {}):
                groups[iface.split(":", 1)[0]] = group
        self._groups = groups

    def _poll_status(self):
        now = self.clock()
        if self._next_status is not None and now < self._next_status:
            return []
        self._next_status = now + float(self.status_interval)
        status = self._call_status()
        if not isinstance(status, dict):
            return []
        self._refresh_groups(status)
        self._resolved_at = now
        new = snapshot(status)
        old = self._snap
        if old is None and self.status_file:
            old = _read_json(self.status_file)
            self._snap_saved = old
        self._snap = new
        said, self._said = self._said, set()
        if old is None:
            return []
        return [ev for ev in diff_snapshots(old, new) if ev["group"] not in said]


def _read_json(path):
    try:
        with open(path) as fh_:
            data = json.load(fh_)
    except (OSError, IOError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path, data):
    tmp = "{}.{}.tmp".format(path, os.getpid())
    try:
        pdir = os.path.dirname(path)
        if pdir and not os.path.isdir(pdir):
            os.makedirs(pdir, 0o700)
        with open(tmp, "w") as fh_:
            json.dump(data, fh_, sort_keys=True)
        os.rename(tmp, path)
    except (OSError, IOError) as exc:
        log.warning("ipmp_tail: cannot save %s: %s", path, exc)
