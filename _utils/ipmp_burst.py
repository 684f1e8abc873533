"""
Bound what one tick of the ``ipmp_events`` engine sends: a burst of
in.mpathd lines (a flapping link writes hundreds a second) becomes one
``burst`` event per group instead of flooding the master, the event bus and
the alert runner.

A burst keeps what an operator and the alert runner need: how many lines
(``count``) of which kind (``counts``, ``failure=3 repair=1``), the first
and the last message with their event names and times, the last
interface, and an ``eid`` made from the folded events' ``eid`` (the same
events always fold to the same ``eid``, so a resent burst is recognised on
the master). Every value is a flat scalar, like those of the events it
replaces, so the tags, the reactor and the signatures treat it as any event.

A ``dropped`` event (:func:`dropped`) is the same fold of everything a full
spool (``ipmp_spool``) had to give up. :func:`total` says how many log lines
any event stands for, so nothing is miscounted after folding.

Pure functions, no I/O and no Salt imports: unit tests load this file
directly, and the loader exposes the functions as
``__utils__['ipmp_burst.*']``.
"""

import hashlib
import json

__virtualname__ = "ipmp_burst"

BURST = "burst"
DROPPED = "dropped"
#: Events that stand for several log lines (their ``count``).
FOLDED = (BURST, DROPPED)
NO_GROUP = "-"
#: Group names a burst of several groups lists in its ``counts``.
MAX_GROUPS = 20
MAX_EVENTS = 50
MAX_BYTES = 64 * 1024
PER_GROUP = 10
MAX_MESSAGE = 1024
#: Strings are never clipped shorter than this to make a result fit
#: ``max_bytes`` (group names are at most 31 characters).
MIN_CLIP = 32


def __virtual__():
    """Standard library only: always loadable."""
    return __virtualname__


def total(event):
    """How many log events ``event`` stands for: the ``count`` of a ``burst``
    or a ``dropped`` summary, else 1."""
    if isinstance(event, dict) and event.get("event") in FOLDED:
        count = event.get("count")
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            return count
    return 1


def size(events):
    """Bytes of ``events`` as compact JSON (what the bounds measure)."""
    return len(json.dumps(events, sort_keys=True, separators=(",", ":"), default=str))


def fold(events, max_events=MAX_EVENTS, max_bytes=MAX_BYTES, per_group=PER_GROUP,
         max_message=MAX_MESSAGE):
    """
    ``events`` bounded to ``max_events`` events and ``max_bytes`` bytes.

    Within the bounds the same events come back, in order. Otherwise every
    group with more than ``per_group`` events becomes one burst where its
    first event was; when that is not enough, every group with more than
    one event; when there are still too many groups, one burst of
    everything (group None). Strings are clipped to ``max_message``
    characters, and shorter (not below ``MIN_CLIP``) when the bytes still
    exceed ``max_bytes``.
    """
    events = list(events)
    if len(events) <= max_events and size(events) <= max_bytes:
        return events
    max_events = max(1, int(max_events))
    out = _clip_all(_fold_groups(events, max(1, int(per_group)), max_message), max_message)
    if len(out) <= max_events and size(out) <= max_bytes:
        return out
    out = _clip_all(_fold_groups(out, 1, max_message), max_message)
    if len(out) > max_events:
        out = [_clip(burst(out, max_message=max_message), max_message)]
    out = _shrink(out, max_bytes, max_message)
    if len(out) > 1 and size(out) > max_bytes:
        out = _shrink([_clip(burst(out, max_message=max_message), max_message)],
                      max_bytes, max_message)
    return out


def by_group(events, max_events=MAX_EVENTS, max_bytes=MAX_BYTES, max_message=MAX_MESSAGE):
    """
    Every group with more than one event as one burst, then bounded like
    :func:`fold`: what a minion sends once a second during a flood.
    """
    out = _clip_all(_fold_groups(list(events), 1, max_message), max_message)
    return fold(out, max_events, max_bytes, max_message=max_message)


def dropped(events, max_message=MAX_MESSAGE):
    """One ``dropped`` event standing for all of ``events`` (the summary a
    full spool keeps of what it had to drop)."""
    return _clip(burst(events, name=DROPPED, max_message=max_message), max_message)


