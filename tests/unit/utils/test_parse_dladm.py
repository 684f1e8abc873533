"""dladm parsers: Solaris 10 show-link/show-dev (-p and human), illumos -p -o, libofmt escaping."""

import pytest


@pytest.fixture(scope="module")
def parse(load_util):
    return load_util("ipmp_parse")


S10_LINKS = {
    "bge0": {"type": "non-vlan", "mtu": 1500, "device": "bge0", "gldv3": True},
    "e1000g0": {"type": "non-vlan", "mtu": 1500, "device": "e1000g0", "gldv3": True},
    "e1000g876000": {"type": "vlan", "vid": 876, "mtu": 1500, "device": "e1000g0", "gldv3": True},
    "aggr1": {"type": "aggr", "mtu": 1500, "key": 1, "gldv3": True},
    "aggr123001": {"type": "vlan", "vid": 123, "mtu": 1500, "key": 1, "gldv3": True},
    "ce0": {"type": "legacy", "mtu": 1500, "device": "ce0", "gldv3": False},
}


def test_show_link_p(parse, fixture_text):
    assert parse.dladm_show_link(fixture_text("dladm-show-link-p.s10.txt")) == S10_LINKS


def test_show_link_human_layout(parse, fixture_text):
    assert parse.dladm_show_link(fixture_text("dladm-show-link.s10.txt")) == S10_LINKS


def test_show_link_vlan_has_unquoted_space(parse):
    out = parse.dladm_show_link("e1000g876000 type=vlan 876 mtu=1500 device=e1000g0\n")
    assert out == {"e1000g876000": {"type": "vlan", "vid": 876, "mtu": 1500, "device": "e1000g0", "gldv3": True}}


def test_show_link_collapsed_whitespace(parse, fixture_text):
    """Newlines lost in a copy (as in the troysunix page) still give every record."""
    text = fixture_text("dladm-show-link-p.s10.txt")
    assert parse.dladm_show_link(" ".join(text.split())) == S10_LINKS


def test_show_link_empty_and_errors(parse):
    assert parse.dladm_show_link("") == {}
    assert parse.dladm_show_link(None) == {}
    assert parse.dladm_show_link("dladm: invalid link name 'foo'\n") == {}


S10_DEVS = {
    "bge0": {"link": "up", "speed": 1000, "duplex": "full"},
    "bge1": {"link": "down", "speed": 0, "duplex": "unknown"},
    "e1000g0": {"link": "up", "speed": 100, "duplex": "half"},
}


def test_show_dev_p(parse, fixture_text):
    assert parse.dladm_show_dev(fixture_text("dladm-show-dev-p.s10.txt")) == S10_DEVS


def test_show_dev_human_layout(parse, fixture_text):
    # "speed: %-5u Mbps": 1000 is followed by two blanks
    assert "speed: 1000  Mbps" in fixture_text("dladm-show-dev.s10.txt")
    assert parse.dladm_show_dev(fixture_text("dladm-show-dev.s10.txt")) == S10_DEVS


def test_show_dev_empty(parse):
    assert parse.dladm_show_dev("") == {}


# --- libofmt -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, fields",
    [
        ("net0:phys:1500", ["net0", "phys", "1500"]),
        ("net0:0\\:e0\\:81\\:27\\:d4\\:47:yes", ["net0", "0:e0:81:27:d4:47", "yes"]),
        ("a\\\\b:c", ["a\\b", "c"]),
        ("a\\\\:b", ["a\\", "b"]),
        ("a\\\\\\:b:c", ["a\\:b", "c"]),
        ("::", ["", "", ""]),
        ("net0:", ["net0", ""]),
        ("", [""]),
        ("fe80\\:\\:1:up\n", ["fe80::1", "up"]),
        ("trailing\\", ["trailing\\"]),
    ],
)
def test_ofmt_split(parse, line, fields):
    assert parse.ofmt_split(line) == fields


def test_ofmt_single_field_is_not_escaped(parse):
    # libofmt prints a lone field verbatim, colons included
    rows = parse.ofmt("0:e0:81:27:d4:47\n", ["address"])
    assert rows == [{"address": "0:e0:81:27:d4:47"}]


