"""ipmp_parse.ifconfig and the flag tables, against fixtures in Solaris's ifconfig layout."""

import re

import pytest


@pytest.fixture(scope="module")
def parse(load_util):
    return load_util("ipmp_parse")


@pytest.fixture(scope="module")
def link_standby(parse, fixture_text):
    return parse.ifconfig(fixture_text("ifconfig-a.s10-link-standby.txt"))


# --- flag table ---------------------------------------------------------------------------


def test_flag_bits_match_net_if_h(parse):
    bits = parse.FLAG_BITS
    assert bits["UP"] == 0x1
    assert bits["RUNNING"] == 0x40
    assert bits["DEPRECATED"] == 0x40000
    assert bits["IPv4"] == 0x1000000
    assert bits["NOFAILOVER"] == 0x8000000
    assert bits["FAILED"] == 0x10000000
    assert bits["STANDBY"] == 0x20000000
    assert bits["INACTIVE"] == 0x40000000
    assert bits["OFFLINE"] == 0x80000000
    assert bits["DUPLICATE"] == 0x4000000000
    assert bits["IPMP"] == 0x8000000000
    assert bits["VRRP"] == 0x10000000000
    assert bits["L3PROTECT"] == 0x40000000000
    assert bits["MIP"] == bits["NOACCEPT"] == 0x4000000
    # every other name has its own single bit
    single = [v for k, v in bits.items() if k not in ("MIP", "NOACCEPT")]
    assert len(set(single)) == len(single)
    assert all(v & (v - 1) == 0 for v in single)


def test_decode_flags_failed_nic_from_hex(parse):
    # hme1 after a cable pull (RUNNING absent), as shown on a Solaris IPMP page
    assert parse.decode_flags(0x19040803) == [
        "UP", "BROADCAST", "MULTICAST", "DEPRECATED", "IPv4", "NOFAILOVER", "FAILED",
    ]


def test_decode_flags_standby_order(parse):
    assert parse.decode_flags(0x69040843) == [
        "UP", "BROADCAST", "RUNNING", "MULTICAST", "DEPRECATED", "IPv4",
        "NOFAILOVER", "STANDBY", "INACTIVE",
    ]


def test_decode_flags_mip_vs_noaccept(parse):
    # Solaris 10 names bit 0x4000000 MIP, between IPv6 and NOFAILOVER
    assert parse.decode_flags(0x5000843) == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4", "MIP"]
    # an illumos-only bit makes it NOACCEPT, printed after VRRP
    assert parse.decode_flags(0x10005000843) == [
        "UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4", "VRRP", "NOACCEPT",
    ]
    assert parse.decode_flags(0x5000843, flavor="illumos")[-1] == "NOACCEPT"
    assert parse.decode_flags(0x8001000843) == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4", "IPMP"]


def test_decode_flags_unnamed_bits_and_bad_flavor(parse):
    # NOLINKLOCAL (0x20000000000) has no printed name
    assert parse.decode_flags(0x20000000000 | 0x1) == ["UP"]
    assert parse.decode_flags(0) == []
    with pytest.raises(ValueError):
        parse.decode_flags(1, flavor="linux")


def test_encode_flags_roundtrip(parse):
    names = ["UP", "BROADCAST", "RUNNING", "MULTICAST", "DEPRECATED", "IPv4", "NOFAILOVER"]
    assert parse.encode_flags(names) == 0x9040843
    assert parse.decode_flags(parse.encode_flags(names)) == names


@pytest.mark.parametrize(
    "name",
    [
        "ifconfig-a.s10-link-standby.txt",
        "ifconfig-a.s10-after-failover.txt",
        "ifconfig-a.s10-offline.txt",
        "ifconfig-a.s10-probe-spaces.txt",
        "ifconfig-a.s10-zones.txt",
        "ifconfig-a.illumos-ipmp.txt",
    ],
)
def test_fixture_flag_names_agree_with_hex(parse, fixture_text, name):
    """My fixtures are only worth something if their hex and names agree, as ifconfig prints them."""
    seen = 0
    for match in re.finditer(r"flags=([0-9a-f]+)<([^>]*)>", fixture_text(name)):
        value = int(match.group(1), 16)
        names = match.group(2).split(",")
        assert parse.encode_flags(names) == value, match.group(0)
        assert parse.decode_flags(value) == names, match.group(0)
        seen += 1
    assert seen >= 2


# --- helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hexmask, dotted",
    [("ffffff00", "255.255.255.0"), ("ff000000", "255.0.0.0"), ("0", "0.0.0.0"),
     ("fffffffc", "255.255.255.252"), ("FFFF0000", "255.255.0.0")],
)
def test_hex_to_netmask(parse, hexmask, dotted):
    assert parse.hex_to_netmask(hexmask) == dotted


