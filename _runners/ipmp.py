"""
Turn IPMP events from minions into alerts a person reads, and report the
IPMP groups of every minion.

``ipmp.alert`` is what the reactor calls for every
``salt/beacon/<minion>/ipmp/<group>/<event>`` event (from the ``ipmp``
beacon or the ``ipmp_events`` engine; ``salt/reactor/ipmp/ipmp_alert.sls``
and ``docs/master-reactor.conf.example``). For each accepted event it

- asks the minion that sent it (and only that minion) for the group's
  status right now (``ipmp.status``),
- appends one JSON line to ``ipmp.alert_log``,
- fires ``ipmp/alert/<minion>/<group>`` on the master event bus,
- POSTs the same JSON to ``ipmp.alert_webhook`` when that is set (failures
  are logged, never raised), and hands it to Slack, PagerDuty, mail and a
  Prometheus textfile when their keys are set (``ipmp_alert_sinks``),
- asks the minion to send ``ipmp.status`` to the mine again when the mine
  holds it (one asynchronous publish, not waited for).

When the minion does not answer, the status comes from the mine if the
minion's mine data is at most ``ipmp.alert_mine_max_age`` seconds old (the
alert's ``error`` says so and how old it is).

A failure and the failover in.mpathd logs right after it (or a link that
flaps) become one alert: events of the same minion and group within
``ipmp.alert_window`` seconds of each other are folded into the open alert.
When the window ends, a ``summary`` alert follows only if something changed
after the alert was written (a repair after the failure, a different group
state). Window state lives in the master's cache directory.

Event data from minions is untrusted. The minion acted on is the sender
Salt recorded: the ``id`` of the envelope of an engine event (set by the
master from the minion's authenticated request), or the ``id`` Salt's beacon
framework puts in a beacon event; it must match the minion named in the tag
and have an accepted key. Group and interface names are checked with the
project's validators; nothing from an event is used in a command line, a
target expression or a template; the status request targets exactly that
one minion id, as a list.

This module only puts the steps together; each is a util of its own
(``_utils/``): ``ipmp_alert_verify`` (the checks above),
``ipmp_alert_fold`` (fold windows), ``ipmp_alert_status`` (asking the
minion), ``ipmp_alert_record`` (what an alert says),
``ipmp_alert_sinks`` (where it goes), ``ipmp_alert_settings`` (the keys
below), ``ipmp_events`` (which way an event points), ``ipmp_report`` and
``ipmp_model`` (the report).

Master configuration keys:

==============================  =======  =========================================
key                             default  meaning
==============================  =======  =========================================
``ipmp.alert_log``              unset    JSON-lines file, one alert per line
``ipmp.alert_webhook``          unset    http(s) URL each alert is POSTed to as JSON
``ipmp.alert_webhook_timeout``  5        seconds
``ipmp.alert_window``           2        seconds of quiet that end a fold window
``ipmp.alert_window_max``       60       seconds a fold window stays open at most
``ipmp.alert_status_timeout``   10       seconds to wait for the minion's status
``ipmp.alert_settle``           0.2      seconds a detection waits for its failover
``ipmp.alert_mine_max_age``     600      seconds old the mine's status may be when
                                         the minion does not answer (0: never)
``ipmp.report_stale``           900      seconds after which a mine row is stale
==============================  =======  =========================================

The sinks' own keys (``ipmp.alert_slack_webhook``, ``ipmp.alert_pagerduty_key``,
``ipmp.alert_mail_to``, ``ipmp.alert_prometheus_file`` ...) are listed in
``_utils/ipmp_alert_sinks.py`` and ``docs/install.md``.
"""

import copy
import functools
import logging
import threading
import time

import salt.client
import salt.key
import salt.utils.minions
from salt.exceptions import CommandExecutionError
from salt.exceptions import SaltInvocationError  # noqa: F401  (report() raises it, via ipmp_report)

log = logging.getLogger(__name__)

__virtualname__ = "ipmp"


class _Missing(CommandExecutionError):
    """A util this runner needs is not on the master (not synced yet)."""


