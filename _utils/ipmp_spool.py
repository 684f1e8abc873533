"""
A bounded, durable FIFO of records on disk, for one consumer.

The ``ipmp_events`` engine keeps the events it read from in.mpathd's log
here until the master acknowledged them: the log position can then be
committed at once (the lines are safe on disk), and a master that is down
or slow loses nothing but what does not fit. Why a file of its own instead
of Salt's event bus or a queue library:

- the minion must not lose events across a restart or a crash, so every
  ``append`` is fsynced before it returns, and every ``ack`` before the
  records count as delivered;
- the spool is bounded (records and bytes): when the master is away for
  long, the oldest records are replaced by one summary record (made by the
  caller's ``summarize``) instead of filling the disk, so the master still
  learns how much it missed;
- every record gets a sequence number ``seq`` that is never reused, so
  "everything up to ``seq``" is one integer to acknowledge and to persist;
- a crash during an append leaves at most a partial last line, which is
  cut off on load; a corrupt line elsewhere is skipped with a warning.

Layout: ``path`` holds JSON lines (one record, with its ``seq``, a line);
``path + ".head"`` holds ``{"acked": seq, "next": seq}``, replaced
atomically. The acknowledged part of ``path`` is cut away when it grows
large (compaction) or when nothing is left.

The records are kept in memory too (the spool is bounded), so ``peek`` reads
no file. No locking: one consumer (process and thread) per path.

No Salt imports: unit tests load this file directly, and the loader exposes
the factory function to other modules as ``__utils__['ipmp_spool.spool']``.
"""

import collections
import errno
import itertools
import json
import logging
import os

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_spool"

MAX_RECORDS = 10000
MAX_BYTES = 8 * 1024 * 1024
PEEK_RECORDS = 100
PEEK_BYTES = 256 * 1024
#: Compact when the acknowledged part of the file is larger than this (and
#: more than half of the file).
COMPACT_BYTES = 64 * 1024
HEAD_SUFFIX = ".head"
TMP_SUFFIX = ".tmp"


def __virtual__():
    """Standard library only: always loadable."""
    return __virtualname__


def spool(path, max_records=MAX_RECORDS, max_bytes=MAX_BYTES, summarize=None):
    """
    Return a :class:`Spool` kept in ``path``; the loader only exposes
    functions.
    """
    return Spool(path, max_records=max_records, max_bytes=max_bytes, summarize=summarize)


