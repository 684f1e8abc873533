# -*- coding: utf-8 -*-
"""
in.mpathd's syslog messages as structured events.

Admins watch ``/var/adm/messages`` for in.mpathd's lines; the beacon, the
engine and ``ipmp.events`` turn each line into one event dict (contract in
the project's design notes).  The catalogue holds every operational message
of the Solaris 10 (pre-Clearview) and the illumos (Clearview) in.mpathd,
with the ``[ID n daemon.level]`` message ids syslog prints for them (the
STRLOG_MAKE_MSGID hash of the format string).  Beside it, the class of
every event name: which way it points (towards trouble or back to normal)
and which outcome in.mpathd logs right after a detection; the alert runner
asks :func:`direction` and :func:`follow_ups`.

Shipped to minions through ``_utils``: Python 3.6 compatible, standard
library only, independent of the other utils modules.
"""

import collections
import re

__virtualname__ = "ipmp_events"


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


#: every event name parse_line can return
EVENTS = (
    "link_down", "link_up", "link_flapping", "failure", "repair", "failover",
    "failback", "group_failed", "group_repaired", "no_test_address",
    "test_address", "test_address_duplicate", "test_address_unique",
    "plumb_mismatch", "consistent", "hwaddr_duplicate", "hwaddr_unique",
    "fdt_raised", "fdt_lowered", "config", "reload", "removed", "other",
)

#: Events the status watcher (``ipmp_watch``) makes when ``ipmp.status``
#: changes between two polls; they carry ``state`` and ``previous``.  Not
#: log lines, so parse_line never returns them.
STATE_EVENTS = ("group_state", "interface_state")

# --- event classes: what an event says about its group ---------------------
DOWN = "down"  # towards trouble
UP = "up"  # back to normal
BY_STATE = "state"  # the event's ``state`` tells: a BAD_STATES one points down
OTHER = "other"  # neither: tuning, a reload
#: Events of the beacon and the engine that stand for several log lines: a
#: ``burst`` folded in one tick, ``dropped`` from a full spool (``ipmp_burst``).
FOLDED = ("burst", "dropped")

#: The states that make a state event point down.
BAD_STATES = frozenset(("failed", "offline", "degraded", "removed"))

#: ``direction`` is DOWN, UP, BY_STATE or OTHER; ``followed_by`` names the
#: events in.mpathd logs right after a detection to say what it did about
#: it ("NIC failure detected" then "Successfully failed over"), so that an
#: alert opened by the detection can wait for the outcome.
EventClass = collections.namedtuple("EventClass", ("direction", "followed_by"))

_AFTER_DOWN = ("failover", "group_failed")
_AFTER_UP = ("failback", "group_repaired")

#: The class of every name in EVENTS and STATE_EVENTS.  A new event name
#: needs its row here (a unit test holds every name to it), so it can never
#: fall to "other" unnoticed.
CLASSES = {
    # detections, each followed by its outcome
    "link_down": EventClass(DOWN, _AFTER_DOWN),
    "failure": EventClass(DOWN, _AFTER_DOWN),
    "link_up": EventClass(UP, _AFTER_UP),
    "repair": EventClass(UP, _AFTER_UP),
    # towards trouble
    "failover": EventClass(DOWN, ()),
    "group_failed": EventClass(DOWN, ()),
    "link_flapping": EventClass(DOWN, ()),
    "no_test_address": EventClass(DOWN, ()),
    "test_address_duplicate": EventClass(DOWN, ()),
    "hwaddr_duplicate": EventClass(DOWN, ()),
    "plumb_mismatch": EventClass(DOWN, ()),
    "config": EventClass(DOWN, ()),
    # back to normal
    "failback": EventClass(UP, ()),
    "group_repaired": EventClass(UP, ()),
    "test_address": EventClass(UP, ()),
    "test_address_unique": EventClass(UP, ()),
    "hwaddr_unique": EventClass(UP, ()),
    "consistent": EventClass(UP, ()),
    # neither
    "fdt_raised": EventClass(OTHER, ()),
    "fdt_lowered": EventClass(OTHER, ()),
    "reload": EventClass(OTHER, ()),
    "removed": EventClass(OTHER, ()),
    "other": EventClass(OTHER, ()),
    # the watcher's: the new state tells
    "group_state": EventClass(BY_STATE, ()),
    "interface_state": EventClass(BY_STATE, ()),
}

