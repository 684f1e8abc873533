"""ipmp_alert_fold: fold windows in the master's cache directory."""

import os
import threading
import time

import pytest


@pytest.fixture(scope="module")
def fold(load_util):
    return load_util("ipmp_alert_fold")


@pytest.fixture
def cachedir(tmp_path):
    return str(tmp_path / "cache")


def ev(name):
    return {"event": name, "interface": "bge0"}


def brief(name, received):
    return {"event": name, "received": received}


def open_(fold, cachedir, name, received, stamp=None, key=None, window=1.0, span=10.0, stale=30.0):
    return fold.open_or_fold(
        cachedir, key or fold.key("sol1", "ipmp0"), ev(name), brief(name, received),
        stamp or "{:020.6f}".format(received), received, window=window, span=span, stale=stale,
    )


def test_first_event_opens_next_folds(fold, cachedir):
    now = time.time()
    win_id, opened = open_(fold, cachedir, "failure", now)
    assert opened is True
    assert open_(fold, cachedir, "failover", now + 0.5) == (win_id, False)
    win = fold.load(cachedir)["windows"][fold.key("sol1", "ipmp0")]
    assert win["count"] == 2
    assert win["deadline"] == pytest.approx(now + 1.5)
    assert oct(os.stat(fold.state_dir(cachedir)).st_mode & 0o777) == "0o700"


def test_window_never_outlives_its_span(fold, cachedir):
    now = time.time()
    first, _ = open_(fold, cachedir, "link_down", now, span=2.0)
    second, opened = open_(fold, cachedir, "link_up", now + 2.5, window=5.0, span=2.0)
    assert opened is True and second != first


def test_keys_separate_windows(fold, cachedir):
    now = time.time()
    assert open_(fold, cachedir, "failure", now)[1]
    assert open_(fold, cachedir, "failure", now, key=fold.key("sol2", "ipmp0"))[1]
    assert len(fold.load(cachedir)["windows"]) == 2


def test_events_kept_are_bounded(fold, cachedir):
    now = time.time()
    for n in range(fold.MAX_EVENTS + 5):
        open_(fold, cachedir, "link_up", now + n * 0.001)
    win = fold.load(cachedir)["windows"][fold.key("sol1", "ipmp0")]
    assert win["count"] == fold.MAX_EVENTS + 5
    assert len(win["events"]) == fold.MAX_EVENTS


