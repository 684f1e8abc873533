"""
Minion engine: follow in.mpathd's log continuously and send each event to
the master as it is written.

Why an engine as well as the ``ipmp`` beacon: a beacon runs once per
minion ``loop_interval`` (and its own ``interval``), so an alert waits on
average half a second or more before it even leaves the minion. The engine
checks the file every ``interval`` seconds (default 0.05, from
``ipmp_options``; one ``stat()`` when nothing changed) and fires at once.

It produces the very events the beacon does, under the very same master
tags, ``salt/beacon/<minion>/ipmp/<group>/<event>``, so one reactor
configuration serves both. The engine sends them with ``fire_master``, so on
the master the data is Salt's envelope ``{"id": <minion, verified by the
master>, "tag": ..., "data": <event dict>, ...}``; the ``ipmp.alert`` runner
accepts both shapes.

Position, rotation, truncation and restart handling are shared with the
beacon (``_utils/ipmp_follow.py``, ``_utils/ipmp_watch.py``), and so are
the options' defaults and checks (``_utils/ipmp_options.py``); the position
is kept in the minion's cache directory.

.. code-block:: yaml

    # /etc/salt/minion.d/ipmp_events.conf (the formula writes it from pillar)
    engines:
      - ipmp_events:
          interval: 0.05            # seconds between checks of the file
          messages: /var/adm/messages   # default: ipmp.messages under ipmp.root
          status: true              # also report state changes from ipmp.status
          status_interval: 10
"""

import logging
import time

import salt.utils.event

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_events"

CONSUMER = "engine-ipmp_events"
BEACON_NAME = "ipmp"


def __virtual__():
    return __virtualname__


def _utils():
    """``__utils__`` as the loader itself, to pass to a util (see ipmp_pillar)."""
    return getattr(__utils__, "value", lambda: __utils__)()


def _messages_path(messages):
    return __utils__["ipmp_watch.messages_path"](
        __salt__["config.get"],
        __utils__["ipmp_validate.root_path"],
        messages,
        error=lambda name: ValueError(
            "ipmp_events engine: messages must be an absolute path, not {!r}".format(name)
        ),
    )


class _Sender(object):
    """Forward events to the master through the minion (as event.fire_master does)."""

    def __init__(self, opts):
        self.opts = opts
        self.bus = None

    def send(self, tag, data):
        for attempt in (1, 2):
            try:
                if self.bus is None:
                    self.bus = salt.utils.event.get_event(
                        "minion", opts=self.opts, listen=False
                    )
                # The minion's own process relays "fire_master" requests to
                # the master, where the event gets exactly ``tag``.
                if self.bus.fire_event(
                    {"data": data, "tag": tag, "events": None, "pretag": None},
                    "fire_master",
                ):
                    return True
            except Exception as exc:  # pylint: disable=broad-except
                log.debug("ipmp_events: firing %s failed (attempt %d): %s", tag, attempt, exc)
            self.close()
        return False

    def close(self):
        if self.bus is not None:
            try:
                self.bus.destroy()
            except Exception:  # pylint: disable=broad-except
                pass
            self.bus = None


def _status():
    # Here, not in ipmp_watch: __salt__ only resolves in this module's own
    # loader context.
    return __salt__["ipmp.status"](refresh=True)


def start(messages=None, interval=None, status=False, status_interval=None):
    """
    Follow the log until the minion stops.

    messages
        The syslog file, taken under ``ipmp.root`` (default: the
        ``ipmp.messages`` config key, ``/var/adm/messages``).
    interval
        Seconds between checks of the file (default 0.05).
    status
        Also report ``group_state``/``interface_state`` changes seen in
        ``ipmp.status`` that syslog said nothing about.
    status_interval
        Seconds between those status polls (default 10).

    Defaults and checks come from ``ipmp_options``, shared with the beacon
    and the formula.
    """
    given = {
        "messages": messages,
        "interval": interval,
        "status": status,
        "status_interval": status_interval,
    }
    problems = __utils__["ipmp_options.check"](given, "engine")
    if problems:
        raise ValueError("ipmp_events engine: {} {}".format(*problems[0]))
    conf = __utils__["ipmp_options.settings"](given, "engine")
    interval = float(conf["interval"])
    path = _messages_path(conf["messages"])
    watcher = __utils__["ipmp_watch.message_watcher"](
        path,
        __opts__["cachedir"],
        CONSUMER,
        _utils(),
        status=_status,
        status_interval=float(conf["status_interval"]) if conf["status"] else None,
        accept=_authenticity(),
    )
    sender = _Sender(__opts__)
    log.info("ipmp_events: following %s every %ss", path, interval)
    try:
        _run(watcher, sender, __opts__["id"], interval, path)
    finally:
        sender.close()
        watcher.close()


def _authenticity():
    """Lines in.mpathd did not write on this host are not events."""
    return __utils__["ipmp_watch.authenticity"](
        _utils(),
        __utils__["ipmp_watch.nodename"](
            __utils__["ipmp_validate.root_path"], __salt__["config.get"]("ipmp.root", "/")
        ),
        __salt__["config.get"]("ipmp.events_untagged", False),
    )


def _run(watcher, sender, minion_id, interval, path, running=lambda: True):
    """Poll, send, save the position; sleep only when the file is idle."""
    full_tag = __utils__["ipmp_watch.full_tag"]
    sign = __utils__["ipmp_event_sign.sign"]
    while running():
        try:
            events = watcher.poll()
        except Exception as exc:  # pylint: disable=broad-except
            log.error("ipmp_events: cannot read %s: %s", path, exc)
            time.sleep(max(interval, 1.0))
            continue
        for event in events:
            tag = full_tag(minion_id, event, BEACON_NAME)
            if not sender.send(tag, sign(__opts__, tag, event)):
                log.warning("ipmp_events: could not send %s to the master", tag)
        watcher.commit()
        if not watcher.more:
            time.sleep(interval)