def encode(record):
    """One record as its line in the spool file (bytes, newline included)."""
    return (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _is_seq(value):
    """An integer sequence number (``True`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _fsync_dir(path):
    """Make a rename in the directory of ``path`` durable, where the OS allows it."""
    try:
        fd = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every platform fsyncs a directory
    finally:
        os.close(fd)


def _replace(path, data):
    """Write ``data`` (bytes) to ``path`` atomically: temp file, fsync, rename."""
    tmp = path + TMP_SUFFIX
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path)


def read_head(path):
    """
    ``(acked, next)`` from the head file ``path``; each None when missing or
    unreadable (a bad head file only costs re-deliveries the records allow).
    """
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(4096).decode("utf-8"))
    except (IOError, OSError, ValueError) as exc:
        if getattr(exc, "errno", None) != errno.ENOENT:
            log.warning("ipmp_spool: cannot read %s: %s", path, exc)
        return None, None
    if not isinstance(data, dict):
        log.warning("ipmp_spool: ignoring %s: not an object", path)
        return None, None
    acked = data.get("acked") if _is_seq(data.get("acked")) else None
    nxt = data.get("next") if _is_seq(data.get("next")) else None
    return acked, nxt


class _Entry(object):
    """A record in memory: its ``seq``, the dict and its line's size."""

    __slots__ = ("seq", "record", "size")

    def __init__(self, seq, record, size):
        self.seq = seq
        self.record = record
        self.size = size


class Spool(object):
    """
    The FIFO: :meth:`append` records, :meth:`peek` the oldest unacknowledged
    ones, :meth:`ack` them by ``seq`` once delivered.
    """

    def __init__(self, path, max_records=MAX_RECORDS, max_bytes=MAX_BYTES, summarize=None):
        if int(max_records) < 1 or int(max_bytes) < 1:
            raise ValueError("ipmp_spool: max_records and max_bytes must be positive")
        self.path = path
        self.head_path = path + HEAD_SUFFIX
        self.max_records = int(max_records)
        self.max_bytes = int(max_bytes)
        self.summarize = summarize
        self.dropped = 0  # records dropped (overflow) since this object was made
        self._pending = collections.deque()
        self._bytes = 0  # sum of the sizes of the pending records
        self._file_size = 0  # bytes in self.path
        self._acked = 0
        self._next = 1
        self._closed = False
        self._load()

    # -- public ---------------------------------------------------------
    def __len__(self):
        return len(self._pending)

    def pending(self):
        """Number of unacknowledged records."""
        return len(self._pending)

    def size(self):
        """Bytes (JSON lines) of the unacknowledged records."""
        return self._bytes

    @property
    def acked(self):
        """The highest acknowledged ``seq`` (0 when none)."""
        return self._acked

    def append(self, records):
        """
        Add ``records`` (JSON-serialisable dicts), each with a new ``seq``
        (an existing ``seq`` key is replaced); durable when this returns.
        Return the records as stored (copies, with their ``seq``) — also
        those an overflow replaced by a summary at once.
        """
        self._check()
        entries = []
        for offset, record in enumerate(records):
            if not isinstance(record, dict):
                raise TypeError("ipmp_spool: a record is a dict, not {!r}".format(type(record)))
            stored = dict(record)
            stored["seq"] = self._next + offset
            entries.append(_Entry(stored["seq"], stored, len(encode(stored))))
        if not entries:
            return []
        # Numbers handed out stay used, even when writing fails below: a
        # line that reached the disk must never share its seq with another.
        self._next += len(entries)
        added = sum(entry.size for entry in entries)
        if (len(self._pending) + len(entries) <= self.max_records
                and self._bytes + added <= self.max_bytes):
            self._write_tail(entries)
            self._pending.extend(entries)
            self._bytes += added
        else:
            self._overflow(list(self._pending) + entries)
        return [dict(entry.record) for entry in entries]

    def peek(self, max_records=PEEK_RECORDS, max_bytes=PEEK_BYTES):
        """
        The oldest unacknowledged records (copies), in order: at most
        ``max_records`` and ``max_bytes`` of JSON lines, but at least one
        when any is pending.
        """
        self._check()
        out = []
        used = 0
        for entry in itertools.islice(self._pending, max(1, int(max_records))):
            if out and used + entry.size > max_bytes:
                break
            out.append(dict(entry.record))
            used += entry.size
        return out

    def ack(self, seq):
        """
        Acknowledge every record with ``seq`` up to ``seq`` (durably);
        return how many pending records that removed.
        """
        self._check()
        if not _is_seq(seq):
            raise ValueError("ipmp_spool: bad seq {!r}".format(seq))
        # Never beyond what was handed out: later records must stay deliverable.
        seq = min(seq, self._next - 1)
        if seq <= self._acked:
            return 0
        _replace(self.head_path, self._head_bytes(seq))
        self._acked = seq
        count = 0
        while self._pending and self._pending[0].seq <= seq:
            self._bytes -= self._pending.popleft().size
            count += 1
        self._compact()
        return count

    def close(self):
        """Forget the records in memory; the files stay as they are."""
        self._pending = collections.deque()
        self._bytes = 0
        self._closed = True

    # -- internals ------------------------------------------------------
    def _check(self):
        if self._closed:
            raise ValueError("ipmp_spool: {} is closed".format(self.path))

    def _head_bytes(self, acked):
        data = {"acked": acked, "next": self._next}
        return json.dumps(data, sort_keys=True).encode("utf-8")

    def _ensure_dir(self):
        pdir = os.path.dirname(self.path)
        if pdir and not os.path.isdir(pdir):
            try:
                os.makedirs(pdir, 0o700)
            except OSError as exc:
                if exc.errno != errno.EEXIST:
                    raise

    def _write_tail(self, entries):
        """Append the lines of ``entries`` to the file and fsync it."""
        self._ensure_dir()
        data = b"".join(encode(entry.record) for entry in entries)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as handle:
            try:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                # Leave no partial line that the next append would glue to.
                try:
                    os.ftruncate(handle.fileno(), self._file_size)
                except OSError:
                    pass
                raise
        self._file_size += len(data)

    def _rewrite(self, entries):
        """Replace the file with the lines of ``entries`` (atomically)."""
        self._ensure_dir()
        if entries:
            data = b"".join(encode(entry.record) for entry in entries)
            _replace(self.path, data)
            self._file_size = len(data)
        else:
            self._truncate()

    def _truncate(self):
        """Empty the file (everything in it is acknowledged)."""
        try:
            fd = os.open(self.path, os.O_WRONLY)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise
            self._file_size = 0
            return
        try:
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._file_size = 0

    def _compact(self):
        """Cut the acknowledged part off the file when it is worth it."""
        if not self._pending:
            if self._file_size:
                self._truncate()
            return
        dead = self._file_size - self._bytes
        if dead > COMPACT_BYTES and dead * 2 > self._file_size:
            self._rewrite(list(self._pending))

    def _fits(self, count, size):
        return count <= self.max_records and size <= self.max_bytes

    def _summary(self, dropped):
        """The caller's summary of ``dropped`` as an entry, or None."""
        if self.summarize is None or not dropped:
            return None
        try:
            record = self.summarize([dict(entry.record) for entry in dropped])
            if not isinstance(record, dict):
                raise TypeError("summarize returned {!r}".format(type(record)))
            record = dict(record)
            record["seq"] = dropped[-1].seq
            return _Entry(record["seq"], record, len(encode(record)))
        except Exception as exc:  # pylint: disable=broad-except
            log.warning("ipmp_spool: %s: cannot summarize %d dropped records: %s",
                        self.path, len(dropped), exc)
            return None

    def _overflow(self, entries):
        """
        Make ``entries`` (all pending records, oldest first) fit the bounds
        by replacing the oldest with one summary, then rewrite the file.
        """
        room = 1 if self.summarize is not None else 0
        size = sum(entry.size for entry in entries)
        start = 0
        dropped = []
        summary = None
        while True:
            extra = summary.size if summary is not None else 0
            while start < len(entries) and (
                not self._fits(len(entries) - start + room, size + extra) or not dropped
            ):
                size -= entries[start].size
                dropped.append(entries[start])
                start += 1
            summary = self._summary(dropped)
            if summary is None or self._fits(len(entries) - start + 1, size + summary.size):
                break
            if start >= len(entries):
                log.warning("ipmp_spool: %s: the summary alone (%d bytes) exceeds max_bytes",
                            self.path, summary.size)
                break
            # The summary is larger than the room left: drop one more at
            # least (then as many as its size needs), summarize again.
            size -= entries[start].size
            dropped.append(entries[start])
            start += 1
        kept = entries[start:]
        if summary is not None:
            kept.insert(0, summary)
        # Numbers up to the last one handed out must survive an empty file.
        self._ensure_dir()
        _replace(self.head_path, self._head_bytes(self._acked))
        self._rewrite(kept)
        self._pending = collections.deque(kept)
        self._bytes = sum(entry.size for entry in kept)
        self.dropped += len(dropped)
        if dropped:
            log.warning(
                "ipmp_spool: %s is full (%d records, %d bytes at most): dropped the %d oldest "
                "records (seq %d to %d)%s",
                self.path, self.max_records, self.max_bytes, len(dropped),
                dropped[0].seq, dropped[-1].seq,
                ", kept a summary" if summary is not None else "",
            )

    def _load(self):
        """Read the head and the records; cut a partial last line."""
        acked, nxt = read_head(self.head_path)
        self._acked = acked or 0
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except (IOError, OSError) as exc:
            if exc.errno != errno.ENOENT:
                raise
            data = b""
        end = data.rfind(b"\n") + 1
        if end < len(data):
            log.warning("ipmp_spool: %s: cutting off a partial last line (%d bytes)",
                        self.path, len(data) - end)
            fd = os.open(self.path, os.O_WRONLY)
            try:
                os.ftruncate(fd, end)
                os.fsync(fd)
            finally:
                os.close(fd)
        self._file_size = end
        last = 0
        number = 0
        for line in data[:end].splitlines(True):
            number += 1
            try:
                record = json.loads(line.decode("utf-8"))
            except ValueError:
                record = None
            seq = record.get("seq") if isinstance(record, dict) else None
            if not _is_seq(seq) or seq <= last:
                log.warning("ipmp_spool: %s: skipping corrupt line %d", self.path, number)
                continue
            last = seq
            if seq <= self._acked:
                continue
            self._pending.append(_Entry(seq, record, len(line)))
            self._bytes += len(line)
        self._next = max(nxt or 1, last + 1, self._acked + 1)
        if not self._fits(len(self._pending), self._bytes):
            # The bounds shrank since the records were written.
            self._overflow(list(self._pending))
        elif not self._pending and self._file_size:
            self._truncate()
