"""ifconfig's grammar as the one validation knows it (issue 9): no keyword as
a name, ``extra`` only the harmless tunables, no unusable address, no
loopback member, real booleans, sane hosts entries."""

import pytest
from salt.exceptions import SaltInvocationError


@pytest.fixture(scope="module")
def v(load_util):
    return load_util("ipmp_validate")


WORDS = ["down", "up", "plumb", "unplumb", "failed", "-failed", "standby", "-standby",
         "failover", "-failover", "group", "addif", "removeif", "ether", "deprecated",
         "netmask", "broadcast", "inet", "inet6", "dhcp", "ipmp", "zone", "index", "set",
         "destination", "mtu", "metric", "usesrc", "all-zones", "+", "DOWN", "Up"]


@pytest.mark.parametrize("word", WORDS)
def test_keywords_are_never_names(v, word):
    for func in (v.hostname, v.host, v.group):
        with pytest.raises(SaltInvocationError):
            func(word)


def test_every_grammar_word_is_a_keyword(v):
    assert set(v.TOKENS_NOARG) <= v.KEYWORDS
    assert set(v.TOKENS_ARG) <= v.KEYWORDS
    assert set(v.TOKENS_REFUSED) <= v.KEYWORDS


@pytest.mark.parametrize("name", ["myhost", "web-e1000g0", "downtown", "upstream", "null", "yes", "on"])
def test_ordinary_names_pass(v, name):
    assert v.host(name) == name
    assert v.group(name) == name


@pytest.mark.parametrize("words, expected", [
    (["mtu", "9000"], ["mtu", "9000"]),
    ("mtu 1500 metric 2", ["mtu", "1500", "metric", "2"]),
    (["mtu", 1500], ["mtu", "1500"]),
    (["private", "-private", "router", "-router", "arp", "xmit", "trailers", "-trailers"],
     ["private", "-private", "router", "-router", "arp", "xmit", "trailers", "-trailers"]),
    (None, []),
    ([], []),
])
def test_extra_accepts_the_tunables(v, words, expected):
    assert v.extra(words) == expected


@pytest.mark.parametrize("words, why", [
    (["unplumb"], "state"), (["down"], "state"), (["up"], "state"), (["failed"], "state"),
    (["-failed"], "state"), (["plumb"], "state"),
    (["standby"], "membership"), (["-standby"], "membership"), (["-failover"], "membership"),
    (["failover"], "membership"), (["group", "other"], "membership"),
    (["ether", "0:1:2:3:4:5"], "identity"), (["addif", "10.0.0.1"], "identity"),
    (["removeif", "10.0.0.1"], "identity"), (["dhcp"], "DHCP"), (["inet6"], "family"),
    (["deprecated"], "identity"), (["-deprecated"], "identity"), (["set", "10.0.0.1"], "identity"),
    (["destination", "10.0.0.1"], "identity"), (["index", "3"], "identity"),
    (["zone", "z1"], "identity"), (["ipmp"], "IPMP interfaces"),
    (["netmask", "+"], "netmask key"), (["broadcast", "+"], "netmask key"),
    (["-arp"], "ARP"), (["-xmit"], "ARP"),
    (["mtu"], "needs an argument"), (["mtu", "big"], "number"), (["mtu", "10"], "at least"),
    (["metric"], "needs an argument"),
    (["10.0.0.1"], "not one of"), (["myhost"], "not one of"),
    (["group", "../../etc"], "group"), ("mtu 1500 down", "state"),
    ([True], "not an ifconfig word"), ({"mtu": 1}, "list"),
])
def test_extra_refuses_what_changes_membership_state_or_identity(v, words, why):
    with pytest.raises(SaltInvocationError, match="extra") as info:
        v.extra(words)
    assert why in str(info.value)


@pytest.mark.parametrize("addr", ["0.0.0.0", "127.0.0.1", "127.8.9.10", "255.255.255.255",
                                  "224.0.0.1", "239.1.1.1", "::", "::1", "ff02::1", "127.0.0.1/8"])
def test_unusable_addresses(v, addr):
    with pytest.raises(SaltInvocationError, match="cannot be an interface's address"):
        v.usable_address(addr)


@pytest.mark.parametrize("addr", ["192.168.1.10", "10.0.0.1", "2001:db8::1", "fe80::1", "myhost"])
def test_usable_addresses(v, addr):
    assert v.usable_address(addr) == addr


def test_loopback_is_no_member(v):
    with pytest.raises(SaltInvocationError, match="loopback"):
        v.member("lo0")
    assert v.member("bge0") == "bge0"
    assert v.member("lofi0") == "lofi0"


@pytest.mark.parametrize("value", ["no", "yes", "true", "False", 0, 1, None, []])
def test_strict_boolean(v, value):
    with pytest.raises(SaltInvocationError, match="must be true or false"):
        v.strict_boolean(value, "standby")


def test_strict_boolean_passes_booleans(v):
    assert v.strict_boolean(True, "x") is True and v.strict_boolean(False, "x") is False


@pytest.mark.parametrize("name, addrs, message", [
    ("localhost", "192.168.1.5", "loopback's name"),
    ("LocalHost", "192.168.1.5", "loopback's name"),
    ("loghost", "192.168.1.5", "loopback's name"),
    ("down", "192.168.1.5", "keyword"),
    ("192.168.1.5", "192.168.1.6", "is an address"),
    ("web", "127.0.0.1", "loopback address"),
    ("web", "0.0.0.0", "unspecified"),
    ("web", [], "needs an address"),
    ("web", "nothing", "not an IPv4 or IPv6 address"),
    (None, "192.168.1.5", "not a host name"),
    (True, "192.168.1.5", "not a host name"),
])
def test_hosts_entry_refusals(v, name, addrs, message):
    with pytest.raises(SaltInvocationError, match=message):
        v.hosts_entry(name, addrs)


def test_hosts_entry_normalises(v):
    assert v.hosts_entry("db", ["192.168.30.10", "2001:DB8::10", "192.168.30.10"]) == (
        "db", ["192.168.30.10", "2001:db8::10"])