def burst(events, group=None, name=BURST, max_message=MAX_MESSAGE):
    """
    One event (``name``, default ``burst``) for ``events`` (a non-empty
    list, oldest first), in ``group`` (None: no single group, and the group
    names are listed in ``counts`` as ``groups=a,b``).
    """
    first, last = events[0], events[-1]
    counts = {}
    groups = set()
    unlisted = 0
    for event in events:
        for kind, number in _counts_of(event).items():
            counts[kind] = counts.get(kind, 0) + number
        names, more = _groups_of(event)
        groups.update(names)
        unlisted += more
    text = " ".join("{}={}".format(kind, counts[kind]) for kind in sorted(counts))
    if group is None and groups - {NO_GROUP}:
        listed = sorted(groups)
        unlisted += max(0, len(listed) - MAX_GROUPS)
        names = listed[:MAX_GROUPS] + (["+{}".format(unlisted)] if unlisted else [])
        text = "{} groups={}".format(text, ",".join(names))
    out = {
        "event": name,
        "group": group,
        "count": sum(total(event) for event in events),
        "counts": _cut(text, max_message),
        "first": _cut(_text(first, "first"), max_message),
        "last": _cut(_text(last, "last"), max_message),
        "first_event": _edge_event(first, "first_event"),
        "last_event": _edge_event(last, "last_event"),
        "eid": _eid(events),
    }
    if last.get("interface") is not None:
        out["interface"] = last["interface"]
    if first.get("time") is not None:
        out["time"] = first["time"]
    until = last.get("until") if _is_folded(last) else None
    if until is None:
        until = last.get("time")
    if until is not None:
        out["until"] = until
    return out


# -- internals -----------------------------------------------------------
def _key(event):
    return event.get("group") or NO_GROUP


def _is_folded(event):
    return event.get("event") in FOLDED and total(event) == event.get("count")


def _token(value):
    """A name usable inside ``counts`` (no blanks, ``=`` or ``,``)."""
    text = value if isinstance(value, str) and value else "other"
    return "".join("_" if c.isspace() or c in "=," else c for c in text)


def _cut(value, limit):
    if isinstance(value, str) and len(value) > limit:
        return value[:limit]
    return value


def _text(event, edge):
    """The message at the ``first`` or ``last`` edge of an event."""
    if _is_folded(event):
        value = event.get(edge)
    else:
        value = event.get("message")
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _edge_event(event, edge):
    if _is_folded(event):
        return event.get(edge)
    return event.get("event")


def _counts_of(event):
    """``{event name: lines}`` an event stands for; for a burst, parsed back
    from its ``counts`` (what cannot be parsed counts under its own name)."""
    if not _is_folded(event):
        return {_token(event.get("event")): 1}
    counts = {}
    text = event.get("counts")
    for word in (text.split() if isinstance(text, str) else ()):
        kind, _, number = word.partition("=")
        if kind != "groups" and number.isdigit():
            counts[kind] = counts.get(kind, 0) + int(number)
    rest = event["count"] - sum(counts.values())
    if rest < 0 or not counts:
        counts = {_token(event.get("event")): event["count"]}
    elif rest:
        name = _token(event.get("event"))
        counts[name] = counts.get(name, 0) + rest
    return counts


def _groups_of(event):
    """Group names an event speaks for and how many more it did not list."""
    group = event.get("group")
    if group:
        return {_token(str(group))}, 0
    text = event.get("counts") if _is_folded(event) else None
    for word in (text.split() if isinstance(text, str) else ()):
        if word.startswith("groups="):
            names, more = set(), 0
            for name in word[len("groups="):].split(","):
                if name.startswith("+") and name[1:].isdigit():
                    more += int(name[1:])
                elif name:
                    names.add(name)
            return names, more
    return {NO_GROUP}, 0


def _eid(events):
    """sha1 (16 hex digits) of the events' ``eid``s; time and message for
    an event without one."""
    parts = []
    for event in events:
        eid = event.get("eid")
        if eid:
            parts.append(str(eid))
        else:
            parts.append("{}\t{}".format(event.get("time") or "", _text(event, "first") or ""))
    return hashlib.sha1("\n".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def _fold_groups(events, per_group, max_message):
    """Each group with more than ``per_group`` events as one burst, where its
    first event was; the other events as they are."""
    members = {}
    for event in events:
        members.setdefault(_key(event), []).append(event)
    out = []
    for event in events:
        group = members[_key(event)]
        if len(group) <= per_group:
            out.append(event)
        elif group[0] is event:
            out.append(burst(group, group=event.get("group") or None, max_message=max_message))
    return out


def _clip(event, limit):
    """``event`` with its string values cut to ``limit`` characters (the
    same object when none is longer)."""
    if not any(isinstance(v, str) and len(v) > limit for v in event.values()):
        return event
    return {k: _cut(v, limit) for k, v in event.items()}


def _clip_all(events, limit):
    return [_clip(event, limit) for event in events]


def _shrink(events, max_bytes, max_message):
    """Clip the strings shorter (halving, not below ``MIN_CLIP``) until
    ``events`` fit ``max_bytes``."""
    limit = max_message
    while size(events) > max_bytes and limit > MIN_CLIP:
        limit = max(MIN_CLIP, limit // 2)
        events = _clip_all(events, limit)
    return events
