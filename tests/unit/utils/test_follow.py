"""The shared log follower (_utils/ipmp_follow.py): nothing lost, nothing repeated."""

import json
import logging
import os
import shutil

import pytest

pytestmark = pytest.mark.salt_independent

LINE = "Jan  5 10:22:{:02d} sol1 in.mpathd[123]: [ID 215189 daemon.error] The link has gone down on bge{}\n"


@pytest.fixture
def follow(load_util):
    return load_util("ipmp_follow")


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "messages"
    path.write_bytes(b"")
    return path


def append(path, text):
    with open(str(path), "ab") as handle:
        handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))


def make(follow, path, tmp_path, **kwargs):
    state = str(tmp_path / "state" / "pos.json")
    return follow.follower(str(path), state_file=state, **kwargs)


def drain(fol):
    """Poll until the follower has nothing more pending; lines and origins."""
    got, origins = [], []
    for _ in range(1000):
        got.extend(fol.poll())
        origins.extend(fol.origins)
        if not fol.more:
            break
    return got, origins


def copytruncate(path, copy):
    shutil.copyfile(str(path), str(copy))
    with open(str(path), "r+b") as handle:
        handle.truncate(0)


def prefix(path):
    st = os.stat(str(path))
    return "{}:{}:".format(st.st_dev, st.st_ino)


def test_first_start_on_existing_file_skips_old_lines(follow, log, tmp_path):
    append(log, LINE.format(1, 0) + LINE.format(2, 1))
    fol = make(follow, log, tmp_path)
    assert fol.poll() == []
    append(log, LINE.format(3, 2))
    assert fol.poll() == [LINE.format(3, 2).rstrip("\n")]


def test_first_start_keeps_a_trailing_partial_line(follow, log, tmp_path):
    append(log, LINE.format(1, 0) + "Jan  5 10:22:02 sol1 in.mpathd[1]: The link has ")
    fol = make(follow, log, tmp_path)
    assert fol.poll() == []
    append(log, "gone down on bge1\n")
    assert fol.poll() == ["Jan  5 10:22:02 sol1 in.mpathd[1]: The link has gone down on bge1"]


def test_file_created_after_start_is_read_from_its_start(follow, tmp_path):
    path = tmp_path / "later"
    fol = make(follow, path, tmp_path)
    assert fol.poll() == []
    append(path, "a\nb\n")
    assert fol.poll() == ["a", "b"]


def test_partial_line_waits_for_its_newline(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "first\nsec")
    assert fol.poll() == ["first"]
    assert fol.poll() == []
    append(log, "ond\nthird")
    assert fol.poll() == ["second"]
    append(log, "\n")
    assert fol.poll() == ["third"]


def test_idle_poll_only_stats(follow, log, tmp_path, monkeypatch):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "x\n")
    assert fol.poll() == ["x"]
    calls = []
    real_read = follow._read_at

    def counting(*args):
        calls.append(args)
        return real_read(*args)

    monkeypatch.setattr(follow, "_read_at", counting)
    for _ in range(100):
        assert fol.poll() == []
    assert calls == []


def test_rotation_reads_rest_of_old_file_then_new_file(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, rotate_grace=0)
    fol.poll()
    append(log, "before\n")
    assert fol.poll() == ["before"]
    append(log, "written just before rotation\n")
    os.rename(str(log), str(log) + ".0")
    append(log, "first line after rotation\n")
    assert fol.poll() == ["written just before rotation", "first line after rotation"]
    append(log, "next\n")
    assert fol.poll() == ["next"]


def test_rotation_with_late_writer_to_old_file(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, rotate_grace=60)
    fol.poll()
    os.rename(str(log), str(log) + ".0")
    append(log, "new file\n")
    assert fol.poll() == ["new file"]
    # syslogd has not reopened yet: one more line lands in the old file.
    append(str(log) + ".0", "late old\n")
    assert fol.poll() == ["late old"]


