"""The lab's ifconfig: Solaris 10 output byte for byte, its errors and exit codes."""
import re

import pytest

from lab import flags as F

pytestmark = pytest.mark.salt_independent

HOSTS = ("192.168.10.10\tlabhost\tloghost\n"
         "192.168.10.11\tlabhost-bge0\n"
         "192.168.10.12\tlabhost-bge1\n")

# A probe-based group: test addresses on :0, the data address via addif, a
# standby with its own test address, IPv6 on bge0, bge2 plumbed but unused.
CONFIGURED = """\
lo0: flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL> mtu 8232 index 1
\tinet 127.0.0.1 netmask ff000000 
bge0: flags=9040843<UP,BROADCAST,RUNNING,MULTICAST,DEPRECATED,IPv4,NOFAILOVER> mtu 1500 index 2
\tinet 192.168.10.11 netmask ffffff00 broadcast 192.168.10.255
\tgroupname ipmp0
\tether 0:14:4f:2:e7:af 
bge0:1: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2
\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255
bge1: flags=69040843<UP,BROADCAST,RUNNING,MULTICAST,DEPRECATED,IPv4,NOFAILOVER,STANDBY,INACTIVE> mtu 1500 index 3
\tinet 192.168.10.12 netmask ffffff00 broadcast 192.168.10.255
\tgroupname ipmp0
\tether 0:14:4f:db:32:b5 
bge2: flags=1000842<BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 4
\tinet 0.0.0.0 netmask 0 
\tether 0:14:4f:19:f4:f8 
lo0: flags=2002000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv6,VIRTUAL> mtu 8252 index 1
\tinet6 ::1/128 
bge0: flags=a000841<UP,RUNNING,MULTICAST,IPv6,NOFAILOVER> mtu 1500 index 2
\tinet6 fe80::214:4fff:fe02:e7af/10 
\tgroupname ipmp0
\tether 0:14:4f:2:e7:af 
"""


def run(host, tool, *args):
    return host.tool(tool, *args)


def ok(host, tool, *args):
    return host.tool_ok(tool, *args)


@pytest.fixture
def host(lab_host_factory, etc_inet):
    return etc_inet(lab_host_factory("labhost"), hosts=HOSTS,
                    netmasks="192.168.10.0\t255.255.255.0\n")


def configure(host):
    ok(host, "ifconfig", "bge0", "plumb")
    out = ok(host, "ifconfig", "bge0", "inet", "labhost-bge0", "netmask", "+", "broadcast", "+",
             "group", "ipmp0", "deprecated", "-failover", "up", "addif", "labhost", "netmask",
             "+", "broadcast", "+", "failover", "up").stdout
    assert out == ("Setting netmask of bge0 to 255.255.255.0\n"
                   "Created new logical interface bge0:1\n"
                   "Setting netmask of bge0:1 to 255.255.255.0\n")
    ok(host, "ifconfig", "bge1", "plumb", "labhost-bge1", "netmask", "+", "broadcast", "+",
       "group", "ipmp0", "deprecated", "-failover", "standby", "up")
    ok(host, "ifconfig", "bge0", "inet6", "plumb", "-failover", "group", "ipmp0", "up")
    ok(host, "ifconfig", "bge2", "plumb")


def test_fresh_host_has_only_lo0(host):
    proc = ok(host, "ifconfig", "-a")
    assert proc.stdout == (
        "lo0: flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL> mtu 8232 index 1\n"
        "\tinet 127.0.0.1 netmask ff000000 \n"
        "lo0: flags=2002000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv6,VIRTUAL> mtu 8252 index 1\n"
        "\tinet6 ::1/128 \n")
    assert proc.stderr == ""


def test_configured_host_layout_byte_for_byte(host):
    configure(host)
    assert ok(host, "ifconfig", "-a").stdout == CONFIGURED


def test_flag_hex_is_the_or_of_the_named_flags(host):
    configure(host)
    host.link("bge0", "down")
    stanzas = re.findall(r"^\S+: flags=([0-9a-f]+)<([^>]*)>", ok(host, "ifconfig", "-a").stdout, re.M)
    assert len(stanzas) == 7
    for hexval, names in stanzas:
        value = 0
        for name in names.split(","):
            value |= F.BIT[name]
        assert value == int(hexval, 16)
        assert names.split(",") == F.names(value)


def test_family_filters_and_single_interface(host):
    configure(host)
    four = ok(host, "ifconfig", "-a4").stdout
    assert four == CONFIGURED.split("lo0: flags=2002000849")[0]
    six = ok(host, "ifconfig", "-a6").stdout
    assert six == "lo0: flags=2002000849" + CONFIGURED.split("lo0: flags=2002000849")[1]
    assert ok(host, "ifconfig", "bge0:1").stdout == (
        "bge0:1: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n"
        "\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255\n")
    # an explicit address family prints no ether line
    assert ok(host, "ifconfig", "bge0", "inet6").stdout == (
        "bge0: flags=a000841<UP,RUNNING,MULTICAST,IPv6,NOFAILOVER> mtu 1500 index 2\n"
        "\tinet6 fe80::214:4fff:fe02:e7af/10 \n\tgroupname ipmp0\n")


