"""Hostile and odd input, continued (issue 9): every pillar key and every
state argument that test_hostile_input.py does not cover yet.

The same contract: each value is refused with a message that names the key
(the pillar key path, or the state argument), and the host is unchanged:
no command beyond reads in the argv log, every file byte for byte.

Through Salt's loaders against a converged lab Solaris 10 host: the pillar
check (``ipmp.check_pillar``, also fed YAML through Salt's own YAML loader),
and the states ``ipmp_mpathd.managed``, ``ipmp_inet.host``,
``ipmp_inet.netmask``, ``ipmp_hostname.managed``, ``ipmp_group.present`` and
``ipmp_group.interfaces_exist``.
"""

import copy
import math
import pathlib

import pytest
import salt.loader
import salt.state
import salt.utils.args
import salt.utils.yaml
from salt.exceptions import SaltInvocationError

# Thousands of generated cases: run once, on Salt 3008 (see the Makefile).
pytestmark = pytest.mark.exhaustive

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("bge0", "bge1", "bge2")
PILLAR = {
    "hosts": {"myhost": "192.168.10.10"},
    "groups": {
        "ipmp0": {
            "failure_detection": "link",
            "interfaces": {"bge0": {"address": "myhost"}, "bge2": {"standby": True}},
        }
    },
}
PROBE_GROUP = {
    "failure_detection": "probe",
    "interfaces": {
        "bge0": {"address": "myhost", "test_address": "myhost-bge0"},
        "bge2": {"standby": True, "test_address": "myhost-bge2"},
    },
}
#: Unquoted in YAML, these are not strings (null, yes, on, 123, 0x1F, 1.5, ~).
YAML_SPECIAL = ("null", "yes", "on", "123", "0x1F", "1.5", "~")
#: Booleans given as anything but a YAML boolean.
NOT_BOOLEANS = ("no", "yes", "false", "true", "on", "off", 0, 1, "0", [], {})
NAN, INF = float("nan"), float("inf")

# ---------------------------------------------------------------- values
BAD_HOST_NAMES = (
    "192.168.10.50", "::1", "my\nhost", "my=host", "my host", "-myhost", "myhost-", "my_host",
    ".myhost", "my..host", "*", "$(reboot)", "", "a" * 64, "myhost\t", "123", "1.5",
    "192.168.10", "ho%st", "\u043cyhost", "myhost;reboot",
)
BAD_HOST_VALUES = (
    "otherhost", "down", "up", "+", "", [], ["192.168.10.10", "down"], True, 3232238090,
    {"a": 1}, "192.168.10.10/24", "192.168.10.10 ", "192.168.10.300", "fe80::1%bge0",
    "::ffff:127.0.0.1", "::ffff:192.168.10.10", "2001:db8::1/64", None, "::10.0.0.1",
)
BAD_NETWORKS = (
    "192.168.10", "192.168.10.0/24", "192.168.10.5", "net0", "down", "", "192.168.10.0\n", "::",
    "2001:db8::", "0x1F", "1.5", "0.0.0.0", "192.168.010.0", "myhost",
)
BAD_MASKS = (
    "255.0.255.0", "255.255.255.1", "24", 24, "/24", "+", "down", "", None, True, "0.0.0.0",
    "255.255.255.0\n", "0xffffff00", "ffffff00", "255.255.255.0 255.255.255.0",
    ["255.255.255.0"], 1.5,
)
BAD_FDT = ("abc", -1, 0, 99, "99", 2 ** 31, 10 ** 12, True, False, 1.5, 100.0, "1e4", "0x1F", "",
           " ", [], {}, "100\nFAILBACK=no", "10000 # ms", "-100", NAN, INF)
BAD_MPATHD_BOOL = ("true", "false", "on", "off", "y", "n", 0, 1, "0", "1", "", [],
                   "no\nFAILBACK=yes", "yes please", "nope", 1.5)
BAD_MPATHD_KEYS = ("failure_detection", "FAILBACK", "failback\n", "failback=no",
                   "TRACK_INTERFACES_ONLY_WITH_GROUPS", "failback ", "fdt")
BAD_GROUP_NAMES = ("g" * 32, "-ipmp0", ".ipmp0", "ipmp 0", "ipmp0\n", "ipmp0=x", "ipmp0;reboot",
                   "", "ipmp0/x", "$grp", "gr\u00fcp", "~", "ipmp0\t")
BAD_DETECTION = ("Link", "LINK", "links", "probe-based", "both", "none", "", True, 1, ["link"],
                 "link\n", "probe ", 0)
BAD_IF_NAMES = ("bge0:1", "BGE0", "bge", "0bge", "bge0\n", "bge0=x", "-bge0", "bge0 ", "bge00",
                "lo1", "x" * 40 + "0", "bge0/v4", "")
BAD_ADDRESSES = ("my host", "myhost\n", "-myhost", "10.0.0.1/24", "10.0.0.256", "2001:db8::1",
                 "10.0.0.1\n", True, 123, ["myhost"], "", "my_host", "::ffff:127.0.0.1", "+",
                 "10.0.0.1 up", "0x7f000001")
BAD_ADDRESSES6 = ("192.168.10.11", "::1", "::", "ff02::1", "ff05::2", "::ffff:127.0.0.1",
                  "::ffff:192.168.10.11", "::192.168.10.11", "2001:db8::1/129", "2001:db8::1/0",
                  "up", "down", "inet6", "plumb", "2001:db8::1%bge0", True, 6, ["2001:db8::1"],
                  "", "2001:db8::1 up", "fe80::1", "fe80::1234/10")