def _fn(name):
    try:
        return __utils__[name]
    except KeyError:
        raise _Missing(
            "{} is not available on the master; run 'salt-run saltutil.sync_all'".format(name)
        )


class _Util(object):
    """
    One util module's functions as attributes, looked up in ``__utils__``
    when called: ``_fold.key(...)`` is ``__utils__["ipmp_alert_fold.key"](...)``.

    Only in this module's own thread and loader context: a function handed
    to a util, or run in another thread, must be looked up beforehand
    (``__utils__`` does not resolve there).
    """

    def __init__(self, module):
        self.module = module

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _fn("{}.{}".format(self.module, name))


_verify = _Util("ipmp_alert_verify")
_fold = _Util("ipmp_alert_fold")
_record = _Util("ipmp_alert_record")
_sinks = _Util("ipmp_alert_sinks")
_events = _Util("ipmp_events")
_report = _Util("ipmp_report")


def _settings():
    """``setting(key)``: the value of a master setting, its default if unset."""
    return functools.partial(_fn("ipmp_alert_settings.setting"), __opts__)


def _accepted():
    """Ids of the minions whose key the master accepted."""
    return salt.key.get_key(__opts__).list_status("accepted").get("minions", [])


def _status_fetcher(setting):
    """``fetch(minion, group)``: ``ipmp.status`` of ``group`` from exactly
    that minion, ``(status, error)``, else from the mine when fresh enough;
    safe to run in another thread."""
    fetch = _fn("ipmp_alert_status.fetch")
    mine_read = _fn("ipmp_report.mine_read")
    fresh = _fn("ipmp_report.fresh_status")
    opts = __opts__  # a plain dict in a runner, whatever thread reads it
    timeout = setting("ipmp.alert_status_timeout")
    max_age = setting("ipmp.alert_mine_max_age")

    def fetcher(minion, group):
        status, error = fetch(opts, minion, group, timeout)
        if status is not None or not max_age:
            return status, error
        mined, secs = fresh(mine_read(opts, [minion]), minion, group, max_age)
        if mined is None:
            return status, error
        return mined, "{}; status from the mine, {}s old".format(error, secs)

    return fetcher


def _refresh_mine(minion):
    """Ask ``minion`` to send its ``ipmp.status`` to the mine again, when the
    mine holds it (fire and forget)."""
    try:
        if _fn("ipmp_report.mine_read")(__opts__, [minion]):
            _fn("ipmp_alert_status.refresh_mine")(__opts__, minion)
    except Exception as exc:  # pylint: disable=broad-except
        log.warning("ipmp.alert: cannot refresh the mine of %s: %s", minion, exc)


def _signature_check():
    """``check(minion, tag, event)``: why an event is not signed by its
    sender (``ipmp_event_sign``); None (no check) only when the master sets
    ``ipmp.alert_unsigned: true``, for minions that run an older salt-ipmp."""
    if __opts__.get("ipmp.alert_unsigned") is True:
        return None
    check = _fn("ipmp_event_sign.check")
    opts = __opts__
    return lambda minion, tag, event: check(opts, minion, tag, event)


def _snapshot(status):
    """What an alert and its summary compare (None when there is no status)."""
    return _fn("ipmp_model.snapshot")(status) if isinstance(status, dict) else None