def test_hex_to_netmask_rejects_garbage(parse):
    with pytest.raises(ValueError):
        parse.hex_to_netmask("1ffffffff")
    with pytest.raises(ValueError):
        parse.hex_to_netmask("zz")


@pytest.mark.parametrize(
    "raw, norm",
    [("0:14:4f:69:c2:c8", "00:14:4f:69:c2:c8"), ("8:0:20:d9:ac:c", "08:00:20:d9:ac:0c"),
     ("0:3:BA:4:5C:E", "00:03:ba:04:5c:0e"), ("not-a-mac", "not-a-mac")],
)
def test_normalize_mac(parse, raw, norm):
    assert parse.normalize_mac(raw) == norm


# --- ifconfig -a, link-based group with standby ----------------------------------------------


def test_empty_output(parse):
    assert parse.ifconfig("") == {}
    assert parse.ifconfig(None) == {}
    assert parse.ifconfig("\n\n   \n") == {}


def test_link_standby_names(link_standby):
    assert sorted(link_standby) == ["bge0", "bge0:1", "bge2", "lo0"]


def test_link_standby_active_nic(link_standby):
    assert link_standby["bge0"]["inet"] == {
        "flags": ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4"],
        "mtu": 1500,
        "index": 2,
        "address": "192.168.10.10",
        "netmask": "255.255.255.0",
        "broadcast": "192.168.10.255",
        "groupname": "ipmp0",
    }
    assert link_standby["bge0"]["ether"] == "00:14:4f:69:c2:c8"


def test_link_standby_ipv6_merged(link_standby):
    inet6 = link_standby["bge0"]["inet6"]
    assert inet6 == {
        "flags": ["UP", "RUNNING", "MULTICAST", "IPv6", "NOFAILOVER"],
        "mtu": 1500,
        "index": 2,
        "address": "fe80::214:4fff:fe69:c2c8",
        "prefixlen": 10,
        "groupname": "ipmp0",
    }
    # the logical IPv6 address has no groupname and no ether line
    assert link_standby["bge0:1"] == {
        "inet6": {
            "flags": ["UP", "RUNNING", "MULTICAST", "ADDRCONF", "IPv6"],
            "mtu": 1500,
            "index": 2,
            "address": "2001:db8:10::214:4fff:fe69:c2c8",
            "prefixlen": 64,
        }
    }


def test_link_standby_standby_nic(link_standby):
    bge2 = link_standby["bge2"]["inet"]
    assert "STANDBY" in bge2["flags"] and "INACTIVE" in bge2["flags"]
    assert "UP" not in bge2["flags"]
    assert bge2["mtu"] == 0
    assert bge2["address"] == "0.0.0.0"
    assert bge2["netmask"] == "0.0.0.0"
    assert "broadcast" not in bge2
    assert bge2["groupname"] == "ipmp0"


def test_loopback(link_standby):
    lo0 = link_standby["lo0"]
    assert "ether" not in lo0
    assert lo0["inet"]["address"] == "127.0.0.1"
    assert lo0["inet"]["netmask"] == "255.0.0.0"
    assert lo0["inet6"]["address"] == "::1"
    assert lo0["inet6"]["prefixlen"] == 128
    assert isinstance(lo0["inet"]["mtu"], int) and isinstance(lo0["inet"]["index"], int)


# --- after a failover and after if_mpadm -d ---------------------------------------------------


def test_after_failover(parse, fixture_text):
    out = parse.ifconfig(fixture_text("ifconfig-a.s10-after-failover.txt"))
    bge0 = out["bge0"]["inet"]
    assert bge0["flags"] == ["BROADCAST", "MULTICAST", "IPv4", "NOFAILOVER", "FAILED"]
    assert bge0["address"] == "0.0.0.0"  # replacement address kept as printed
    assert "RUNNING" not in bge0["flags"]
    assert out["bge0"]["inet6"]["flags"][-1] == "FAILED"
    # the data address moved to the standby as a new logical interface
    assert out["bge2:1"]["inet"]["address"] == "192.168.10.10"
    assert "groupname" not in out["bge2:1"]["inet"]
    assert "INACTIVE" not in out["bge2"]["inet"]["flags"]
    assert out["bge2"]["inet"]["broadcast"] == "0.255.255.255"


def test_offline(parse, fixture_text):
    out = parse.ifconfig(fixture_text("ifconfig-a.s10-offline.txt"))
    assert "OFFLINE" in out["bge0"]["inet"]["flags"]
    assert out["bge0"]["inet"]["address"] == "0.0.0.0"
    assert out["bge2:1"]["inet"]["address"] == "192.168.10.10"


