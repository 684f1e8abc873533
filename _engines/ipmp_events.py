"""
Minion engine: follow in.mpathd's log continuously and deliver each event
to the master, acknowledged, as it is written.

Why an engine as well as the ``ipmp`` beacon: a beacon runs once per minion
``loop_interval`` and hands its events to Salt, which sends them without
waiting for an answer (a master that is away loses them). The engine checks
the file every ``interval`` seconds (default 0.05; one ``stat()`` when
nothing changed) and sends over Salt's request channel, whose answer from
the master is the acknowledgement:

1. new lines become events (``ipmp_watch``); a burst is folded per group
   into ``burst`` events (``ipmp_burst``), so one tick sends a bounded
   batch;
2. the events are appended to an on-disk spool in the minion's cache
   directory (``ipmp_spool``, fsynced), and only then is the position in
   the log saved: a line is always in the spool or read again;
3. the oldest spooled events go to the master in one request (signed at
   send time, ``ipmp_event_sign``); they leave the spool only when the
   master has answered. While the master is away they wait, in order,
   retried with a growing pause (at most ``retry_max`` seconds); when the
   spool is full the oldest are folded into one ``dropped`` event counting
   them, and the drop is logged.

The engine stops with its minion: on SIGTERM it finishes the tick it is in,
and when its parent (the minion) is gone, even killed, it stops as well.

Events carry the very tags the beacon's do,
``salt/beacon/<minion>/ipmp/<group>/<event>``, so one reactor configuration
serves both. On the master each event's data is the event dict (with
``id``, ``eid``, ``sent`` and the minion's signature ``sig``); the
``ipmp.alert`` runner accepts it and the beacon's shape alike.

.. code-block:: yaml

    # /etc/salt/minion.d/ipmp_events.conf (the formula writes it from pillar)
    engines:
      - ipmp_events:
          interval: 0.05            # seconds between checks of the file
          messages: /var/adm/messages   # default: ipmp.messages under ipmp.root
          status: true              # also report state changes from ipmp.status
          status_interval: 10
"""

import collections
import logging
import os
import signal
import time

import salt.channel.client
import salt.utils.network

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_events"

CONSUMER = "engine-ipmp_events"
BEACON_NAME = "ipmp"
#: Events and bytes (JSON) one request to the master carries at most.
BATCH_EVENTS = 100
BATCH_BYTES = 256 * 1024
#: Events a second sent one by one; past that the engine is in a flood:
#: one request a second, each group's events in it folded into one burst.
FLOOD = 20
#: Spooled events one flood request folds at most.
FLOOD_EVENTS = 2000
FLOOD_BYTES = 4 * 1024 * 1024
#: Events acknowledged in the last REPLAY seconds (at most REPLAY_EVENTS)
#: are sent again after the master was away.
REPLAY = 10
REPLAY_EVENTS = 400
#: Seconds between empty requests while nothing is to be sent and events
#: were acknowledged in the last REPLAY seconds: a master that restarts
#: then is noticed, and what it took is sent again.
PROBE = 1.0
#: Seconds one reading of ``ipmp.status`` is sent with events.
STATUS_REUSE = 0.2
#: Seconds the master has to answer one request.
SEND_TIMEOUT = 5
#: Events the spool holds while the master is away.
SPOOL_RECORDS = 10000
#: Longest pause (seconds) between attempts to reach an absent master.
RETRY_MAX = 10


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


class _Master(object):
    """
    Send a batch of events to the master in one ``_minion_event`` request
    over Salt's request channel (authenticated as this minion); ``send``
    is True only when the master answered.
    """

    def __init__(self, opts, timeout=SEND_TIMEOUT):
        self.opts = dict(opts)
        if "master_uri" not in self.opts:
            self.opts["master_uri"] = "tcp://{}:{}".format(
                salt.utils.network.ip_bracket(self.opts.get("master_ip") or self.opts["interface"]),
                self.opts.get("master_port", 4506),
            )
        self.timeout = timeout
        self.channel = None
        self.error = None

    def send(self, events):
        load = {"cmd": "_minion_event", "id": self.opts["id"], "events": events}
        try:
            if self.channel is None:
                self.channel = salt.channel.client.ReqChannel.factory(self.opts)
            self.channel.send(load, tries=1, timeout=self.timeout)
        except Exception as exc:  # pylint: disable=broad-except
            text = str(exc) or type(exc).__name__
            (log.debug if text == self.error else log.warning)(
                "ipmp_events: the master did not answer (%d event(s) sent): %s", len(events), text
            )
            self.error = text
            self.close()
            return False
        if self.error is not None:
            log.warning("ipmp_events: the master answers again")
        self.error = None
        return True

    def close(self):
        if self.channel is not None:
            try:
                self.channel.close()
            except Exception:  # pylint: disable=broad-except
                pass
            self.channel = None


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
    spool = _spool(path)
    master = _Master(__opts__)
    stop = _Stop()
    log.info("ipmp_events: following %s every %ss", path, interval)
    try:
        _run(watcher, spool, master, interval, path, running=stop.running)
    finally:
        stop.restore()
        master.close()
        spool.close()
        watcher.close()
    log.info("ipmp_events: stopped (%d event(s) wait in the spool)", spool.pending())


