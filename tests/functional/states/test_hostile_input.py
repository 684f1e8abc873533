"""Hostile and odd input (issue 9): every pillar key and state argument that
takes a name, an address or ifconfig words, fed values ifconfig or YAML would
misread.  Each case asserts a clear error naming the key and an unchanged
host: no command beyond reads in the argv log, every file byte for byte.

Through Salt's loaders against a converged lab Solaris 10 host: the pillar
check (``ipmp.check_pillar``, what the formula renders with), the
``ipmp_group.present``, ``ipmp_hostname.managed`` and ``ipmp_inet.host``
states.
"""

import copy
import pathlib

import pytest
import salt.loader
from salt.exceptions import SaltInvocationError

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("bge0", "bge1", "bge2")
KEYWORDS = ("down", "up", "plumb", "unplumb", "failed", "standby", "-failover", "group",
            "addif", "ether", "netmask", "broadcast", "inet6", "dhcp", "zone", "index", "ipmp")
YAML_SPECIAL = ("null", "yes", "on", "123", "0x1F", "1.5")
BAD_ADDRESSES = ("0.0.0.0", "127.0.0.1", "127.1.2.3", "255.255.255.255", "224.0.0.1")
BAD_EXTRA = (
    ["unplumb"], ["down"], ["up"], ["failed"], ["-failed"], ["standby"], ["-standby"],
    ["failover"], ["-failover"], ["group", "other"], ["group", "../../etc"], ["removeif", "10.0.0.1"],
    ["addif", "10.0.0.1"], ["ether", "0:1:2:3:4:5"], ["dhcp"], ["inet6"], ["deprecated"],
    ["-deprecated"], ["set", "10.0.0.1"], ["destination", "10.0.0.1"], ["index", "3"],
    ["zone", "z1"], ["ipmp"], ["plumb"], ["mtu"], ["mtu", "big"], ["metric"], ["-arp"],
    ["-xmit"], ["netmask", "255.0.0.0"], ["broadcast", "+"], ["10.0.0.1"], ["myhost"],
    "mtu 1500 down", ["mtu", "1500", "group", "x"],
)
PILLAR = {
    "hosts": {"myhost": "192.168.10.10"},
    "groups": {
        "ipmp0": {
            "failure_detection": "link",
            "interfaces": {"bge0": {"address": "myhost"}, "bge2": {"standby": True}},
        }
    },
}


@pytest.fixture(scope="module")
def converged(lab_host_factory):
    host = lab_host_factory("sol1", nics=NICS)
    hosts = host.path("etc/inet/hosts")
    hosts.write_text(hosts.read_text() + "192.168.10.10\tmyhost\n")
    for args in (["bge0", "plumb", "myhost", "netmask", "+", "broadcast", "+", "group", "ipmp0", "up"],
                 ["bge2", "plumb", "group", "ipmp0", "standby", "up"]):
        host.tool_ok("ifconfig", *args)
    host.path("etc/hostname.bge0").write_text("myhost netmask + broadcast + group ipmp0 up\n")
    host.path("etc/hostname.bge2").write_text("group ipmp0 standby up\n")
    return host


def snapshot(host):
    files = {}
    for path in sorted(host.path("etc").rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[str(path)] = path.read_bytes()
    return files, host.tool_ok("ifconfig", "-a").stdout


def mutating(commands):
    return [c for c in commands
            if c != ["ifconfig", "-a"] and not (c[0] == "dladm" and c[1].startswith("show-"))]


@pytest.fixture
def run(loaders, converged):
    """``run(kind, *args, **kwargs)`` on the converged host; asserts it changed nothing."""

    loaded = loaders(converged, states_dirs=[str(REPO / "_states")])
    states = salt.loader.states(
        loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
        context=loaded.context,
    )

    def call(kind, *args, **kwargs):
        before = snapshot(converged)
        mark = len(converged.commands())
        loaded.reset_context()
        if kind == "pillar":
            try:
                loaded["ipmp.check_pillar"](*args)
                result = None
            except SaltInvocationError as exc:
                result = str(exc)
        else:
            ret = states[kind](*args, **kwargs)
            assert ret["result"] is False, ret
            assert ret["changes"] == {}, ret
            result = ret["comment"]
        assert mutating(converged.commands(since=mark)) == []
        assert snapshot(converged) == before
        return result

    return call


def refused(text, word):
    """The message says why: a keyword, or (a leading ``-``) not a valid name."""
    return "keyword" in text or (word.startswith("-") and "not a valid" in text)


def pillar_with(path, value):
    data = copy.deepcopy(PILLAR)
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return data


# ------------------------------------------------------------- names as keywords
@pytest.mark.parametrize("word", KEYWORDS)
@pytest.mark.parametrize("key", ["address", "test_address"])
def test_keyword_as_address_refused_everywhere(run, word, key):
    iface = {"address": "myhost"}
    detection = "link"
    if key == "test_address":
        iface["test_address"] = word
        detection = "probe"
    else:
        iface["address"] = word
    data = pillar_with(["groups", "ipmp0"], {"failure_detection": detection,
                                             "interfaces": {"bge0": iface}})
    data["hosts"][word] = "192.168.10.99"
    text = run("pillar", data)
    assert "ipmp:hosts:{}".format(word) in text and refused(text, word)
    assert "ipmp:groups:ipmp0:interfaces:bge0:{}".format(key) in text
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": iface},
               failure_detection=detection)
    assert "interfaces:bge0:{}".format(key) in text and refused(text, word), text
    kwargs = {key: word, "group": "ipmp0"}
    text = run("ipmp_hostname.managed", "bge0", **kwargs)
    assert "{}: ".format(key) in text and refused(text, word), text