BAD_TEST_ADDRESSES6 = ("192.168.10.12", "::1", "::", "ff02::1", "2001:db8::1", "fe80::1%bge0",
                       "fe80::1/200", "yes", "true", "on", 1, 0, ["fe80::1"], "fe80::1 up", "",
                       "::ffff:127.0.0.1", "fe80::1/-1", "fe80::1/x")
BAD_NETMASKS = ("255.0.255.0", "24", 24, "/24", "0.0.0.0", "255.255.255.0\n", "down", "", True,
                "+ ", "++", "255.255.255.0/24", "0xffffff00", ["+"])
BAD_EXTRA_MORE = (
    True, 123, {"mtu": 1500}, [["mtu"]], [None], [True], ["mtu", True], ["mtu", 1.5],
    ["mtu", 31], ["mtu", "67"], ["mtu", "65536"], ["metric", "-1"], ["mtu 1500"],
    ["router", "down"], ["-router", "unplumb"], ["private", "group", ""], ["mtu", "1500", "mtu"],
    ["modinsert", "arp@2"], ["modremove", "arp@2"], ["auth_algs", "md5"], ["encr_algs", "aes"],
    ["encaplimit", "4"], ["thoplimit", "4"], ["usesrc", "bge1"], ["tsrc", "10.0.0.1"],
    ["tdst", "10.0.0.1"], ["token", "::1/64"], ["subnet", "10.0.0.0/8"], ["nud"], ["-nud"],
    ["anycast"], ["preferred"], ["-preferred"], ["debug"], ["verbose"], ["configinfo"],
    ["modlist"], ["all-zones"], ["-zone"], ["auto-revarp"], ["auto-dhcp"], ["offline"], ["+"],
    ["-"], ["--"], ["local"], ["-local"], ["-encaplimit"], ["mtu", "1500;reboot"],
    ["trailers", "failed"], ["mtu", "1500\n"], ["arp", "inet6"], ["xmit", "standby"],
)


