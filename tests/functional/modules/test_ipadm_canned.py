"""The ipadm module through Salt's loader, against a fake ``ipadm`` (and
``ipmpstat``) printing canned parsable output, with Solaris 11 and illumos
grains.  The fakes log their argv: each test checks what ran, and that a
refused call ran nothing."""

import json
import pathlib

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "unit" / "fixtures"
# Minimal grains of each release as these canned tests have always used them
# (not lab.GRAINS: illumos here is osrelease 5.11, osmajorrelease 5).
GRAINS = json.loads((FIXTURES / "grains.canned.json").read_text())
SOLARIS11, ILLUMOS, SOLARIS10 = GRAINS["solaris11"], GRAINS["illumos"], GRAINS["solaris10"]

SHOW_IF_S11 = ["ipadm", "show-if", "-p", "-o", "ifname,class,state,active,over,persistent"]
SHOW_IF_ILLUMOS = ["ipadm", "show-if", "-p", "-o", "ifname,class,state,current,persistent"]
SHOW_ADDR = ["ipadm", "show-addr", "-p", "-o", "addrobj,type,state,current,persistent,addr"]
IFPROP_FIELDS = "ifname,property,proto,perm,current,persistent,default,possible"
IPMPSTAT_I = ["ipmpstat", "-i", "-P", "-o", "interface,active,group,flags,link,probe,state"]


def _rules():
    """Canned reads; every change succeeds."""
    rules = [
        {"cmd": "ipadm", "argv": SHOW_IF_S11[1:], "file": str(FIXTURES / "ipadm-show-if.s11.txt")},
        {"cmd": "ipadm", "argv": SHOW_IF_ILLUMOS[1:],
         "file": str(FIXTURES / "ipadm-show-if.illumos.txt")},
        {"cmd": "ipadm", "argv": SHOW_ADDR[1:], "file": str(FIXTURES / "ipadm-show-addr.s11.txt")},
        {"cmd": "ipadm", "argv": ["show-ifprop", "-c", "-o", IFPROP_FIELDS, "-p", "standby", "-m",
                                  "ip", "net0"],
         "stdout": "net0:standby:ip:rw:off::off:on,off\n"},
        {"cmd": "ipadm", "argv": ["show-ifprop", "-c", "-o", IFPROP_FIELDS],
         "file": str(FIXTURES / "ipadm-show-ifprop.s11.txt")},
        {"cmd": "ipmpstat", "argv": IPMPSTAT_I[1:],
         "stdout": "net0:yes:ipmp0:--mb---:up:ok:ok\nnet1:no:ipmp0:is-----:up:ok:ok\n"},
    ]
    rules.append({"cmd": "ipadm", "argv": None})
    return rules


@pytest.fixture
def fake(canned_bin):
    return canned_bin(_rules())


@pytest.fixture
def s11(loaders, fake):
    return loaders(None, grains=SOLARIS11)


@pytest.fixture
def illumos(loaders, fake):
    return loaders(None, grains=ILLUMOS)


def _failing(canned_bin, loaders, grains, text):
    """Every ipadm call exits 1 with ``text`` on stderr."""
    fake = canned_bin([{"cmd": "ipadm", "argv": None, "stderr": text + "\n", "rc": 1}])
    return fake, loaders(None, grains=grains)


# ---------------------------------------------------------------- loading


def test_loads_on_solaris11_and_illumos(s11, illumos):
    for mods in (s11, illumos):
        assert "ipadm.show_if" in mods.modules
        assert "ipadm.set_ifprop" in mods.modules


def test_refused_on_solaris10_with_the_reason(loaders, fake):
    mods = loaders(None, grains=SOLARIS10)
    assert "ipadm.show_if" not in mods.modules
    reason = mods.modules.missing_fun_string("ipadm.show_if")
    assert "only runs on Solaris 11 and illumos; this minion runs Solaris 10" in reason


def test_platform_override_loads_it(loaders, fake):
    mods = loaders(None, grains=SOLARIS10, **{"ipmp.platform": "illumos"})
    assert "ipadm.show_if" in mods.modules