#: One catalogue row.  ``format`` is the C format string without its
#: trailing newline; ``fields`` names its conversions in order; ``levels``
#: the syslog levels the daemon uses for it; ``extra`` constant event keys.
Message = collections.namedtuple(
    "Message",
    ("event", "flavor", "msgid", "regex", "format", "fields", "levels", "extra"),
)

S10 = "solaris10"
ILLUMOS = "illumos"
_E = ("error",)
_I = ("info",)
_EI = ("error", "info")

# (event, flavor, msgid, format, fields, levels, extra)
_TABLE = (
    # --- Solaris 10 in.mpathd (andreiw/polaris, pre-Clearview) ---------------
    ("link_down", S10, 215189, "The link has gone down on %s",
     ("interface",), _E, {}),
    ("link_up", S10, 820239, "The link has come up on %s",
     ("interface",), _E, {}),
    ("link_flapping", S10, 854148,
     "The link has come up on %s more than %d times in the last minute; "
     "disabling failback until it stabilizes",
     ("interface", "count"), _E, {}),
    ("failure", S10, 594170, "NIC failure detected on %s of group %s",
     ("interface", "group"), _E, {}),
    ("failure", S10, 533792, "NIC failure detected on %s",
     ("interface",), _E, {}),
    ("repair", S10, 299542, "NIC repair detected on %s of group %s",
     ("interface", "group"), _E, {}),
    ("repair", S10, 218011, "NIC repair detected on %s",
     ("interface",), _E, {}),
    ("failover", S10, 832587, "Successfully failed over from NIC %s to NIC %s",
     ("interface", "to"), _E, {}),
    ("failback", S10, 620804, "Successfully failed back to NIC %s",
     ("interface",), _E, {}),
    ("group_failed", S10, 168056, "All Interfaces in group %s have failed",
     ("group",), _E, {}),
    ("group_repaired", S10, 237757,
     "At least 1 interface (%s) of group %s has repaired",
     ("interface", "group"), _E, {}),
    ("no_test_address", S10, 975029,
     "No test address configured on interface %s; disabling probe-based "
     "failure detection on it",
     ("interface",), _E, {}),
    ("test_address", S10, 276194,
     "Test address now configured on interface %s; enabling probe-based "
     "failure detection on it",
     ("interface",), _E, {}),
    ("test_address_duplicate", S10, 696580,
     "Test address %s is not unique in group; disabling probe-based failure "
     "detection on %s",
     ("address", "interface"), _E, {}),
    ("test_address_unique", S10, 838198,
     "Test address %s is unique in group; enabling probe-based failure "
     "detection on %s",
     ("address", "interface"), _E, {}),
    ("plumb_mismatch", S10, 739285,
     "NIC %s of group %s is not plumbed for IPv4 and may affect failover "
     "capability",
     ("interface", "group"), _E, {"family": "inet"}),
    ("plumb_mismatch", S10, 101448,
     "NIC %s of group %s is not plumbed for IPv6 and may affect failover "
     "capability",
     ("interface", "group"), _E, {"family": "inet6"}),
    ("consistent", S10, 906723,
     "NIC %s is now consistent with group %s and failover capability is "
     "restored",
     ("interface", "group"), _E, {}),
    ("fdt_raised", S10, 585766,
     "Cannot meet requested failure detection time of %d ms on (%s %s) new "
     "failure detection time for group \"%s\" is %d ms",
     ("requested", "family", "interface", "group", "fdt"), _E, {}),
    ("fdt_lowered", S10, 302819,
     "Improved failure detection time %d ms on (%s %s) for group \"%s\"",
     ("fdt", "family", "interface", "group"), _E, {}),
    ("config", S10, 452393,
     "Invalid failure detection time %s, assuming default %d",
     ("value", "fdt"), _E, {"key": "FAILURE_DETECTION_TIME"}),
    ("config", S10, 952433,
     "Too small failure detection time of %s, assuming minimum %d",
     ("value", "fdt"), _E, {"key": "FAILURE_DETECTION_TIME"}),
    ("config", S10, 628907, "Invalid value for FAILBACK %s",
     ("value",), _E, {"key": "FAILBACK"}),
    ("config", S10, 379135,
     "Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS %s",
     ("value",), _E, {"key": "TRACK_INTERFACES_ONLY_WITH_GROUPS"}),
    ("reload", S10, 111610, "SIGHUP: restart and reread config file",
     (), _E, {}),
    ("removed", S10, 974444, "%s %s has been removed from kernel",
     ("family", "interface"), _I, {}),
    # --- illumos in.mpathd (Clearview IPMP) --------------------------------
    ("link_down", ILLUMOS, 215189, "The link has gone down on %s",
     ("interface",), _E, {}),
    ("link_up", ILLUMOS, 820239, "The link has come up on %s",
     ("interface",), _E, {}),
    ("link_flapping", ILLUMOS, 310713,
     "The link has come up on %s more than %d times in the last minute; "
     "disabling repair until it stabilizes",
     ("interface", "count"), _E, {}),
    ("failure", ILLUMOS, 968981,
     "IP interface failure detected on %s of group %s",
     ("interface", "group"), _E, {}),
    ("failure", ILLUMOS, 163476, "IP interface failure detected on %s",
     ("interface",), _E, {}),
    ("repair", ILLUMOS, 341557,
     "IP interface repair detected on %s of group %s",
     ("interface", "group"), _E, {}),
    ("repair", ILLUMOS, 325615, "IP interface repair detected on %s",
     ("interface",), _E, {}),
    ("group_failed", ILLUMOS, 773107,
     "All IP interfaces in group %s are now unusable",
     ("group",), _E, {}),
    ("group_repaired", ILLUMOS, 561795,
     "At least 1 IP interface (%s) in group %s is now usable",
     ("interface", "group"), _E, {}),
    ("no_test_address", ILLUMOS, 975029,
     "No test address configured on interface %s; disabling probe-based "
     "failure detection on it",
     ("interface",), _I, {}),
    ("test_address", ILLUMOS, 276194,
     "Test address now configured on interface %s; enabling probe-based "
     "failure detection on it",
     ("interface",), _EI, {}),
    ("test_address_duplicate", ILLUMOS, 696580,
     "Test address %s is not unique in group; disabling probe-based failure "
     "detection on %s",
     ("address", "interface"), _E, {}),
    ("plumb_mismatch", ILLUMOS, 538873,
     "IP interface %s in group %s is not plumbed for IPv4, affecting IPv4 "
     "connectivity",
     ("interface", "group"), _E, {"family": "inet"}),
    ("plumb_mismatch", ILLUMOS, 604410,
     "IP interface %s in group %s is not plumbed for IPv6, affecting IPv6 "
     "connectivity",
     ("interface", "group"), _E, {"family": "inet6"}),
    # two blanks before "and": that is what the source prints
    ("consistent", ILLUMOS, 116610,
     "IP interface %s is now consistent with group %s  and connectivity is "
     "restored",
     ("interface", "group"), _E, {}),
    ("hwaddr_duplicate", ILLUMOS, 401484,
     "IP interface %s has a hardware address which is not unique in group "
     "%s; offlining",
     ("interface", "group"), _E, {}),
    ("hwaddr_unique", ILLUMOS, 328537,
     "IP interface %s now has a unique hardware address in group %s; "
     "onlining",
     ("interface", "group"), _E, {}),
    ("fdt_raised", ILLUMOS, 585766,
     "Cannot meet requested failure detection time of %d ms on (%s %s) new "
     "failure detection time for group \"%s\" is %d ms",
     ("requested", "family", "interface", "group", "fdt"), _I, {}),
    ("fdt_lowered", ILLUMOS, 302819,
     "Improved failure detection time %d ms on (%s %s) for group \"%s\"",
     ("fdt", "family", "interface", "group"), _EI, {}),
    ("config", ILLUMOS, 451306,
     "Invalid failure detection time %s, assuming default of %d ms",
     ("value", "fdt"), _E, {"key": "FAILURE_DETECTION_TIME"}),
    ("config", ILLUMOS, 393541,
     "Too small failure detection time of %s, assuming minimum of %d ms",
     ("value", "fdt"), _E, {"key": "FAILURE_DETECTION_TIME"}),
    ("config", ILLUMOS, 628907, "Invalid value for FAILBACK %s",
     ("value",), _E, {"key": "FAILBACK"}),
    ("config", ILLUMOS, 379135,
     "Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS %s",
     ("value",), _E, {"key": "TRACK_INTERFACES_ONLY_WITH_GROUPS"}),
    ("reload", ILLUMOS, 111610, "SIGHUP: restart and reread config file",
     (), _E, {}),
    ("removed", ILLUMOS, 974444, "%s %s has been removed from kernel",
     ("family", "interface"), _I, {}),
)