def _spool(path):
    """This log's spool, next to the log position in the cache directory."""
    state = __utils__["ipmp_follow.state_path"](__opts__["cachedir"], CONSUMER, path)
    minion_id = __opts__["id"]
    drop = __utils__["ipmp_burst.dropped"]
    full_tag = __utils__["ipmp_watch.full_tag"]

    def summarize(records):
        event = drop([record["data"] for record in records])
        event["id"] = minion_id
        return {"tag": full_tag(minion_id, event, BEACON_NAME), "data": event}

    return __utils__["ipmp_spool.spool"](
        os.path.splitext(state)[0] + ".spool", max_records=SPOOL_RECORDS, summarize=summarize
    )


class _Stop(object):
    """
    When to stop: SIGTERM or SIGINT (the tick in progress is finished, so
    nothing is half done) or the minion that started this process is gone.
    """

    def __init__(self):
        self.parent = os.getppid()
        self.signalled = None
        self.previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            try:
                self.previous[signum] = signal.signal(signum, self._handle)
            except ValueError:  # not the main thread (unit tests)
                pass

    def _handle(self, signum, frame):  # pylint: disable=unused-argument
        self.signalled = signum

    def running(self):
        if self.signalled is not None:
            log.info("ipmp_events: signal %d, stopping", self.signalled)
            return False
        if os.getppid() != self.parent:
            log.warning("ipmp_events: the minion (pid %d) is gone, stopping", self.parent)
            return False
        return True

    def restore(self):
        for signum, handler in self.previous.items():
            try:
                signal.signal(signum, handler)
            except (TypeError, ValueError):
                pass
        self.previous = {}


def _authenticity():
    """Lines in.mpathd did not write on this host are not events."""
    return __utils__["ipmp_watch.authenticity"](
        _utils(),
        __utils__["ipmp_watch.nodename"](
            __utils__["ipmp_validate.root_path"], __salt__["config.get"]("ipmp.root", "/")
        ),
        __salt__["config.get"]("ipmp.events_untagged", False),
    )


def _run(watcher, spool, master, interval, path, running=lambda: True, clock=time.time,
         sleep=time.sleep):
    """
    Read, spool, save the position, send the oldest spooled batch; sleep
    only when the file is idle and nothing can be sent now.
    """
    minion_id = __opts__["id"]
    full_tag = __utils__["ipmp_watch.full_tag"]
    sign = __utils__["ipmp_event_sign.sign"]
    fold = __utils__["ipmp_burst.fold"]
    by_group = __utils__["ipmp_burst.by_group"]
    follow_ups = __utils__["ipmp_events.follow_ups"]
    pause, retry_at = 0.0, 0.0
    recent = collections.deque()  # when the events of the last second were read
    replay = _Replay()
    last_send = 0.0
    status_now = _StatusNow(clock)
    while running():
        try:
            events = watcher.poll()
        except Exception as exc:  # pylint: disable=broad-except
            log.error("ipmp_events: cannot read %s: %s", path, exc)
            sleep(max(interval, 1.0))
            continue
        if events:
            spool.append(_records(fold(events), minion_id, full_tag))
            recent.extend([clock()] * len(events))
        # Saved only now that the events are on disk: a crash before this
        # reads the lines again, never skips them.
        watcher.commit()
        now = clock()
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        # A flood (FLOOD events read in the last second, or more than that
        # waiting): one request a second, each group's events in it folded
        # into one burst, so that the master's reactor keeps up with every
        # minion at once.
        flood = len(recent) >= FLOOD or spool.pending() > FLOOD
        replay.tick(now)
        due = now >= retry_at and (not flood or now >= last_send + 1.0)
        if (spool.pending() or replay.due) and due:
            sent = True
            if replay.due:
                # The master was away: what it took just before may have died
                # with it, unread by its reactor. Send it again first; the
                # master drops (by eid) what it had already handled.
                again = replay.take()
                sent = master.send(_signed(again, sign))
                if sent:
                    replay.sent(again, now)
                else:
                    replay.keep(again)
            if sent and spool.pending():
                batch = (spool.peek(FLOOD_EVENTS, FLOOD_BYTES) if flood
                         else spool.peek(BATCH_EVENTS, BATCH_BYTES))
                if flood:
                    records = _records(by_group([rec["data"] for rec in batch]), minion_id, full_tag)
                else:
                    records = _with_status(_followed(batch, follow_ups), status_now)
                sent = master.send(_signed(records, sign))
                if sent:
                    spool.ack(batch[-1]["seq"])
                    replay.sent(records, now)
        elif (not (spool.pending() or replay.due) and replay.watching(now)
              and now >= max(last_send + PROBE, retry_at)):
            # Nothing to send, but the master may stop before its reactor
            # took what it acknowledged last: ask whether it is there.
            sent = master.send([])
        else:
            sent = None
        if sent:
            pause, retry_at, last_send = 0.0, 0.0, now
        elif sent is False:
            if not pause:
                replay.outage(now)
            pause = min(max(pause * 2, 0.5), RETRY_MAX)
            retry_at = clock() + pause
        idle = not (spool.pending() or replay.due) or clock() < retry_at or (flood and not due)
        if not watcher.more and idle:
            sleep(interval)


