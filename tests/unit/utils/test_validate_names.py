"""Validators of _utils/ipmp_cmd.py: what may reach a Solaris command line."""

import pytest
from salt.exceptions import SaltInvocationError


@pytest.fixture(scope="module")
def cmd(load_util):
    return load_util("ipmp_validate")


# Strings that must never pass as any name: shell injection, path traversal,
# empty, too long, control characters, option look-alikes.
HOSTILE = [
    "",
    " ",
    "bge0; rm -rf /",
    "bge0 && reboot",
    "bge0|tee",
    "$(reboot)",
    "`id`",
    "../../etc/passwd",
    "/etc/passwd",
    "bge0\n",
    "bge0\nbge1",
    "bge0\x00",
    "bge0\t",
    "-a",
    "--help",
    "b" * 300,
    "bge0'",
    'bge0"',
    "bge*",
    "bge0>x",
    "\u00e9bge0",
]


@pytest.mark.parametrize(
    "name", ["bge0", "e1000g876000", "bge0:1", "lo0", "ip.tun0", "hme12:23", "nxge_1"]
)
def test_interface_accepts_solaris_names(cmd, name):
    assert cmd.interface(name) == name


@pytest.mark.parametrize(
    "name",
    HOSTILE
    + ["bge", "0bge", "BGE0", "bge01", "bge0:01", "bge0:", "bge0:1:2", "bge0:x", "bge-0", "e1000g"],
)
def test_interface_refuses(cmd, name):
    with pytest.raises(SaltInvocationError):
        cmd.interface(name)


def test_interface_length_limit(cmd):
    assert cmd.interface("a" * 30 + "0") == "a" * 30 + "0"
    with pytest.raises(SaltInvocationError, match="longer than 31"):
        cmd.interface("a" * 31 + "0")


def test_interface_physical_only(cmd):
    assert cmd.interface("bge0", logical=False) == "bge0"
    with pytest.raises(SaltInvocationError, match="logical interface"):
        cmd.interface("bge0:1", logical=False)


@pytest.mark.parametrize("value", [None, 0, ["bge0"], b"bge0"])
def test_interface_refuses_non_strings(cmd, value):
    with pytest.raises(SaltInvocationError, match="must be a string"):
        cmd.interface(value)


@pytest.mark.parametrize("name", ["ipmp0", "a", "prod_net-1", "G" * 31, "web.front", "x:y"])
def test_group_accepts(cmd, name):
    assert cmd.group(name) == name


@pytest.mark.parametrize("name", HOSTILE + ["G" * 32, ".hidden", "-x", "a b", "a,b", "a/b"])
def test_group_refuses(cmd, name):
    with pytest.raises(SaltInvocationError):
        cmd.group(name)


@pytest.mark.parametrize(
    "addr, family",
    [
        ("192.168.1.10", "inet"),
        ("0.0.0.0", "inet"),
        ("10.0.0.1/24", "inet"),
        ("fe80::214:4fff:fe69:c2c8", "inet6"),
        ("2001:db8::10/64", "inet6"),
        ("::", "inet6"),
        ("::ffff:10.1.2.3", "inet6"),
    ],
)
def test_address_accepts(cmd, addr, family):
    assert cmd.address(addr) == addr
    assert cmd.address(addr, family) == addr


@pytest.mark.parametrize(
    "addr",
    HOSTILE
    + [
        "256.1.1.1",
        "1.2.3",
        "010.1.1.1",
        "1.2.3.4/33",
        "1.2.3.4/",
        "1.2.3.4/24/1",
        "2001:db8::/129",
        "fe80::1%bge0",
        "2001:db8:::1",
        "myhost",
    ],
)
def test_address_refuses(cmd, addr):
    with pytest.raises(SaltInvocationError):
        cmd.address(addr)


def test_address_family_mismatch(cmd):
    with pytest.raises(SaltInvocationError, match="IPv6 address is needed"):
        cmd.address("10.0.0.1", "inet6")
    with pytest.raises(SaltInvocationError, match="IPv4 address is needed"):
        cmd.address("2001:db8::1", "inet")
    with pytest.raises(SaltInvocationError, match="family"):
        cmd.address("10.0.0.1", "ipv4")


@pytest.mark.parametrize(
    "name", ["myhost", "myhost-bge0", "web.example.com", "10.1.1.1", "2001:db8::1", "a1"]
)
def test_host_accepts(cmd, name):
    assert cmd.host(name) == name


@pytest.mark.parametrize(
    "name", HOSTILE + ["-myhost", "my_host", "host-", "a..b", "1.2.3", "1.2.3.4.5", "x" * 64, "bad:addr"]
)
def test_host_refuses(cmd, name):
    with pytest.raises(SaltInvocationError):
        cmd.host(name)


@pytest.mark.parametrize("mask", ["+", "255.255.255.0", "255.255.0.0", "128.0.0.0", "255.255.255.255", "255.255.255.252"])
def test_netmask_accepts(cmd, mask):
    assert cmd.netmask(mask) == mask


@pytest.mark.parametrize(
    "mask", ["", "255.0.255.0", "255.255.255.1", "ffffff00", "24", "/24", "255.255.255", "++",
             "0.0.0.0"]
)
def test_netmask_refuses(cmd, mask):
    with pytest.raises(SaltInvocationError):
        cmd.netmask(mask)


def test_broadcast(cmd):
    assert cmd.broadcast("+") == "+"
    assert cmd.broadcast("192.168.1.255") == "192.168.1.255"
    with pytest.raises(SaltInvocationError):
        cmd.broadcast("ff02::1")


def test_family(cmd):
    assert cmd.family("inet") == "inet"
    assert cmd.family("inet6") == "inet6"
    for bad in ("", "INET", "ipv6", None, "inet4"):
        with pytest.raises(SaltInvocationError):
            cmd.family(bad)


def test_boolean(cmd):
    assert cmd.boolean(True, "x") is True
    assert cmd.boolean(0, "x") is False
    for bad in ("yes", "True", 2, None, []):
        with pytest.raises(SaltInvocationError, match="x must be True or False"):
            cmd.boolean(bad, "x")


def test_integer(cmd):
    assert cmd.integer(5, "limit", 1, 10) == 5
    assert cmd.integer("7", "limit", 1, 10) == 7
    for bad in (0, 11, True, "5; ls", "-1", 1.5, None):
        with pytest.raises(SaltInvocationError, match="limit"):
            cmd.integer(bad, "limit", 1, 10)


def test_physical(cmd):
    assert cmd.physical("bge0:3") == "bge0"
    assert cmd.physical("bge0") == "bge0"


@pytest.mark.parametrize(
    "root, path, expected",
    [
        ("/", "/etc/default/mpathd", "/etc/default/mpathd"),
        (None, "/etc/hosts", "/etc/hosts"),
        ("", "/etc/hosts", "/etc/hosts"),
        ("/a", "/etc/hostname.bge0", "/a/etc/hostname.bge0"),
        ("/a/", "etc/hostname.bge0:1", "/a/etc/hostname.bge0:1"),
    ],
)
def test_root_path(cmd, root, path, expected):
    assert cmd.root_path(root, path) == expected


@pytest.mark.parametrize(
    "root, path",
    [
        ("a", "/etc/hosts"),
        ("/", "/etc/../../x"),
        ("/a/../b", "/etc/hosts"),
        ("/", ""),
        ("/", "/etc/x\n"),
        (5, "/etc/hosts"),
    ],
)
def test_root_path_refuses(cmd, root, path):
    with pytest.raises(SaltInvocationError):
        cmd.root_path(root, path)