def _id(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------- fixtures
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
    """Every file of the host byte for byte (but its commands and the lab's
    own bookkeeping under var/lab), and what its kernel shows."""
    files = {}
    for path in sorted(host.root.rglob("*")):
        rel = path.relative_to(host.root)
        if rel.parts[0] == "bin" or rel.parts[:2] == ("var", "lab"):
            continue
        if path.is_file() and not path.is_symlink():
            files[rel.as_posix()] = path.read_bytes()
    return files, host.tool_ok("ifconfig", "-a").stdout


def mutating(commands):
    return [c for c in commands
            if c != ["ifconfig", "-a"] and not (c[0] == "dladm" and c[1].startswith("show-"))]


@pytest.fixture
def loaded(loaders, converged):
    return loaders(converged, states_dirs=[str(REPO / "_states")])


@pytest.fixture
def states(loaded):
    return salt.loader.states(
        loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
        context=loaded.context,
    )


@pytest.fixture
def run(loaded, states, converged):
    """``run(kind, *args, **kwargs)`` on the converged host: asserts the
    input was refused and changed nothing; returns the message.

    ``kind`` is ``"pillar"`` (``ipmp.check_pillar`` of a dict), ``"yaml"``
    (YAML text read by Salt's YAML loader, then the pillar check of its
    ``ipmp`` key) or a state function."""

    def call(kind, *args, **kwargs):
        before = snapshot(converged)
        mark = len(converged.commands())
        loaded.reset_context()
        if kind in ("pillar", "yaml"):
            data = args[0]
            if kind == "yaml":
                data = salt.utils.yaml.safe_load(data)["ipmp"]
            try:
                accepted = loaded["ipmp.check_pillar"](data)
            except SaltInvocationError as exc:
                result = str(exc)
            else:
                pytest.fail("pillar accepted: {!r} -> {!r}".format(data, accepted))
        else:
            ret = states[kind](*args, **kwargs)
            assert ret["result"] is False, ret
            assert ret["changes"] == {}, ret
            result = ret["comment"]
        assert mutating(converged.commands(since=mark)) == []
        assert snapshot(converged) == before
        return result

    return call


@pytest.fixture
def check(loaded):
    """The pillar check of a dict, expected to accept it: its normalised form."""

    def call(data):
        loaded.reset_context()
        return loaded["ipmp.check_pillar"](data)

    return call


def pillar_with(path, value, base=PILLAR):
    """A copy of ``base`` with ``value`` at ``path`` (``[]``: ``value`` itself)."""
    if not path:
        return value
    data = copy.deepcopy(base)
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return data


def probe_with(key, value, iface="bge0"):
    """``PROBE_GROUP`` with ``value`` as ``key`` of ``iface``."""
    group = copy.deepcopy(PROBE_GROUP)
    group["interfaces"][iface][key] = value
    return group


def at(path):
    return ":".join(["ipmp"] + [str(p) for p in path])


# ===================================================================== pillar
# ------------------------------------------------------------ top level
@pytest.mark.parametrize("value", [["groups"], "groups", 123, True, 1.5], ids=_id)
def test_pillar_not_a_mapping(run, value):
    text = run("pillar", value)
    assert "ipmp: must be a mapping" in text


@pytest.mark.parametrize("key", ["persists", "group", "host", "netmask", "Hosts", "live\n",
                                 "hosts=", "mpathd ", "ipmp0", True, 1, None], ids=_id)
def test_pillar_unknown_top_key(run, key):
    text = run("pillar", pillar_with([key], {}))
    assert "{}: unknown key".format(at([key])) in text


@pytest.mark.parametrize("section", ["hosts", "netmasks", "mpathd", "groups", "events", "mine"])
@pytest.mark.parametrize("value", [["x"], "x=1", 5, True], ids=_id)
def test_pillar_section_not_a_mapping(run, section, value):
    text = run("pillar", pillar_with([section], value))
    assert "{}: ".format(at([section])) in text and "must be a mapping" in text


@pytest.mark.parametrize("value", NOT_BOOLEANS, ids=_id)
@pytest.mark.parametrize("path", [
    ["live"],
    ["groups", "ipmp0", "live"],
    ["groups", "ipmp0", "interfaces", "bge0", "live"],
    ["groups", "ipmp0", "interfaces", "bge0", "ipv6"],
    ["groups", "ipmp0", "interfaces", "bge0", "standby"],
], ids=lambda p: ":".join(p))
def test_pillar_booleans(run, path, value):
    text = run("pillar", pillar_with(path, value))
    assert "{}: must be true or false".format(at(path)) in text


@pytest.mark.parametrize("value", ["ipadm ", "hostname-files", "Hostname_files", "ifconfig",
                                   "hostname_files\n", "", True, 1, [], {}, "yes"], ids=_id)
def test_pillar_persist(run, value):
    assert at(["persist"]) + ": " in run("pillar", pillar_with(["persist"], value))


# ------------------------------------------------------------------ hosts
@pytest.mark.parametrize("name", BAD_HOST_NAMES, ids=_id)
def test_pillar_hosts_name(run, name):
    text = run("pillar", pillar_with(["hosts", name], "192.168.10.50"))
    assert at(["hosts", name]) + ": " in text


@pytest.mark.parametrize("value", BAD_HOST_VALUES, ids=_id)
def test_pillar_hosts_value(run, value):
    text = run("pillar", pillar_with(["hosts", "myhost"], value))
    assert at(["hosts", "myhost"]) + ": " in text


# --------------------------------------------------------------- netmasks
@pytest.mark.parametrize("network", BAD_NETWORKS, ids=_id)
def test_pillar_netmasks_network(run, network):
    text = run("pillar", pillar_with(["netmasks", network], "255.255.255.0"))
    assert at(["netmasks", network]) + ": " in text


@pytest.mark.parametrize("mask", BAD_MASKS, ids=_id)
def test_pillar_netmasks_mask(run, mask):
    text = run("pillar", pillar_with(["netmasks", "192.168.10.0"], mask))
    assert at(["netmasks", "192.168.10.0"]) + ": " in text and "netmask" in text


# ----------------------------------------------------------------- mpathd
@pytest.mark.parametrize("value", BAD_FDT, ids=_id)
def test_pillar_mpathd_failure_detection_time(run, value):
    text = run("pillar", pillar_with(["mpathd", "failure_detection_time"], value))
    assert at(["mpathd", "failure_detection_time"]) + ": " in text


@pytest.mark.parametrize("value", BAD_MPATHD_BOOL, ids=_id)
@pytest.mark.parametrize("key", ["failback", "track_interfaces_only_with_groups"])
def test_pillar_mpathd_booleans(run, key, value):
    text = run("pillar", pillar_with(["mpathd", key], value))
    assert at(["mpathd", key]) + ": " in text and "true or false" in text


@pytest.mark.parametrize("key", BAD_MPATHD_KEYS, ids=_id)
def test_pillar_mpathd_unknown_tunable(run, key):
    text = run("pillar", pillar_with(["mpathd", key], True))
    assert at(["mpathd", key]) + ": unknown key" in text


def test_pillar_mpathd_yes_no_strings_mean_yes_and_no(check):
    """``yes``/``no`` are the file's own words (documented as accepted):
    ``"no"`` means no, never ``bool("no")``."""
    data = check({"mpathd": {"failback": "no", "track_interfaces_only_with_groups": "yes"}})
    assert data["mpathd"] == {"failback": False, "track_interfaces_only_with_groups": True}


# ----------------------------------------------------------------- events
@pytest.mark.parametrize("key, value", [
    ("enabled", v) for v in ("yes", "no", "true", 1, 0, "on", [])
] + [
    ("method", v) for v in ("beacons", "Engine", "", True, ["engine"], "engine\n", 1,
                            "engine beacon")
] + [
    ("interval", v) for v in (0, -1, "5", "fast", True, [], NAN, INF, -INF)
] + [
    ("status_interval", v) for v in (-1, "10", True, NAN, INF, [])
], ids=_id)
def test_pillar_events_values(run, key, value):
    text = run("pillar", pillar_with(["events", key], value, base={"events": {"enabled": True}}))
    assert at(["events", key]) + ": " in text


@pytest.mark.parametrize("key", ["enable", "Enabled", "methods", "status", "messages",
                                 "interval\n", True, None], ids=_id)
def test_pillar_events_unknown_key(run, key):
    text = run("pillar", {"events": {key: True}})
    assert at(["events", key]) + ": unknown key" in text


# ------------------------------------------------------------------- mine
@pytest.mark.parametrize("value", [5, -10, 10.5, "60", True, NAN, INF, -INF, [], "off", 1],
                         ids=_id)
def test_pillar_mine_interval(run, value):
    text = run("pillar", {"mine": {"interval": value}})
    assert at(["mine", "interval"]) + ": " in text


@pytest.mark.parametrize("key", ["intervall", "enabled", "function", "Interval", None], ids=_id)
def test_pillar_mine_unknown_key(run, key):
    text = run("pillar", {"mine": {key: 60}})
    assert at(["mine", key]) + ": unknown key" in text


# ----------------------------------------------------------------- groups
@pytest.mark.parametrize("name", BAD_GROUP_NAMES, ids=_id)
def test_pillar_group_name(run, name):
    text = run("pillar", {"groups": {name: PILLAR["groups"]["ipmp0"]}})
    assert at(["groups", name]) + ": " in text


@pytest.mark.parametrize("value", ["link", ["bge0"], 5, True], ids=_id)
def test_pillar_group_not_a_mapping(run, value):
    text = run("pillar", pillar_with(["groups", "ipmp0"], value))
    assert at(["groups", "ipmp0"]) + ": " in text


@pytest.mark.parametrize("key", ["interface", "standby", "failure-detection", "FAILURE_DETECTION",
                                 "Interfaces", "bge1", "hosts", None], ids=_id)
def test_pillar_group_unknown_key(run, key):
    text = run("pillar", pillar_with(["groups", "ipmp0", key], {}))
    assert at(["groups", "ipmp0", key]) + ": unknown key" in text


@pytest.mark.parametrize("value", BAD_DETECTION, ids=_id)
def test_pillar_failure_detection(run, value):
    path = ["groups", "ipmp0", "failure_detection"]
    text = run("pillar", pillar_with(path, value))
    assert at(path) + ": must be link or probe" in text


@pytest.mark.parametrize("value", ["bge0", ["bge0"], 5, {}, True], ids=_id)
def test_pillar_interfaces_not_a_mapping(run, value):
    path = ["groups", "ipmp0", "interfaces"]
    text = run("pillar", pillar_with(path, value))
    assert at(path) + ": " in text


@pytest.mark.parametrize("name", BAD_IF_NAMES, ids=_id)
def test_pillar_interface_name(run, name):
    path = ["groups", "ipmp0", "interfaces", name]
    text = run("pillar", pillar_with(path, {}))
    assert at(path) + ": " in text


@pytest.mark.parametrize("value", ["myhost", ["address"], 5, True], ids=_id)
def test_pillar_interface_not_a_mapping(run, value):
    path = ["groups", "ipmp0", "interfaces", "bge0"]
    text = run("pillar", pillar_with(path, value))
    assert at(path) + ": " in text


@pytest.mark.parametrize("key", ["addr", "test-address", "STANDBY", "group", "netmask6", "mtu",
                                 "standby ", "address\n", None], ids=_id)
def test_pillar_interface_unknown_key(run, key):
    path = ["groups", "ipmp0", "interfaces", "bge0", key]
    text = run("pillar", pillar_with(path, "x"))
    assert at(path) + ": unknown key" in text


@pytest.mark.parametrize("value", BAD_ADDRESSES, ids=_id)
def test_pillar_address(run, value):
    path = ["groups", "ipmp0", "interfaces", "bge0", "address"]
    assert at(path) + ": " in run("pillar", pillar_with(path, value))


@pytest.mark.parametrize("value", BAD_ADDRESSES + ("myhost",), ids=_id)
def test_pillar_test_address(run, value):
    data = pillar_with(["groups", "ipmp0"], probe_with("test_address", value))
    text = run("pillar", data)
    assert at(["groups", "ipmp0", "interfaces", "bge0", "test_address"]) + ": " in text


@pytest.mark.parametrize("value", BAD_ADDRESSES6, ids=_id)
def test_pillar_address6(run, value):
    path = ["groups", "ipmp0", "interfaces", "bge0", "address6"]
    assert at(path) + ": " in run("pillar", pillar_with(path, value))


@pytest.mark.parametrize("value", BAD_TEST_ADDRESSES6, ids=_id)
def test_pillar_test_address6(run, value):
    data = pillar_with(["groups", "ipmp0"], probe_with("test_address6", value))
    text = run("pillar", data)
    assert at(["groups", "ipmp0", "interfaces", "bge0", "test_address6"]) + ": " in text


@pytest.mark.parametrize("value", BAD_NETMASKS, ids=_id)
def test_pillar_interface_netmask(run, value):
    path = ["groups", "ipmp0", "interfaces", "bge0", "netmask"]
    assert at(path) + ": " in run("pillar", pillar_with(path, value))


@pytest.mark.parametrize("extra", BAD_EXTRA_MORE, ids=_id)
def test_pillar_extra_more(run, extra):
    path = ["groups", "ipmp0", "interfaces", "bge0", "extra"]
    assert at(path) + ": " in run("pillar", pillar_with(path, extra))


def test_pillar_accepts_the_extra_words_it_documents(check):
    extra = ["mtu", "9000", "metric", "1", "private", "-private", "router", "-router", "arp",
             "xmit", "trailers", "-trailers"]
    data = check(pillar_with(["groups", "ipmp0", "interfaces", "bge0", "extra"], extra))
    assert data["groups"]["ipmp0"]["interfaces"]["bge0"]["extra"] == extra


# ------------------------------------------------- YAML-special strings
#: Where a name-like value sits in the pillar, as YAML: ``{}`` is the
#: special word (unquoted), and the key path the refusal must name.
YAML_SLOTS = {
    "hosts name": ("hosts: {{{}: 192.168.10.50}}", ["hosts", "{}"]),
    "hosts address": ("hosts: {{myhost: {}}}", ["hosts", "myhost"]),
    "netmasks network": ("netmasks: {{{}: 255.255.255.0}}", ["netmasks", "{}"]),
    "netmasks mask": ("netmasks: {{192.168.10.0: {}}}", ["netmasks", "192.168.10.0"]),
    "group name": ("groups: {{{}: {{interfaces: {{bge0: {{address: myhost}}}}}}}}",
                   ["groups", "{}"]),
    "interface name": ("groups: {{ipmp0: {{interfaces: {{{}: {{address: myhost}}}}}}}}",
                       ["groups", "ipmp0", "interfaces", "{}"]),
    "failure_detection": ("groups: {{ipmp0: {{failure_detection: {}, interfaces: {{bge0: {{}}}}}}}}",
                          ["groups", "ipmp0", "failure_detection"]),
    "address": ("groups: {{ipmp0: {{interfaces: {{bge0: {{address: {}}}}}}}}}",
                ["groups", "ipmp0", "interfaces", "bge0", "address"]),
    "address6": ("groups: {{ipmp0: {{interfaces: {{bge0: {{address6: {}}}}}}}}}",
                 ["groups", "ipmp0", "interfaces", "bge0", "address6"]),
    "test_address": ("groups: {{ipmp0: {{failure_detection: probe, interfaces: "
                     "{{bge0: {{test_address: {}}}}}}}}}",
                     ["groups", "ipmp0", "interfaces", "bge0", "test_address"]),
    "test_address6": ("groups: {{ipmp0: {{failure_detection: probe, interfaces: "
                      "{{bge0: {{test_address: myhost, test_address6: {}}}}}}}}}",
                      ["groups", "ipmp0", "interfaces", "bge0", "test_address6"]),
    "netmask": ("groups: {{ipmp0: {{interfaces: {{bge0: {{netmask: {}}}}}}}}}",
                ["groups", "ipmp0", "interfaces", "bge0", "netmask"]),
    "extra word": ("groups: {{ipmp0: {{interfaces: {{bge0: {{extra: [{}]}}}}}}}}",
                   ["groups", "ipmp0", "interfaces", "bge0", "extra"]),
    "extra mtu": ("groups: {{ipmp0: {{interfaces: {{bge0: {{extra: [mtu, {}]}}}}}}}}",
                  ["groups", "ipmp0", "interfaces", "bge0", "extra"]),
    "events method": ("events: {{enabled: true, method: {}}}", ["events", "method"]),
    "mpathd failback": ("mpathd: {{failback: {}}}", ["mpathd", "failback"]),
}
#: (slot, word) pairs whose YAML value is a documented, meaningful setting:
#: ``null``/``~`` leave an optional value unset, and ``yes``/``on`` as
#: ``test_address6`` or ``failback`` are ``true``.
YAML_MEANINGFUL = {
    ("address", "null"), ("address", "~"), ("address6", "null"), ("address6", "~"),
    ("test_address6", "null"), ("test_address6", "~"), ("test_address6", "yes"),
    ("test_address6", "on"), ("netmask", "null"), ("netmask", "~"),
    ("failure_detection", "null"), ("failure_detection", "~"), ("events method", "null"),
    ("events method", "~"), ("mpathd failback", "yes"), ("mpathd failback", "on"),
    ("mpathd failback", "null"), ("mpathd failback", "~"), ("extra mtu", "123"),
}


def _yaml_cases():
    for slot in YAML_SLOTS:
        for word in YAML_SPECIAL:
            if (slot, word) not in YAML_MEANINGFUL:
                yield pytest.param(slot, word, id="{}={}".format(slot, word))


@pytest.mark.parametrize("slot, word", list(_yaml_cases()))
def test_yaml_special_unquoted_refused_naming_the_key(run, slot, word):
    template, path = YAML_SLOTS[slot]
    text = "ipmp:\n  " + template.format(word) + "\n"
    typed = salt.utils.yaml.safe_load("v: {}".format(word))["v"]
    key = at([str(typed) if part == "{}" else part for part in path])
    message = run("yaml", text)
    assert key + ": " in message, message


@pytest.mark.parametrize("slot, word", [
    pytest.param(slot, word, id="{}={}".format(slot, word)) for slot, word in sorted(YAML_MEANINGFUL)
])
def test_yaml_special_unquoted_with_a_documented_meaning(check, slot, word):
    template, path = YAML_SLOTS[slot]
    data = salt.utils.yaml.safe_load("ipmp:\n  " + template.format(word) + "\n")["ipmp"]
    if slot.startswith("test_address"):
        data["hosts"] = {"myhost": "192.168.10.10"}
    out = check(data)
    node = out
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    if word in ("yes", "on"):
        assert node is True
    elif slot == "extra mtu":
        assert node == ["mtu", "123"]
    elif slot == "netmask":
        assert node == "+"
    elif slot == "failure_detection":
        assert node == "link"
    elif slot == "events method":
        assert out["events"] == {"enabled": True, "method": "engine", "interval": 0.05,
                                 "status_interval": 10}
    else:
        assert not node


@pytest.mark.parametrize("word", ["null", "yes", "on", "0x1F", "123", "1.5", "no", "off"])
def test_yaml_special_quoted_group_names_stay_strings(check, word):
    text = 'ipmp:\n  groups: {{"{}": {{interfaces: {{bge0: {{address: myhost}}}}}}}}\n'.format(word)
    data = check(salt.utils.yaml.safe_load(text)["ipmp"])
    assert list(data["groups"]) == [word]


@pytest.mark.parametrize("word", ["null", "yes", "on", "no", "off"])
def test_yaml_special_quoted_host_names_stay_strings(check, word):
    text = 'ipmp:\n  hosts: {{"{}": 192.168.10.50}}\n'.format(word)
    data = check(salt.utils.yaml.safe_load(text)["ipmp"])
    assert data["hosts"] == {word: ["192.168.10.50"]}


@pytest.mark.parametrize("word", ["123", "1.5", "0x1F", "0x7f.1", "017"])
def test_yaml_special_quoted_numbers_are_no_host_names(run, word):
    """Quoted, they are strings, but resolvers read them as IPv4 addresses
    (``0x7f.1`` is 127.0.0.1 to inet_aton)."""
    text = run("yaml", 'ipmp:\n  hosts: {{"{}": 192.168.10.50}}\n'.format(word))
    assert at(["hosts", word]) + ": " in text and "IPv4 address" in text


# ====================================================================== states
# --------------------------------------------------- ipmp_mpathd.managed
@pytest.mark.parametrize("value", BAD_FDT, ids=_id)
def test_mpathd_state_failure_detection_time(run, value):
    text = run("ipmp_mpathd.managed", failure_detection_time=value)
    assert "failure_detection_time" in text


@pytest.mark.parametrize("value", BAD_MPATHD_BOOL, ids=_id)
@pytest.mark.parametrize("key", ["failback", "track_interfaces_only_with_groups"])
def test_mpathd_state_booleans(run, key, value):
    text = run("ipmp_mpathd.managed", **{key: value})
    assert key in text and "true or false" in text


@pytest.mark.parametrize("value", ["no", "yes", "0", 2, [], "false"], ids=_id)
def test_mpathd_state_reload_must_be_a_boolean(run, value):
    text = run("ipmp_mpathd.managed", failure_detection_time=5000, reload=value)
    assert "reload" in text


@pytest.mark.parametrize("root", ["etc", "/../../etc", "/tmp/\n", 5, "/a/../b"], ids=_id)
def test_mpathd_state_root(run, root):
    text = run("ipmp_mpathd.managed", failure_detection_time=5000, root=root)
    assert "root" in text


# ------------------------------------------------------- ipmp_inet.host
@pytest.mark.parametrize("name", BAD_HOST_NAMES + (True, 123, None, 1.5), ids=_id)
def test_inet_host_name(run, name):
    text = run("ipmp_inet.host", name, "192.168.10.50")
    assert "name: " in text, text


@pytest.mark.parametrize("ip", BAD_HOST_VALUES, ids=_id)
def test_inet_host_ip(run, ip):
    text = run("ipmp_inet.host", "myhost2", ip)
    assert "ip: " in text, text


@pytest.mark.parametrize("root", ["etc", "/../../etc", "/tmp/\n", 5], ids=_id)
def test_inet_host_root(run, root):
    text = run("ipmp_inet.host", "myhost2", "192.168.10.50", root=root)
    assert "root" in text


# ---------------------------------------------------- ipmp_inet.netmask
@pytest.mark.parametrize("name", BAD_NETWORKS + (None, True, 3232238080), ids=_id)
def test_inet_netmask_network(run, name):
    text = run("ipmp_inet.netmask", name, "255.255.255.0")
    assert "network" in text, text


@pytest.mark.parametrize("mask", BAD_MASKS, ids=_id)
def test_inet_netmask_mask(run, mask):
    text = run("ipmp_inet.netmask", "192.168.10.0", mask)
    assert "netmask" in text, text


@pytest.mark.parametrize("root", ["etc", "/../../etc", "/tmp/\n", 5], ids=_id)
def test_inet_netmask_root(run, root):
    text = run("ipmp_inet.netmask", "192.168.10.0", "255.255.255.0", root=root)
    assert "root" in text


# ------------------------------------------------- ipmp_hostname.managed
@pytest.mark.parametrize("name", BAD_IF_NAMES + (True, 123, None), ids=_id)
def test_hostname_state_name(run, name):
    text = run("ipmp_hostname.managed", name, address="myhost", group="ipmp0")
    assert "name: " in text, text


@pytest.mark.parametrize("family", ["inet4", "INET", "ipv6", "", None, True, "inet6\n", "ether"],
                         ids=_id)
def test_hostname_state_family(run, family):
    text = run("ipmp_hostname.managed", "bge0", family=family, group="ipmp0")
    assert "family: " in text, text


@pytest.mark.parametrize("value", BAD_ADDRESSES, ids=_id)
def test_hostname_state_address(run, value):
    text = run("ipmp_hostname.managed", "bge0", address=value, group="ipmp0")
    assert "address: " in text, text


@pytest.mark.parametrize("value", BAD_ADDRESSES6, ids=_id)
def test_hostname_state_address6(run, value):
    text = run("ipmp_hostname.managed", "bge0", family="inet6", address=value, group="ipmp0")
    assert "address: " in text, text


@pytest.mark.parametrize("value", BAD_ADDRESSES + ("myhost",), ids=_id)
def test_hostname_state_test_address(run, value):
    text = run("ipmp_hostname.managed", "bge0", address="myhost", test_address=value,
               group="ipmp0")
    assert "test_address: " in text, text


@pytest.mark.parametrize("value", BAD_TEST_ADDRESSES6, ids=_id)
def test_hostname_state_test_address6(run, value):
    text = run("ipmp_hostname.managed", "bge0", family="inet6", test_address=value,
               group="ipmp0")
    assert "test_address: " in text, text


@pytest.mark.parametrize("value", BAD_NETMASKS, ids=_id)
def test_hostname_state_netmask(run, value):
    text = run("ipmp_hostname.managed", "bge0", address="myhost", netmask=value, group="ipmp0")
    assert "netmask" in text, text


@pytest.mark.parametrize("value", ["down", "10.0.0.256", "::1", "", True, "255.255.255.0/24",
                                   "+ ", "2001:db8::ff", "up", 5], ids=_id)
def test_hostname_state_broadcast(run, value):
    text = run("ipmp_hostname.managed", "bge0", address="myhost", broadcast=value,
               group="ipmp0")
    assert "broadcast" in text, text


@pytest.mark.parametrize("value", BAD_GROUP_NAMES + (True, 123, 1.5), ids=_id)
def test_hostname_state_group(run, value):
    text = run("ipmp_hostname.managed", "bge0", address="myhost", group=value)
    assert "group: " in text, text


@pytest.mark.parametrize("extra", BAD_EXTRA_MORE, ids=_id)
def test_hostname_state_extra(run, extra):
    text = run("ipmp_hostname.managed", "bge0", address="myhost", group="ipmp0", extra=extra)
    assert "extra" in text, text


@pytest.mark.parametrize("value", ["no", "yes", "false", 0, "0", [], "off"], ids=_id)
def test_hostname_state_check_link(run, value):
    text = run("ipmp_hostname.managed", "bge1", address="myhost", group="ipmp0",
               check_link=value)
    assert "check_link" in text, text


@pytest.mark.parametrize("value", ["on", "off", "true", 2, [], None], ids=_id)
@pytest.mark.parametrize("key", ["standby", "probe"])
def test_hostname_state_booleans_more(run, key, value):
    text = run("ipmp_hostname.managed", "bge2", family="inet6", group="ipmp0", **{key: value})
    assert "{}: ".format(key) in text, text


@pytest.mark.parametrize("root", ["etc", "/../../etc", "/tmp/\n", 5], ids=_id)
def test_hostname_state_root(run, root):
    text = run("ipmp_hostname.managed", "bge0", address="myhost", group="ipmp0", root=root)
    assert "root" in text


# -------------------------------------------------- ipmp_group.present
@pytest.mark.parametrize("name", BAD_GROUP_NAMES + (True, 123, None), ids=_id)
def test_group_state_name(run, name):
    text = run("ipmp_group.present", name, interfaces={"bge0": {"address": "myhost"}})
    assert "IPMP group name" in text or "not a group name" in text, text


@pytest.mark.parametrize("value", ["bge0", ["bge0"], 5, {}, True, None], ids=_id)
def test_group_state_interfaces(run, value):
    text = run("ipmp_group.present", "ipmp0", interfaces=value)
    assert "interfaces" in text, text


@pytest.mark.parametrize("name", BAD_IF_NAMES + (True, 123, None), ids=_id)
def test_group_state_interface_name(run, name):
    text = run("ipmp_group.present", "ipmp0", interfaces={name: {"address": "myhost"}})
    assert "interfaces:{}".format(name) in text, text


@pytest.mark.parametrize("value", BAD_DETECTION, ids=_id)
def test_group_state_failure_detection(run, value):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               failure_detection=value)
    assert "failure_detection: must be link or probe" in text, text