def test_ofmt_fields_as_string_and_short_rows(parse):
    rows = parse.ofmt("net0:phys\nnet1:phys:1500\n\n", "LINK,Class,mtu")
    assert rows == [{"link": "net0", "class": "phys"}, {"link": "net1", "class": "phys", "mtu": "1500"}]
    with pytest.raises(ValueError):
        parse.ofmt("x", [])


def test_show_phys_m_escaped_colons(parse, fixture_text):
    rows = parse.ofmt(fixture_text("dladm-show-phys-m-po.illumos.txt"), "link,slot,address,inuse,client")
    assert rows[0] == {"link": "net0", "slot": "primary", "address": "0:e0:81:27:d4:47", "inuse": "yes", "client": "net0"}
    assert rows[1]["address"] == "8:0:20:fe:4e:a5"
    assert rows[1]["client"] == ""
    assert [parse.normalize_mac(r["address"]) for r in rows][2] == "08:00:20:fe:4e:a6"


def test_show_link_ofmt(parse, fixture_text):
    out = parse.dladm_show_link_ofmt(
        fixture_text("dladm-show-link-po.illumos.txt"), ["link", "class", "mtu", "state", "bridge", "over"]
    )
    assert out["net0"] == {"class": "phys", "mtu": 1500, "state": "up", "over": [], "gldv3": True}
    assert out["net1"]["state"] == "down"
    assert out["net2"]["bridge"] == "br0"
    assert out["aggr0"]["over"] == ["net3", "net4"]
    assert out["aggr1"]["over"] == ["net5", "net6"]  # older illumos joined with a blank
    assert out["vlan876"] == {"class": "vlan", "mtu": 1500, "state": "up", "over": ["net0"], "gldv3": True}
    assert out["stub0"]["class"] == "etherstub"
    assert len(out) == 8


def test_show_link_ofmt_needs_link_field(parse):
    with pytest.raises(ValueError):
        parse.dladm_show_link_ofmt("phys:1500\n", "class,mtu")


def test_show_link_ofmt_subset_of_fields(parse):
    out = parse.dladm_show_link_ofmt("net0:up\nnet1:unknown\n", "link,state")
    assert out == {"net0": {"state": "up", "gldv3": True}, "net1": {"state": "unknown", "gldv3": True}}


def test_show_phys_ofmt(parse, fixture_text):
    out = parse.dladm_show_phys_ofmt(
        fixture_text("dladm-show-phys-po.illumos.txt"), "link,media,state,speed,duplex,device"
    )
    assert out["net0"] == {
        "media": "Ethernet", "state": "up", "link": "up", "speed": 1000, "duplex": "full", "device": "e1000g0",
    }
    assert out["net1"]["speed"] == 0 and out["net1"]["link"] == "down"
    assert out["net2"]["speed"] == 10000


def test_ofmt_empty(parse):
    assert parse.dladm_show_link_ofmt("", "link,class") == {}
    assert parse.dladm_show_phys_ofmt("\n", "link,state") == {}


# --- human tables (illumos / Solaris 11) -----------------------------------------------------


def test_table_wrapped_rows_and_repeated_header(parse):
    text = (
        "LINK        CLASS     MTU    STATE    BRIDGE     OVER\n"
        "net0        phys      1500   up       --         --\n"
        "aggr0       aggr      1500   up       --         net1,net2,\n"
        "                                                 net3\n"
        "LINK        CLASS     MTU    STATE    BRIDGE     OVER\n"
        "net9        phys      1500   down     --         --\n"
    )
    out = parse.dladm_show_link_table(text)
    assert out["aggr0"]["over"] == ["net1", "net2", "net3"]
    assert out["net0"] == {"class": "phys", "mtu": 1500, "state": "up", "over": [], "gldv3": True}
    assert sorted(out) == ["aggr0", "net0", "net9"]


def test_show_phys_table(parse):
    text = (
        "LINK         MEDIA                STATE      SPEED  DUPLEX    DEVICE\n"
        "net0         Ethernet             up         1000   full      e1000g0\n"
        "net1         Ethernet             unknown    0      unknown   e1000g1\n"
    )
    out = parse.dladm_show_phys_table(text)
    assert out["net0"] == {"media": "Ethernet", "state": "up", "link": "up", "speed": 1000, "duplex": "full", "device": "e1000g0"}
    assert out["net1"]["speed"] == 0


def test_table_empty(parse):
    assert parse.table("") == []
    assert parse.table("LINK CLASS\n") == []