def test_every_function_has_a_cli_example(s11):
    names = [n for n in s11.modules if n.startswith("ipadm.")]
    assert len(names) == 12
    for name in names:
        doc = s11.modules[name].__doc__
        assert "CLI Example:" in doc and "salt " in doc, name


# ---------------------------------------------------------------- reads


def test_show_if_solaris11(s11, fake):
    out = s11["ipadm.show_if"]()
    assert out["ipmp0"] == {"class": "ipmp", "state": "ok", "active": True,
                            "over": ["net0", "net1", "net2"], "persistent": True}
    assert out["net9"]["persistent"] is False
    assert s11["ipadm.show_if"]("net4") == {
        "net4": {"class": "ip", "state": "failed", "active": False, "over": [], "persistent": True}}
    assert fake.commands() == [SHOW_IF_S11]


def test_show_if_illumos_gets_members_from_ipmpstat(illumos, fake):
    out = illumos["ipadm.show_if"]()
    assert out["ipmp0"] == {"class": "ipmp", "state": "ok", "active": True,
                            "over": ["net0", "net1"], "persistent": True}
    assert out["lo0"]["class"] == "virtual"
    assert fake.commands() == [SHOW_IF_ILLUMOS, IPMPSTAT_I]


def test_show_if_unknown(s11):
    with pytest.raises(CommandExecutionError, match="ipadm: no interface named net77"):
        s11["ipadm.show_if"]("net77")


def test_show_addr(s11, fake):
    assert s11["ipadm.show_addr"]("ipmp0/v4") == {"ipmp0/v4": {
        "interface": "ipmp0", "type": "static", "state": "ok", "address": "192.168.1.50",
        "prefixlen": 24, "persistent": True}}
    assert sorted(s11["ipadm.show_addr"]("lo0")) == ["lo0/v4", "lo0/v6"]
    assert sorted(s11["ipadm.show_addr"]("net5/")) == ["net5/?", "net5/?2"]
    assert s11["ipadm.show_addr"]("net3") == {}
    assert len(s11["ipadm.show_addr"]()) == 13
    with pytest.raises(CommandExecutionError, match="no address object named ipmp0/v9"):
        s11["ipadm.show_addr"]("ipmp0/v9")
    assert fake.commands() == [SHOW_ADDR]


def test_show_ifprop(s11, fake):
    assert s11["ipadm.show_ifprop"]("net0", prop="standby", proto="ip") == {
        "net0": {"ip": {"standby": {"perm": "rw", "current": "off", "default": "off",
                                    "possible": ["on", "off"]}}}}
    assert s11["ipadm.show_ifprop"]()["net0"]["ipv4"]["mtu"]["current"] == 1500
    assert fake.commands() == [
        ["ipadm", "show-ifprop", "-c", "-o", IFPROP_FIELDS, "-p", "standby", "-m", "ip", "net0"],
        ["ipadm", "show-ifprop", "-c", "-o", IFPROP_FIELDS],
    ]


@pytest.mark.parametrize(
    "function, args",
    [
        ("ipadm.show_if", ["net0;ls"]),
        ("ipadm.show_addr", ["ipmp0/4v"]),
        ("ipadm.show_addr", ["ipmp0/v4;x"]),
        ("ipadm.show_ifprop", ["net0", "Standby"]),
        ("ipadm.show_ifprop", ["net0", None, "tcp"]),
    ],
)
def test_reads_validate_first(s11, fake, function, args):
    with pytest.raises(SaltInvocationError):
        s11[function](*args)
    assert fake.commands() == []


# ---------------------------------------------------------------- changes