@pytest.mark.parametrize("value", NOT_BOOLEANS, ids=_id)
def test_group_state_live(run, value):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               live=value)
    assert "live: must be true or false" in text, text


@pytest.mark.parametrize("value", NOT_BOOLEANS, ids=_id)
@pytest.mark.parametrize("key", ["standby", "live", "ipv6"])
def test_group_state_interface_booleans(run, key, value):
    text = run("ipmp_group.present", "ipmp0",
               interfaces={"bge0": {"address": "myhost"}, "bge2": {key: value}})
    assert "interfaces:bge2:{}: must be true or false".format(key) in text, text


@pytest.mark.parametrize("key", ["addr", "test-address", "STANDBY", "group", "mtu", None], ids=_id)
def test_group_state_interface_unknown_key(run, key):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost", key: 1}})
    assert "interfaces:bge0:{}: unknown key".format(key) in text, text


@pytest.mark.parametrize("value", BAD_ADDRESSES, ids=_id)
def test_group_state_address(run, value):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": value}})
    assert "interfaces:bge0:address: " in text, text


@pytest.mark.parametrize("value", BAD_ADDRESSES + ("myhost",), ids=_id)
def test_group_state_test_address(run, value):
    group = probe_with("test_address", value)
    text = run("ipmp_group.present", "ipmp0", interfaces=group["interfaces"],
               failure_detection="probe", hosts={"myhost-bge2": "192.168.10.12"})
    assert "interfaces:bge0:test_address: " in text, text