def test_mark_reported_then_close_and_split(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failover", now, stamp="b", window=0.2)
    open_(fold, cachedir, "failure", now, stamp="a", window=0.2)
    entries, count = fold.mark_reported(cachedir, key, win_id, {"ipmp0": {"state": "degraded"}})
    assert [e["event"]["event"] for e in entries] == ["failure", "failover"]  # by stamp
    assert count == 2
    open_(fold, cachedir, "repair", now + 0.01, stamp="c", window=0.2)
    closed = fold.close_when_quiet(cachedir, key, win_id, span=10.0)
    assert closed["status"] == {"ipmp0": {"state": "degraded"}}
    assert fold.load(cachedir)["windows"] == {}
    # Closed, but kept until its summary is out.
    assert list(fold.load(cachedir)["ended"]) == [win_id]
    fold.done(cachedir, win_id)
    assert fold.load(cachedir)["ended"] == {}
    after = fold.after_alert(closed)
    assert [b["event"] for b in after["briefs"]] == ["failure", "failover", "repair"]
    assert [b["event"] for b in after["before"]] == ["failure", "failover"]
    assert [b["event"] for b in after["later"]] == ["repair"]


def test_nothing_after_the_alert(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failure", now, window=0.1)
    fold.mark_reported(cachedir, key, win_id, None)
    assert fold.after_alert(fold.close_when_quiet(cachedir, key, win_id, span=10.0)) is None
    assert fold.after_alert(None) is None
    fold.done(cachedir, win_id)
    assert fold.mark_reported(cachedir, key, win_id, None) is None
    assert fold.close_when_quiet(cachedir, key, win_id, span=10.0) is None


def test_windows_of_dead_runners_are_handed_over_not_dropped(fold, cachedir):
    old = time.time() - 3600
    other, _ = open_(fold, cachedir, "failure", old, key=fold.key("sol2", "ipmp9"))
    dead, _ = open_(fold, cachedir, "failure", old)
    win_id, opened = open_(fold, cachedir, "failure", time.time())
    assert opened and win_id != dead
    assert sorted(fold.load(cachedir)["windows"]) == sorted([fold.key("sol2", "ipmp9"), fold.key("sol1", "ipmp0")])
    found = fold.orphans(cachedir, time.time(), 30)
    assert sorted(w["id"] for w in found) == sorted([other, dead])
    assert {fold.parse_key(w["key"]) for w in found} == {("sol1", "ipmp0"), ("sol2", "ipmp9")}
    assert fold.orphans(cachedir, time.time(), 30) == []
    assert list(fold.load(cachedir)["windows"]) == [fold.key("sol1", "ipmp0")]


def test_a_window_past_its_span_is_closed_by_its_owner_with_every_event(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    first, _ = fold.open_or_fold(cachedir, key, {"event": "failure"}, {}, "a", now, 2, 0.5, 30)
    fold.open_or_fold(cachedir, key, {"event": "failover"}, {}, "b", now + 0.1, 2, 0.5, 30, weight=5)
    # After the span a new window opens; the old one waits for its owner.
    second, opened = fold.open_or_fold(cachedir, key, {"event": "repair"}, {}, "c", now + 0.6, 2, 0.5, 30)
    assert opened and second != first
    closed = fold.close_when_quiet(cachedir, key, first, 0.5)
    assert closed["id"] == first and closed["count"] == 6


def test_await_outcome_returns_when_the_follow_up_folds_in(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failure", now)
    later = threading.Timer(0.1, lambda: open_(fold, cachedir, "failover", time.time()))
    later.start()
    began = time.time()
    fold.await_outcome(cachedir, key, win_id, ("failover", "group_failed"), 2.0)
    later.join()
    assert 0.1 <= time.time() - began < 1.0


def test_await_outcome_waits_at_most_the_settle_time(fold, cachedir):
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failure", time.time())
    began = time.time()
    fold.await_outcome(cachedir, key, win_id, ("failover",), 0.2)
    assert 0.2 <= time.time() - began < 0.6
    began = time.time()
    fold.await_outcome(cachedir, key, win_id, (), 5.0)
    assert time.time() - began < 0.1


def test_unreadable_state_file_is_empty(fold, cachedir):
    os.makedirs(fold.state_dir(cachedir), exist_ok=True)
    with open(os.path.join(fold.state_dir(cachedir), "alerts.json"), "w") as handle:
        handle.write("[1, 2")
    assert fold.load(cachedir) == {"windows": {}}
    with fold.locked(cachedir):
        fold.save(cachedir, {"windows": {}, "x": 1})
    assert fold.load(cachedir)["x"] == 1


def _dead_owner(fold, cachedir, win_id):
    """The window's runner died with its master (a pid no process has)."""
    with fold.locked(cachedir):
        state = fold.load(cachedir)
        for win in list(state["windows"].values()) + list(state.get("ended", {}).values()):
            if win["id"] == win_id:
                win["owner"] = 2 ** 22 + 1
        fold.save(cachedir, state)


def test_a_window_marked_reported_but_never_delivered_is_an_orphan_with_its_count(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failure", now)
    open_(fold, cachedir, "failover", now + 0.1)
    fold.mark_reported(cachedir, key, win_id, None)
    _dead_owner(fold, cachedir, win_id)  # died before the alert was written
    (win,) = fold.orphans(cachedir, time.time(), 30)
    assert win["count"] == 2 and win["delivered_count"] == 0 and win["reported_count"] == 2


def test_a_delivered_alert_counts_what_it_reported(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failure", now)
    fold.mark_reported(cachedir, key, win_id, None)
    fold.delivered(cachedir, key, win_id)
    open_(fold, cachedir, "failover", now + 0.1)
    _dead_owner(fold, cachedir, win_id)
    (win,) = fold.orphans(cachedir, time.time(), 30)
    assert (win["count"], win["delivered_count"], win["delivered"]) == (2, 1, [1])


def test_a_closed_window_whose_runner_died_before_its_summary_is_an_orphan(fold, cachedir):
    now = time.time()
    key = fold.key("sol1", "ipmp0")
    win_id, _ = open_(fold, cachedir, "failure", now, window=0.05)
    fold.mark_reported(cachedir, key, win_id, None)
    fold.delivered(cachedir, key, win_id)
    open_(fold, cachedir, "repair", now + 0.01, window=0.05)
    closed = fold.close_when_quiet(cachedir, key, win_id, span=10.0)
    assert fold.after_alert(closed) is not None
    assert fold.orphans(cachedir, time.time(), 30) == []  # its runner is alive
    _dead_owner(fold, cachedir, win_id)  # ... and died fetching the status
    (win,) = fold.orphans(cachedir, time.time(), 30)
    assert (win["id"], win["count"], win["delivered_count"]) == (win_id, 2, 1)
