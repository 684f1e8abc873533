"""The ipmp_events engine: read, spool, send, and forget only what the master took.

The master here is a stand-in for Salt's request channel (``_Master``): it
records each batch and answers or fails as told.  The real channel is
driven by tests/integration/test_events_chaos.py.
"""

import copy
import os
import time

import pytest

PREFIX = "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID {} daemon.error] "
LINK_DOWN = PREFIX.format(215189) + "The link has gone down on bge0"
FAILOVER = PREFIX.format(832587) + "Successfully failed over from NIC bge0 to NIC bge2"
STATUS = {"ipmp0": {"state": "ok", "interfaces": {"bge0": {"state": "active"}, "bge2": {"state": "standby"}}}}
UTILS = ("ipmp_follow", "ipmp_watch", "ipmp_events", "ipmp_model", "ipmp_options", "ipmp_validate",
         "ipmp_event_sign", "ipmp_burst", "ipmp_spool")


class FakeMaster:
    """Takes batches like the master's ``_minion_event`` (or refuses ``down`` times)."""

    def __init__(self):
        self.batches = []
        self.down = 0
        self.probes = 0

    def send(self, events):
        if self.down:
            self.down -= 1
            return False
        if not events:
            self.probes += 1
            return True
        self.batches.append(copy.deepcopy(events))
        return True

    @property
    def events(self):
        return [event for batch in self.batches for event in batch]

    def close(self):
        pass


@pytest.fixture
def host(tmp_path):
    root = tmp_path / "host"
    (root / "var" / "adm").mkdir(parents=True)
    (root / "var" / "adm" / "messages").write_text("old\n")
    (root / "etc").mkdir()
    (root / "etc" / "nodename").write_text("sol1\n")
    return root


@pytest.fixture
def engine(load_extension, host, tmp_path):
    mod = load_extension("_engines/ipmp_events.py", utils=UTILS)
    config = {"ipmp.root": str(host)}
    mod.__opts__ = {"cachedir": str(tmp_path / "cache"), "id": "sol1"}
    mod.__salt__ = {
        "config.get": lambda key, default=None: config.get(key, default),
        "ipmp.status": lambda group=None, refresh=False: copy.deepcopy(STATUS),
    }
    return mod


def write(host, *lines):
    with open(str(host / "var" / "adm" / "messages"), "a") as handle:
        for line in lines:
            handle.write(line + "\n")


class Rig:
    """The engine's parts as start() builds them, rebuilt by restart()."""

    def __init__(self, engine, host):
        self.engine = engine
        self.host = host
        self.master = FakeMaster()
        self.clock = [1000.0]
        self.sleeps = []
        self.restart()

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.clock[0] += seconds

    def restart(self):
        engine = self.engine
        path = engine._messages_path(None)
        utils = engine.__utils__
        self.watcher = utils["ipmp_watch.message_watcher"](
            path, engine.__opts__["cachedir"], engine.CONSUMER, utils, status=engine._status
        )
        self.spool = engine._spool(path)

    def run(self, ticks):
        state = {"n": 0}

        def running():
            state["n"] += 1
            return state["n"] <= ticks

        self.engine._run(self.watcher, self.spool, self.master, 0.05, "messages",
                         running=running, clock=lambda: self.clock[0], sleep=self.sleep)

    def crash(self):
        """Stop without any cleanup, as a SIGKILL would."""
        self.watcher.close()
        self.restart()


@pytest.fixture
def rig(engine, host):
    return Rig(engine, host)


def test_events_go_in_one_batch_with_the_beacon_tags(rig, host):
    rig.run(1)
    assert rig.master.batches == []  # started at the end of the existing file
    write(host, LINK_DOWN, "Jan  5 10:22:01 sol1 sshd[9]: hello", FAILOVER)
    rig.run(1)
    assert len(rig.master.batches) == 1
    tags = [event["tag"] for event in rig.master.events]
    assert tags == ["salt/beacon/sol1/ipmp/ipmp0/link_down", "salt/beacon/sol1/ipmp/ipmp0/failover"]
    data = rig.master.events[0]["data"]
    assert data["interface"] == "bge0" and data["message"] == LINK_DOWN
    assert data["id"] == "sol1" and len(data["eid"]) == 16
    assert rig.spool.pending() == 0


def test_nothing_leaves_the_spool_until_the_master_answers(rig, host):
    rig.run(1)
    rig.master.down = 3
    write(host, LINK_DOWN)
    rig.run(1)
    write(host, FAILOVER)
    rig.run(1)
    assert rig.master.batches == [] and rig.spool.pending() == 2
    rig.run(20)
    names = [event["data"]["event"] for event in rig.master.events]
    assert names == ["link_down", "failover"]  # in order, once each
    assert rig.spool.pending() == 0


