"""
From in.mpathd's log lines to tagged event dicts. The ``ipmp`` beacon and
the ``ipmp_events`` engine both use this, so they send exactly the same
events under exactly the same tags.

Salt gives utils no ``__utils__`` and utils do not load each other's files,
so the follower (``ipmp_follow``), the parser (``ipmp_events.parse_line``)
and the status snapshot (``ipmp_model.snapshot``) come from the caller's
``__utils__`` mapping, handed to :func:`watcher` or :func:`message_watcher`.
``ipmp.status`` is passed as a function for the same reason: ``__salt__``
only resolves in the caller's loader context.
"""

import hashlib
import json
import logging
import os
import time

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_watch"

NO_GROUP = "-"
RESOLVE_EVERY = 1.0
DEFAULT_MESSAGES = "/var/adm/messages"


def __virtual__():
    """No Salt and no platform calls: always loadable."""
    return __virtualname__


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


def event_id(origin, text):
    """
    An event's ``eid``: the same line read twice (a restart before its
    position was saved) gets the same id, so the master can drop the repeat.
    ``origin`` is where the line starts (``ipmp_follow``'s ``dev:ino:offset``).
    """
    return hashlib.sha1(u"{}\0{}".format(origin, text).encode("utf-8")).hexdigest()[:16]


def watcher(follower_, utils, **kwargs):
    """
    A :class:`Watcher` of the lines ``follower_`` (an ``ipmp_follow``
    follower) returns; ``utils`` is the caller's ``__utils__``.
    """
    return Watcher(
        follower_, utils["ipmp_events.parse_line"], utils["ipmp_model.snapshot"], **kwargs
    )


def messages_path(config_get, root_path, messages=None, error=None):
    """
    The syslog file in.mpathd logs to, on this host: ``messages`` when given,
    else the ``ipmp.messages`` config key (default ``/var/adm/messages``),
    taken under the ``ipmp.root`` config key.

    ``config_get`` is the caller's ``__salt__['config.get']``, ``root_path``
    its ``__utils__['ipmp_validate.root_path']``.  With ``error`` (a function of
    the name returning an exception) a name that is not an absolute path is
    refused with that exception.
    """
    name = messages or (config_get("ipmp.messages", DEFAULT_MESSAGES) or DEFAULT_MESSAGES)
    if error is not None and (not isinstance(name, str) or not name.startswith("/")):
        raise error(name)
    root = config_get("ipmp.root", "/") or "/"
    return root_path(root, name)


def nodename(root_path, root):
    """This host's node name, the host field syslogd writes: the first word
    of ``<root>/etc/nodename``, or None when it cannot be read."""
    try:
        with open(root_path(root or "/", "/etc/nodename"), "rb") as handle:
            words = handle.read(256).decode("utf-8", "replace").split()
    except (IOError, OSError, ValueError):
        return None
    return words[0] if words else None


def authenticity(utils, hostname, untagged):
    """The ``accept`` check for :class:`Watcher`: ``ipmp_events.impostor``
    with this host's name and the ``ipmp.events_untagged`` setting."""
    impostor = utils["ipmp_events.impostor"]

    def check(event):
        return impostor(event, hostname=hostname, untagged=bool(untagged))

    return check


def message_watcher(path, cachedir, consumer, utils, status=None, status_interval=None,
                    accept=None):
    """
    A :class:`Watcher` on ``path`` whose position (and status snapshot) are
    kept under ``cachedir`` for ``consumer`` (see ``ipmp_follow.state_path``),
    so a restart neither repeats nor loses lines.  ``utils`` is the caller's
    ``__utils__``; ``status_interval`` None turns the status polls off;
    ``accept`` (see :func:`authenticity`) drops lines in.mpathd did not write.
    """
    state_file = utils["ipmp_follow.state_path"](cachedir, consumer, path)
    return watcher(
        utils["ipmp_follow.follower"](path, state_file=state_file),
        utils,
        status=status,
        status_interval=status_interval,
        status_file=os.path.splitext(state_file)[0] + ".status.json",
        accept=accept,
    )


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

    ``parse`` is ``ipmp_events.parse_line``, ``snapshot`` is
    ``ipmp_model.snapshot`` and ``status`` is ``ipmp.status``: all passed
    in, so this stays free of Salt imports and of other utils' files.
    """

    def __init__(
        self,
        follower,
        parse,
        snapshot,
        status=None,
        status_interval=None,
        status_file=None,
        clock=time.time,
        accept=None,
    ):
        self.follower = follower
        self.parse = parse
        self.snapshot = snapshot
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
        self.accept = accept
        self.impostors = 0

    def poll(self):
        """Return the new events (list of dicts), in file order."""
        events = []
        lines = self.follower.poll()
        origins = getattr(self.follower, "origins", None) or [None] * len(lines)
        for line, origin in zip(lines, origins):
            try:
                event = self.parse(line)
            except Exception as exc:  # pylint: disable=broad-except
                log.warning("ipmp: cannot parse %r: %s", line[:200], exc)
                continue
            if not event:
                continue
            why = self.accept(event) if self.accept is not None else None
            if why:
                self.impostors += 1
                if self.impostors == 1 or self.impostors % 100 == 0:
                    log.warning("ipmp: not an in.mpathd event (%s; %d so far): %r",
                                why, self.impostors, event.get("message", "")[:200])
                continue
            if not event.get("group") and event.get("interface"):
                group = self.group_of(event["interface"])
                if group:
                    event["group"] = group
            if event.get("group"):
                self._said.add(event["group"])
            event["eid"] = event_id(origin, line)
            events.append(event)
        if self.status is not None and self.status_interval:
            for event in self._poll_status():
                event["eid"] = event_id(self.clock(), json.dumps(event, sort_keys=True))
                events.append(event)
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
        new = self.snapshot(status)
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
        log.warning("ipmp_watch: cannot save %s: %s", path, exc)
