"""Solaris 11 / illumos parsers (_utils/ipmp_parse_s11.py) over libofmt rows
split by ipmp_parse.ofmt: ipmpstat -P -o (-g, -i, -a, -t) and ipadm
show-if / show-addr (-p -o) and show-ifprop (-c -o).  Fixtures are written
from the formats in shared/reference (escaped ``\\:``, empty fields,
``(inactive)`` / ``[unusable]`` decorations, a group name that is not its
IPMP interface's name, long names)."""

import pytest

pytestmark = pytest.mark.salt_independent


@pytest.fixture(scope="module")
def s11(load_util):
    return load_util("ipmp_parse_s11")


@pytest.fixture(scope="module")
def rows(load_util, s11):
    ofmt = load_util("ipmp_parse").ofmt

    def split(text, what, platform="solaris11"):
        if what in ("g", "i", "a", "t"):
            fields = s11.ipmpstat_fields(what)
        else:
            fields = s11.ipadm_fields(what, platform)
        return ofmt(text, fields)

    return split


# ---------------------------------------------------------------- ipmpstat -g


def test_groups_two(s11, rows, fixture_text):
    out = s11.ipmpstat_g(rows(fixture_text("ipmpstat-gP.s11-two-groups.txt"), "g"))
    assert out == {
        "ipmp0": {
            "interface": "ipmp0", "state": "ok", "fdt": 10000,
            "active": ["net0", "net1"], "inactive": ["net2"], "unusable": [],
        },
        "frontend": {
            "interface": "ipmp1", "state": "degraded",
            "active": ["net3"], "inactive": [], "unusable": ["net4", "net5"],
        },
    }


def test_groups_edge(s11, rows, fixture_text):
    out = s11.ipmpstat_g(rows(fixture_text("ipmpstat-gP.edge.txt"), "g"))
    # escaped ':' and '\' in the group name; the anonymous group is left out
    assert sorted(out) == ["acctg1", "back:office\\team-group-name-31", "ipmp0", "ipmp9"]
    long = out["back:office\\team-group-name-31"]
    assert long == {
        "interface": "ipmpbackofficelong77", "state": "degraded", "fdt": 20500,
        "active": ["e1000g876000"], "inactive": ["e1000g876001"], "unusable": ["e1000g876002"],
    }
    assert out["acctg1"]["unusable"] == ["hme0", "hme1"]
    assert "fdt" not in out["acctg1"]
    assert out["ipmp9"] == {
        "interface": "ipmp9", "state": "failed", "active": [], "inactive": [], "unusable": [],
    }


@pytest.mark.parametrize(
    "text, expected",
    [("10.00s", 10000), ("0.10s", 100), ("20.5s", 20500), ("7s", 7000), ("", None), ("--", None),
     ("<3>", None)],
)
def test_fdt(s11, text, expected):
    assert s11.fdt_ms(text) == expected


def test_interfaces_field_orders(s11):
    assert s11.interfaces_field("net2 net7 (net5) [net6]") == {
        "active": ["net2", "net7"], "inactive": ["net5"], "unusable": ["net6"]}
    assert s11.interfaces_field("[net3 net4]") == {
        "active": [], "inactive": [], "unusable": ["net3", "net4"]}
    assert s11.interfaces_field("") == {"active": [], "inactive": [], "unusable": []}


# ---------------------------------------------------------------- ipmpstat -i


def test_interfaces_two(s11, rows, fixture_text):
    out = s11.ipmpstat_i(rows(fixture_text("ipmpstat-iP.s11-two-groups.txt"), "i"))
    assert list(out) == ["net0", "net1", "net2", "net3", "net4", "net5"]
    assert out["net0"] == {
        "active": True, "flags": ["mcast", "bcast", "mcast6"], "group": "ipmp0",
        "link": "up", "probe": "ok", "state": "ok",
    }
    assert out["net2"]["flags"] == ["inactive", "standby"]
    assert out["net2"]["active"] is False
    assert out["net4"] == {
        "active": False, "flags": [], "group": "ipmp1", "link": "down",
        "probe": "disabled", "state": "failed",
    }


def test_interfaces_edge(s11, rows, fixture_text):
    out = s11.ipmpstat_i(rows(fixture_text("ipmpstat-iP.edge.txt"), "i"))
    assert out["e1000g876000"]["group"] == "ipmpbackofficelong77"
    assert out["e1000g876002"]["flags"] == ["down"]
    assert out["hme0"]["flags"] == ["dup_hwaddr"]
    assert "group" not in out["net7"]  # anonymous group