_INT_FIELDS = frozenset(("count", "fdt", "requested"))
# conversions that are not a blank-free word; "value" (free text) is special-cased in _compile
_FIELD_PATTERNS = {"family": r"inet6?"}
_CONVERSION = re.compile(r"%[sd]")


def _literal(text):
    """Escape literal text; any run of blanks matches any run of blanks."""
    return r"\s+".join(re.escape(part) for part in re.split(r" +", text))


def _compile(fmt, fields):
    """Regex over the message text for a format string and its field names."""
    pieces = _CONVERSION.split(fmt)
    specs = _CONVERSION.findall(fmt)
    if len(specs) != len(fields):
        raise ValueError("field list does not match {!r}".format(fmt))
    out = []
    for index, literal in enumerate(pieces):
        is_value_next = index < len(fields) and fields[index] == "value"
        if is_value_next and literal.endswith(" "):
            # the value may be empty or start with blanks: keep them in it
            out.append(_literal(literal[:-1]) + " ?")
        else:
            out.append(_literal(literal))
        if index < len(fields):
            name = fields[index]
            if specs[index] == "%d":
                pattern = r"-?\d+"
            elif name == "value":
                last = index == len(fields) - 1 and pieces[index + 1] == ""
                pattern = r".*" if last else r".*?"
            else:
                pattern = _FIELD_PATTERNS.get(name) or r"\S+"
            out.append("(?P<{}>{})".format(name, pattern))
    return re.compile("^" + "".join(out) + r"\s*$")