def test_netmask_plus_falls_back_to_the_class_default(host):
    ok(host, "ifconfig", "bge2", "plumb")
    proc = ok(host, "ifconfig", "bge2", "10.2.3.4", "netmask", "+", "broadcast", "+", "up")
    assert proc.stdout == ""
    assert "\tinet 10.2.3.4 netmask ff000000 broadcast 10.255.255.255\n" in ok(
        host, "ifconfig", "bge2").stdout
    ok(host, "ifconfig", "bge2", "172.16.5.6/24")
    assert "inet 172.16.5.6 netmask ffffff00 broadcast 172.16.5.255\n" in ok(
        host, "ifconfig", "bge2").stdout


@pytest.mark.parametrize("args, message", [
    (("bge9", "plumb"), "ifconfig: plumb: bge9: no such interface\n"),
    (("bge1",), "ifconfig: status: SIOCGLIFFLAGS: bge1: no such interface\n"),
    (("bge1", "up"), "ifconfig: setifflags: SIOCGLIFFLAGS: bge1: no such interface\n"),
    (("bge1", "group", "ipmp0"),
     "ifconfig: setifgroupname: SIOCSLIFGROUPNAME: bge1: no such interface\n"),
    (("bge1", "unplumb"), "ifconfig: unplumb: SIOCGLIFFLAGS: bge1: no such interface\n"),
    (("bge0", "nosuchhost"), "ifconfig: nosuchhost: bad address\n"),
    (("bge0", "addif", "10.0.0.1/33"), "ifconfig: Bad prefix length in 10.0.0.1/33\n"),
    (("bge0:1", "addif", "10.0.0.1"), "ifconfig: addif: bad physical interface name bge0:1\n"),
    (("bge0", "inet6", "netmask", "+"), "ifconfig: Operation netmask not supported for inet6\n"),
    (("bge0", "netmask"), "ifconfig: no argument for netmask\n"),
    (("bge0:0", "unplumb"), "ifconfig: unplumb: Cannot unplumb bge0:0: Invalid interface\n"),
    (("bge0:7", "unplumb"), "ifconfig: unplumb: SIOCLIFREMOVEIF: bge0:7: no such interface\n"),
    (("-u",), "ifconfig: -u: no such interface\n"),
    (("bge0", "zone", "z1"), "ifconfig: unknown zone 'z1'\n"),
    (("b" * 32,), "%s: interface name too long\n" % ("b" * 32)),
])
def test_errors_as_solaris_prints_them(host, args, message):
    ok(host, "ifconfig", "bge0", "plumb")
    proc = run(host, "ifconfig", *args)
    assert (proc.returncode, proc.stderr, proc.stdout) == (1, message, "")


def test_plumbing_twice_complains_but_succeeds(host):
    ok(host, "ifconfig", "bge0", "plumb")
    proc = run(host, "ifconfig", "bge0", "plumb", "up")
    assert (proc.returncode, proc.stderr) == (0, "ifconfig: SIOCSLIFNAME for ip: bge0: already exists\n")
    assert "<UP," in ok(host, "ifconfig", "bge0").stdout


def test_usage_and_illegal_option(host):
    for args in ((), ("-ax",)):
        proc = run(host, "ifconfig", *args)
        assert proc.returncode == 1
        assert proc.stderr.endswith("\tstart | drop | ping | release | status | inform\n")
    assert run(host, "ifconfig", "-ax").stderr.startswith("ifconfig: illegal option -- x\nusage: ")


def test_addif_and_removeif(host):
    ok(host, "ifconfig", "bge0", "plumb", "labhost", "up")
    assert ok(host, "ifconfig", "bge0", "addif", "192.168.10.20", "up").stdout == \
        "Created new logical interface bge0:1\n"
    assert ok(host, "ifconfig", "bge0", "addif", "192.168.10.21").stdout == \
        "Created new logical interface bge0:2\n"
    ok(host, "ifconfig", "bge0", "removeif", "192.168.10.20")
    assert ok(host, "ifconfig", "bge0", "addif", "192.168.10.22").stdout == \
        "Created new logical interface bge0:1\n"
    proc = run(host, "ifconfig", "bge0", "removeif", "192.168.10.10")
    assert (proc.returncode, proc.stderr) == (1, "ifconfig: removeif: can't remove interface: bge0\n")


def test_indexes_are_never_reused_immediately(host):
    ok(host, "ifconfig", "bge1", "plumb")
    ok(host, "ifconfig", "bge0", "plumb")
    ok(host, "ifconfig", "bge1", "unplumb")
    ok(host, "ifconfig", "bge1", "plumb")
    out = ok(host, "ifconfig", "-a4").stdout
    assert "bge0: flags=1000842<BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 3\n" in out
    assert "bge1: flags=1000842<BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 4\n" in out
    assert out.index("bge0:") < out.index("bge1:")


def test_argv_log_records_every_invocation(host):
    mark = len(host.argv())
    run(host, "ifconfig", "bge0", "plumb")
    run(host, "ifconfig", "bge9", "plumb")
    run(host, "dladm", "show-link", "-p")
    entries = host.argv(since=mark)
    assert [e["argv"] for e in entries] == [["ifconfig", "bge0", "plumb"],
                                            ["ifconfig", "bge9", "plumb"],
                                            ["dladm", "show-link", "-p"]]
    assert [e["rc"] for e in entries] == [0, 1, 0]
    assert all(isinstance(e["time"], float) for e in entries)
    assert entries[0]["time"] <= entries[1]["time"] <= entries[2]["time"]