# --- probe-based group, whitespace instead of TABs ------------------------------------------


def test_probe_based_spaces(parse, fixture_text):
    out = parse.ifconfig(fixture_text("ifconfig-a.s10-probe-spaces.txt"))
    assert sorted(out) == ["e1000g0", "e1000g0:1", "e1000g0:2", "e1000g1", "lo0"]
    test = out["e1000g0"]["inet"]
    assert test["flags"] == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "DEPRECATED", "IPv4", "NOFAILOVER"]
    assert test["address"] == "10.20.30.41"
    assert test["groupname"] == "web"
    assert out["e1000g0"]["ether"] == "00:03:ba:04:5c:0e"
    data1 = out["e1000g0:1"]
    assert set(data1) == {"inet"}
    assert data1["inet"]["address"] == "10.20.30.40"
    assert "DEPRECATED" not in data1["inet"]["flags"]
    data2 = out["e1000g0:2"]["inet"]
    assert "DEPRECATED" in data2["flags"] and "NOFAILOVER" not in data2["flags"]
    assert "groupname" not in data2
    standby = out["e1000g1"]["inet"]
    assert standby["flags"][-2:] == ["STANDBY", "INACTIVE"]
    assert standby["address"] == "10.20.30.42"
    assert out["lo0"]["inet"]["netmask"] == "255.0.0.0"


def test_tabs_and_spaces_parse_the_same(parse, fixture_text):
    tabbed = fixture_text("ifconfig-a.s10-link-standby.txt")
    spaced = tabbed.replace("\t", "        ").replace(" \n", "\n")
    assert parse.ifconfig(spaced) == parse.ifconfig(tabbed)


def test_collapsed_newlines_still_parse(parse, fixture_text):
    """A scrape that lost every newline still yields the same stanzas."""
    text = fixture_text("ifconfig-a.s10-probe-spaces.txt")
    assert parse.ifconfig(" ".join(text.split())) == parse.ifconfig(text)


def test_crlf_and_indented_headers(parse, fixture_text):
    text = fixture_text("ifconfig-a.s10-link-standby.txt")
    indented = "\r\n".join("    " + line for line in text.splitlines())
    assert parse.ifconfig(indented) == parse.ifconfig(text)


# --- zones, metric, point-to-point, DHCP ----------------------------------------------------


def test_zones(parse, fixture_text):
    out = parse.ifconfig(fixture_text("ifconfig-a.s10-zones.txt"))
    assert out["bge0:1"]["inet"]["zone"] == "web1"
    assert out["bge0:1"]["inet6"]["zone"] == "web1"
    assert out["lo0:1"]["inet"]["zone"] == "web1"
    assert out["bge0:2"]["inet"]["all_zones"] is True
    assert "zone" not in out["bge0:2"]["inet"]
    assert out["bge0:3"]["inet"]["zone"] == "7"  # "zone %d" when the name is unknown
    assert "zone" not in out["bge0"]["inet"] and "all_zones" not in out["bge0"]["inet"]


def test_metric_and_dhcp(parse, fixture_text):
    bge0 = parse.ifconfig(fixture_text("ifconfig-a.s10-zones.txt"))["bge0"]["inet"]
    assert bge0["metric"] == 2
    assert bge0["mtu"] == 1500
    assert "DHCP" in bge0["flags"]


def test_point_to_point_tunnel(parse, fixture_text):
    tun = parse.ifconfig(fixture_text("ifconfig-a.s10-zones.txt"))["ip.tun0"]["inet"]
    assert tun["address"] == "10.99.0.1"
    assert tun["destination"] == "10.99.0.2"
    assert tun["netmask"] == "255.0.0.0"
    assert tun["tunnel_src"] == "192.168.10.10"
    assert tun["tunnel_dst"] == "203.0.113.9"
    assert "broadcast" not in tun


def test_ipv6_point_to_point(parse):
    text = (
        "ip.tun1: flags=2200851<UP,POINTOPOINT,RUNNING,MULTICAST,NONUD,IPv6> mtu 1460 index 7\n"
        "\tinet6 fe80::a/10 --> fe80::b \n"
    )
    tun = parse.ifconfig(text)["ip.tun1"]["inet6"]
    assert tun["address"] == "fe80::a"
    assert tun["prefixlen"] == 10
    assert tun["destination"] == "fe80::b"


# --- flag names missing ---------------------------------------------------------------------


def test_hex_only_flags_decoded(parse, fixture_text):
    out = parse.ifconfig(fixture_text("ifconfig-a.s10-hex-only.txt"))
    assert out["hme0"]["inet"]["flags"] == [
        "UP", "BROADCAST", "RUNNING", "MULTICAST", "DEPRECATED", "IPv4", "NOFAILOVER",
    ]
    assert out["hme1"]["inet"]["flags"] == [
        "UP", "BROADCAST", "MULTICAST", "DEPRECATED", "IPv4", "NOFAILOVER", "FAILED",
    ]
    assert out["hme1:1"]["inet"]["flags"][-1] == "MIP"
    assert out["hme0"]["ether"] == "08:00:20:d9:ac:0c"


