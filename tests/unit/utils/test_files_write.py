"""Atomic writes, symlink replacement, modes and diffs (ipmp_files)."""

import os
import stat

import pytest

# Pure file and text work: nothing here touches Salt.
pytestmark = pytest.mark.salt_independent


@pytest.fixture(scope="module")
def files(load_util):
    return load_util("ipmp_files")


def mode(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def test_new_file_gets_0644_whatever_the_umask(files, tmp_path):
    old = os.umask(0o077)
    try:
        files.write_atomic(str(tmp_path / "hostname.bge0"), "group g up\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "hostname.bge0") == 0o644
    assert (tmp_path / "hostname.bge0").read_text() == "group g up\n"


def test_existing_file_keeps_its_mode(files, tmp_path):
    target = tmp_path / "mpathd"
    target.write_text("FAILBACK=yes\n")
    os.chmod(str(target), 0o600)
    files.write_atomic(str(target), "FAILBACK=no\n")
    assert mode(target) == 0o600
    assert target.read_text() == "FAILBACK=no\n"


def test_write_replaces_inode_and_leaves_no_temp_file(files, tmp_path):
    target = tmp_path / "hosts"
    target.write_text("old\n")
    before = os.stat(str(target)).st_ino
    keep = open(str(target))  # a reader that opened the old file
    try:
        files.write_atomic(str(target), "new\n")
        assert keep.read() == "old\n"  # never sees a half-written file
    finally:
        keep.close()
    assert os.stat(str(target)).st_ino != before
    assert sorted(os.listdir(str(tmp_path))) == ["hosts"]


def test_symlink_is_replaced_not_written_through(files, tmp_path):
    real = tmp_path / "shared.conf"
    real.write_text("group old up\n")
    os.chmod(str(real), 0o640)
    link = tmp_path / "hostname.bge0"
    os.symlink("shared.conf", str(link))
    changes = files.plan_write(str(link), "group new up\n")
    assert changes["replaced"] == "symlink -> shared.conf"
    assert "-group old up" in changes["diff"]
    files.write_atomic(str(link), "group new up\n")
    assert not os.path.islink(str(link))
    assert link.read_text() == "group new up\n"
    assert real.read_text() == "group old up\n"
    assert mode(link) == 0o640  # mode of what it pointed to


def test_dangling_symlink_replaced_with_new_file_mode(files, tmp_path):
    link = tmp_path / "hostname.bge1"
    os.symlink("nowhere", str(link))
    files.write_atomic(str(link), "x\n")
    assert not os.path.islink(str(link))
    assert mode(link) == 0o644


def test_symlink_with_same_content_still_reported(files, tmp_path):
    (tmp_path / "real").write_text("same\n")
    os.symlink("real", str(tmp_path / "link"))
    changes = files.plan_write(str(tmp_path / "link"), "same\n")
    assert changes == {"replaced": "symlink -> real"}


def test_missing_directory_is_a_clear_error(files, tmp_path):
    with pytest.raises(files.FileError) as err:
        files.write_atomic(str(tmp_path / "nodir" / "hostname.bge0"), "x\n")
    assert "does not exist" in str(err.value)
    assert isinstance(err.value, OSError)


def test_manage_writes_only_outside_test(files, tmp_path):
    target = tmp_path / "netmasks"
    target.write_text("a\n")
    predicted = files.manage(str(target), "b\n", test=True)
    assert target.read_text() == "a\n"
    done = files.manage(str(target), "b\n", test=False)
    assert done == predicted
    assert target.read_text() == "b\n"
    assert files.manage(str(target), "b\n", test=False) is None


def test_diff_of_new_file_is_from_dev_null(files, tmp_path):
    changes = files.plan_write(str(tmp_path / "hostname.bge0"), "myhost up\n")
    assert changes["diff"].splitlines()[:2] == [
        "--- /dev/null",
        "+++ {}".format(tmp_path / "hostname.bge0"),
    ]
    assert "+myhost up" in changes["diff"]
    assert "replaced" not in changes


def test_diff_marks_missing_final_newline(files):
    text = files.diff("a", "a\n", "/x")
    assert "\\ No newline at end of file" in text


def test_read_missing_file_is_none(files, tmp_path):
    assert files.read(str(tmp_path / "nope")) is None
    assert files.describe(str(tmp_path / "nope")) == "missing"


def test_pending_makes_successive_test_edits_predict_like_real_ones(files, tmp_path):
    target = tmp_path / "hosts"
    target.write_text("127.0.0.1 localhost\n")
    pending = {}
    first = files.manage(str(target), "127.0.0.1 localhost\na\n", test=True, pending=pending)
    text = files.current(str(target), pending)
    assert text == "127.0.0.1 localhost\na\n" and target.read_text() == "127.0.0.1 localhost\n"
    second = files.manage(str(target), text + "b\n", test=True, pending=pending)
    assert " a\n+b\n" in second["diff"]
    real1 = files.manage(str(target), "127.0.0.1 localhost\na\n")
    real2 = files.manage(str(target), files.current(str(target)) + "b\n")
    assert (real1, real2) == (first, second)
