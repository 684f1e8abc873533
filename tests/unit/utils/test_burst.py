"""Folding bursts per group (_utils/ipmp_burst.py): bounded batches, nothing miscounted."""

import copy
import hashlib
import re

import pytest

pytestmark = pytest.mark.salt_independent

CYCLE = ("failure", "failover", "repair", "failure", "failover")


@pytest.fixture
def burst(load_util):
    return load_util("ipmp_burst")


def ev(i, group="ipmp0", name=None, message=None, **extra):
    event = {
        "event": name or CYCLE[i % len(CYCLE)],
        "interface": "bge{}".format(i % 3),
        "message": message if message is not None else "in.mpathd line {}".format(i),
        "time": "2024-01-05T10:{:02d}:{:02d}".format(i // 60 % 60, i % 60),
        "eid": "{:016x}".format(i),
    }
    if group is not None:
        event["group"] = group
    event.update(extra)
    return event


def totals(burst, events):
    return sum(burst.total(event) for event in events)


def check_bounds(burst, out, max_events=50, max_bytes=64 * 1024, max_message=1024):
    assert len(out) <= max_events
    assert burst.size(out) <= max_bytes
    for event in out:
        for value in event.values():
            assert value is None or isinstance(value, (str, int, float, bool))
            if isinstance(value, str):
                assert len(value) <= max_message


def counts_sum(text):
    return sum(int(n) for k, n in re.findall(r"(\S+?)=(\d+)(?=\s|$)", text) if k != "groups")


def test_small_lists_come_back_unchanged(burst):
    events = [ev(i) for i in range(50)]
    out = burst.fold(events)
    assert out == events
    assert all(a is b for a, b in zip(out, events))
    assert burst.fold([]) == []
    assert totals(burst, out) == totals(burst, events)


def test_one_group_of_a_thousand_becomes_one_burst(burst):
    events = [ev(i) for i in range(1000)]
    original = copy.deepcopy(events)
    out = burst.fold(events)
    assert events == original  # pure: the input is untouched
    assert len(out) == 1
    b = out[0]
    assert b["event"] == "burst" and b["group"] == "ipmp0"
    assert b["count"] == 1000
    assert b["counts"] == "failover=400 failure=400 repair=200"
    assert b["first"] == "in.mpathd line 0" and b["first_event"] == "failure"
    assert b["last"] == "in.mpathd line 999" and b["last_event"] == "failover"
    assert b["interface"] == events[-1]["interface"]
    assert b["time"] == events[0]["time"] and b["until"] == events[-1]["time"]
    joined = "\n".join(e["eid"] for e in events)
    assert b["eid"] == hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]
    assert burst.fold(copy.deepcopy(events))[0]["eid"] == b["eid"]  # resent: same eid
    check_bounds(burst, out)
    assert totals(burst, out) == 1000


def test_groups_over_per_group_fold_where_they_started(burst):
    events = []
    for i in range(60):
        if i % 4 == 0 and i < 20:
            events.append(ev(i, group="small"))  # 5 events: stays
        elif i % 7 == 0:
            events.append(ev(i, group=None))  # no group: 7 of them, stays
        elif i % 2:
            events.append(ev(i, group="a"))
        else:
            events.append(ev(i, group="b"))
    by_group = {}
    for event in events:
        by_group.setdefault(event.get("group"), []).append(event)
    assert len(by_group["a"]) > 10 and len(by_group["b"]) > 10
    out = burst.fold(events)
    kept = [e for e in events if e.get("group") in ("small", None)]
    assert [e for e in out if e["event"] != "burst"] == kept
    assert all(any(o is e for o in out) for e in kept)  # the same objects
    bursts = {e["group"]: e for e in out if e["event"] == "burst"}
    assert sorted(bursts) == ["a", "b"]
    expected, seen = [], set()
    for event in events:  # each burst where the first event of its group was
        group = event.get("group")
        if group in ("a", "b"):
            if group not in seen:
                seen.add(group)
                expected.append(bursts[group])
        else:
            expected.append(event)
    assert out == expected
    for name in ("a", "b"):
        assert bursts[name]["count"] == len(by_group[name])
        assert bursts[name]["first"] == by_group[name][0]["message"]
        assert bursts[name]["last"] == by_group[name][-1]["message"]
    assert len(out) == len(kept) + 2
    check_bounds(burst, out)
    assert totals(burst, out) == 60


def test_burst_sits_where_its_group_began(burst):
    events = [ev(0, group="x")] + [ev(i, group="big") for i in range(1, 60)] + [ev(60, group="y")]
    out = burst.fold(events)
    assert [e["group"] for e in out] == ["x", "big", "y"]
    assert out[0] is events[0] and out[2] is events[-1]
    assert totals(burst, out) == 61