def test_retries_back_off_while_the_master_is_away(rig, host):
    rig.run(1)
    rig.master.down = 10 ** 6
    write(host, LINK_DOWN)
    attempts = []
    send = rig.master.send
    rig.master.send = lambda events: attempts.append(rig.clock[0]) or send(events)
    rig.run(400)  # 400 ticks of 0.05 s: 20 s
    gaps = [b - a for a, b in zip(attempts, attempts[1:])]
    assert gaps == sorted(gaps) and max(gaps) <= rig.engine.RETRY_MAX + 0.1
    assert len(attempts) < 15


def test_a_crash_after_spooling_neither_loses_nor_repeats(rig, host):
    rig.run(1)
    rig.master.down = 1
    write(host, LINK_DOWN, FAILOVER)
    rig.run(1)  # spooled, position saved, send failed
    rig.crash()
    rig.run(5)
    assert [event["data"]["event"] for event in rig.master.events] == ["link_down", "failover"]


def test_a_crash_before_the_position_is_saved_reads_the_lines_again_same_eids(rig, host, engine):
    rig.run(1)
    write(host, LINK_DOWN)
    events = rig.watcher.poll()  # read, then the process dies before spooling
    rig.crash()
    rig.run(1)
    assert [event["data"]["eid"] for event in rig.master.events] == [events[0]["eid"]]


def test_a_burst_is_folded_and_the_minion_sends_bounded_batches(rig, host, engine):
    rig.run(1)
    write(host, *([LINK_DOWN, FAILOVER] * 5000))
    rig.run(60)  # a flood: a request a second
    events = [event["data"] for event in rig.master.events]
    assert sum(engine.__utils__["ipmp_burst.total"](ev) for ev in events) == 10000
    assert len(events) < 20 and all(len(batch) <= engine.BATCH_EVENTS for batch in rig.master.batches)
    assert {ev["event"] for ev in events} == {"burst"}


def test_a_full_spool_folds_the_oldest_into_a_dropped_event(rig, host, engine, monkeypatch):
    monkeypatch.setattr(engine, "SPOOL_RECORDS", 5)
    rig.restart()
    rig.run(1)
    rig.master.down = 10 ** 6
    for n in range(8):
        write(host, LINK_DOWN)
        rig.run(1)
    assert rig.spool.pending() <= 5
    rig.master.down = 0
    rig.clock[0] += 60
    rig.run(5)
    events = [event["data"] for event in rig.master.events]
    assert events[0]["event"] == "dropped"
    assert sum(engine.__utils__["ipmp_burst.total"](ev) for ev in events) == 8


def test_the_engine_stops_when_its_minion_is_gone(engine, monkeypatch):
    stop = engine._Stop()
    try:
        assert stop.running()
        monkeypatch.setattr(engine.os, "getppid", lambda: os.getpid() + 10 ** 6)
        assert not stop.running()
    finally:
        stop.restore()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"interval": 0}, "interval must be a number"),
        ({"interval": "fast"}, "interval must be a number"),
        ({"status_interval": -1}, "status_interval must be a number"),
        ({"status": "yes"}, "status must be true or false"),
        ({"messages": "var/adm/messages"}, "absolute path"),
    ],
)
def test_engine_rejects_bad_options(engine, kwargs, words):
    with pytest.raises(ValueError, match=words):
        engine.start(**kwargs)


def test_a_flood_goes_out_once_a_second_folded_per_group(rig, host, engine):
    total = engine.__utils__["ipmp_burst.total"]
    rig.run(1)
    ticks = {"n": 0}

    def running():  # 3 s of 5 lines a tick (0.05 s): 100 lines a second, then 2 s quiet
        ticks["n"] += 1
        if ticks["n"] <= 60:
            write(host, *([LINK_DOWN] * 5))
        return ticks["n"] <= 100

    engine._run(rig.watcher, rig.spool, rig.master, 0.05, "messages", running=running,
                clock=lambda: rig.clock[0], sleep=rig.sleep)
    events = [event["data"] for event in rig.master.events]
    assert sum(total(ev) for ev in events) == 300
    first_burst = next(i for i, batch in enumerate(rig.master.batches)
                       if any(ev["data"]["event"] == "burst" for ev in batch))
    # One by one until FLOOD events went in a second, then a request a second.
    assert sum(len(b) for b in rig.master.batches[:first_burst]) <= engine.FLOOD + 5
    assert len(rig.master.batches) - first_burst <= 5


