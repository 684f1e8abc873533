"""What ipmp_files refuses to read or write (issue 9): anything that is not a
regular file, a directory that leaves ipmp.root through a symbolic link, and
bytes that are not UTF-8 (reported, never passed on as surrogates)."""

import os

import pytest

pytestmark = pytest.mark.salt_independent


@pytest.fixture(scope="module")
def files(load_util):
    return load_util("ipmp_files")


def test_fifo_is_refused_without_blocking(files, tmp_path):
    fifo = tmp_path / "hostname.bge0"
    os.mkfifo(str(fifo))
    with pytest.raises(OSError, match="is a FIFO, not a regular file"):
        files.read(str(fifo))
    with pytest.raises(OSError, match="is a FIFO"):
        files.write_atomic(str(fifo), "group g up\n")
    with pytest.raises(OSError, match="is a FIFO"):
        files.manage(str(fifo), "group g up\n")
    assert not any(p.name.startswith(".hostname") for p in tmp_path.iterdir())


def test_directory_and_device_are_refused(files, tmp_path):
    (tmp_path / "hostname.bge0").mkdir()
    with pytest.raises(OSError, match="is a directory"):
        files.read(str(tmp_path / "hostname.bge0"))
    with pytest.raises(OSError, match="is a device"):
        files.read("/dev/null")


def test_link_to_a_fifo_is_refused(files, tmp_path):
    os.mkfifo(str(tmp_path / "pipe"))
    os.symlink("pipe", str(tmp_path / "hostname.bge0"))
    with pytest.raises(OSError, match="FIFO"):
        files.read(str(tmp_path / "hostname.bge0"))


def test_undecodable_bytes_are_reported(files, tmp_path):
    path = tmp_path / "hosts"
    path.write_bytes(b"127.0.0.1\tlocalhost\n\xff\xfe bad\n")
    with pytest.raises(OSError, match=r"is not UTF-8 text \(byte 0xff at offset 20\)") as info:
        files.read(str(path))
    str(info.value).encode("utf-8")  # no surrogate escapes in the message


def test_symlinked_parent_leaving_the_root_is_refused(files, tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    (root / "etc").mkdir(parents=True)
    outside.mkdir()
    os.symlink(str(outside), str(root / "etc" / "default"))
    with pytest.raises(OSError, match="outside ipmp.root"):
        files.confine(str(root), str(root / "etc" / "default" / "mpathd"))
    inside = root / "etc" / "inet"
    inside.mkdir()
    os.symlink("inet", str(root / "etc" / "alias"))
    assert files.confine(str(root), str(root / "etc" / "alias" / "hosts"))
    assert files.confine("/", "/etc/inet/hosts") == "/etc/inet/hosts"
    assert files.confine(str(root), str(root / "etc" / "hostname.bge0"))