def test_missing_group_folds_with_group_none(burst):
    events = [ev(i, group=None) for i in range(80)]
    out = burst.fold(events)
    assert len(out) == 1 and out[0]["group"] is None and out[0]["count"] == 80
    assert "groups=" not in out[0]["counts"]
    assert totals(burst, out) == 80


def test_nested_bursts_add_their_counts(burst):
    inner = burst.fold([ev(i) for i in range(100)])[0]
    assert inner["count"] == 100
    events = [inner] + [ev(i, name="repair") for i in range(100, 160)]
    out = burst.fold(events)
    assert len(out) == 1
    b = out[0]
    assert b["count"] == 160
    assert b["counts"] == "failover=40 failure=40 repair=80"
    assert counts_sum(b["counts"]) == b["count"]
    assert b["first"] == inner["first"] and b["first_event"] == inner["first_event"]
    assert b["time"] == inner["time"]
    assert totals(burst, out) == totals(burst, events) == 160


def test_many_groups_end_in_one_bounded_burst(burst):
    events = []
    for g in range(500):
        events.append(ev(2 * g, group="g{:03d}".format(g)))
        events.append(ev(2 * g + 1, group="g{:03d}".format(g)))
    out = burst.fold(events)
    check_bounds(burst, out)
    assert len(out) == 1
    b = out[0]
    assert b["group"] is None and b["count"] == 1000
    listed = b["counts"].split("groups=", 1)[1].split(",")
    assert listed[:20] == ["g{:03d}".format(g) for g in range(20)]
    assert listed[20:] == ["+480"]
    assert counts_sum(b["counts"]) == 1000
    assert totals(burst, out) == 1000


def test_many_small_groups_end_within_max_events(burst):
    events = [ev(i, group="g{}".format(i % 60), message="m") for i in range(120)]
    out = burst.fold(events)
    check_bounds(burst, out)
    assert len(out) == 1 and out[0]["count"] == 120 and out[0]["group"] is None
    assert totals(burst, out) == 120


def test_many_groups_below_max_events_keep_one_burst_each(burst):
    events = [ev(i, group="g{}".format(i % 40)) for i in range(400)]  # 10 per group
    out = burst.fold(events)
    check_bounds(burst, out)
    assert len(out) == 40 and {e["group"] for e in out} == {"g{}".format(g) for g in range(40)}
    assert all(e["count"] == 10 for e in out)
    assert totals(burst, out) == 400


def test_long_messages_are_cut_and_bytes_bounded(burst):
    long_text = "y" * 5000
    events = [ev(i, group="g{}".format(i % 50), message=long_text + str(i)) for i in range(550)]
    out = burst.fold(events)
    check_bounds(burst, out)
    assert len(out) == 50  # still one burst per group: the strings got shorter
    assert totals(burst, out) == 550
    single = burst.fold([ev(i, message=long_text) for i in range(3)], max_bytes=4000)
    check_bounds(burst, single, max_bytes=4000)
    assert totals(burst, single) == 3


def test_tiny_bounds_still_hold(burst):
    events = [ev(i, group="g{}".format(i % 7), message="z" * 300) for i in range(70)]
    out = burst.fold(events, max_events=3, max_bytes=1500, per_group=2, max_message=200)
    check_bounds(burst, out, max_events=3, max_bytes=1500, max_message=200)
    assert totals(burst, out) == 70


def test_eid_without_eids_uses_the_messages(burst):
    events = [ev(i) for i in range(20)]
    for event in events:
        del event["eid"]
    one = burst.fold(events, max_events=10)[0]["eid"]
    assert re.match("^[0-9a-f]{16}$", one)
    assert burst.fold(copy.deepcopy(events), max_events=10)[0]["eid"] == one
    events[5]["message"] = "something else"
    assert burst.fold(events, max_events=10)[0]["eid"] != one


def test_dropped_summarizes_records_and_earlier_summaries(burst):
    first = burst.dropped([ev(i, group="g{}".format(i % 3)) for i in range(30)])
    assert first["event"] == "dropped" and first["count"] == 30 and first["group"] is None
    assert first["counts"].endswith(" groups=g0,g1,g2")
    second = burst.dropped([first] + [ev(i, group="g9") for i in range(30, 35)])
    assert second["count"] == 35
    assert second["counts"].endswith(" groups=g0,g1,g2,g9")
    assert counts_sum(second["counts"]) == 35
    assert totals(burst, [second]) == 35


def test_total(burst):
    assert burst.total(ev(1)) == 1
    assert burst.total({"event": "burst", "count": 12}) == 12
    assert burst.total({"event": "dropped", "count": 7}) == 7
    assert burst.total({"event": "failure", "count": 7}) == 1
    for bad in (True, 0, -3, "9", None):
        assert burst.total({"event": "burst", "count": bad}) == 1
    assert burst.total(None) == 1
