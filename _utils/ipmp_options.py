"""
The event options (pillar ``ipmp:events``, the ``ipmp`` beacon, the
``ipmp_events`` engine): names, defaults and checks in one place, so the
formula, the beacon and the engine cannot drift apart.

Checks return ``(key, message)`` pairs; each caller names the key in its
own voice (``ipmp:events:interval: ...``, ``ipmp beacon: 'interval' ...``,
``ipmp_events engine: interval ...``) and the message is the same
everywhere. Pure: no Salt, no I/O.
"""

import difflib
import math
import numbers

__virtualname__ = "ipmp_options"

METHODS = ("engine", "beacon")
#: The engine checks the log this often (seconds; one stat() when idle).
ENGINE_INTERVAL = 0.05
#: Seconds between ``ipmp.status`` polls; the pillar turns them off with 0.
STATUS_INTERVAL = 10

#: Every option and its default. ``interval`` is the engine's: a beacon's
#: is Salt's own and defaults to every minion loop. ``messages`` None means
#: the ``ipmp.messages`` config key (``/var/adm/messages``) under ``ipmp.root``.
DEFAULTS = {
    "enabled": False,
    "method": "engine",
    "interval": ENGINE_INTERVAL,
    "status": False,
    "status_interval": STATUS_INTERVAL,
    "messages": None,
}

#: The options each consumer takes, in the order they are checked. The
#: pillar has no ``status``: ``status_interval`` 0 turns the polls off.
PILLAR_KEYS = ("enabled", "method", "interval", "status_interval")
BEACON_KEYS = ("messages", "status", "interval", "status_interval")
ENGINE_KEYS = ("interval", "status_interval", "status", "messages")

