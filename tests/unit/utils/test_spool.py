"""The engine's on-disk spool (_utils/ipmp_spool.py): bounded, durable, in order."""

import json
import logging
import os
import stat

import pytest

pytestmark = pytest.mark.salt_independent


@pytest.fixture
def spool_mod(load_util):
    return load_util("ipmp_spool")


@pytest.fixture
def burst(load_util):
    return load_util("ipmp_burst")


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "cache" / "ipmp" / "engine.spool")


def events(count, start=0, group="ipmp0", pad=0):
    return [
        {
            "event": "failure" if i % 2 else "repair",
            "group": group,
            "interface": "bge{}".format(i % 4),
            "message": "line {}{}".format(i, "x" * pad),
            "eid": "e{:06d}".format(i),
        }
        for i in range(start, start + count)
    ]


def seqs(records):
    return [record["seq"] for record in records]


def lines_of(path):
    with open(path, "rb") as handle:
        return handle.read().splitlines()


def test_append_peek_ack_in_order(spool_mod, path):
    sp = spool_mod.spool(path)
    given = events(5)
    stored = sp.append(given)
    assert seqs(stored) == [1, 2, 3, 4, 5]
    assert "seq" not in given[0]  # the caller's dicts are not changed
    assert [r["message"] for r in stored] == [e["message"] for e in given]
    assert len(sp) == sp.pending() == 5
    assert seqs(sp.peek()) == [1, 2, 3, 4, 5]
    assert seqs(sp.peek(max_records=2)) == [1, 2]
    assert sp.ack(2) == 2
    assert seqs(sp.peek()) == [3, 4, 5]
    assert sp.ack(1) == 0  # going back changes nothing
    assert seqs(sp.peek()) == [3, 4, 5]
    assert seqs(sp.append(events(1, start=5))) == [6]
    assert seqs(sp.peek()) == [3, 4, 5, 6]
    assert sp.ack(6) == 4
    assert sp.peek() == [] and len(sp) == 0


def test_everything_acked_truncates_the_file(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(20))
    assert os.path.getsize(path) > 0
    sp.ack(20)
    assert os.path.getsize(path) == 0
    with open(path + ".head") as handle:
        assert json.load(handle) == {"acked": 20, "next": 21}


def test_seq_increases_across_restarts(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(3))
    sp.close()
    sp = spool_mod.spool(path)
    assert seqs(sp.append(events(2))) == [4, 5]
    sp.ack(5)  # the file is now empty: only the head remembers the numbers
    assert os.path.getsize(path) == 0
    sp.close()
    sp = spool_mod.spool(path)
    assert seqs(sp.append(events(1))) == [6]


def test_seq_survives_an_overflow_that_left_nothing(spool_mod, path):
    sp = spool_mod.spool(path, max_records=1, max_bytes=10)  # every record is too big
    sp.append(events(3))
    assert len(sp) == 0
    assert not os.path.exists(path) or os.path.getsize(path) == 0
    sp.close()
    assert seqs(spool_mod.spool(path).append(events(1))) == [4]


def test_ack_survives_a_restart(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(5))
    sp.ack(3)
    sp.close()
    again = spool_mod.spool(path)
    assert seqs(again.peek()) == [4, 5]
    assert len(again) == 2
    again.ack(4)
    again.close()
    assert seqs(spool_mod.spool(path).peek()) == [5]


def test_a_readable_head_is_never_redelivered(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(6))
    sp.close()
    with open(path + ".head", "w") as handle:
        json.dump({"acked": 4, "next": 7}, handle)
    assert seqs(spool_mod.spool(path).peek()) == [5, 6]


@pytest.mark.parametrize("head", [None, b"{not json", b"[1, 2]", b'{"acked": "x"}'])
def test_missing_or_corrupt_head_delivers_what_the_records_hold(spool_mod, path, head):
    sp = spool_mod.spool(path)
    sp.append(events(4))
    sp.ack(2)  # small: no compaction, records 1 and 2 are still in the file
    sp.close()
    if head is None:
        os.unlink(path + ".head")
    else:
        with open(path + ".head", "wb") as handle:
            handle.write(head)
    again = spool_mod.spool(path)
    assert seqs(again.peek()) == [1, 2, 3, 4]
    assert seqs(again.append(events(1))) == [5]


