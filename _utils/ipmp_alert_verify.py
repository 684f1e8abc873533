"""
Check an IPMP event before the alert runner acts on it.

Event data comes from minions, and a compromised minion can send anything.
The runner acts on the sender Salt recorded (the ``id`` of an engine
event's envelope, set by the master from the minion's authenticated
request, or the ``id`` Salt's beacon framework puts in a beacon event),
which must agree with the minion in the tag and have an accepted key.  Group
and interface names go through the project's validators; values are kept
only as bounded scalars.

The validators (``ipmp_validate.group``, ``ipmp_validate.interface``) and the
accepted-key lookup are passed in: Salt's utils loader gives utils no
``__utils__``, and the runner has them.
"""

import datetime
import json
import math
import re

import salt.utils.verify
from salt.exceptions import SaltInvocationError

__virtualname__ = "ipmp_alert_verify"

#: The tag's group for an event that names none.
NO_GROUP = "-"
TAG_RE = re.compile(r"^salt/beacon/([^/]+)/ipmp/([^/]+)/([a-z][a-z0-9_]{0,31})$")
MINION_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,254}$")
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d:\d\d|Z)?$")
MAX_STR = 4096
#: Bounds of a status an event carries.
MAX_STATUS = 64 * 1024
MAX_GROUPS = 64
MAX_KEYS = 40
MISSING = "{} is not available on the master; run 'salt-run saltutil.sync_all'"


def __virtual__():
    """Needs only Salt itself: always loadable on a master."""
    return __virtualname__


class Rejected(Exception):
    """An event the runner will not act on (the reason is logged)."""


def check(tag, data, minion=None, opts=None, group=None, interface=None, accepted=None,
          signed=None):
    """
    ``{"minion", "group", "event"}`` for an event the runner may act on, or
    ``{"rejected": <why>}``: the loader hands out functions, not exception
    classes, so the runner gets the verdict as data.

    ``opts`` are the master's; ``group`` and ``interface`` the validators
    ``ipmp_validate.group`` and ``ipmp_validate.interface`` (None when the master
    lacks them: such an event is rejected); ``accepted`` a function
    returning the ids of minions with an accepted key; ``signed``
    (``ipmp_event_sign.check`` bound to the master's opts, or None to skip)
    says why the event is not signed by its sender.
    """
    try:
        sender, tag_group, event = verify(
            tag, data, minion, opts, group, interface, accepted, signed
        )
    except Rejected as exc:
        return {"rejected": str(exc)}
    out = {"minion": sender, "group": tag_group, "event": event}
    carried = carried_status(_unwrap(data)[1].get("status"), tag_group, group)
    if carried is not None and signed is not None:
        # Only a signed event's status: the signature covers it.
        out["status"] = carried
    return out


def carried_status(status, tag_group, validator):
    """
    The group status an engine sent with its event (``ipmp.status`` read
    just after the line), if it is usable: a mapping of valid group names
    to mappings, holding the event's group (any for ``-``), at most
    MAX_STATUS bytes of JSON. None otherwise (the runner then asks the
    minion).
    """
    if not isinstance(status, dict) or len(status) > MAX_GROUPS or validator is None:
        return None
    if tag_group != NO_GROUP and set(status) != {tag_group}:
        return None
    try:
        if len(json.dumps(status, default=str)) > MAX_STATUS:
            return None
        for name, info in status.items():
            validator(name)
            if not isinstance(info, dict) or not isinstance(info.get("interfaces", {}), dict):
                return None
    except (SaltInvocationError, TypeError, ValueError):
        return None
    return status


def verify(tag, data, minion=None, opts=None, group=None, interface=None, accepted=None,
           signed=None):
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
    enveloped, event = _unwrap(data)
    sender = data.get("id")
    if enveloped:
        if "tag" in data and data["tag"] != tag:
            raise Rejected("envelope tag does not match the event tag")
        if "id" in event and event["id"] != sender:
            raise Rejected("event names minion {!r} but was sent by {!r}".format(event["id"], sender))
    if sender != tag_minion:
        raise Rejected(
            "tag names minion {!r} but the event came from {!r}".format(tag_minion, sender)
        )
    if minion is not None and minion != sender:
        raise Rejected("reactor minion {!r} does not match sender {!r}".format(minion, sender))
    valid_minion(sender, opts, accepted)
    if signed is not None:
        why = signed(sender, tag, event)
        if why:
            raise Rejected("not sent by {}: {}".format(sender, why))
    event = clean(event)
    if event.get("event") != tag_event:
        raise Rejected("event {!r} does not match tag event {!r}".format(event.get("event"), tag_event))
    named = event.get("group")
    if named is None:
        if tag_group != NO_GROUP:
            raise Rejected("tag names group {!r}, the event none".format(tag_group))
    elif named != tag_group:
        raise Rejected("tag names group {!r}, the event {!r}".format(tag_group, named))
    valid_group(tag_group, group)
    for key in ("interface", "to"):
        if key in event:
            valid_interface(event[key], key, interface)
    return sender, tag_group, event


def _unwrap(data):
    """``(enveloped, event dict)``: the event inside Salt's ``fire_master``
    envelope (engines of older salt-ipmp releases), or the data itself."""
    if data.get("cmd") == "_minion_event" and isinstance(data.get("data"), dict):
        return True, data["data"]
    return False, data


def valid_minion(minion_id, opts, accepted):
    """The minion id, if this runner may act on it (an accepted key)."""
    if not isinstance(minion_id, str) or not MINION_RE.match(minion_id):
        raise Rejected("{!r} is not a minion id this runner acts on".format(minion_id))
    if not salt.utils.verify.valid_id(opts, minion_id):
        raise Rejected("{!r} is not a valid minion id".format(minion_id))
    if minion_id not in (accepted() if accepted is not None else ()):
        raise Rejected("minion {!r} has no accepted key".format(minion_id))
    return minion_id


def valid_group(name, validator):
    """The group name (``-`` for none) if ``validator`` (``ipmp_validate.group``) takes it."""
    if name == NO_GROUP:
        return name
    if validator is None:
        raise Rejected(MISSING.format("ipmp_validate.group"))
    try:
        return validator(name)
    except SaltInvocationError as exc:
        raise Rejected(str(exc))


def valid_interface(name, what, validator):
    """The interface name if ``validator`` (``ipmp_validate.interface``) takes it."""
    if validator is None:
        raise Rejected(MISSING.format("ipmp_validate.interface"))
    try:
        return validator(name)
    except SaltInvocationError as exc:
        raise Rejected("{}: {}".format(what, exc))


def clean(event):
    """A bounded copy of the event dict: scalar values, short strings."""
    out = {}
    for key in sorted(k for k in event if isinstance(k, str)):
        if len(out) >= MAX_KEYS:
            break
        if not KEY_RE.match(key) or key in ("id", "_stamp", "sig", "sig_alg"):
            continue
        val = event[key]
        if isinstance(val, str):
            out[key] = val[:MAX_STR]
        elif isinstance(val, bool) or val is None:
            out[key] = val
        elif isinstance(val, int) or (isinstance(val, float) and math.isfinite(val)):
            out[key] = val
    return out


def stamp(data, received):
    """
    Ordering key of an event: the ``_stamp`` the master's event bus gave it
    (in arrival order, microseconds), else the time the runner got it. The
    reactor's worker threads may start in any order; alerts list events in
    the order the master received them.
    """
    found = data.get("_stamp") if isinstance(data, dict) else None
    if isinstance(found, str) and STAMP_RE.match(found):
        return found[:26]
    return datetime.datetime.utcfromtimestamp(received).isoformat()
