"""The event watcher (_utils/ipmp_watch.py): lines to tagged events, and
status changes syslog said nothing about, with its collaborators passed in."""

import copy
import os

import pytest

pytestmark = pytest.mark.salt_independent

UTILS = ("ipmp_follow", "ipmp_watch", "ipmp_events", "ipmp_model")
PREFIX = "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID {} daemon.error] "
LINK_DOWN = PREFIX.format(215189) + "The link has gone down on bge0"
FAILURE = PREFIX.format(594170) + "NIC failure detected on bge0 of group ipmp0"
STATUS = {
    "ipmp0": {
        "state": "ok",
        "interfaces": {"bge0": {"state": "active"}, "bge2": {"state": "standby"}},
        "addresses": ["192.168.1.10"],
    }
}


@pytest.fixture
def watch(load_util):
    return load_util("ipmp_watch")


@pytest.fixture
def utils(utils_mapping):
    return utils_mapping(*UTILS)


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "messages"
    path.write_text("old line\n")
    return path


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def append(path, *lines):
    with open(str(path), "a") as handle:
        for line in lines:
            handle.write(line + "\n")


def make(utils, log, tmp_path, status=None, status_interval=None):
    return utils["ipmp_watch.message_watcher"](
        str(log), str(tmp_path / "cache"), "test", utils,
        status=status, status_interval=status_interval,
    )


# ---------------------------------------------------------------------- tags
@pytest.mark.parametrize(
    "name, segment",
    [("ipmp0", "ipmp0"), (None, "-"), ("", "-"), ("a/b", "-"), ("a b", "-"), ("x" * 32, "-"), (5, "-")],
)
def test_tag_group(watch, name, segment):
    assert watch.tag_group(name) == segment


def test_event_and_full_tag(watch):
    event = {"event": "link_down", "group": "ipmp0"}
    assert watch.event_tag(event) == "ipmp0/link_down"
    assert watch.event_tag({"event": "bad/name"}) == "-/other"
    assert watch.full_tag("sol1", event) == "salt/beacon/sol1/ipmp/ipmp0/link_down"


# --------------------------------------------------------------------- paths
def test_messages_path_under_root(watch, load_util):
    root_path = load_util("ipmp_validate").root_path
    config = {"ipmp.root": "/a"}.get
    assert watch.messages_path(config, root_path) == "/a/var/adm/messages"
    config = {"ipmp.root": "/a", "ipmp.messages": "/var/log/syslog"}.get
    assert watch.messages_path(config, root_path) == "/a/var/log/syslog"
    assert watch.messages_path(config, root_path, "/x/messages") == "/a/x/messages"
    with pytest.raises(KeyError):
        watch.messages_path(config, root_path, "relative", error=KeyError)


# ------------------------------------------------------------------- watcher
def test_lines_become_events_with_the_group_filled_in(utils, log, tmp_path):
    calls = []

    def status():
        calls.append(1)
        return copy.deepcopy(STATUS)

    watcher = make(utils, log, tmp_path, status=status)
    assert watcher.poll() == []  # starts at the end of the file
    append(log, LINK_DOWN, "not in.mpathd", FAILURE)
    events = watcher.poll()
    assert [(e["event"], e["group"]) for e in events] == [("link_down", "ipmp0"), ("failure", "ipmp0")]
    assert len(calls) == 1
    assert watcher.more is False


def test_lines_in_mpathd_did_not_write_are_dropped(utils, log, tmp_path, load_util):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "nodename").write_text("sol1\n")
    hostname = utils["ipmp_watch.nodename"](load_util("ipmp_validate").root_path, str(root))
    assert hostname == "sol1"
    watcher = utils["ipmp_watch.message_watcher"](
        str(log), str(tmp_path / "cache"), "test", utils,
        accept=utils["ipmp_watch.authenticity"](utils, hostname, False),
    )
    watcher.poll()
    append(log,
           LINK_DOWN.replace(" sol1 ", " otherhost "),                    # another host
           "Jan  5 10:22:01 sol1 in.mpathd: [ID 702911 user.notice] "      # logger -t in.mpathd
           "The link has gone down on bge0",
           LINK_DOWN.replace("215189", "1"),                                # wrong msgid
           LINK_DOWN)
    assert [(e["event"], e["host"]) for e in watcher.poll()] == [("link_down", "sol1")]
    assert watcher.impostors == 3


def test_no_nodename_file_means_no_host_comparison(utils, tmp_path, load_util):
    assert utils["ipmp_watch.nodename"](load_util("ipmp_validate").root_path, str(tmp_path)) is None