# ---------------------------------------------------------------- ipmpstat -a / -t


def test_addresses_two(s11, rows, fixture_text):
    out = s11.ipmpstat_a(rows(fixture_text("ipmpstat-aP.s11-two-groups.txt"), "a"))
    assert out[2] == {"address": "2001:db8::50", "state": "up", "group": "ipmp0",
                      "inbound": "net0", "outbound": ["net0", "net1"]}
    assert out[-1] == {"address": "::", "state": "down", "group": "ipmp1", "outbound": []}
    assert [a["address"] for a in out] == [
        "192.168.1.50", "192.168.1.51", "2001:db8::50", "fe80::214:4fff:fe00:1", "10.0.0.10", "::"]


def test_addresses_placeholders_are_kept_as_rows(s11, rows, fixture_text):
    out = s11.ipmpstat_a(rows(fixture_text("ipmpstat-aP.edge.txt"), "a"))
    assert [a["address"] for a in out] == ["0.0.0.0", "::", "192.168.10.10", "2001:db8:0:1::a"]
    assert "inbound" not in out[3] and out[3]["outbound"] == []


def test_targets(s11, rows, fixture_text):
    out = s11.ipmpstat_t(rows(fixture_text("ipmpstat-tP.s11-two-groups.txt"), "t"))
    assert out[1] == {"interface": "net0", "mode": "multicast",
                      "testaddr": "fe80::8:20ff:fe00:1", "targets": ["fe80::1", "fe80::2"]}
    assert out[4] == {"interface": "net3", "mode": "disabled", "targets": []}
    edge = s11.ipmpstat_t(rows(fixture_text("ipmpstat-tP.edge.txt"), "t"))
    assert edge[1] == {"interface": "e1000g876001", "mode": "transitive", "targets": []}
    assert edge[2]["testaddr"] == "2001:db8:0:1::b"
    assert edge[0]["targets"] == ["10.1.0.1", "10.1.0.2", "10.1.0.3"]


def test_empty_output(s11, rows):
    assert s11.ipmpstat_g(rows("", "g")) == {}
    assert s11.ipmpstat_i(rows("\n", "i")) == {}
    assert s11.ipmpstat_a(rows("", "a")) == []
    assert s11.ipmpstat_t(rows("", "t")) == []


# ---------------------------------------------------------------- ipadm show-if


def test_show_if_solaris11(s11, rows, fixture_text):
    out = s11.ipadm_show_if(rows(fixture_text("ipadm-show-if.s11.txt"), "show-if"))
    assert out["ipmp0"] == {"class": "ipmp", "state": "ok", "active": True,
                            "over": ["net0", "net1", "net2"], "persistent": True}
    assert out["net4"] == {"class": "ip", "state": "failed", "active": False,
                           "over": [], "persistent": True}
    assert out["lo0"]["class"] == "loopback"
    assert out["net9"]["persistent"] is False


def test_show_if_illumos(s11, rows, fixture_text):
    text = fixture_text("ipadm-show-if.illumos.txt")
    out = s11.ipadm_show_if(rows(text, "show-if", "illumos"), {"ipmp0": ["net0", "net1"]})
    assert out == {
        "lo0": {"class": "virtual", "state": "ok", "active": True, "over": [], "persistent": False},
        "net0": {"class": "ip", "state": "ok", "active": True, "over": [], "persistent": True},
        "net1": {"class": "ip", "state": "ok", "active": False, "over": [], "persistent": True},
        "ipmp0": {"class": "ipmp", "state": "ok", "active": True, "over": ["net0", "net1"],
                  "persistent": True},
        "net9": {"class": "ip", "state": "down", "active": False, "over": [], "persistent": False},
    }


def test_show_if_illumos_without_members(s11, rows, fixture_text):
    text = fixture_text("ipadm-show-if.illumos.txt")
    assert s11.ipadm_show_if(rows(text, "show-if", "illumos"))["ipmp0"]["over"] == []


# ---------------------------------------------------------------- ipadm show-addr


