"""Hostile and odd input to the execution modules that change a host
(issue 9): ``ifconfig`` (plumb, unplumb, up, down, set_group, standby,
addif, removeif, configure, apply_hostname_file), ``ipmp`` (offline,
online, transitive_probing) and ``ipadm`` (create_ip, delete_ip,
create_ipmp, delete_ipmp, add_ipmp, remove_ipmp, create_addr, delete_addr,
set_ifprop).

Each value is refused with the error the module's contract gives
(``SaltInvocationError`` for a bad argument, ``CommandExecutionError`` for
one the host's state rules out), a message that names the argument, and an
unchanged host: no command beyond reads in the argv log, every file byte
for byte.  Through Salt's loaders against lab hosts with a group: Solaris
10 (``ipmp0`` over bge0, bge1 and standby bge2), Solaris 11.4 and illumos
(``ipmp0`` over net0 and net1, with a data address).
"""

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError

import lab

# Thousands of generated cases: run once, on Salt 3008 (see the Makefile).
pytestmark = pytest.mark.exhaustive

SIE, CEE = SaltInvocationError, CommandExecutionError
#: Words of ifconfig's grammar (as names, groups and addresses).
KEYWORDS = ("down", "up", "plumb", "unplumb", "failed", "standby", "-failover", "group",
            "addif", "ether", "netmask", "broadcast", "inet6", "dhcp", "zone", "index", "ipmp")
#: Not interface names, whatever the function (logical names aside).
BAD_IFNAMES = KEYWORDS + ("-a", "all", "ipmp", True, 123, None, "", "bge0\n", "BGE0",
                          "bge0 up", "bge0/v4", "../bge0")
BAD_FAMILIES = ("inet4", "INET", "ether", None, True, "inet6\n", "inet6 up", "", "ipmp")
BAD_BOOLEANS = ("yes", "no", "true", "on", 2, None, "1")
#: Addresses no interface can use (family inet6 for the IPv6 ones).
UNUSABLE4 = ("0.0.0.0", "127.0.0.1", "127.1.2.3", "255.255.255.255", "224.0.0.1",
             "10.0.0.1/0")
UNUSABLE6 = ("::1", "::", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::10.0.0.1",
             "2001:db8::1/0")
BAD_ADDRESSES = KEYWORDS + ("+", True, None, "", "myhost\n", "0x7f000001", "10.0.0.1/33",
                            "10.0.0.256", "-myhost", "my host", "10.0.0.1;reboot")
BAD_GROUPS = KEYWORDS + (True, 123, None, "g" * 32, "ipmp0\n", "-ipmp0", "ipmp0 up", "~")
BAD_TOKENS = (
    ["group", "up"], ["addif", "down"], ["removeif", "plumb"], ["set", "up"],
    ["destination", "down"], ["netmask", "up"], ["broadcast", "down"], ["usesrc", "up"],
    ["zone", "-x"], ["ether", "up"], ["mtu", "up"], ["index", "down"], ["subnet", "standby"],
    ["tsrc", "group"], ["token", "up"], [], "up", [True], [None], ["up\ndown"], ["inet6"],
    ["dhcp"], ["ipmp"], ["addif", "2001:db8::1"], ["group", "ipmp0", "addif"], ["-nonsense"],
    ["addif", "0x7f000001"], ["group", "-ipmp0"], ["group", "up", "standby"], "group ipmp0",
)
#: ipadm names: not a physical interface.
BAD_IPADM_IFNAMES = ("ipmp", "up", "-t", "all", "net0:1", "net0/v4", True, 123, None, "",
                     "net0\n", "NET0", "net0 net1", "-i")
BAD_MEMBERS = ("up", "-i", "net0,-t", "net0 net1", "net0,,net1", [True], 123, "lo0",
               ["net0", "lo0"], "net0;reboot", "ipmp0", "net0,net0", "", [])
BAD_ADDROBJS = ("net0/v4/x", "net0/", "/v4", "net0/-t", "net0/v4\n", "net0/v 4", "NET0/v4",
                "ipmp/v4", "net0:1/v4", True, 123, None, "", "net0/4v", "-T/v4", "up/v4")
BAD_IPADM_ADDRESSES = (
    "up", "down", "-T", "0.0.0.0/24", "127.0.0.1/8", "::1/128", "::/0",
    "255.255.255.255/32", "224.0.0.1/24", "ff02::1/64", "::ffff:127.0.0.1/128",
    "192.168.1.60/33", "2001:db8::1/129", "192.168.1.60/-1", "192.168.1.60/999",
    "192.168.1.60/0", "192.168.1.60/24/24", "", None, True, "myhost\n", "local=192.168.1.60",
    "0x7f000001/8", "192.168.1.60/24,192.168.1.61/24", "192.168.1.60 -t",
)


