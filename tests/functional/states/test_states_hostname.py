"""ipmp_hostname.managed through Salt's state loader, files under ipmp.root."""

import os
import pathlib
import stat

import pytest
import salt.loader

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture
def root(tmp_path):
    base = tmp_path / "root"
    (base / "etc" / "inet").mkdir(parents=True)
    return base


@pytest.fixture
def states(loaders, root):
    """``states(test=False)`` -> Salt's state functions for a minion whose ipmp.root is ``root``."""

    def make(test=False):
        loaded = loaders(None, test=test, states_dirs=[str(REPO / "_states")], **{"ipmp.root": str(root)})
        return salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )

    return make


def test_writes_link_based_file_then_nothing(states, root):
    managed = states()["ipmp_hostname.managed"]
    ret = managed("bge0", address="myhost", group="ipmp0")
    path = root / "etc" / "hostname.bge0"
    assert ret["result"] is True, ret
    assert path.read_text() == "myhost netmask + broadcast + group ipmp0 up\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert "+myhost netmask + broadcast + group ipmp0 up" in ret["changes"]["diff"]
    again = managed("bge0", address="myhost", group="ipmp0")
    assert again["changes"] == {} and again["result"] is True


def test_test_mode_predicts_exactly_and_writes_nothing(states, root):
    kwargs = {"name": "e1000g0", "address": "web", "test_address": "web-e1000g0", "group": "ipmp1"}
    predicted = states(test=True)["ipmp_hostname.managed"](**kwargs)
    assert predicted["result"] is None
    assert not (root / "etc" / "hostname.e1000g0").exists()
    real = states()["ipmp_hostname.managed"](**kwargs)
    assert real["result"] is True
    assert real["changes"] == predicted["changes"]
    again = states(test=True)["ipmp_hostname.managed"](**kwargs)
    assert again["result"] is True and again["changes"] == {}


def test_change_shows_unified_diff_and_keeps_mode(states, root):
    path = root / "etc" / "hostname.bge2"
    path.write_text("group ipmp0 up\n")
    os.chmod(str(path), 0o600)
    ret = states()["ipmp_hostname.managed"]("bge2", group="ipmp0", standby=True)
    assert ret["changes"]["diff"].splitlines()[2:] == [
        "@@ -1 +1 @@",
        "-group ipmp0 up",
        "+group ipmp0 standby up",
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_symlink_replaced(states, root):
    shared = root / "etc" / "hostname.shared"
    shared.write_text("group old up\n")
    link = root / "etc" / "hostname.bge0"
    os.symlink("hostname.shared", str(link))
    ret = states()["ipmp_hostname.managed"]("bge0", group="ipmp0", address="myhost")
    assert ret["changes"]["replaced"] == "symlink -> hostname.shared"
    assert not link.is_symlink()
    assert shared.read_text() == "group old up\n"


def test_ipv6_file(states, root):
    ret = states()["ipmp_hostname.managed"](
        "e1000g0", family="inet6", group="ipmp1", probe=True, address="2001:db8:20::10"
    )
    assert ret["result"] is True, ret
    assert (root / "etc" / "hostname6.e1000g0").read_text() == (
        "-failover group ipmp1 up addif 2001:db8:20::10/64 up\n"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "bge0;reboot", "group": "g"},
        {"name": "bge0:1", "group": "g"},
        {"name": "bge0", "group": "bad group"},
        {"name": "bge0", "group": "g", "address": "$(reboot)"},
        {"name": "bge0", "group": "g", "netmask": "255.0.255.0"},
        {"name": "bge0", "group": "g", "extra": ["up;reboot"]},
        {"name": "bge0", "group": "g", "family": "inet4"},
        {"name": "bge0", "group": "g", "family": "inet6", "test_address": "2001:db8::1x"},
        {"name": "bge0", "group": "g", "family": "inet6", "test_address": "2001:db8::1"},
        {"name": "bge0", "group": "g", "address": "2001:db8::1"},
        {"name": "bge0", "group": "g", "family": "inet6", "address": "10.0.0.1"},
        {"name": "bge0", "group": "g", "family": "inet6", "netmask": "255.255.255.0"},
    ],
)
def test_bad_arguments_fail_before_writing(states, root, kwargs):
    ret = states()["ipmp_hostname.managed"](**kwargs)
    assert ret["result"] is False
    assert ret["comment"].startswith("Invalid arguments")
    assert ret["changes"] == {}
    assert sorted(os.listdir(str(root / "etc"))) == ["inet"]


def test_missing_etc_is_a_clear_failure(states, root, tmp_path):
    (root / "etc" / "inet").rmdir()
    (root / "etc").rmdir()
    ret = states()["ipmp_hostname.managed"]("bge0", group="g")
    assert ret["result"] is False
    assert "does not exist" in ret["comment"]