def alert(tag=None, data=None, minion=None, **kwargs):  # pylint: disable=unused-argument
    """
    Turn one IPMP event into an alert (or fold it into the open one).

    Called by the reactor (``salt/reactor/ipmp/ipmp_alert.sls``) with the
    event's ``tag`` and ``data`` exactly as Salt delivered them, and the
    ``minion`` id the reactor read from the tag. Returns what was done:
    ``{"result": True, "alert": <record>}``, ``{"result": True, "folded":
    <alert id>}`` or ``{"result": False, "comment": <why rejected>}``.

    CLI Example:

    .. code-block:: bash

        salt-run ipmp.alert tag=salt/beacon/sol1/ipmp/ipmp0/failure \\
            data='{"id": "sol1", "event": "failure", "interface": "bge0", "group": "ipmp0"}'
    """
    received = time.time()
    try:
        checked = _verify.check(
            tag, data, minion, __opts__,
            group=__utils__.get("ipmp_validate.group"),
            interface=__utils__.get("ipmp_validate.interface"),
            accepted=_accepted,
            signed=_signature_check(),
        )
    except _Missing as exc:
        checked = {"rejected": str(exc)}
    if "rejected" in checked:
        log.warning("ipmp.alert: ignoring event %r: %s", str(tag)[:200], checked["rejected"])
        return {"result": False, "comment": "rejected: {}".format(checked["rejected"])}
    sender, group, event = checked["minion"], checked["group"], checked["event"]
    setting = _settings()
    _close_orphans(setting, received)
    fetch = _status_fetcher(setting)
    direction = _events.direction
    cachedir = __opts__["cachedir"]
    key = _fold.key(sender, group)
    brief = _record.brief(event, received)
    win_id, opened = _fold.open_or_fold(
        cachedir, key, event, brief, _verify.stamp(data, received), received,
        window=setting("ipmp.alert_window"),
        span=setting("ipmp.alert_window_max"),
        stale=setting("ipmp.alert_status_timeout") + 30,
        weight=_events.lines(event),
    )
    if win_id is None:
        return {"result": True, "duplicate": event.get("eid")}
    if not opened:
        return {"result": True, "folded": win_id}

    # Ask for the status while in.mpathd's follow-up line folds in: the
    # alert costs the longer of the two, not their sum.
    fetched = {}
    if checked.get("status") is not None:
        # Read by the minion right after the line, and signed with it.
        fetched["result"] = (checked["status"], None)
        fetcher = None
    else:
        fetcher = threading.Thread(
            target=lambda: fetched.update(result=fetch(sender, group)), name="ipmp-status"
        )
        fetcher.start()
    # The engine says whether in.mpathd's outcome line came with the event
    # (``followed``); without that word, wait ``alert_settle`` for it.
    wanted = () if event.get("followed") is False else _events.follow_ups(event.get("event"))
    together = event.get("with") if isinstance(event.get("with"), str) else ""
    _fold.await_outcome(cachedir, key, win_id, wanted, setting("ipmp.alert_settle"),
                        eids=[eid for eid in together.split(",") if eid][:20])
    if fetcher is not None:
        fetcher.join()
    status, error = fetched.get("result") or (None, "status request failed")
    marked = _fold.mark_reported(cachedir, key, win_id, _snapshot(status))
    entries, count = marked if marked else ([{"brief": brief, "event": event}], 1)
    record = _record.record(
        "alert", sender, group, entries[0]["event"], [item["brief"] for item in entries],
        status, error, received, direction,
        id=win_id, count=count, window=setting("ipmp.alert_window"),
    )
    ret = {"result": True, "alert": record, "delivered": _sinks.deliver(record, __opts__, setting)}
    _fold.delivered(cachedir, key, win_id)
    _refresh_mine(sender)

    # When the window closes, summarise what came after the alert if it
    # changed the picture (a repair after a failure, another group state).
    closed = _fold.close_when_quiet(cachedir, key, win_id, setting("ipmp.alert_window_max"))
    after = _fold.after_alert(closed)
    if after is None:
        if closed is not None:
            _fold.done(cachedir, win_id)
        return ret
    final, error = fetch(sender, group)
    summary = _record.summary(
        record, after["briefs"], after["later"], final, error, closed["opened"],
        closed["count"], direction,
        changed=_record.worth_a_summary(
            after["before"], after["later"], closed.get("status"), _snapshot(final), direction
        ),
    )
    ret["summary"] = summary
    ret["summary_delivered"] = _sinks.deliver(summary, __opts__, setting)
    _fold.done(cachedir, win_id)
    return ret