@pytest.mark.parametrize("value", BAD_ADDRESSES6, ids=_id)
def test_group_state_address6(run, value):
    text = run("ipmp_group.present", "ipmp0",
               interfaces={"bge0": {"address": "myhost", "address6": value}})
    assert "interfaces:bge0:address6: " in text, text


@pytest.mark.parametrize("value", BAD_TEST_ADDRESSES6, ids=_id)
def test_group_state_test_address6(run, value):
    group = probe_with("test_address6", value)
    text = run("ipmp_group.present", "ipmp0", interfaces=group["interfaces"],
               failure_detection="probe",
               hosts={"myhost-bge0": "192.168.10.11", "myhost-bge2": "192.168.10.12"})
    assert "interfaces:bge0:test_address6: " in text, text


@pytest.mark.parametrize("value", BAD_NETMASKS, ids=_id)
def test_group_state_netmask(run, value):
    text = run("ipmp_group.present", "ipmp0",
               interfaces={"bge0": {"address": "myhost", "netmask": value}})
    assert "interfaces:bge0:netmask: " in text, text


@pytest.mark.parametrize("extra", BAD_EXTRA_MORE, ids=_id)
def test_group_state_extra(run, extra):
    text = run("ipmp_group.present", "ipmp0",
               interfaces={"bge0": {"address": "myhost", "extra": extra}})
    assert "interfaces:bge0:extra: " in text, text