class _Replay(object):
    """
    The events the master acknowledged in the last REPLAY seconds. Salt's
    master acknowledges an event once it is on its event bus; a master that
    stops right then loses what its reactor had not taken yet. After an
    outage those are sent again, and the alert runner drops the ones it had
    (same ``eid``).

    A master that comes back answers before its reactor listens: what it
    acknowledges in the first REPLAY seconds after an outage is sent once
    more when they are over.
    """

    def __init__(self):
        self.acked = collections.deque()
        self.due = []
        self.away = False
        self.back_at = None
        self.recovery = []

    def sent(self, records, now):
        if self.away:
            self.away, self.back_at, self.recovery = False, now, []
        if self.back_at is not None:
            self.recovery.extend(records[:REPLAY_EVENTS - len(self.recovery)])
        for record in records:
            self.acked.append((now, record))
        while self.acked and (len(self.acked) > REPLAY_EVENTS or self.acked[0][0] < now - REPLAY):
            self.acked.popleft()

    def watching(self, now):
        """Whether the master acknowledged events in the last REPLAY seconds."""
        return bool(self.acked) and self.acked[-1][0] >= now - REPLAY

    def outage(self, now):
        """The master stopped answering: what it took lately is due again."""
        self.due = [record for when, record in self.acked if when >= now - REPLAY]
        self.acked.clear()
        self.away, self.back_at, self.recovery = True, None, []

    def tick(self, now):
        """What the master took while its reactor may not have listened is
        due again once REPLAY seconds have passed since it came back."""
        if self.back_at is not None and now >= self.back_at + REPLAY:
            self.due = self.due + self.recovery
            self.back_at, self.recovery = None, []

    def take(self):
        due, self.due = self.due, []
        return due

    def keep(self, records):
        self.due = list(records) + self.due


class _StatusNow(object):
    """
    ``ipmp.status`` as it is now (read at most every STATUS_REUSE seconds),
    or None when it cannot be read. Sent with the events so that the alert
    runner need not ask the minion for it: the alert is written as soon as
    the events arrive.
    """

    def __init__(self, clock):
        self.clock = clock
        self.read_at = None
        self.status = None

    def __call__(self):
        now = self.clock()
        if self.read_at is None or now - self.read_at >= STATUS_REUSE:
            try:
                self.status = _status()
            except Exception as exc:  # pylint: disable=broad-except
                log.debug("ipmp_events: no status to send with the events: %s", exc)
                self.status = None
            self.read_at = now
        return self.status if isinstance(self.status, dict) else None


def _with_status(records, status_now):
    """Copies of the records whose events carry their group's status
    (``status``: ``{group: ...}``; every group for an event that names none)."""
    status = status_now()
    if status is None:
        return records
    out = []
    for record in records:
        group = record["data"].get("group")
        if group and group not in status:
            out.append(record)  # the runner asks the minion
            continue
        data = dict(record["data"], status={group: status[group]} if group else status)
        out.append(dict(record, data=data))
    return out


def _followed(records, follow_ups):
    """
    Copies of the records in which an event in.mpathd follows with its
    outcome (a failure with its failover) says whether that outcome is in
    the same request (``followed``): the alert runner then waits for it,
    or writes the alert at once.
    """
    out = []
    for index, record in enumerate(records):
        data = record["data"]
        wanted = follow_ups(data.get("event"))
        if wanted:
            same = [later["data"] for later in records[index + 1:]
                    if later["data"].get("group") == data.get("group")]
            last = max([n for n, later in enumerate(same) if later.get("event") in wanted] or [-1])
            data = dict(data, followed=last >= 0)
            if last >= 0:
                # The events of its group up to the outcome, for the alert
                # to list them all.
                data["with"] = ",".join(str(later.get("eid")) for later in same[:last + 1][:20])
            record = dict(record, data=data)
        out.append(record)
    return out


def _signed(records, sign):
    """The records as the master gets them: each event signed now."""
    return [{"tag": rec["tag"], "data": sign(__opts__, rec["tag"], rec["data"])} for rec in records]


def _records(events, minion_id, full_tag):
    """Spool records (tag and data) of events this minion sends."""
    out = []
    for event in events:
        event["id"] = minion_id
        out.append({"tag": full_tag(minion_id, event, BEACON_NAME), "data": event})
    return out
