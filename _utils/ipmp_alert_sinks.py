"""
Where the ipmp alert runner delivers an alert: the sinks, in one table.

Every alert and summary goes to each sink of :data:`SINKS` in turn; a sink
that fails logs why and never stops the others. Adding a sink is one row in
the table and the function it names.
"""

import collections
import copy
import json
import logging
import os
import re
import urllib.request

import salt.utils.event

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_alert_sinks"

#: One sink. ``setting``: the master setting holding its target (a path, a
#: URL), or None for a sink that always delivers. ``name``: what it is
#: called. ``key``: where the runner's ``delivered`` return says whether it
#: worked (None: not reported); ``unset``: what that says when the setting
#: is unset. ``send(record, target, opts, setting)`` delivers and returns
#: True or False; ``setting(key)`` reads another master setting.
Sink = collections.namedtuple("Sink", ("setting", "name", "key", "unset", "send"))


def __virtual__():
    """Needs only Salt itself: always loadable on a master."""
    return __virtualname__


def deliver(record, opts, setting):
    """
    Hand ``record`` to every sink, in table order: the alert log first (the
    record of truth), then the event bus, then the webhook. Returns
    ``{key: True/False/unset}`` for the sinks that report, e.g.
    ``{"log": True, "webhook": None}``.
    """
    delivered = {}
    for sink in SINKS:
        target = setting(sink.setting) if sink.setting else True
        if target:
            done = sink.send(record, target, opts, setting)
        else:
            done = sink.unset
        if sink.key:
            delivered[sink.key] = done
    return delivered


def tag(record):
    """The master event tag of an alert: ``ipmp/alert/<minion>/<group>``."""
    return "ipmp/alert/{}/{}".format(record["minion"], record["group"])


def write_line(path, record):
    """Append ``record`` to ``path`` as one JSON line (created with mode 0640)."""
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def fire(opts, event_tag, record):
    """Fire ``record`` on the master event bus; failures are logged."""
    try:
        with salt.utils.event.get_master_event(opts, opts["sock_dir"], listen=False) as bus:
            # fire_event adds _stamp to the dict it is given: hand it a copy.
            bus.fire_event(copy.deepcopy(record), event_tag)
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: cannot fire %s: %s", event_tag, exc)


def post(url, record, timeout):
    """POST ``record`` as JSON to an http(s) ``url``; False (logged) on failure."""
    if not isinstance(url, str) or not re.match(r"^https?://", url):
        log.error("ipmp.alert_webhook must be an http:// or https:// URL, not %r", url)
        return False
    body = json.dumps(record, sort_keys=True).encode("utf-8")
    req = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": "salt-ipmp"},
    )
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
        try:
            resp.read(65536)
        finally:
            resp.close()
    except Exception as exc:  # pylint: disable=broad-except
        log.error("ipmp: webhook %s failed: %s", url, exc)
        return False
    return True


# ------------------------------------------------------------------- sinks
def _alert_log(record, path, opts, setting):  # pylint: disable=unused-argument
    try:
        write_line(path, record)
    except (IOError, OSError) as exc:
        log.error("ipmp: cannot write alert to %s: %s", path, exc)
        return False
    return True


def _event(record, target, opts, setting):  # pylint: disable=unused-argument
    fire(opts, tag(record), record)
    return True


def _webhook(record, url, opts, setting):  # pylint: disable=unused-argument
    return post(url, record, setting("ipmp.alert_webhook_timeout"))


#: The sinks, in delivery order.
SINKS = (
    #    setting               name         key        unset  send
    Sink("ipmp.alert_log",     "alert_log", "log",     False, _alert_log),
    Sink(None,                 "event",     None,      None,  _event),
    Sink("ipmp.alert_webhook", "webhook",   "webhook", None,  _webhook),
)