#: The catalogue: one Message per (flavor, format string).
CATALOG = tuple(
    Message(event, flavor, msgid, _compile(fmt, fields), fmt, fields, levels, extra)
    for event, flavor, msgid, fmt, fields, levels, extra in _TABLE
)

_BY_MSGID = {}
for _entry in CATALOG:
    _BY_MSGID.setdefault(_entry.msgid, []).append(_entry)
del _entry

# "Jan  5 10:22:01 myhost in.mpathd[123]: [ID 215189 daemon.error] text"
_LINE_RE = re.compile(
    r"^(?P<time>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}"
    r"|\d{4}-\d{2}-\d{2}T\S+)"
    r"\s+(?:(?P<host>\S+)\s+)?in\.mpathd(?:\[(?P<pid>\d+)\])?:"
    r"(?:\s*\[ID\s+(?P<msgid>\d+)\s+(?P<facility>[A-Za-z0-9_]+)\.(?P<level>[A-Za-z]+)\])?"
    r"\s*(?P<text>.*?)\s*$"
)
_LEVELS = {"err": "error", "warn": "warning", "emerg": "emerg", "crit": "crit"}


def catalog():
    """The catalogue as plain dicts (for callers that reach this module via __utils__)."""
    return [
        {
            "event": m.event,
            "flavor": m.flavor,
            "msgid": m.msgid,
            "format": m.format,
            "fields": list(m.fields),
            "levels": list(m.levels),
        }
        for m in CATALOG
    ]


def _decode(line):
    if isinstance(line, bytes):
        return line.decode("utf-8", "replace")
    if isinstance(line, str):
        return line
    return None


def _pick_flavor(matches, level):
    flavors = set(m.flavor for m in matches)
    if len(flavors) > 1 and level:
        flavors = set(m.flavor for m in matches if level in m.levels) or flavors
    return flavors.pop() if len(flavors) == 1 else None


def parse_line(line):
    """
    One syslog line -> event dict, or None when it is not in.mpathd's.

    Keys: ``event``, ``message`` (the line), ``time`` (syslog timestamp as
    printed), ``host``, ``pid``, ``msgid``, ``level``, ``flavor``
    ("solaris10"/"illumos" where the text or level tells), and as the
    message has them ``interface``, ``group``, ``to``, ``address``,
    ``family``, ``fdt``, ``requested``, ``count``, ``key``, ``value``.
    Keys with no value are absent.  Unknown in.mpathd lines give event
    ``other``; unknown daemon.info / daemon.debug chatter gives None.
    """
    line = _decode(line)
    if line is None:
        return None
    line = line.rstrip("\r\n")
    head = _LINE_RE.match(line)
    if head is None:
        return None
    text = head.group("text")
    level = head.group("level")
    if level:
        level = _LEVELS.get(level.lower(), level.lower())
    msgid = int(head.group("msgid")) if head.group("msgid") else None

    matches = []
    found = None
    for entry in CATALOG:
        match = entry.regex.match(text)
        if match is not None:
            matches.append(entry)
            if found is None or (msgid is not None and entry.msgid == msgid
                                 and found[0].msgid != msgid):
                found = (entry, match)

    event = {"message": line, "time": head.group("time")}
    if head.group("host"):
        event["host"] = head.group("host")
    if head.group("pid"):
        event["pid"] = int(head.group("pid"))
    if level:
        event["level"] = level

    if found is not None:
        entry, match = found
        same = [m for m in matches if m.event == entry.event]
        event["event"] = entry.event
        event["msgid"] = msgid if msgid is not None else entry.msgid
        flavor = _pick_flavor(same, level)
        if flavor:
            event["flavor"] = flavor
        event.update(entry.extra)
        for name, value in match.groupdict().items():
            if value is None or (value == "" and name != "value"):
                continue
            event[name] = int(value) if name in _INT_FIELDS else value
        return event

    # Text not recognised (garbled, or a format we do not know): the id,
    # a hash of the format string, may still name the message.
    known = _BY_MSGID.get(msgid, []) if msgid is not None else []
    if len(set(m.event for m in known)) == 1:
        event["event"] = known[0].event
        flavor = _pick_flavor(known, level)
        if flavor:
            event["flavor"] = flavor
        event.update(known[0].extra)
        event["msgid"] = msgid
        return event
    if level in ("debug", "info"):
        # logtrace/logdebug probe chatter (reply codes, missed probes ...)
        return None
    event["event"] = "other"
    if msgid is not None:
        event["msgid"] = msgid
    return event


