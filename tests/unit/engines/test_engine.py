"""The ipmp_events engine: same events and tags as the beacon, sent at once."""

import copy
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PREFIX = "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID {} daemon.error] "
LINK_DOWN = PREFIX.format(215189) + "The link has gone down on bge0"
FAILOVER = PREFIX.format(832587) + "Successfully failed over from NIC bge0 to NIC bge2"
STATUS = {"ipmp0": {"state": "ok", "interfaces": {"bge0": {"state": "active"}, "bge2": {"state": "standby"}}}}


class FakeBus:
    def __init__(self, fail=0):
        self.fired = []
        self.fail = fail
        self.destroyed = 0

    def fire_event(self, data, tag):
        if self.fail:
            self.fail -= 1
            raise OSError("minion event bus not there")
        self.fired.append((tag, copy.deepcopy(data)))
        return True

    def destroy(self):
        self.destroyed += 1


@pytest.fixture
def host(tmp_path):
    root = tmp_path / "host"
    (root / "var" / "adm").mkdir(parents=True)
    (root / "var" / "adm" / "messages").write_text("old\n")
    return root


@pytest.fixture
def engine(load_extension, host, tmp_path, monkeypatch):
    mod = load_extension(
        "_engines/ipmp_events.py",
        utils=("ipmp_follow", "ipmp_watch", "ipmp_events", "ipmp_model", "ipmp_options", "ipmp_validate",
         "ipmp_event_sign"),
    )
    config = {"ipmp.root": str(host)}
    mod.__opts__ = {"cachedir": str(tmp_path / "cache"), "id": "sol1"}
    mod.__salt__ = {
        "config.get": lambda key, default=None: config.get(key, default),
        "ipmp.status": lambda group=None, refresh=False: copy.deepcopy(STATUS),
    }
    mod.bus = FakeBus()
    monkeypatch.setattr(mod.salt.utils.event, "get_event", lambda *a, **k: mod.bus)
    return mod


def write(host, *lines):
    with open(str(host / "var" / "adm" / "messages"), "a") as handle:
        for line in lines:
            handle.write(line + "\n")


def watcher_for(engine, host):
    path = engine._messages_path(None)
    utils = engine.__utils__
    state = utils["ipmp_follow.state_path"](engine.__opts__["cachedir"], engine.CONSUMER, path)
    follower = utils["ipmp_follow.follower"](path, state_file=state)
    return utils["ipmp_watch.watcher"](follower, utils, status=engine._status)


def loops(count):
    state = {"n": 0}

    def running():
        state["n"] += 1
        return state["n"] <= count

    return running


def test_engine_fires_same_tags_as_beacon_on_master_bus(engine, host):
    watcher = watcher_for(engine, host)
    sender = engine._Sender(engine.__opts__)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    assert engine.bus.fired == []  # started at the end of the existing file
    write(host, LINK_DOWN, "Jan  5 10:22:01 sol1 sshd[9]: hello", FAILOVER)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    assert [tag for tag, _ in engine.bus.fired] == ["fire_master", "fire_master"]
    payloads = [data for _, data in engine.bus.fired]
    assert [p["tag"] for p in payloads] == [
        "salt/beacon/sol1/ipmp/ipmp0/link_down",
        "salt/beacon/sol1/ipmp/ipmp0/failover",
    ]
    assert payloads[0]["data"]["interface"] == "bge0"
    assert payloads[0]["data"]["message"] == LINK_DOWN
    assert payloads[0]["events"] is None and payloads[0]["pretag"] is None


def test_engine_reconnects_when_a_send_fails(engine, host):
    engine.bus.fail = 1
    watcher = watcher_for(engine, host)
    sender = engine._Sender(engine.__opts__)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    write(host, LINK_DOWN)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    assert [data["tag"] for _, data in engine.bus.fired] == ["salt/beacon/sol1/ipmp/ipmp0/link_down"]
    assert engine.bus.destroyed == 1


def test_engine_restart_resumes_from_saved_position(engine, host):
    watcher = watcher_for(engine, host)
    sender = engine._Sender(engine.__opts__)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    write(host, LINK_DOWN)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    watcher.close()
    write(host, FAILOVER)
    watcher = watcher_for(engine, host)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    assert [data["tag"].rsplit("/", 1)[1] for _, data in engine.bus.fired] == ["link_down", "failover"]


def test_engine_drains_a_burst_without_sleeping(engine, host, monkeypatch):
    watcher = watcher_for(engine, host)
    watcher.follower.max_bytes = 4096
    sender = engine._Sender(engine.__opts__)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(1))
    write(host, *([LINK_DOWN] * 2000))
    sleeps = []
    monkeypatch.setattr(engine.time, "sleep", sleeps.append)
    engine._run(watcher, sender, "sol1", 0.001, "messages", loops(100))
    assert len(engine.bus.fired) == 2000
    assert len(sleeps) < 100  # only idle loops sleep


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