@pytest.mark.parametrize("hosts", [["myhost"], "myhost=192.168.10.10", 5, True], ids=_id)
def test_group_state_hosts_not_a_mapping(run, hosts):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               hosts=hosts)
    assert "hosts: " in text and "must be a mapping" in text, text


@pytest.mark.parametrize("name", BAD_HOST_NAMES, ids=_id)
def test_group_state_hosts_name(run, name):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               hosts={name: "192.168.10.50"})
    assert "hosts:{}: ".format(name) in text, text


@pytest.mark.parametrize("value", BAD_HOST_VALUES, ids=_id)
def test_group_state_hosts_value(run, value):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               hosts={"myhost": value})
    assert "hosts:myhost: " in text, text


@pytest.mark.parametrize("root", ["etc", "/../../etc", "/tmp/\n", 5], ids=_id)
def test_group_state_root(run, root):
    text = run("ipmp_group.present", "ipmp0", interfaces={"bge0": {"address": "myhost"}},
               root=root)
    assert "root" in text


@pytest.mark.parametrize("root", ["etc", "/../../etc"])
def test_group_state_root_with_literal_addresses(run, root):
    text = run("ipmp_group.present", "ipmp0",
               interfaces={"bge0": {"address": "192.168.10.10"}, "bge2": {"standby": True}},
               root=root)
    assert "root" in text