def impostor(event, hostname=None, untagged=False):
    """Why a parsed line is not really in.mpathd's on this host, or None.

    in.mpathd logs through syslog(3C) with facility ``daemon`` and the
    message ids of the catalogue; syslogd writes the sending host's name.
    A line without a host field, from another host, with another facility,
    with a message id that does not match its text, or with a level the
    catalogue does not give that message, was written by someone else (for
    instance ``logger -t in.mpathd``, which logs ``user.notice``).  A line
    with no ``[ID ...]`` tag at all is accepted only when ``untagged`` is
    true: that is what syslog writes when the log driver's msgid property is
    off (``ndd -set /dev/log msgid 0``), and what ``logger`` writes too.

    ``hostname``: this host's node name (``/etc/nodename``); None skips the
    host comparison (the host field is still required)."""
    host = event.get("host")
    if not host:
        return "no host field"
    if hostname and host.split(".", 1)[0].lower() != str(hostname).split(".", 1)[0].lower():
        return "logged by host {} (this host is {})".format(host, hostname)
    msgid = event.get("msgid")
    head = _LINE_RE.match(event.get("message") or "")
    facility = head.group("facility").lower() if head and head.group("facility") else None
    if facility is None:
        if not untagged:
            return "no [ID msgid facility.level] tag (set ipmp.events_untagged if msgid logging is off)"
        return None
    if facility != "daemon":
        return "facility {} (in.mpathd logs to daemon)".format(facility)
    name = event.get("event")
    known = [m for m in CATALOG if m.event == name]
    if known and msgid not in set(m.msgid for m in known):
        return "message id {} does not match the text of a {} message".format(msgid, name)
    level = event.get("level")
    if known and level and level not in set(lv for m in known for lv in m.levels):
        return "level {} is not the level of a {} message".format(level, name)
    return None


def parse_text(text):
    """Every in.mpathd event in a block of syslog text (str or bytes), in order."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str):
        return []
    events = []
    for line in text.splitlines():
        event = parse_line(line)
        if event is not None:
            events.append(event)
    return events


def direction(event):
    """
    Which way an event dict points: ``"down"`` (towards trouble), ``"up"``
    (back to normal) or ``"other"``.  A state event points down when its
    ``state`` is one of BAD_STATES; a name without a class, or anything
    that is not an event dict, is ``"other"``.
    """
    name = event.get("event") if isinstance(event, dict) else None
    if name in FOLDED:
        # A burst points where its last line does.
        return direction({"event": event.get("last_event")})
    kind = CLASSES.get(name) if isinstance(name, str) else None
    if kind is None:
        return OTHER
    if kind.direction == BY_STATE:
        state = event.get("state")
        return DOWN if isinstance(state, str) and state in BAD_STATES else UP
    return kind.direction


def follow_ups(name):
    """The events in.mpathd logs right after event ``name`` to say what it
    did about it (a failover after a failure); ``()`` for none."""
    kind = CLASSES.get(name) if isinstance(name, str) else None
    return kind.followed_by if kind is not None else ()


def lines(event):
    """How many log lines an event dict stands for: the ``count`` of a
    ``burst`` or ``dropped`` event (``ipmp_burst``), else 1."""
    if isinstance(event, dict) and event.get("event") in FOLDED:
        count = event.get("count")
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            return count
    return 1