# ------------------------------------------------------------------ hosts
def _s10(host):
    hosts = host.path("etc/inet/hosts")
    hosts.write_text(hosts.read_text() + "192.168.10.10\tmyhost\n192.168.10.11\tmyhost1\n")
    for args in (["bge0", "plumb", "myhost", "netmask", "+", "broadcast", "+", "group", "ipmp0",
                  "up"],
                 ["bge1", "plumb", "myhost1", "netmask", "+", "broadcast", "+", "group", "ipmp0",
                  "up"],
                 ["bge2", "plumb", "group", "ipmp0", "standby", "up"]):
        host.tool_ok("ifconfig", *args)
    host.path("etc/hostname.bge0").write_text("myhost netmask + broadcast + group ipmp0 up\n")
    return host


def _clearview(host):
    for args in (["create-ipmp", "ipmp0"], ["create-ip", "net0"], ["create-ip", "net1"],
                 ["add-ipmp", "-i", "net0,net1", "ipmp0"],
                 ["create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4"]):
        host.tool_ok("ipadm", *args)
    return host


@pytest.fixture(scope="module")
def hosts(lab_host_factory):
    return {
        "solaris10": _s10(lab_host_factory("sol1", nics=("bge0", "bge1", "bge2"))),
        "solaris11": _clearview(lab_host_factory("s11", os="solaris11")),
        "illumos": _clearview(lab_host_factory("omni", os="illumos")),
    }


READS = {"ifconfig": ("-a",), "dladm": ("show-",), "ipadm": ("show-",), "ipmpstat": ("",),
         "svcprop": ("",)}


def mutating(commands):
    """The commands that are not reads (``ifconfig -a``, ``dladm show-*``,
    ``ipadm show-*``, ``ipmpstat``, ``svcprop``)."""
    return [c for c in commands
            if not (c[0] in READS and len(c) > 1
                    and any(c[1].startswith(p) for p in READS[c[0]]))]


def snapshot(host):
    """Every file of the host byte for byte (ipadm's store in etc/ipadm
    too; not its commands nor the lab's bookkeeping under var/lab), and what
    its kernel shows (``ifconfig -a``; ``ipadm show-if`` and ``show-addr``
    on 5.11, temporary objects too)."""
    files = {}
    for path in sorted(host.root.rglob("*")):
        rel = path.relative_to(host.root)
        if rel.parts[0] == "bin" or rel.parts[:2] == ("var", "lab"):
            continue
        if path.is_file() and not path.is_symlink():
            files[rel.as_posix()] = path.read_bytes()
    kernel = [host.tool_ok("ifconfig", "-a").stdout]
    if (host.bin / "ipadm").exists():
        kernel += [host.tool_ok("ipadm", "show-if").stdout,
                   host.tool_ok("ipadm", "show-addr").stdout]
    return files, kernel


@pytest.fixture
def refused(loaders, hosts):
    """``refused(release, function, *args, exc=SaltInvocationError, **kwargs)``:
    asserts that the call raises ``exc`` and changed nothing; its message."""
    loaded = {}

    def call(release, function, *args, exc=SIE, **kwargs):
        host = hosts[release]
        if release not in loaded:
            loaded[release] = loaders(host, grains=lab.grains(release))
        mods = loaded[release]
        mods.reset_context()
        before = snapshot(host)
        mark = len(host.commands())
        with pytest.raises(exc) as info:
            mods[function](*args, **kwargs)
        assert type(info.value) is exc or exc is SIE and isinstance(info.value, SIE), info.value
        assert mutating(host.commands(since=mark)) == []
        assert snapshot(host) == before
        return str(info.value)

    return call