def _close_orphans(setting, now):
    """Report what the fold windows of runners that died (a master restart)
    counted: a summary for each, so that no event goes uncounted."""
    direction = _events.direction
    for win in _fold.orphans(__opts__["cachedir"], now, setting("ipmp.alert_status_timeout") + 30):
        entries = _fold.ordered(win["events"])
        # A window from before ``delivered`` was kept counts its reported part.
        out = win.get("delivered_count", win.get("reported_count", 0))
        if not entries or win["count"] <= out:
            continue
        minion, group = _fold.parse_key(win["key"])
        first = entries[0]
        alert_stub = {"minion": minion, "group": group, "event": first["event"], "id": win["id"]}
        reported = set(win.get("delivered", win.get("reported")) or ())
        summary = _record.summary(
            alert_stub, [item["brief"] for item in entries],
            [item["brief"] for item in entries if item["n"] not in reported],
            None, "the master restarted before this alert window closed", win["opened"],
            win["count"], direction, changed=True,
        )
        _sinks.deliver(summary, __opts__, setting)


def _targeted(tgt, tgt_type):
    """Minion ids ``tgt`` matches, as the master knows them (keys, cached grains)."""
    found = salt.utils.minions.CkMinions(__opts__).check_minions(tgt, tgt_type)
    return sorted(found.get("minions", []) if isinstance(found, dict) else found)


def _report_live(tgt, tgt_type, timeout, events):
    client = salt.client.get_local_client(mopts=copy.copy(__opts__))
    try:
        ret = client.cmd(
            tgt,
            ["ipmp.status", "ipmp.events"],
            [[], [events]],
            tgt_type=tgt_type,
            timeout=timeout or __opts__.get("timeout", 5),
        )
    finally:
        destroy = getattr(client, "destroy", None)
        if destroy is not None:
            destroy()
    return _report.rows(ret, _fn("ipmp_model.members_in"))


def report(tgt="*", tgt_type="glob", timeout=None, events=50, source=None, stale=None):
    """
    One line per IPMP group of every minion: minion, group, state, active,
    standby (standby and inactive NICs), failed, offline and the last
    in.mpathd event about the group. Minions without the ``ipmp`` module
    (not Solaris) are left out.

    Returns a list of dicts (``--out json``); on the command line without
    ``--out`` it prints an aligned table.

    tgt / tgt_type
        Which minions (default all).
    source
        ``mine``: read the master's mine cache (``ipmp.status`` the minions
        publish, ``salt/ipmp/mine.sls``) and ask no minion; each row gets
        ``age`` (seconds since the master stored it) and ``stale``, and has
        no last event. ``live``: ask the minions now. Default: ``mine`` when
        the mine holds data of a targeted minion, else ``live``.
    stale
        Seconds after which a mine row is stale (default: the master's
        ``ipmp.report_stale``, 900).
    timeout
        Seconds to wait for answers (live; default: the master's ``timeout``).
    events
        How many recent log events each minion looks through for the last
        one (live).

    CLI Example:

    .. code-block:: bash

        salt-run ipmp.report
        salt-run ipmp.report source=live tgt='web*' --out json
        salt-run ipmp.report source=mine stale=600
    """
    events = _report.events_wanted(tgt_type, events)
    source = _report.source_wanted(source)
    stale = _report.stale_wanted(stale if stale is not None else _settings()("ipmp.report_stale"))
    found = {}
    if source != "live":
        try:
            found = _report.mine_read(__opts__, _targeted(tgt, tgt_type))
        except Exception as exc:  # pylint: disable=broad-except
            if source == "mine":
                raise CommandExecutionError("cannot read the mine: {}".format(exc))
            log.warning("ipmp.report: cannot read the mine, asking the minions: %s", exc)
    if source == "mine" or (source is None and found):
        rows = _report.mine_rows(found, _fn("ipmp_model.members_in"), stale)
    else:
        rows = _report_live(tgt, tgt_type, timeout, events)
    if __opts__.get("__cli") == "salt-run" and not __opts__.get("output"):
        return {"outputter": "txt", "data": _report.table(rows)}
    return rows
