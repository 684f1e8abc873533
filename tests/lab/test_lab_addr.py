"""Solaris libc semantics the lab relies on: address parsing/printing, netmasks, msgids."""
import pytest

from lab import addr as A
from lab import flags as F
from lab import syslog

pytestmark = pytest.mark.salt_independent


@pytest.mark.parametrize("text, value", [
    ("192.168.1.10", 0xc0a8010a), ("0xffffff00", 0xffffff00), ("10.1", 0x0a000001),
    ("010.0.0.1", 0x08000001), ("1.2.3.4.5", None), ("256.1.1.1", None), ("", None),
    ("1.2.3.", None), ("host", None),
])
def test_inet_aton(text, value):
    assert A.inet_aton(text) == value


@pytest.mark.parametrize("text", ["::1", "::", "fe80::214:4fff:fe69:c2c8", "2001:db8::1",
                                  "1:0:1:1:1:1:1:1", "::ffff:1.2.3.4", "1::", "1:2:3:4:5:6:7:8"])
def test_inet6_round_trip(text):
    assert A.fmt6(A.parse6(text)) == text


def test_eui64_link_local():
    assert A.fmt6(A.linklocal("00:14:4f:69:c2:c8")) == "fe80::214:4fff:fe69:c2c8"
    assert A.mac_short("00:14:4f:06:0a:0b") == "0:14:4f:6:a:b"


def test_netmask_lookup_vlsm_then_classful(tmp_path):
    (tmp_path / "etc" / "inet").mkdir(parents=True)
    (tmp_path / "etc" / "inet" / "netmasks").write_text(
        "# comment\n192.168.10.0\t255.255.255.0\n10.0.0.0 255.255.0.0\n172.16.4.0 255.255.252.0\n")
    root = str(tmp_path)
    assert A.netmask_lookup(root, A.inet_aton("192.168.10.77")) == 0xffffff00
    assert A.netmask_lookup(root, A.inet_aton("10.9.8.7")) == 0xffff0000
    assert A.netmask_lookup(root, A.inet_aton("172.16.6.1")) == 0xfffffc00
    assert A.netmask_lookup(root, A.inet_aton("192.168.11.1")) is None


def test_msgids_match_the_solaris_hash():
    assert syslog.msgid("The link has gone down on %s\n") == 215189
    assert syslog.msgid("NIC repair detected on %s of group %s\n") == 299542
    assert syslog.msgid("%s: %m\n") == 801587


def test_flag_rendering():
    assert F.render(0x69040843) == (
        "flags=69040843<UP,BROADCAST,RUNNING,MULTICAST,DEPRECATED,IPv4,NOFAILOVER,STANDBY,INACTIVE>")
    assert F.render(0) == "flags=0"
    assert F.PHYINT & F.ILL == 0 and F.PHYINT & F.LOGINT == 0 and F.ILL & F.LOGINT == 0