def test_printed_names_win_over_hex(parse):
    # doc example: hex includes NOFAILOVER, the (hand-edited) list does not; keep what is printed
    text = "hme0: flags=9000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n\tinet 10.0.0.1 netmask ff000000 \n"
    assert parse.ifconfig(text)["hme0"]["inet"]["flags"] == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4"]


def test_no_named_flags_gives_empty_list(parse):
    out = parse.ifconfig("bge3: flags=0 mtu 0 index 9\n\tinet 0.0.0.0 netmask 0 \n")
    assert out["bge3"]["inet"]["flags"] == []
    assert out["bge3"]["inet"]["address"] == "0.0.0.0"


# --- illumos IPMP interface -------------------------------------------------------------------


def test_illumos_ipmp_interface(parse, fixture_text):
    out = parse.ifconfig(fixture_text("ifconfig-a.illumos-ipmp.txt"))
    ipmp0 = out["ipmp0"]
    assert "IPMP" in ipmp0["inet"]["flags"]
    assert ipmp0["inet"]["groupname"] == "ipmp0"
    assert ipmp0["inet"]["address"] == "192.168.20.10"
    assert "ether" not in ipmp0
    assert ipmp0["inet6"]["address"] == "::"
    assert ipmp0["inet6"]["prefixlen"] == 0
    assert "IPMP" in out["ipmp0:1"]["inet"]["flags"]
    assert out["net0"]["inet"]["groupname"] == "ipmp0"
    assert out["net1"]["inet"]["flags"] == ["BROADCAST", "RUNNING", "MULTICAST", "IPv4", "STANDBY", "INACTIVE"]
    # hex only, illumos bits: VRRP and NOACCEPT (not MIP)
    assert out["net2"]["inet"]["flags"] == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4", "VRRP", "NOACCEPT"]
    assert out["net2"]["ether"] == "02:08:20:a1:b2:c5"


# --- single-interface forms and odd lines -----------------------------------------------------


def test_single_interface_output(parse):
    text = (
        "bge0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n"
        "\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255\n"
        "\tgroupname ipmp0\n"
        "\tether 0:14:4f:69:c2:c8 \n"
    )
    assert list(parse.ifconfig(text)) == ["bge0"]


def test_srcof_usesrc_nolocal_and_ipib(parse):
    text = (
        "vni0: flags=20010300c1<UP,RUNNING,NOARP,NOXMIT,NOLOCAL,IPv4,VIRTUAL> mtu 0 index 5\n"
        "\tsrcof bge0 bge1\n"
        "\tinet subnet 10.1.1.0/24 netmask ffffff00 \n"
        "bge1: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 3\n"
        "\tusesrc vni0\n"
        "\tinet 10.1.1.5 netmask ffffff00 broadcast 10.1.1.255\n"
        "bge4: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 8\n"
        "\tusesrc ifIndex 5\n"
        "\tinet 10.1.2.5 netmask ffffff00 broadcast 10.1.2.255\n"
        "ibd0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 2044 index 4\n"
        "\tinet 10.9.0.1 netmask ffff0000 broadcast 10.9.255.255\n"
        "\tipib 0:1:0:4a:fe:80:0:0:0:0:0:0:0:2:c9:2:0:21:5a:f1 \n"
    )
    out = parse.ifconfig(text)
    assert out["vni0"]["inet"]["srcof"] == ["bge0", "bge1"]
    assert out["vni0"]["inet"]["subnet"] == "10.1.1.0/24"
    assert "address" not in out["vni0"]["inet"]
    assert out["bge1"]["inet"]["usesrc"] == "vni0"
    assert out["bge4"]["inet"]["usesrc_index"] == 5
    assert out["ibd0"]["ipib"].startswith("00:01:00:4a:fe:80")


def test_garbage_around_stanzas_ignored(parse):
    text = (
        "ifconfig: status: SIOCGLIFFLAGS: bge9: no such interface\n"
        "bge0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n"
        "\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255\n"
        "\tsomething new 42\n"
    )
    out = parse.ifconfig(text)
    assert list(out) == ["bge0"]
    assert out["bge0"]["inet"]["address"] == "192.168.10.10"


def test_bytes_input(parse, fixture_text):
    text = fixture_text("ifconfig-a.s10-link-standby.txt")
    assert parse.ifconfig(text.encode("ascii")) == parse.ifconfig(text)
