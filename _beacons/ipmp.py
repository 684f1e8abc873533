"""
Beacon: in.mpathd's failure, failover, repair and failback messages as
structured Salt events.

Unlike Salt's generic ``log`` beacon it reads only what is new (one
``stat()`` per idle tick, whatever the size of ``/var/adm/messages``),
survives rotation and truncation, finishes partial lines, keeps its position
in the minion's cache directory (a restart neither loses nor repeats
events) and returns parsed events instead of raw lines.

Events are tagged ``salt/beacon/<minion>/ipmp/<group>/<event>`` (``-`` as
the group when a message names none, e.g. a config error); the data is the
event dict of ``ipmp.events``, with ``group`` filled in from ``ipmp.status``
when the line names only the interface (``The link has gone down on bge0``).

With ``status: true`` the beacon also polls ``ipmp.status`` every
``status_interval`` seconds and reports ``group_state`` and
``interface_state`` changes of groups syslog said nothing about (an
``if_mpadm -d`` offline, for instance, is not logged on Solaris 10).

.. code-block:: yaml

    beacons:
      ipmp:
        - interval: 1               # seconds between checks (Salt's own key)
        - messages: /var/adm/messages   # default: config ipmp.messages, under ipmp.root
        - status: true              # default false
        - status_interval: 10       # seconds, default 10

For sub-second alerts use the ``ipmp_events`` engine, which produces the
same events with the same tags; this beacon is bound to the minion's
``loop_interval``.
"""

import logging
import numbers

import salt.loader

log = logging.getLogger(__name__)

__virtualname__ = "ipmp"

DEFAULT_STATUS_INTERVAL = 10.0
CONSUMER = "beacon"

# Keys Salt's beacon framework itself understands.
GENERIC_KEYS = ("interval", "enabled", "disable_during_state_run", "run_once", "beacon_module")
KEYS = ("messages", "status", "status_interval")


def __virtual__():
    """
    Available everywhere the file is: a minion that merely has no log yet
    reports nothing. (Unit tests run it on Linux.)
    """
    return __virtualname__


def _config_dict(config):
    """The beacon configuration as one dict (Salt passes a list of dicts)."""
    if isinstance(config, dict):
        return dict(config)
    out = {}
    for item in config:
        out.update(item)
    return out


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def validate(config):
    """
    Check the beacon configuration; returns ``(bool, message)``.
    """
    if isinstance(config, list):
        for item in config:
            if not isinstance(item, dict):
                return (
                    False,
                    "ipmp beacon: each configuration item must be a mapping "
                    "like '- status: true', not {!r}".format(item),
                )
    elif not isinstance(config, dict):
        return (
            False,
            "ipmp beacon: configuration must be a list of mappings "
            "(or a mapping), not {}".format(type(config).__name__),
        )
    conf = _config_dict(config)
    conf.pop("_beacon_name", None)
    unknown = sorted(k for k in conf if k not in KEYS and k not in GENERIC_KEYS)
    if unknown:
        return (
            False,
            "ipmp beacon: unknown option(s) {}; known options are {}".format(
                ", ".join(str(k) for k in unknown), ", ".join(KEYS + GENERIC_KEYS)
            ),
        )
    messages = conf.get("messages")
    if messages is not None:
        if not isinstance(messages, str) or not messages.startswith("/"):
            return (
                False,
                "ipmp beacon: 'messages' must be an absolute path such as "
                "/var/adm/messages, not {!r}".format(messages),
            )
        if ".." in messages.split("/") or "\0" in messages:
            return (False, "ipmp beacon: 'messages' must not contain '..': {!r}".format(messages))
    if "status" in conf and not isinstance(conf["status"], bool):
        return (
            False,
            "ipmp beacon: 'status' must be true or false, not {!r}".format(conf["status"]),
        )
    for key in ("interval", "status_interval"):
        if key in conf:
            val = conf[key]
            if not _is_number(val) or val <= 0:
                return (
                    False,
                    "ipmp beacon: '{}' must be a number of seconds greater "
                    "than 0, not {!r}".format(key, val),
                )
    return True, "Valid beacon configuration"


def _utils():
    """Beacons get no ``__utils__``; load the utils once and keep them."""
    utils = __context__.get("ipmp.beacon.utils")
    if utils is None:
        utils = salt.loader.utils(__opts__)
        __context__["ipmp.beacon.utils"] = utils
    return utils


def _messages_path(conf, utils):
    return utils["ipmp_tail.messages_path"](
        __salt__["config.get"], utils["ipmp_cmd.root_path"], conf.get("messages")
    )


def _status():
    # Here, not in ipmp_tail: __salt__ only resolves in this module's own
    # loader context.
    return __salt__["ipmp.status"](refresh=True)


def _watcher(conf, name):
    """The watcher for this beacon instance, rebuilt when its options change."""
    utils = _utils()
    path = _messages_path(conf, utils)
    want_status = bool(conf.get("status", False))
    interval = float(conf.get("status_interval", DEFAULT_STATUS_INTERVAL))
    key = (path, want_status, interval)
    watchers = __context__.setdefault("ipmp.beacon.watchers", {})
    entry = watchers.get(name)
    if entry is not None and entry[0] == key:
        return entry[1]
    if entry is not None:
        entry[1].close()
    watcher = utils["ipmp_tail.message_watcher"](
        path,
        __opts__["cachedir"],
        "{}-{}".format(CONSUMER, name),
        utils["ipmp_events.parse_line"],
        status=_status,
        status_interval=interval if want_status else None,
    )
    watchers[name] = (key, watcher)
    return watcher


def beacon(config):
    """
    Return the in.mpathd events logged since the last check, each with its
    ``tag`` (``<group>/<event>``) for Salt to append to
    ``salt/beacon/<minion>/ipmp/``.
    """
    conf = _config_dict(config)
    name = conf.get("_beacon_name") or __virtualname__
    utils = _utils()
    watcher = _watcher(conf, name)
    events = watcher.poll()
    # Salt sends what we return right away; saving now means a restart
    # neither repeats this batch nor re-reads it.
    watcher.commit()
    tag = utils["ipmp_tail.event_tag"]
    ret = []
    for event in events:
        item = dict(event)
        item["tag"] = tag(event)
        ret.append(item)
    return ret


def close(config):
    """Release the open log file when the beacon is disabled or reloaded."""
    conf = _config_dict(config)
    name = conf.get("_beacon_name") or __virtualname__
    watchers = __context__.get("ipmp.beacon.watchers") or {}
    entry = watchers.pop(name, None)
    if entry is not None:
        entry[1].close()