@pytest.mark.parametrize("word", KEYWORDS)
def test_keyword_as_group_or_host_name_refused(run, word):
    text = run("pillar", {"groups": {word: PILLAR["groups"]["ipmp0"]}})
    assert "ipmp:groups:{}".format(word) in text and refused(text, word)
    text = run("ipmp_group.present", word, interfaces={"bge0": {"address": "myhost"}})
    assert refused(text, word)
    text = run("ipmp_hostname.managed", "bge0", address="myhost", group=word)
    assert "group: " in text and refused(text, word)
    text = run("ipmp_inet.host", word, "192.168.10.99")
    assert "name" in text and refused(text, word)
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               hosts={word: "192.168.10.99"})
    assert "hosts:{}".format(word) in text


# ------------------------------------------------------------------- extra
@pytest.mark.parametrize("extra", BAD_EXTRA, ids=lambda e: " ".join(e) if isinstance(e, list) else e)
def test_extra_refused_by_grammar(run, extra):
    data = pillar_with(["groups", "ipmp0", "interfaces", "bge0"], {"address": "myhost", "extra": extra})
    text = run("pillar", data)
    assert "ipmp:groups:ipmp0:interfaces:bge0:extra" in text
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost", "extra": extra}})
    assert "interfaces:bge0:extra" in text, text
    text = run("ipmp_hostname.managed", "bge0", address="myhost", group="ipmp0", extra=extra)
    assert "extra: " in text, text


# ------------------------------------------------------- unusable addresses
@pytest.mark.parametrize("addr", BAD_ADDRESSES)
def test_unusable_addresses_refused(run, addr):
    data = pillar_with(["groups", "ipmp0", "interfaces", "bge0"], {"address": addr})
    text = run("pillar", data)
    assert "ipmp:groups:ipmp0:interfaces:bge0:address" in text
    text = run("pillar", pillar_with(["hosts", "myhost"], addr))
    assert "ipmp:hosts:myhost" in text
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": addr}})
    assert "interfaces:bge0:address" in text
    text = run("ipmp_hostname.managed", "bge0", address=addr, group="ipmp0")
    assert "address: " in text
    text = run("ipmp_inet.host", "myhost", addr)
    assert addr in text


@pytest.mark.parametrize("addr", ["::1", "ff02::1", "::"])
def test_unusable_ipv6_addresses_refused(run, addr):
    data = pillar_with(["groups", "ipmp0", "interfaces", "bge0"], {"address": "myhost", "address6": addr})
    assert "ipmp:groups:ipmp0:interfaces:bge0:address6" in run("pillar", data)


def test_resolved_unusable_address_refused_by_the_state(run):
    # a hosts argument with a loopback address is refused as it comes in ...
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "evil"}},
               hosts={"evil": "127.0.0.1"})
    assert "hosts:evil" in text
    # ... and a name the hosts file resolves to one once resolved
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "localhost"}})
    assert "interfaces:bge0:address" in text and "loopback" in text, text


# ---------------------------------------------------- loopback, localhost
def test_loopback_member_refused(run):
    text = run("pillar", pillar_with(["groups", "ipmp0", "interfaces", "lo0"], {}))
    assert "ipmp:groups:ipmp0:interfaces:lo0" in text and "loopback" in text
    text = run("ipmp_group.present", "ipmp0", interfaces={"lo0": {"address": "myhost"}})
    assert "interfaces:lo0" in text and "loopback" in text
    text = run("ipmp_hostname.managed", "lo0", address="myhost", group="ipmp0")
    assert "name: " in text and "loopback" in text


@pytest.mark.parametrize("name", ["localhost", "LOCALHOST", "loghost"])
def test_localhost_entry_refused(run, name):
    text = run("pillar", pillar_with(["hosts", name], "192.168.10.50"))
    assert "ipmp:hosts:{}".format(name) in text
    text = run("ipmp_inet.host", name, "192.168.10.50")
    assert "loopback" in text


# ------------------------------------------------------------------ booleans
@pytest.mark.parametrize("value", ["no", "yes", "false", 0, 1, "0"])
def test_booleans_must_be_booleans(run, value):
    text = run("pillar", pillar_with(["groups", "ipmp0", "interfaces", "bge2"], {"standby": value}))
    assert "ipmp:groups:ipmp0:interfaces:bge2:standby" in text
    text = run("ipmp_hostname.managed", "bge2", group="ipmp0", standby=value)
    assert "standby: " in text
    text = run("ipmp_hostname.managed", "bge2", family="inet6", group="ipmp0", probe=value)
    assert "probe: " in text


# ------------------------------------------------------------- missing NIC
def test_missing_nic_refused_before_its_file_is_written(run, converged):
    text = run("ipmp_hostname.managed", "bge9", address="myhost", group="ipmp0")
    assert "bge9 does not exist" in text
    assert not converged.path("etc/hostname.bge9").exists()
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge9": {"address": "myhost"}})
    assert "bge9 does not exist" in text


# ------------------------------------------------------ YAML-special names
@pytest.mark.parametrize("name", YAML_SPECIAL)
def test_yaml_special_names_stay_strings_in_the_formula(name, tmp_path):
    """The formula renders group and host names through ``| json``: YAML reads
    them back as the same strings."""
    import salt.utils.yaml

    text = (REPO / "salt" / "ipmp" / "groups.sls").read_text()
    for line in ("- name: {{ group_name | json }}", "- group: {{ group_name | json }}",
                 "- name: {{ if_name | json }}"):
        assert line in text
    prep = (REPO / "salt" / "ipmp" / "prep.sls").read_text()
    assert "- name: {{ name | json }}" in prep
    import json
    assert salt.utils.yaml.safe_load("- name: {}".format(json.dumps(name))) == [{"name": name}]