@pytest.mark.parametrize(
    "function, args, kwargs, argv",
    [
        ("create_ip", ["net0"], {}, ["create-ip", "net0"]),
        ("create_ip", ["net0"], {"temporary": True}, ["create-ip", "-t", "net0"]),
        ("delete_ip", ["net3"], {}, ["delete-ip", "net3"]),
        ("create_ipmp", ["ipmp0"], {}, ["create-ipmp", "ipmp0"]),
        ("create_ipmp", ["ipmp0"], {"members": "net0,net1"},
         ["create-ipmp", "-i", "net0,net1", "ipmp0"]),
        ("add_ipmp", ["ipmp0", ["net0", "net1"]], {}, ["add-ipmp", "-i", "net0,net1", "ipmp0"]),
        ("remove_ipmp", ["ipmp0", "net2"], {}, ["remove-ipmp", "-i", "net2", "ipmp0"]),
        ("create_addr", ["ipmp0/v4", "192.168.1.50/24"], {},
         ["create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4"]),
        ("create_addr", ["net0/test", "2001:db8::11/64"], {"temporary": True},
         ["create-addr", "-t", "-T", "static", "-a", "2001:db8::11/64", "net0/test"]),
        ("delete_addr", ["ipmp0/v4"], {}, ["delete-addr", "ipmp0/v4"]),
        ("set_ifprop", ["net2", "standby", True], {},
         ["set-ifprop", "-p", "standby=on", "-m", "ip", "net2"]),
        ("set_ifprop", ["net0", "mtu", 9000], {"proto": "ipv4", "temporary": True},
         ["set-ifprop", "-t", "-p", "mtu=9000", "-m", "ipv4", "net0"]),
    ],
)
def test_changes_run_one_command(s11, illumos, fake, function, args, kwargs, argv):
    result = s11["ipadm." + function](*args, **kwargs)
    assert result in (True, args[0])
    assert fake.commands() == [["ipadm"] + argv]


@pytest.mark.parametrize(
    "function, args, s11_argv, illumos_argv",
    [
        ("create_ipmp", ["ipmp0"], ["create-ipmp", "-t", "ipmp0"],
         ["create-ipmp", "--temporary", "ipmp0"]),
        ("add_ipmp", ["ipmp0", "net0"], ["add-ipmp", "-t", "-i", "net0", "ipmp0"],
         ["add-ipmp", "--temporary", "-i", "net0", "ipmp0"]),
        ("remove_ipmp", ["ipmp0", "net0"], ["remove-ipmp", "-t", "-i", "net0", "ipmp0"],
         ["remove-ipmp", "--temporary", "-i", "net0", "ipmp0"]),
    ],
)
def test_temporary_is_spelled_by_release(s11, illumos, fake, function, args, s11_argv,
                                         illumos_argv):
    s11["ipadm." + function](*args, temporary=True)
    illumos["ipadm." + function](*args, temporary=True)
    assert fake.commands() == [["ipadm"] + s11_argv, ["ipadm"] + illumos_argv]


def test_create_ip_temporary_is_dash_t_on_illumos(illumos, fake):
    illumos["ipadm.create_ip"]("net0", temporary=True)
    assert fake.commands() == [["ipadm", "create-ip", "-t", "net0"]]


def test_change_drops_the_cache(s11, fake):
    s11["ipadm.show_if"]()
    s11["ipadm.show_if"]()
    s11["ipadm.create_ip"]("net6")
    s11["ipadm.show_if"]()
    assert fake.commands() == [SHOW_IF_S11, ["ipadm", "create-ip", "net6"], SHOW_IF_S11]


def test_delete_ipmp_refuses_while_it_has_members(s11, fake):
    with pytest.raises(CommandExecutionError,
                       match="ipmp0 still has members net0, net1, net2; remove them first"):
        s11["ipadm.delete_ipmp"]("ipmp0")
    assert fake.commands() == [SHOW_IF_S11]


def test_delete_ipmp_force_removes_members_first(s11, fake):
    assert s11["ipadm.delete_ipmp"]("ipmp1", force=True) is True
    assert fake.commands() == [
        SHOW_IF_S11,
        ["ipadm", "remove-ipmp", "-i", "net3,net4,net5", "ipmp1"],
        ["ipadm", "delete-ipmp", "ipmp1"],
    ]


def test_delete_ipmp_refuses_a_plain_interface(s11, fake):
    with pytest.raises(CommandExecutionError, match="net0 is not an IPMP interface"):
        s11["ipadm.delete_ipmp"]("net0")
    assert fake.commands() == [SHOW_IF_S11]


