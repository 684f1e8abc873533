"""
Follow a growing log file (``/var/adm/messages``) the way an operator's
``tail -F`` would, but so that nothing is lost or repeated.

The ``ipmp`` beacon and the ``ipmp_events`` engine read in.mpathd's log
through this (via ``ipmp_watch``). Why a custom follower instead of Salt's
``log`` beacon approach:

- an idle check costs one ``stat()``, whatever the size of the file;
- rotation is seen as an inode change: the rest of the old file is read
  first (also lines written to it shortly after the rename), then the new
  file from its start, so the first line after a rotation is not lost;
- truncation in place (``copytruncate``) and a file replaced by different
  content of the same or larger size are detected with a short signature of
  the bytes before the current position; the unread end of the old content
  is then read from the copy (``messages.0``, ``messages-20261130``) when
  one holds that signature at that offset, before the file from its start;
- partial lines wait until their newline arrives;
- bytes that are not UTF-8 are replaced, NULs (left by copytruncate races)
  are dropped;
- ``origins`` names where each line of the last poll starts
  (``"<dev>:<ino>:<offset>"``), the same string when the same bytes are
  read again;
- the position (device, inode, offset, signature) can be persisted to a
  small JSON file in the minion's cache directory, so a restart neither
  repeats nor loses lines. Without a saved position the follower starts at
  the end of an existing file (no flood of old lines).

No Salt imports: unit tests load this file directly, and the loader exposes
the factory functions to other modules as ``__utils__['ipmp_follow.*']``.
"""

import errno
import hashlib
import json
import logging
import os
import stat
import time

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_follow"

SIG_BYTES = 64
MAX_BYTES = 512 * 1024
MAX_LINE = 64 * 1024
ROTATE_GRACE = 5.0
STATE_VERSION = 1
COMPRESSED = (".gz", ".Z", ".bz2", ".xz")


def __virtual__():
    """No Salt and no platform calls: always loadable."""
    return __virtualname__