def test_show_addr(s11, rows, fixture_text):
    out = s11.ipadm_show_addr(rows(fixture_text("ipadm-show-addr.s11.txt"), "show-addr"))
    assert out["ipmp0/v4"] == {"interface": "ipmp0", "type": "static", "state": "ok",
                               "address": "192.168.1.50", "prefixlen": 24, "persistent": True}
    assert out["lo0/v6"] == {"interface": "lo0", "type": "static", "state": "ok",
                             "address": "::1", "prefixlen": 128, "persistent": True}
    assert out["ipmp0/v6"]["address"] == "2001:db8::50"
    assert out["net9/v4"]["persistent"] is False
    assert out["net7/v4"] == {"interface": "net7", "type": "dhcp", "state": "tentative",
                              "persistent": True}
    assert out["net6/v6"]["address"] == "fe80::8:20ff:fe00:6"
    assert out["net6/v6"]["prefixlen"] == 10
    assert out["tun0/v4"] == {"interface": "tun0", "type": "static", "state": "ok",
                              "address": "10.1.1.1", "destination": "10.1.1.2", "persistent": True}
    assert out["net5/?"]["address"] == "10.5.0.1"
    assert out["net5/?2"]["address"] == "10.5.0.2"
    assert out["net4/old"]["address"] == "oldhost"
    assert out["net4/old"]["prefixlen"] == 24


@pytest.mark.parametrize(
    "text, expected",
    [
        ("192.168.1.50/24", {"address": "192.168.1.50", "prefixlen": 24}),
        ("::1/128", {"address": "::1", "prefixlen": 128}),
        ("10.0.0.1", {"address": "10.0.0.1"}),
        ("?", {}),
        ("", {}),
        ("fe80::1%igb0/10", {"address": "fe80::1", "prefixlen": 10}),
        ("a->b", {"address": "a", "destination": "b"}),
    ],
)
def test_split_addr(s11, text, expected):
    assert s11.split_addr(text) == expected


# ---------------------------------------------------------------- ipadm show-ifprop


def test_show_ifprop(s11, rows, fixture_text):
    out = s11.ipadm_show_ifprop(rows(fixture_text("ipadm-show-ifprop.s11.txt"), "show-ifprop"))
    assert out["net0"]["ip"]["standby"] == {
        "perm": "rw", "current": "off", "default": "off", "possible": ["on", "off"]}
    assert out["net0"]["ip"]["group"] == {"perm": "rw", "current": "ipmp0", "persistent": "ipmp0"}
    assert out["net0"]["ipv4"]["mtu"] == {
        "perm": "rw", "current": 1500, "default": 1500, "possible": ["68-9000"]}
    assert out["net1"]["ip"]["group"]["current"] == "007"  # a name, not a number
    assert out["net4"]["ip"]["fwifgroup"] == {"perm": "rw", "current": "foo"}
    assert out["ipmp0"]["ip"]["allow-xprobe"]["possible"] == ["inherit", "true", "false"]


def test_ifprop_value_with_escaped_colon(load_util, s11):
    ofmt = load_util("ipmp_parse").ofmt
    text = "net0:zone:ip:rw:a\\:b::x:\n"
    out = s11.ipadm_show_ifprop(ofmt(text, s11.ipadm_fields("show-ifprop")))
    assert out["net0"]["ip"]["zone"] == {"perm": "rw", "current": "a:b", "default": "x"}


# ---------------------------------------------------------------- field lists and hints


def test_field_lists(s11):
    assert s11.ipadm_fields("show-if", "illumos") == ["ifname", "class", "state", "current",
                                                      "persistent"]
    assert "over" in s11.ipadm_fields("show-if", "solaris11")
    with pytest.raises(ValueError):
        s11.ipadm_fields("show-prop")
    fields = s11.ipmpstat_fields("g")
    fields.append("x")
    assert "x" not in s11.ipmpstat_fields("g")


@pytest.mark.parametrize(
    "text, word",
    [
        ("ipadm: cannot create address: Persistent operation on temporary object", "DefaultFixed"),
        ("ipadm: cannot add net0 to ipmp0: Underlying interface has addresses managed by "
         "dhcpagent(8)", "delete_addr"),
        ("ipadm: Cannot ping in.mpathd: cannot contact in.mpathd", "svc:/network/ipmp"),
        ("ipadm: Could not delete ipmp0: IPMP group is not empty", "remove_ipmp"),
        ("ipadm: unrecognized option '-t'", "--temporary"),
    ],
)
def test_hints(s11, text, word):
    assert word in s11.ipadm_hint(text)


def test_no_hint_for_unknown_errors(s11):
    assert s11.ipadm_hint("ipadm: something else") is None
    assert s11.ipadm_hint(None) is None
