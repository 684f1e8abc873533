"""
Beacon: in.mpathd's failure, failover, repair and failback messages as
structured Salt events.

Unlike Salt's generic ``log`` beacon it reads only what is new (one
``stat()`` per idle tick, whatever the size of ``/var/adm/messages``),
survives rotation and truncation, finishes partial lines, keeps its position
in the minion's cache directory and returns parsed events instead of raw
lines. One call reads at most 512 KiB of log and returns at most 50 events:
a burst is folded per group into ``burst`` events counting its lines
(``ipmp_burst``), so a flood of lines cannot stall the minion.

Salt sends what a beacon returns without waiting for the master's answer:
events of a tick when the master is away are lost, as with any beacon. The
``ipmp_events`` engine spools and retries until the master acknowledges;
prefer it where every event matters.

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
        - status_interval: 10       # seconds, default 10 (ipmp_options)

For sub-second alerts use the ``ipmp_events`` engine, which produces the
same events with the same tags; this beacon is bound to the minion's
``loop_interval``.
"""

import logging

import salt.loader

log = logging.getLogger(__name__)

__virtualname__ = "ipmp"

CONSUMER = "beacon"

# Keys Salt's beacon framework itself understands (``interval`` is also
# checked as one of ours, by ipmp_options).
GENERIC_KEYS = ("interval", "enabled", "disable_during_state_run", "run_once", "beacon_module")


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


def validate(config):
    """
    Check the beacon configuration; returns ``(bool, message)``. The option
    values are checked by ``ipmp_options``, as the pillar's and the engine's.
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
    utils = _utils()
    keys = tuple(utils["ipmp_options.keys"](CONSUMER))
    known = keys + tuple(k for k in GENERIC_KEYS if k not in keys)
    unknown = sorted(str(k) for k in conf if k not in known)
    if unknown:
        return (
            False,
            "ipmp beacon: unknown option(s) {}; known options are {}".format(
                ", ".join(unknown), ", ".join(known)
            ),
        )
    problems = utils["ipmp_options.check"](conf, CONSUMER)
    if problems:
        return False, "ipmp beacon: '{}' {}".format(*problems[0])
    return True, "Valid beacon configuration"


def _utils():
    """Beacons get no ``__utils__``; load the utils once and keep them."""
    utils = __context__.get("ipmp.beacon.utils")
    if utils is None:
        utils = salt.loader.utils(__opts__)
        __context__["ipmp.beacon.utils"] = utils
    return utils


def _messages_path(messages, utils):
    return utils["ipmp_watch.messages_path"](
        __salt__["config.get"], utils["ipmp_validate.root_path"], messages
    )


def _status():
    # Here, not in ipmp_watch: __salt__ only resolves in this module's own
    # loader context.
    return __salt__["ipmp.status"](refresh=True)


def _watcher(conf, name):
    """The watcher for this beacon instance, rebuilt when its options change."""
    utils = _utils()
    settings = utils["ipmp_options.settings"](conf, CONSUMER)
    path = _messages_path(settings["messages"], utils)
    want_status = bool(settings["status"])
    interval = float(settings["status_interval"])
    key = (path, want_status, interval)
    watchers = __context__.setdefault("ipmp.beacon.watchers", {})
    entry = watchers.get(name)
    if entry is not None and entry[0] == key:
        return entry[1]
    if entry is not None:
        entry[1].close()
    watcher = utils["ipmp_watch.message_watcher"](
        path,
        __opts__["cachedir"],
        "{}-{}".format(CONSUMER, name),
        utils,
        status=_status,
        status_interval=interval if want_status else None,
        accept=utils["ipmp_watch.authenticity"](
            utils,
            utils["ipmp_watch.nodename"](
                utils["ipmp_validate.root_path"], __salt__["config.get"]("ipmp.root", "/")
            ),
            __salt__["config.get"]("ipmp.events_untagged", False),
        ),
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
    events = utils["ipmp_burst.fold"](watcher.poll())
    # Salt sends what we return right away; saving now means a restart
    # does not repeat this batch.
    watcher.commit()
    tag = utils["ipmp_watch.event_tag"]
    full_tag = utils["ipmp_watch.full_tag"]
    sign = utils["ipmp_event_sign.sign"]
    ret = []
    for event in events:
        # Signed with the tag Salt will give it (salt/beacon/<id>/<name>/...),
        # so the alert runner can tell this minion sent it.
        item = sign(__opts__, full_tag(__opts__["id"], event, name), event)
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