def state_path(cachedir, consumer, path):
    """
    Where ``consumer`` (e.g. ``beacon-ipmp``) keeps its position in ``path``.

    One file per consumer and followed file so the beacon and the engine
    never share (and fight over) a position. The directory is still
    ``ipmp/tail`` so positions saved before the split stay valid.
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
        self.origins = []  # "<dev>:<ino>:<offset>" of each line of the last poll
        self._cur = None
        self._old = []  # rotated-away files still drained for a while
        self._started = False
        self._saved = None

    # -- public ---------------------------------------------------------
    def poll(self):
        """
        Return a list of new complete lines (text). Costs one ``stat`` when
        nothing changed. Sets :attr:`origins`, parallel to the list.
        """
        self.origins = []
        pairs = self._poll()
        self.origins = [origin for _, origin in pairs]
        return [text for text, _ in pairs]

    def _poll(self):
        if not self._started:
            self._start()
        self.more = False
        pairs = []
        try:
            st = os.stat(self.path)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                raise
            st = None

        if self._old:
            pairs.extend(self._drain_old())
            if self.more:
                # Old lines first: the new file waits for the next poll.
                return pairs

        cur = self._cur
        if cur is not None and st is not None and (st.st_dev, st.st_ino) != (
            cur.dev,
            cur.ino,
        ):
            # Rotated: finish the old file now, keep it a moment for late
            # writers, then follow the new one from its first byte.
            final = self.rotate_grace <= 0
            st_old = os.fstat(cur.fh.fileno())
            pairs.extend(self._read(cur, st_old, final=final))
            if final and cur.offset >= st_old.st_size:
                cur.close()
            else:
                cur.until = time.time() + self.rotate_grace
                self._old.append(cur)
            self._cur = cur = None
            if self.more:
                return pairs
        if cur is None:
            if st is None:
                return pairs
            cur = self._open_new(0)
            if cur is None:
                return pairs
            self._cur = cur
            st = os.fstat(cur.fh.fileno())
        elif st is None:
            # Renamed away, no new file yet: the old one is still the live
            # file for its writer.
            st = os.fstat(cur.fh.fileno())
        if (st.st_size, getattr(st, "st_mtime_ns", st.st_mtime)) == cur.seen:
            return pairs
        pairs.extend(self._read(cur, st))
        return pairs

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
            log.warning("ipmp_follow: cannot save position to %s: %s", self.state_file, exc)
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
                    "ipmp_follow: ignoring unreadable position file %s", self.state_file
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
                log.warning("ipmp_follow: cannot open %s: %s", path, exc)
            return None
        st = os.fstat(fh_.fileno())
        if want is not None and (st.st_dev, st.st_ino) != want:
            fh_.close()
            return None
        if sig is None:
            sig = _read_at(fh_, max(0, offset - SIG_BYTES), min(offset, SIG_BYTES))
        opened = _Open(fh_, st, offset, sig)
        # Force the first poll to look at the file (and verify sig).
        opened.seen = (-1, -1)
        return opened

    def _drain_old(self):
        pairs = []
        keep = []
        now = time.time()
        for old in self._old:
            if self.more:
                keep.append(old)
                continue
            st = os.fstat(old.fh.fileno())
            final = old.until is None or now >= old.until
            if final or (st.st_size, getattr(st, "st_mtime_ns", st.st_mtime)) != old.seen:
                pairs.extend(self._read(old, st, final=final))
            if final and old.offset >= st.st_size:
                old.close()
                continue
            keep.append(old)
        self._old = keep
        return pairs

    def _read(self, opened, st, final=False):
        """
        Read from the last line boundary to EOF (at most max_bytes); return
        ``(text, origin)`` pairs.
        """
        size = st.st_size
        opened.seen = (size, getattr(st, "st_mtime_ns", st.st_mtime))
        pairs = []
        if size < opened.offset:
            pairs.extend(self._restart(opened, "truncated"))
            if self.more:
                opened.seen = (-1, -1)
                return pairs
        start = opened.offset - len(opened.sig)
        want = min(size - start, self.max_bytes + len(opened.sig))
        data = _read_at(opened.fh, start, want)
        if opened.sig and data[: len(opened.sig)] != opened.sig:
            # Same inode, different bytes before our position: truncated and
            # rewritten past our offset. Everything in it is new.
            pairs.extend(self._restart(opened, "rewritten"))
            if self.more:
                opened.seen = (-1, -1)
                return pairs
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
            lines.append((data[pos:nl], pos))
            pos = nl + 1
            nl = data.find(b"\n", pos)
        rest = data[pos:]
        if rest and ((final and at_eof) or len(rest) >= self.max_line):
            # A writer that never finishes its line, or the end of a file that
            # will not grow again: hand the fragment on.
            lines.append((rest, pos))
            pos = len(data)
        base = opened.offset
        if pos:
            consumed = data[:pos]
            opened.offset += pos
            opened.sig = (opened.sig + consumed)[-SIG_BYTES:]
        for raw, at in lines:
            text = decode(raw)
            if text.strip():
                pairs.append((text, "{}:{}:{}".format(opened.dev, opened.ino, base + at)))
        return pairs

    def _restart(self, opened, how):
        """
        ``opened`` no longer holds the bytes before its offset: go back to its
        start. For the followed file, first read the unread end of the old
        content from a copy of it, if one is found.
        """
        offset, sig = opened.offset, opened.sig
        opened.offset, opened.sig = 0, b""
        if opened is not self._cur or offset == 0:
            log.info("ipmp_follow: %s was %s, reading from its start", self.path, how)
            return []
        skip = set((old.dev, old.ino) for old in self._old)
        skip.add((opened.dev, opened.ino))
        copy = self._find_copy(offset, sig, skip) if sig else None
        if copy is None:
            log.warning(
                "ipmp_follow: %s was truncated and no copy of its unread end was found;"
                " lines written after offset %d before the truncation are lost",
                self.path,
                offset,
            )
            return []
        log.info(
            "ipmp_follow: %s was %s, reading the rest of its copy %s first",
            self.path,
            how,
            copy.fh.name,
        )
        copy.until = time.time()
        self._old.append(copy)
        return self._drain_old()

    def _find_copy(self, offset, sig, skip):
        """
        The most recently modified sibling (``<name>.*``, ``<name>-*``, not
        compressed, a regular file, not in ``skip``) holding ``sig`` just
        before ``offset``, opened at ``offset``; or None.
        """
        dirname = os.path.dirname(self.path) or "."
        base = os.path.basename(self.path)
        prefixes = (base + ".", base + "-")
        try:
            names = sorted(os.listdir(dirname))
        except OSError:
            return None
        best = None
        for name in names:
            if not name.startswith(prefixes) or name.endswith(COMPRESSED):
                continue
            cand = os.path.join(dirname, name)
            try:
                # Not opened unless regular: opening a FIFO would block.
                if not stat.S_ISREG(os.stat(cand).st_mode):
                    continue
                fh_ = open(cand, "rb")
            except (OSError, IOError):
                continue
            try:
                st = os.fstat(fh_.fileno())
                match = (
                    stat.S_ISREG(st.st_mode)
                    and (st.st_dev, st.st_ino) not in skip
                    and st.st_size >= offset
                    and _read_at(fh_, offset - len(sig), len(sig)) == sig
                )
            except (OSError, IOError):
                match = False
            if not match:
                fh_.close()
                continue
            if best is not None and best[0] >= st.st_mtime:
                fh_.close()
                continue
            if best is not None:
                best[1].close()
            best = (st.st_mtime, _Open(fh_, st, offset, sig))
        if best is None:
            return None
        best[1].seen = (-1, -1)
        return best[1]


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