# ------------------------------------------- ipmp_group.interfaces_exist
@pytest.mark.parametrize("value", ["bge0", 5, True, {"bge0": {}}] + [
    [name] for name in ("lo0", "bge0:1", "bge0\n", "-a", "up", True, None, 5)
], ids=_id)
def test_interfaces_exist_arguments(run, value):
    text = run("ipmp_group.interfaces_exist", "check", interfaces=value)
    assert "interfaces" in text, text


# ------------------------------------------------- unknown state arguments
@pytest.mark.parametrize("function, kwargs", [
    ("ipmp_mpathd.managed", {"failure_detection_tme": 5000}),
    ("ipmp_mpathd.managed", {"FAILBACK": "no"}),
    ("ipmp_mpathd.managed", {"failback\n": True}),
    ("ipmp_mpathd.managed", {"failback=no": True}),
    ("ipmp_inet.host", {"name": "myhost2", "ip": "192.168.10.50", "ips": ["192.168.10.51"]}),
    ("ipmp_inet.netmask", {"name": "192.168.10.0", "mask": "255.255.255.0", "netmask": "x"}),
    ("ipmp_hostname.managed", {"name": "bge0", "stanbdy": True}),
    ("ipmp_hostname.managed", {"name": "bge0", "address6": "2001:db8::1"}),
    ("ipmp_group.present", {"name": "ipmp0", "interface": {"bge0": {}}}),
    ("ipmp_group.present", {"name": "ipmp0", "failure-detection": "probe"}),
    ("ipmp_group.interfaces_exist", {"name": "check", "interface": ["bge0"]}),
], ids=lambda v: _id(v) if not isinstance(v, str) else v)
def test_unknown_state_argument_refused_by_salt(states, converged, function, kwargs):
    """No state function takes ``**kwargs``: Salt's state compiler
    (``format_call``, as ``State.call`` uses it) refuses a mistyped
    argument, naming it, before the state runs."""
    before = snapshot(converged)
    mark = len(converged.commands())
    low = dict(kwargs)
    with pytest.raises(SaltInvocationError) as info:
        salt.utils.args.format_call(states[function], low, initial_ret={"full": function},
                                    expected_extra_kws=salt.state.STATE_INTERNAL_KEYWORDS)
    extra = [k for k in kwargs if k not in ("name", "ip", "mask")][0]
    assert extra in str(info.value) and function in str(info.value)
    assert converged.commands(since=mark) == [] and snapshot(converged) == before


def test_nan_and_infinity_are_yaml_too():
    """``.nan`` and ``.inf`` are YAML numbers: the cases above are real pillar."""
    data = salt.utils.yaml.safe_load("a: .nan\nb: .inf\n")
    assert math.isnan(data["a"]) and data["b"] == INF