def _id(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _cases(release, function, make, values, names, exc=SIE):
    """``pytest.param`` per value: ``make(value)`` gives ``(args, kwargs)``;
    the message must contain one of ``names`` (or quote the value)."""
    out = []
    for value in values:
        args, kwargs = make(value)
        out.append(pytest.param(
            release, function, args, kwargs, exc, names,
            id="{}:{}:{}".format(release, function.split(".", 1)[1], _id(value)),
        ))
    return out


def _named(message, names, values):
    """The message names the argument (one of ``names``) or quotes the bad
    string value itself."""
    quoted = [repr(v) for v in values if isinstance(v, str) and v]
    return any(n in message for n in names) or any(q in message for q in quoted)


# ---------------------------------------------------------------- ifconfig
S10 = "solaris10"
IFCONFIG = []
for _fn in ("plumb", "unplumb", "up", "down"):
    IFCONFIG += _cases(S10, "ifconfig." + _fn, lambda v: ((v,), {}), BAD_IFNAMES,
                       names=("interface name",))
    IFCONFIG += _cases(S10, "ifconfig." + _fn, lambda v: (("bge1",), {"family": v}),
                       BAD_FAMILIES, names=("family",))
IFCONFIG += _cases(S10, "ifconfig.set_group", lambda v: ((v, "ipmp0"), {}),
                   BAD_IFNAMES + ("bge0:1",), names=("interface",))
IFCONFIG += _cases(S10, "ifconfig.set_group", lambda v: (("bge1", v), {}), BAD_GROUPS,
                   names=("group name",))
IFCONFIG += _cases(S10, "ifconfig.set_group", lambda v: (("bge1", "ipmp0"), {"family": v}),
                   BAD_FAMILIES, names=("family",))
IFCONFIG += _cases(S10, "ifconfig.standby", lambda v: ((v,), {}), BAD_IFNAMES + ("bge0:1",),
                   names=("interface",))
IFCONFIG += _cases(S10, "ifconfig.standby", lambda v: (("bge1",), {"enable": v}), BAD_BOOLEANS,
                   names=("enable",))
IFCONFIG += _cases(S10, "ifconfig.standby", lambda v: (("bge1",), {"family": v}), BAD_FAMILIES,
                   names=("family",))
IFCONFIG += _cases(S10, "ifconfig.addif", lambda v: ((v, "192.168.10.20"), {}),
                   BAD_IFNAMES + ("bge0:1",), names=("interface",))
IFCONFIG += _cases(S10, "ifconfig.addif", lambda v: (("bge1", v), {}),
                   BAD_ADDRESSES + UNUSABLE4 + ("2001:db8::1",),
                   names=("address", "host name", "host"))
IFCONFIG += _cases(S10, "ifconfig.addif", lambda v: (("bge1", v), {"family": "inet6"}),
                   UNUSABLE6 + ("192.168.10.20", "2001:db8::1/129", "up"),
                   names=("address", "host name"))
IFCONFIG += _cases(S10, "ifconfig.addif",
                   lambda v: (("bge1", "192.168.10.20"), {"netmask": v}),
                   ("down", "0.0.0.0", "255.0.255.0", "24", True, "+ ", None),
                   names=("netmask",))
IFCONFIG += _cases(S10, "ifconfig.addif",
                   lambda v: (("bge1", "192.168.10.20"), {"broadcast": v}),
                   ("down", "::1", "10.0.0.255/24", True, "", "+x"), names=("broadcast",))
for _arg in ("deprecated", "failover", "up"):
    IFCONFIG += _cases(S10, "ifconfig.addif",
                       lambda v, a=_arg: (("bge1", "192.168.10.20"), {a: v}), BAD_BOOLEANS,
                       names=(_arg,))
IFCONFIG += _cases(S10, "ifconfig.addif",
                   lambda v: (("bge1", "2001:db8::20"), {"family": "inet6", "netmask": v}),
                   ("255.255.255.0",), names=("netmask",))
IFCONFIG += _cases(S10, "ifconfig.removeif", lambda v: ((v, "192.168.10.20"), {}),
                   BAD_IFNAMES + ("bge0:1",), names=("interface",))
IFCONFIG += _cases(S10, "ifconfig.removeif", lambda v: (("bge1", v), {}), BAD_ADDRESSES,
                   names=("address", "host name", "host"))
IFCONFIG += _cases(S10, "ifconfig.removeif",
                   lambda v: (("bge1", "192.168.10.20"), {"family": v}), BAD_FAMILIES,
                   names=("family",))
IFCONFIG += _cases(S10, "ifconfig.configure", lambda v: ((v, ["up"]), {}), BAD_IFNAMES,
                   names=("interface name",))
IFCONFIG += _cases(S10, "ifconfig.configure", lambda v: (("bge1", v), {}), BAD_TOKENS,
                   names=("ifconfig", "token"))
IFCONFIG += _cases(S10, "ifconfig.configure", lambda v: (("bge1", ["up"]), {"family": v}),
                   BAD_FAMILIES, names=("family",))
IFCONFIG += _cases(S10, "ifconfig.apply_hostname_file", lambda v: ((v,), {}), BAD_IFNAMES,
                   names=("interface name",))
IFCONFIG += _cases(S10, "ifconfig.apply_hostname_file", lambda v: (("bge0",), {"family": v}),
                   BAD_FAMILIES, names=("family",))
for _arg in ("plumb", "test"):
    IFCONFIG += _cases(S10, "ifconfig.apply_hostname_file",
                       lambda v, a=_arg: (("bge0",), {a: v}), BAD_BOOLEANS, names=(_arg,))


# -------------------------------------------------------------------- ipmp
IPMP = []
for _fn in ("offline", "online"):
    IPMP += _cases(S10, "ipmp." + _fn, lambda v: ((v,), {}), BAD_IFNAMES + ("bge0:1",),
                   names=("interface",))
    IPMP += _cases(S10, "ipmp." + _fn, lambda v: (("bge1",), {"refresh": v}),
                   ("yes", "no", 2, None, "true"), names=("refresh",))
    # names that are interfaces, but not group members
    IPMP += _cases(S10, "ipmp." + _fn, lambda v: ((v,), {}), ("lo0", "ipmp0", "bge9"),
                   exc=CEE, names=("not plumbed", "not in an IPMP group"))
    for _rel in ("solaris11", "illumos"):
        IPMP += _cases(_rel, "ipmp." + _fn, lambda v: ((v,), {}),
                       BAD_IPADM_IFNAMES + KEYWORDS, names=("interface",))
        IPMP += _cases(_rel, "ipmp." + _fn, lambda v: ((v,), {}), ("ipmp0",), exc=CEE,
                       names=("is the IPMP interface of group ipmp0",))
        IPMP += _cases(_rel, "ipmp." + _fn, lambda v: ((v,), {}), ("lo0", "net2", "net9"),
                       exc=CEE, names=("not in an IPMP group",))
IPMP += _cases("solaris11", "ipmp.transitive_probing", lambda v: ((), {"enable": v}),
               ("yes", "no", "true", "on", 2, "1"), names=("enable",))


# ------------------------------------------------------------------- ipadm
IPADM = []
for _rel in ("solaris11", "illumos"):
    for _fn in ("create_ip", "delete_ip"):
        IPADM += _cases(_rel, "ipadm." + _fn, lambda v: ((v,), {}), BAD_IPADM_IFNAMES,
                        names=("interface name",))
    IPADM += _cases(_rel, "ipadm.create_ip", lambda v: (("net2",), {"temporary": v}),
                    BAD_BOOLEANS, names=("temporary",))
    IPADM += _cases(_rel, "ipadm.create_ipmp", lambda v: ((v,), {}), BAD_IPADM_IFNAMES,
                    names=("interface name",))
    IPADM += _cases(_rel, "ipadm.create_ipmp", lambda v: (("ipmp1", v), {}),
                    tuple(m for m in BAD_MEMBERS if m not in ("", [], "ipmp0")) + ("ipmp1",),
                    names=("members", "member of itself"))
    IPADM += _cases(_rel, "ipadm.create_ipmp", lambda v: (("ipmp1",), {"temporary": v}),
                    BAD_BOOLEANS, names=("temporary",))
    IPADM += _cases(_rel, "ipadm.delete_ipmp", lambda v: ((v,), {}), BAD_IPADM_IFNAMES,
                    names=("interface name",))
    IPADM += _cases(_rel, "ipadm.delete_ipmp", lambda v: (("ipmp0",), {"force": v}),
                    BAD_BOOLEANS, names=("force",))
    IPADM += _cases(_rel, "ipadm.delete_ipmp", lambda v: ((v,), {}), ("net0", "lo0", "net2"),
                    exc=CEE, names=("is not an IPMP interface", "is not an IP interface"))
    IPADM += _cases(_rel, "ipadm.delete_ipmp", lambda v: ((v,), {}), ("ipmp0",), exc=CEE,
                    names=("still has members",))
    for _fn in ("add_ipmp", "remove_ipmp"):
        IPADM += _cases(_rel, "ipadm." + _fn, lambda v: ((v, "net2"), {}), BAD_IPADM_IFNAMES,
                        names=("interface name",))
        IPADM += _cases(_rel, "ipadm." + _fn, lambda v: (("ipmp0", v), {}), BAD_MEMBERS,
                        names=("members", "member of itself"))
        IPADM += _cases(_rel, "ipadm." + _fn, lambda v: (("ipmp0", "net2"), {"temporary": v}),
                        BAD_BOOLEANS, names=("temporary",))
    IPADM += _cases(_rel, "ipadm.create_addr", lambda v: ((v, "192.168.1.60/24"), {}),
                    BAD_ADDROBJS, names=("address object", "interface name"))
    IPADM += _cases(_rel, "ipadm.create_addr", lambda v: (("ipmp0/v4b", v), {}),
                    BAD_IPADM_ADDRESSES, names=("address", "host name", "host"))
    IPADM += _cases(_rel, "ipadm.create_addr",
                    lambda v: (("ipmp0/v4b", "192.168.1.60/24"), {"temporary": v}),
                    BAD_BOOLEANS, names=("temporary",))
    IPADM += _cases(_rel, "ipadm.delete_addr", lambda v: ((v,), {}),
                    ("net0", "up", "ipmp0") + BAD_ADDROBJS, names=("address object",
                                                                   "interface name"))
    IPADM += _cases(_rel, "ipadm.set_ifprop", lambda v: ((v, "standby", "on"), {}),
                    BAD_IPADM_IFNAMES, names=("interface name",))
    IPADM += _cases(_rel, "ipadm.set_ifprop", lambda v: (("net1", v, "on"), {}),
                    ("group", "bogus", "standby;x", "STANDBY", "-p", "standby=on", "", None,
                     True, "prefixlen", "zone", "failover", "deprecated",
                     "exchange_routes" if _rel == "solaris11" else "exchange-routes",
                     ) + (("allow-xprobe",) if _rel == "illumos" else ()),
                    names=("property",))
    IPADM += _cases(_rel, "ipadm.set_ifprop", lambda v: (("net1", "standby", v), {}),
                    ("maybe", "on off", "", None, [], 1.5, "on,off", 2, "yes", "true", "ON"),
                    names=("value of standby", "property value"))
    IPADM += _cases(_rel, "ipadm.set_ifprop", lambda v: (("net1", "mtu", v), {}),
                    ("big", "-1", "1.5", "9000;x", "9000 1500", True, "on"),
                    names=("value of mtu",))
    IPADM += _cases(_rel, "ipadm.set_ifprop", lambda v: (("net1", "usesrc", v), {}),
                    ("up", "net0:1", "-i", "all"), names=("value of usesrc",))
    IPADM += _cases(_rel, "ipadm.set_ifprop",
                    lambda v: (("net1", "standby", "on"), {"proto": v}),
                    ("tcp", "IP", "", None, "inet"), names=("protocol",))
    IPADM += _cases(_rel, "ipadm.set_ifprop",
                    lambda v: (("net1", "standby", "on"), {"temporary": v}),
                    BAD_BOOLEANS, names=("temporary",))
# illumos names an address object itself: no bare interface
IPADM += _cases("illumos", "ipadm.create_addr", lambda v: ((v, "192.168.1.60/24"), {}),
                ("ipmp0",), names=("address object",))


@pytest.mark.parametrize("release, function, args, kwargs, exc, names",
                         IFCONFIG + IPMP + IPADM)
def test_refused_naming_the_argument(refused, release, function, args, kwargs, exc, names):
    message = refused(release, function, *args, exc=exc, **kwargs)
    assert _named(message, names, list(args) + list(kwargs.values())), message


def test_case_counts():
    """Every mutating function has cases (at least 10 each)."""
    counted = {}
    for case in IFCONFIG + IPMP + IPADM:
        counted[case.values[1]] = counted.get(case.values[1], 0) + 1
    for function in ("plumb", "unplumb", "up", "down", "set_group", "standby", "addif",
                     "removeif", "configure", "apply_hostname_file"):
        assert counted["ifconfig." + function] >= 10, function
    for function in ("offline", "online"):
        assert counted["ipmp." + function] >= 10, function
    for function in ("create_ip", "delete_ip", "create_ipmp", "delete_ipmp", "add_ipmp",
                     "remove_ipmp", "create_addr", "delete_addr", "set_ifprop"):
        assert counted["ipadm." + function] >= 10, function


# ------------------------------------------------- what the grammar allows
@pytest.mark.parametrize("release, prop, value, expected", [
    ("solaris11", "standby", True, "on"),
    ("solaris11", "exchange-routes", False, "off"),
    ("solaris11", "mtu", 9000, "9000"),
    ("illumos", "exchange_routes", "on", "on"),
    ("illumos", "usesrc", "none", "none"),
    ("illumos", "hoplimit", "64", "64"),
])
def test_settable_ifprop_accepts_the_release_words(loaders, hosts, release, prop, value,
                                                   expected):
    mods = loaders(hosts[release], grains=lab.grains(release))
    assert mods.utils["ipmp_validate.settable_ifprop"](prop, value, release) == expected