def test_ack_never_reaches_beyond_what_was_handed_out(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(2))
    sp.ack(1000)
    stored = sp.append(events(1))
    assert seqs(stored) == [3]
    assert seqs(sp.peek()) == [3]
    sp.close()
    assert seqs(spool_mod.spool(path).peek()) == [3]


def test_ack_refuses_a_bad_seq(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(2))
    for bad in (None, "2", True, -1):
        with pytest.raises(ValueError):
            sp.ack(bad)
    assert len(sp) == 2


def test_crash_in_the_last_line_loses_only_that_line(spool_mod, path, caplog):
    sp = spool_mod.spool(path)
    sp.append(events(4))
    sp.close()
    whole = os.path.getsize(path)
    last = len(lines_of(path)[-1]) + 1
    with open(path, "r+b") as handle:
        handle.truncate(whole - last // 2)  # half of the last line is on disk
    with caplog.at_level(logging.WARNING):
        again = spool_mod.spool(path)
    assert seqs(again.peek()) == [1, 2, 3]
    assert "partial last line" in caplog.text
    assert os.path.getsize(path) == whole - last  # cut at the last newline
    # The next append starts a line of its own: everything reads back.
    again.append(events(1, start=9))
    again.close()
    records = spool_mod.spool(path).peek()
    assert [r["message"] for r in records] == ["line 0", "line 1", "line 2", "line 9"]
    assert seqs(records) == sorted(set(seqs(records)))


def test_a_corrupt_line_in_the_middle_is_skipped(spool_mod, path, caplog):
    sp = spool_mod.spool(path)
    sp.append(events(3))
    sp.close()
    raw = lines_of(path)
    with open(path, "wb") as handle:
        handle.write(b"\n".join([raw[0], b'{"seq": 2, "event": "fail', raw[2]]) + b"\n")
    with caplog.at_level(logging.WARNING):
        again = spool_mod.spool(path)
    assert seqs(again.peek()) == [1, 3]
    assert "corrupt line 2" in caplog.text
    assert seqs(again.append(events(1))) == [4]


def test_overflow_keeps_one_summary_of_the_oldest(spool_mod, burst, path, caplog):
    given = []

    def summarize(records):
        given.append(records)
        return burst.dropped(records)

    sp = spool_mod.spool(path, max_records=10000, summarize=summarize)
    with caplog.at_level(logging.WARNING):
        stored = sp.append(events(10050))
    assert seqs(stored) == list(range(1, 10051))
    assert len(given) == 1
    assert seqs(given[0]) == list(range(1, 52))  # exactly the 51 oldest
    assert len(sp) == 10000
    head = sp.peek(max_records=2)
    assert head[0]["event"] == "dropped" and head[0]["count"] == 51
    assert head[0]["seq"] == 51 and head[1]["seq"] == 52
    assert "dropped the 51 oldest" in caplog.text
    everything = sp.peek(max_records=20000, max_bytes=1 << 30)
    assert sum(burst.total(r) for r in everything) == 10050
    assert seqs(everything) == sorted(seqs(everything))
    sp.close()
    again = spool_mod.spool(path, max_records=10000, summarize=summarize)
    assert again.peek(max_records=20000, max_bytes=1 << 30) == everything
    assert len(given) == 1  # loading within bounds summarizes nothing


def test_overflow_one_at_a_time_folds_the_previous_summary(spool_mod, burst, path):
    given = []

    def summarize(records):
        given.append(records)
        return burst.dropped(records)

    sp = spool_mod.spool(path, max_records=10, summarize=summarize)
    for i in range(25):
        sp.append(events(1, start=i))
        held = sp.peek(max_records=100, max_bytes=1 << 30)
        assert len(held) <= 10
        assert sum(burst.total(r) for r in held) == i + 1
    assert seqs(held) == sorted(seqs(held))
    assert held[0]["event"] == "dropped" and held[0]["count"] == 16
    # From the second overflow on, the previous summary is among the oldest.
    assert given[1][0]["event"] == "dropped"


def test_overflow_without_summarize_drops_and_logs(spool_mod, path, caplog):
    sp = spool_mod.spool(path, max_records=100)
    with caplog.at_level(logging.WARNING):
        sp.append(events(130))
    assert len(sp) == 100
    assert seqs(sp.peek(max_records=1)) == [31]
    assert "dropped the 30 oldest" in caplog.text
    assert sp.dropped == 30


def test_a_failing_summarize_still_bounds_the_spool(spool_mod, path, caplog):
    def summarize(records):
        raise RuntimeError("boom")

    sp = spool_mod.spool(path, max_records=10, summarize=summarize)
    with caplog.at_level(logging.WARNING):
        sp.append(events(15))
    assert len(sp) <= 10
    assert "cannot summarize" in caplog.text


def test_bytes_bound(spool_mod, burst, path):
    sp = spool_mod.spool(path, max_bytes=4000, summarize=burst.dropped)
    for i in range(40):
        sp.append(events(5, start=5 * i, pad=50))
        assert sp.size() <= 4000
        assert os.path.getsize(path) <= 4000
    held = sp.peek(max_records=1000, max_bytes=1 << 30)
    assert held[0]["event"] == "dropped"
    assert sum(burst.total(r) for r in held) == 200
    assert sum(len(spool_mod.encode(r)) for r in held) == sp.size()


def test_lower_bounds_on_restart_apply_at_once(spool_mod, burst, path):
    sp = spool_mod.spool(path)
    sp.append(events(50))
    sp.close()
    again = spool_mod.spool(path, max_records=20, summarize=burst.dropped)
    held = again.peek(max_records=100)
    assert len(held) == 20
    assert sum(burst.total(r) for r in held) == 50


def test_peek_bytes_but_always_one(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(5, pad=300))
    three = sum(len(spool_mod.encode(r)) for r in sp.peek(max_records=3))
    assert seqs(sp.peek(max_bytes=three)) == [1, 2, 3]
    assert seqs(sp.peek(max_bytes=three - 1)) == [1, 2]
    assert seqs(sp.peek(max_bytes=10)) == [1]


def test_compaction_keeps_unacked_records_and_shrinks_the_file(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(200, pad=1000))  # about 1.1 KiB a record
    before = os.path.getsize(path)
    sp.ack(10)  # about 11 KiB acknowledged: not worth a rewrite
    assert os.path.getsize(path) == before
    sp.ack(150)
    after = os.path.getsize(path)
    assert after < before / 3
    assert after == sp.size()
    assert seqs(sp.peek(max_records=1000, max_bytes=1 << 30)) == list(range(151, 201))
    assert not os.path.exists(path + ".tmp")
    sp.close()
    again = spool_mod.spool(path)
    assert seqs(again.peek(max_records=1000, max_bytes=1 << 30)) == list(range(151, 201))
    assert seqs(again.append(events(1))) == [201]


def test_modes(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(1))
    sp.ack(1)
    sp.append(events(1))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path + ".head").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700


def test_closed_spool_refuses_work(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(1))
    sp.close()
    with pytest.raises(ValueError):
        sp.append(events(1))
    assert seqs(spool_mod.spool(path).peek()) == [1]


def test_not_serialisable_writes_nothing(spool_mod, path):
    sp = spool_mod.spool(path)
    sp.append(events(1))
    with pytest.raises(TypeError):
        sp.append([{"event": "x", "bad": object()}])
    assert len(sp) == 1
    sp.close()
    assert seqs(spool_mod.spool(path).peek()) == [1]


def test_append_and_ack_are_fsynced_before_they_return(spool_mod, path, monkeypatch):
    synced = []
    real = os.fsync

    def fsync(fd):
        st = os.fstat(fd)
        synced.append((st.st_ino, st.st_size))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    sp = spool_mod.spool(path)
    sp.append(events(3))
    st = os.stat(path)
    assert (st.st_ino, st.st_size) in synced  # the file as append left it
    del synced[:]
    sp.ack(1)
    st = os.stat(path + ".head")
    assert (st.st_ino, st.st_size) in synced  # the head that was renamed into place