def test_collaborators_come_from_the_callers_utils(utils, log, tmp_path, load_util):
    watcher = make(utils, log, tmp_path)
    assert watcher.parse is load_util("ipmp_events").parse_line
    assert watcher.snapshot is load_util("ipmp_model").snapshot
    assert isinstance(watcher.follower, load_util("ipmp_follow").Follower)


def test_status_changes_are_reported_once_and_survive_a_restart(utils, log, tmp_path):
    status = copy.deepcopy(STATUS)
    clock = Clock()

    def build():
        watcher = make(utils, log, tmp_path, status=lambda: copy.deepcopy(status), status_interval=10)
        watcher.clock = clock
        return watcher

    watcher = build()
    assert watcher.poll() == []  # baseline
    watcher.commit()
    status["ipmp0"]["interfaces"]["bge0"]["state"] = "offline"
    status["ipmp0"]["state"] = "degraded"
    clock.now += 5
    assert watcher.poll() == []  # not due yet
    clock.now += 5
    events = watcher.poll()
    assert [(e["event"], e.get("interface"), e["state"], e["previous"]) for e in events] == [
        ("group_state", None, "degraded", "ok"),
        ("interface_state", "bge0", "offline", "active"),
    ]
    watcher.commit()
    watcher.close()
    status["ipmp0"]["state"] = "failed"
    watcher = build()
    events = watcher.poll()
    assert [(e["event"], e["state"], e["previous"]) for e in events] == [("group_state", "failed", "degraded")]
    snap = os.path.join(str(tmp_path / "cache"), "ipmp", "tail")
    assert any(name.endswith(".status.json") for name in os.listdir(snap))


def test_unparsable_line_is_skipped(utils, log, tmp_path, watch):
    def parse(line):
        if "boom" in line:
            raise ValueError("boom")
        return {"event": "x"}

    follower = utils["ipmp_follow.follower"](str(log))
    watcher = watch.Watcher(follower, parse, utils["ipmp_model.snapshot"])
    watcher.poll()
    append(log, "boom", "fine")
    events = watcher.poll()
    assert [ev["event"] for ev in events] == ["x"]
    assert events[0]["eid"] == watch.event_id(follower.origins[-1], "fine")


def test_a_line_read_again_has_the_same_eid(utils, log, tmp_path, watch):
    state = str(tmp_path / "pos.json")
    parse = utils["ipmp_events.parse_line"]
    line = "Jan  5 10:22:01 sol1 in.mpathd[1]: [ID 594170 daemon.error] NIC failure detected on bge0 of group ipmp0"

    def first_read():
        follower = utils["ipmp_follow.follower"](str(log), state_file=state)
        watcher = watch.Watcher(follower, parse, utils["ipmp_model.snapshot"])
        return watcher, watcher.poll()

    watcher, _ = first_read()
    watcher.commit()
    append(log, line, line)
    events = watcher.poll()  # not committed: a crash now reads them again
    watcher.close()
    _, again = first_read()
    assert [ev["eid"] for ev in again] == [ev["eid"] for ev in events]
    assert len(set(ev["eid"] for ev in events)) == 2  # the same text twice is two events


def test_diff_snapshots(watch, load_util):
    snapshot = load_util("ipmp_model").snapshot
    old = snapshot(STATUS)
    new = copy.deepcopy(STATUS)
    del new["ipmp0"]["interfaces"]["bge2"]
    new["ipmp1"] = {"state": "ok", "interfaces": {"e1000g0": {"state": "active"}}}
    events = watch.diff_snapshots(old, snapshot(new))
    assert events == [
        {"event": "interface_state", "group": "ipmp0", "interface": "bge2", "state": "removed",
         "previous": "standby", "source": "status"},
        {"event": "group_state", "group": "ipmp1", "state": "ok", "source": "status"},
        {"event": "interface_state", "group": "ipmp1", "interface": "e1000g0", "state": "active",
         "source": "status"},
    ]


def test_no_copy_of_the_snapshot_and_no_loading_by_path(utils_dir):
    for name in ("ipmp_watch", "ipmp_follow", "ipmp_options"):
        with open(os.path.join(utils_dir, name + ".py")) as handle:
            text = handle.read()
        assert "def snapshot" not in text, name
        assert "importlib" not in text and "spec_from_file_location" not in text, name
        assert '__virtualname__ = "{}"'.format(name) in text, name