def test_a_window_whose_runner_died_is_reported_at_once(load_util, tmp_path):
    fold = load_util("ipmp_alert_fold")
    cachedir = str(tmp_path)
    key = fold.key("sol1", "ipmp0")
    now = time.time()
    win_id, _ = fold.open_or_fold(cachedir, key, {"event": "failure"}, {}, "a", now, 2, 60, 30)
    with fold.locked(cachedir):
        state = fold.load(cachedir)
        state["windows"][key]["owner"] = 2 ** 22 + 12345  # no such process
        fold.save(cachedir, state)
    (found,) = fold.orphans(cachedir, now + 0.1, 30)
    assert found["id"] == win_id and found["count"] == 1


def test_after_an_outage_the_last_acknowledged_events_are_sent_again_first(rig, host, engine):
    rig.run(1)
    steps = {1: lambda: write(host, LINK_DOWN),  # acknowledged at once
             3: lambda: setattr(rig.master, "down", 2),
             4: lambda: write(host, FAILOVER)}  # the master is away twice, then back
    ticks = {"n": 0}

    def running():
        ticks["n"] += 1
        steps.get(ticks["n"], lambda: None)()
        return ticks["n"] <= 80

    engine._run(rig.watcher, rig.spool, rig.master, 0.05, "messages", running=running,
                clock=lambda: rig.clock[0], sleep=rig.sleep)
    names = [[event["data"]["event"] for event in batch] for batch in rig.master.batches]
    assert names == [["link_down"], ["link_down"], ["failover"]]
    eids = [batch[0]["data"]["eid"] for batch in rig.master.batches]
    assert eids[0] == eids[1]  # the same event: the master drops the repeat


def test_what_the_master_took_just_after_an_outage_is_sent_once_more_later(rig, host, engine):
    """A master that comes back answers before its reactor listens: the
    events it took in its first REPLAY seconds go again, once, after them."""
    rig.run(1)
    steps = {1: lambda: write(host, LINK_DOWN),
             3: lambda: setattr(rig.master, "down", 1),
             4: lambda: write(host, FAILOVER)}
    ticks = {"n": 0}
    sent_at = []

    def running():
        ticks["n"] += 1
        steps.get(ticks["n"], lambda: None)()
        while len(sent_at) < len(rig.master.batches):
            sent_at.append(rig.clock[0])
        return ticks["n"] <= 2 * int(engine.REPLAY / 0.05) + 40

    engine._run(rig.watcher, rig.spool, rig.master, 0.05, "messages", running=running,
                clock=lambda: rig.clock[0], sleep=rig.sleep)
    names = [[event["data"]["event"] for event in batch] for batch in rig.master.batches]
    assert names == [["link_down"], ["link_down"], ["failover"], ["link_down", "failover"]]
    eids = [[event["data"]["eid"] for event in batch] for batch in rig.master.batches]
    assert eids[3] == eids[1] + eids[2]
    assert sent_at[3] - sent_at[1] >= engine.REPLAY


def test_a_master_that_stops_while_nothing_is_to_send_is_noticed(rig, host, engine):
    """Probes (empty requests) each PROBE seconds for REPLAY seconds after
    the last acknowledged event: one that fails is an outage, and what the
    master took just before goes again."""
    rig.run(1)
    quiet = int(engine.PROBE / 0.05) // 2
    steps = {1: lambda: write(host, LINK_DOWN),
             1 + quiet: lambda: setattr(rig.master, "down", 1)}  # nothing else happens
    ticks = {"n": 0}
    probes_at = {}

    def running():
        ticks["n"] += 1
        steps.get(ticks["n"], lambda: None)()
        probes_at[ticks["n"]] = rig.master.probes
        return ticks["n"] <= 6 * int(engine.REPLAY / 0.05)

    engine._run(rig.watcher, rig.spool, rig.master, 0.05, "messages", running=running,
                clock=lambda: rig.clock[0], sleep=rig.sleep)
    names = [[event["data"]["event"] for event in batch] for batch in rig.master.batches]
    assert names[:2] == [["link_down"], ["link_down"]]
    assert rig.master.batches[0][0]["data"]["eid"] == rig.master.batches[1][0]["data"]["eid"]
    # Quiet for long: the probes stopped.
    last = max(probes_at)
    assert probes_at[last] == probes_at[last - int(2 * engine.REPLAY / 0.05)]
    assert 1 <= rig.master.probes <= 3 * engine.REPLAY / engine.PROBE


def test_the_status_goes_with_the_events_of_its_groups_only(rig, host):
    rig.run(1)
    other = PREFIX.format(594170) + "NIC failure detected on bge5 of group ipmp7"
    write(host, LINK_DOWN, other)
    rig.run(1)
    first, second = [event["data"] for event in rig.master.events]
    assert first["status"] == {"ipmp0": STATUS["ipmp0"]}
    assert "status" not in second  # ipmp7 is not in the status: the runner asks