#: consumer: (its keys, None means the default, status_interval 0 allowed)
_CONSUMERS = {
    "pillar": (PILLAR_KEYS, True, True),
    "beacon": (BEACON_KEYS, False, False),
    "engine": (ENGINE_KEYS, True, False),
}


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def kind(value):
    """How a wrong value is named in a message (shared with the pillar check)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, numbers.Number):
        return "a number ({!r})".format(value)
    if isinstance(value, str):
        return "a string ({!r})".format(value)
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "empty"
    return type(value).__name__


def suggest(key, allowed):
    """``; did you mean 'x'?`` for a near miss of one of ``allowed``, else ``""``."""
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    return "; did you mean '{}'?".format(close[0]) if close else ""


def _is_seconds(value):
    """A number of seconds: a finite real (YAML's ``.nan`` and ``.inf`` are not)."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _check(key, value, status_off):
    """What is wrong with one value (None when nothing is)."""
    if key in ("enabled", "status"):
        if not isinstance(value, bool):
            return "must be true or false, not {}".format(kind(value))
    elif key == "method":
        if value not in METHODS:
            return "must be one of {}, not {}{}".format(
                ", ".join(METHODS), kind(value), suggest(value, METHODS)
            )
    elif key == "status_interval" and status_off:
        if not _is_seconds(value) or value < 0:
            return (
                "must be a number of seconds, 0 or more (0 turns the status polls "
                "off), not {}".format(kind(value))
            )
    elif key in ("interval", "status_interval"):
        if not _is_seconds(value) or value <= 0:
            return "must be a number of seconds greater than 0, not {}".format(kind(value))
    elif key == "messages":
        if (
            not isinstance(value, str)
            or not value.startswith("/")
            or ".." in value.split("/")
            or "\0" in value
        ):
            return (
                "must be an absolute path without '..', such as /var/adm/messages, "
                "not {}".format(kind(value))
            )
    return None


def keys(consumer):
    """The options ``consumer`` (``pillar``, ``beacon``, ``engine``) takes."""
    return _CONSUMERS[consumer][0]


def check(options, consumer):
    """
    ``[(key, message)]`` for the wrong values in ``options`` (a dict) of the
    options ``consumer`` takes, in :func:`keys` order. Absent keys are fine,
    and so is None (the default) except in a beacon, where Salt reads
    ``interval`` itself. Unknown keys are the caller's business.
    """
    names, allow_none, status_off = _CONSUMERS[consumer]
    problems = []
    for key in names:
        if key not in options or (allow_none and options[key] is None):
            continue
        text = _check(key, options[key], status_off)
        if text:
            problems.append((key, text))
    return problems


def settings(options, consumer):
    """
    The checked ``options`` as ``consumer`` runs with them: its keys, each
    missing or None one set to its default, except a beacon's ``interval``
    (Salt's, None: every minion loop).
    """
    out = {}
    for key in _CONSUMERS[consumer][0]:
        value = options.get(key)
        if value is None and not (key == "interval" and consumer == "beacon"):
            value = DEFAULTS[key]
        out[key] = value
    return out


def check_pillar_events(data):
    """
    Check and normalise pillar ``ipmp:events``: returns ``(events,
    problems)``, problems as ``[(["ipmp", "events", key], message)]``.

    ``events`` has ``enabled`` (bool). When enabled, the defaults of the
    other keys are filled in (``interval`` only for the engine), so the
    formula reads finished settings; a disabled section keeps the keys it
    was given (``{}`` gives ``{"enabled": False}``).
    """
    path = ["ipmp", "events"]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {"enabled": False}, [(path, "events must be a mapping, not {}".format(kind(data)))]
    problems = [
        (
            path + [key],
            "unknown key (allowed: {}){}".format(
                ", ".join(PILLAR_KEYS), suggest(key, PILLAR_KEYS)
            ),
        )
        for key in data
        if key not in PILLAR_KEYS
    ]
    problems.extend((path + [key], text) for key, text in check(data, "pillar"))
    events = dict((k, v) for k, v in data.items() if k in PILLAR_KEYS and v is not None)
    events["enabled"] = data.get("enabled") is True
    if events["enabled"]:
        given = dict(events)
        events = settings(given, "pillar")
        if events["method"] == "beacon" and given.get("interval") is None:
            del events["interval"]  # Salt's beacon interval: every minion loop
    return events, problems


#: Pillar ``ipmp:mine``: its keys and their defaults. ``interval`` is the
#: seconds between two ``mine.send ipmp.status`` of the schedule job
#: ``salt/ipmp/mine.sls`` sets up; 0 is off (no job, nothing published).
MINE_KEYS = ("interval",)
MINE_DEFAULTS = {"interval": 0}
#: The shortest mine interval the pillar accepts (seconds, when not 0).
MINE_MIN_INTERVAL = 10


def check_pillar_mine(data):
    """
    Check and normalise pillar ``ipmp:mine``: returns ``(mine, problems)``,
    problems as ``[(["ipmp", "mine", key], message)]``, ``mine`` with every
    key of :data:`MINE_KEYS`, defaults filled in (``{}`` gives
    ``{"interval": 0}``).
    """
    path = ["ipmp", "mine"]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return dict(MINE_DEFAULTS), [(path, "mine must be a mapping, not {}".format(kind(data)))]
    problems = [
        (
            path + [key],
            "unknown key (allowed: {}){}".format(", ".join(MINE_KEYS), suggest(key, MINE_KEYS)),
        )
        for key in data
        if key not in MINE_KEYS
    ]
    mine = dict(MINE_DEFAULTS)
    interval = data.get("interval")
    if interval is not None:
        if (
            not _is_seconds(interval)
            or interval < 0
            or 0 < interval < MINE_MIN_INTERVAL
            or interval != int(interval)
        ):
            problems.append((
                path + ["interval"],
                "must be a whole number of seconds, 0 (off) or at least {}, not {}".format(
                    MINE_MIN_INTERVAL, kind(interval)
                ),
            ))
        else:
            mine["interval"] = int(interval)
    return mine, problems