def test_renamed_without_new_file_keeps_following_old(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    os.rename(str(log), str(log) + ".0")
    append(str(log) + ".0", "still old\n")
    assert fol.poll() == ["still old"]
    append(log, "new\n")
    assert fol.poll() == ["new"]


def test_truncation_restarts_from_zero(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "a long line number one\nand two\n")
    assert fol.poll() == ["a long line number one", "and two"]
    with open(str(log), "wb") as handle:  # copytruncate
        handle.write(b"short\n")
    assert fol.poll() == ["short"]


def test_truncated_and_regrown_past_offset_is_noticed(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "aaaa\n")
    assert fol.poll() == ["aaaa"]
    with open(str(log), "wb") as handle:
        handle.write(b"bbbbbbbb\ncccc\n")
    assert fol.poll() == ["bbbbbbbb", "cccc"]


def test_copytruncate_nul_bytes_are_dropped(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, b"\0\0\0\0real line\n")
    assert fol.poll() == ["real line"]


def test_non_utf8_bytes_are_replaced(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, b"caf\xe9 \xff\xfe ok\r\n")
    assert fol.poll() == ["caf\ufffd \ufffd\ufffd ok"]


def test_burst_of_10000_lines_in_order(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, max_bytes=64 * 1024)
    fol.poll()
    append(log, "".join("line {}\n".format(i) for i in range(10000)))
    got = []
    for _ in range(1000):
        got.extend(fol.poll())
        if not fol.more:
            break
    assert got == ["line {}".format(i) for i in range(10000)]


def test_restart_with_persisted_position(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "one\ntwo\n")
    assert fol.poll() == ["one", "two"]
    assert fol.commit() is True
    assert fol.commit() is False  # nothing new: no write
    fol.close()
    append(log, "three\n")
    fol2 = make(follow, log, tmp_path)
    assert fol2.poll() == ["three"]


def test_restart_without_commit_repeats_rather_than_loses(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    fol.commit()
    append(log, "one\n")
    assert fol.poll() == ["one"]
    fol.close()  # crashed before commit
    fol2 = make(follow, log, tmp_path)
    assert fol2.poll() == ["one"]


def test_restart_after_rotation_while_down(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, rotate_grace=0)
    fol.poll()
    append(log, "seen\n")
    assert fol.poll() == ["seen"]
    fol.commit()
    fol.close()
    append(log, "unseen in old\n")
    os.rename(str(log), str(log) + ".0")
    append(log, "in new\n")
    fol2 = make(follow, log, tmp_path, rotate_grace=0)
    assert fol2.poll() == ["unseen in old", "in new"]


def test_restart_when_file_was_missing(follow, tmp_path):
    path = tmp_path / "absent"
    fol = make(follow, path, tmp_path)
    fol.poll()
    fol.commit()
    fol.close()
    append(path, "created while down\n")
    fol2 = make(follow, path, tmp_path)
    assert fol2.poll() == ["created while down"]


def test_corrupt_position_file_starts_at_end(follow, log, tmp_path):
    append(log, "old\n")
    state = tmp_path / "state" / "pos.json"
    state.parent.mkdir()
    state.write_text("{not json")
    fol = follow.follower(str(log), state_file=str(state))
    assert fol.poll() == []
    append(log, "new\n")
    assert fol.poll() == ["new"]


def test_position_file_content(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "abc\n")
    fol.poll()
    fol.commit()
    state = json.loads((tmp_path / "state" / "pos.json").read_text())
    st = os.stat(str(log))
    assert state["ino"] == st.st_ino and state["dev"] == st.st_dev
    assert state["offset"] == 4


def test_overlong_line_is_cut_not_held_forever(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, max_line=100)
    fol.poll()
    append(log, "x" * 250)
    got = fol.poll()
    assert got == ["x" * 250]


def test_state_path_is_per_consumer_and_file(follow, tmp_path):
    a = follow.state_path(str(tmp_path), "beacon-ipmp", "/var/adm/messages")
    b = follow.state_path(str(tmp_path), "engine-ipmp_events", "/var/adm/messages")
    c = follow.state_path(str(tmp_path), "beacon-ipmp", "/a/var/adm/messages")
    assert len({a, b, c}) == 3
    assert a.startswith(os.path.join(str(tmp_path), "ipmp", "tail"))


def test_burst_across_rotation_keeps_order(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, max_bytes=4096, rotate_grace=0)
    fol.poll()
    append(log, "".join("old {}\n".format(i) for i in range(2000)))
    os.rename(str(log), str(log) + ".0")
    append(log, "".join("new {}\n".format(i) for i in range(2000)))
    got = []
    for _ in range(1000):
        got.extend(fol.poll())
        if not fol.more and len(got) >= 4000:
            break
    assert got == ["old {}".format(i) for i in range(2000)] + ["new {}".format(i) for i in range(2000)]


def test_final_fragment_of_rotated_file_is_handed_on(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, rotate_grace=0)
    fol.poll()
    append(log, "complete\nno newline at the end")
    os.rename(str(log), str(log) + ".0")
    append(log, "new\n")
    assert fol.poll() == ["complete", "no newline at the end", "new"]
    assert fol.poll() == []


def test_fragment_of_rotated_file_waits_for_a_late_writer(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, rotate_grace=60)
    fol.poll()
    append(log, "complete\nhalf a li")
    os.rename(str(log), str(log) + ".0")
    append(log, "new\n")
    assert fol.poll() == ["complete", "new"]
    append(str(log) + ".0", "ne\n")
    assert fol.poll() == ["half a line"]


def test_origins_are_parallel_and_stable_across_a_restart(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    assert fol.poll() == [] and fol.origins == []
    fol.commit()
    append(log, "one\n\n   \ntwo\nthr")
    assert fol.poll() == ["one", "two"]
    where = prefix(log)
    assert fol.origins == [where + "0", where + "9"]
    assert fol.poll() == [] and fol.origins == []
    fol.close()  # crashed before commit
    fol2 = make(follow, log, tmp_path)
    assert fol2.poll() == ["one", "two"]
    assert fol2.origins == [where + "0", where + "9"]
    append(log, "ee\n")
    assert fol2.poll() == ["three"]
    assert fol2.origins == [where + "13"]


def test_origin_of_a_final_fragment_is_where_it_starts(follow, log, tmp_path):
    fol = make(follow, log, tmp_path, rotate_grace=0)
    fol.poll()
    append(log, "complete\nno newline")
    where = prefix(log)
    os.rename(str(log), str(log) + ".0")
    append(log, "new\n")
    assert fol.poll() == ["complete", "no newline", "new"]
    assert fol.origins == [where + "0", where + "9", prefix(log) + "0"]


@pytest.mark.parametrize("max_bytes", [None, 20])
def test_copytruncate_reads_the_unread_end_of_the_copy_first(follow, log, tmp_path, max_bytes):
    kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
    fol = make(follow, log, tmp_path, **kwargs)
    fol.poll()
    append(log, "seen 0\nseen 1\n")
    assert drain(fol)[0] == ["seen 0", "seen 1"]
    append(log, "unread 0\nunread 1\nunread 2\n")
    copy = tmp_path / "messages.0"
    copytruncate(log, copy)
    append(log, "new 0\nnew 1\n")
    got, origins = drain(fol)
    assert got == ["unread 0", "unread 1", "unread 2", "new 0", "new 1"]
    assert origins == [prefix(copy) + str(n) for n in (14, 23, 32)] + [
        prefix(log) + str(n) for n in (0, 6)
    ]
    assert drain(fol)[0] == []
    append(log, "new 2\n")
    assert drain(fol)[0] == ["new 2"]
    assert fol._old == []


def test_copytruncate_ignores_compressed_and_non_matching_siblings(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "seen 0\nseen 1\n")
    assert fol.poll() == ["seen 0", "seen 1"]
    append(log, "unread 0\nunread 1\nunread 2\n")
    copy = tmp_path / "messages-20261130"
    copytruncate(log, copy)
    # Decoys, all newer than the real copy: a compressed file with the same
    # bytes before the offset, a sibling with other content, a directory.
    gz = tmp_path / "messages.0.gz"
    gz.write_bytes(b"seen 0\nseen 1\ndecoy gz\n")
    other = tmp_path / "messages.1"
    other.write_bytes(b"other 0\nother 1\nother 2\nother 3\n")
    (tmp_path / "messages.d").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(str(tmp_path / "messages.fifo"))
    later = os.stat(str(copy)).st_mtime + 100
    for decoy in (gz, other):
        os.utime(str(decoy), (later, later))
    # Regrown past the old offset: noticed by the signature, not the size.
    append(log, "".join("new {} with a longer text\n".format(i) for i in range(3)))
    assert fol.poll() == ["unread 0", "unread 1", "unread 2"] + [
        "new {} with a longer text".format(i) for i in range(3)
    ]
    assert fol.poll() == []


def test_copytruncate_prefers_the_most_recent_matching_copy(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "seen\n")
    assert fol.poll() == ["seen"]
    append(log, "unread 0\nunread 1\nunread 2\n")
    newer = tmp_path / "messages.1"
    copytruncate(log, newer)
    older = tmp_path / "messages.0"
    older.write_bytes(b"seen\nunread 0\n")
    then = os.stat(str(newer)).st_mtime - 100
    os.utime(str(older), (then, then))
    append(log, "new\n")
    assert fol.poll() == ["unread 0", "unread 1", "unread 2", "new"]


def test_truncation_without_a_copy_warns_and_reads_the_new_file(
    follow, log, tmp_path, caplog
):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "seen\n")
    assert fol.poll() == ["seen"]
    (tmp_path / "messages.0").write_bytes(b"unrelated\n")
    with open(str(log), "wb") as handle:
        handle.write(b"new\n")
    with caplog.at_level(logging.WARNING):
        assert fol.poll() == ["new"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "ipmp_follow: {} was truncated and no copy of its unread end was found;"
        " lines written after offset 5 before the truncation are lost".format(log)
    ]


def test_copytruncate_while_stopped_reads_the_copy_first(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    append(log, "seen 0\nseen 1\n")
    assert fol.poll() == ["seen 0", "seen 1"]
    fol.commit()
    fol.close()
    append(log, "unread 0\nunread 1\nunread 2\n")
    copytruncate(log, tmp_path / "messages.0")
    append(log, "new 0\n")
    fol2 = make(follow, log, tmp_path)
    assert fol2.poll() == ["unread 0", "unread 1", "unread 2", "new 0"]
    assert fol2.poll() == []
    fol2.commit()
    state = json.loads((tmp_path / "state" / "pos.json").read_text())
    assert state["version"] == 1 and state["offset"] == 6
    assert (state["dev"], state["ino"]) == tuple(os.stat(str(log))[i] for i in (2, 1))


def test_burst_of_10000_lines_with_the_default_bound(follow, log, tmp_path):
    fol = make(follow, log, tmp_path)
    fol.poll()
    want = [LINE.format(i % 60, i).rstrip("\n") for i in range(10000)]
    append(log, "".join(line + "\n" for line in want))
    assert os.path.getsize(str(log)) > follow.MAX_BYTES
    got = []
    polls = 0
    while True:
        batch = fol.poll()
        polls += 1
        assert sum(len(line) + 1 for line in batch) <= 512 * 1024
        got.extend(batch)
        if not fol.more:
            break
        assert polls < 100
    assert polls >= 2
    assert got == want
    assert fol.poll() == []