def test_create_addr_bare_interface_solaris11_only(loaders, canned_bin, illumos, fake):
    with pytest.raises(SaltInvocationError, match="expected <interface>/<tag>"):
        illumos["ipadm.create_addr"]("ipmp0", "192.168.1.50/24")
    assert fake.commands() == []
    fake.rules = [{"cmd": "ipadm", "argv": None, "stdout": "ipadm: ipmp0/v4a\n"}]
    fake.write()
    mods = loaders(None, grains=SOLARIS11)
    assert mods["ipadm.create_addr"]("ipmp0", "192.168.1.51/24") == "ipmp0/v4a"
    assert fake.commands() == [
        ["ipadm", "create-addr", "-T", "static", "-a", "192.168.1.51/24", "ipmp0"]]


@pytest.mark.parametrize(
    "function, args, kwargs",
    [
        ("create_ip", ["net0:1"], {}),
        ("create_ip", ["-t"], {}),
        ("create_ip", ["net0"], {"temporary": "yes"}),
        ("create_ipmp", ["ipmp0", "net0,net0"], {}),
        ("create_ipmp", ["ipmp0", "ipmp0"], {}),
        ("add_ipmp", ["ipmp0", []], {}),
        ("add_ipmp", ["ipmp0", "net0;reboot"], {}),
        ("remove_ipmp", ["ipmp0", ""], {}),
        ("create_addr", ["ipmp0/v4", "300.1.1.1/24"], {}),
        ("create_addr", ["ipmp0/v4", "192.168.1.50/33"], {}),
        ("create_addr", ["ipmp0/", "192.168.1.50/24"], {}),
        ("create_addr", ["ipmp0/4abc", "192.168.1.50/24"], {}),
        ("create_addr", ["ipmp0/" + "a" * 33, "192.168.1.50/24"], {}),
        ("delete_addr", ["ipmp0"], {}),
        ("set_ifprop", ["net0", "standby", "on off"], {}),
        ("set_ifprop", ["net0", "standby=on", "on"], {}),
        ("set_ifprop", ["net0", "standby", ""], {}),
        ("set_ifprop", ["net0", "standby", "on"], {"proto": "tcp"}),
        ("delete_ipmp", ["ipmp0", "yes"], {}),
    ],
)
def test_changes_validate_first(s11, fake, function, args, kwargs):
    with pytest.raises(SaltInvocationError):
        s11["ipadm." + function](*args, **kwargs)
    assert fake.commands() == []


@pytest.mark.parametrize(
    "grains, function, args, text, hint",
    [
        (SOLARIS11, "add_ipmp", ["ipmp0", "net0"],
         "ipadm: cannot add net0 to ipmp0: Underlying interface has addresses managed by "
         "dhcpagent(8)", "must not hold DHCP or addrconf addresses"),
        (SOLARIS11, "create_addr", ["net0/v4", "10.0.0.5/24"],
         "ipadm: cannot create address: Persistent operation on temporary object",
         "DefaultFixed"),
        (ILLUMOS, "create_ipmp", ["ipmp0"],
         "ipadm: Cannot ping in.mpathd: cannot contact in.mpathd", "svc:/network/ipmp"),
        (ILLUMOS, "add_ipmp", ["ipmp0", "net0"],
         "ipadm: Cannot add interface 'net0' to IPMP interface 'ipmp0': Interface already in use",
         "already in an IPMP group"),
    ],
)
def test_errors_carry_ipadm_words_and_a_hint(loaders, canned_bin, grains, function, args, text,
                                             hint):
    fake, mods = _failing(canned_bin, loaders, grains, text)
    with pytest.raises(CommandExecutionError) as info:
        mods["ipadm." + function](*args)
    message = str(info.value)
    assert text in message
    assert hint in message.split(". Hint: ", 1)[1]
    assert len(fake.commands()) == 1


def test_unknown_error_has_no_hint(loaders, canned_bin):
    fake, mods = _failing(canned_bin, loaders, SOLARIS11, "ipadm: mystery")
    with pytest.raises(CommandExecutionError) as info:
        mods["ipadm.delete_ip"]("net0")
    assert str(info.value).startswith("ipadm delete-ip net0 failed: ipadm: mystery.")
    assert "Hint" not in str(info.value)
