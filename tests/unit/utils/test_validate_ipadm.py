"""ipadm words (_utils/ipmp_validate.py): address objects, member lists,
interface properties and their values, protocols."""

import pytest

# Not salt_independent: ipmp_validate raises Salt's SaltInvocationError.


@pytest.fixture(scope="module")
def v(load_util):
    return load_util("ipmp_validate")


@pytest.mark.parametrize("name", ["ipmp0/v4", "net0/test", "e1000g0/a1", "net0/" + "a" * 32])
def test_addrobj_ok(v, name):
    assert v.addrobj(name) == name


@pytest.mark.parametrize(
    "name",
    ["ipmp0", "ipmp0/", "/v4", "ipmp0/4v", "ipmp0/v-4", "ipmp0/v4/x", "net0:1/v4",
     "net0/" + "a" * 33, "net0/v4;rm", "", None, 7],
)
def test_addrobj_refused(v, name):
    with pytest.raises(v.Invalid):
        v.addrobj(name)


def test_addrobj_bare(v):
    assert v.addrobj("ipmp0", bare=True) == "ipmp0"
    with pytest.raises(v.Invalid):
        v.addrobj("ipmp0;x", bare=True)


def test_interfaces(v):
    assert v.interfaces("net0,net1") == ["net0", "net1"]
    assert v.interfaces(["net0"]) == ["net0"]
    assert v.interfaces(" net0 , net1 ") == ["net0", "net1"]
    for bad in ([], "", "net0,net0", ["net0:1"], "net0,,net1", None, ["net%d" % i for i in range(65)]):
        with pytest.raises(v.Invalid):
            v.interfaces(bad)


@pytest.mark.parametrize("name", ["standby", "mtu", "exchange-routes", "exchange_routes"])
def test_ifprop_ok(v, name):
    assert v.ifprop(name) == name


@pytest.mark.parametrize("name", ["Standby", "standby=on", "-mtu", "", "a b", "x" * 65])
def test_ifprop_refused(v, name):
    with pytest.raises(v.Invalid):
        v.ifprop(name)


@pytest.mark.parametrize(
    "value, expected",
    [(True, "on"), (False, "off"), (9000, "9000"), ("on", "on"), ("inherit", "inherit"),
     ("a,b", "a,b"), ("fe80::1", "fe80::1")],
)
def test_ifprop_value(v, value, expected):
    assert v.ifprop_value(value) == expected


@pytest.mark.parametrize("value", ["", "on off", "a=b", "a,", ",a", "x;y", None, "x" * 256])
def test_ifprop_value_refused(v, value):
    with pytest.raises(v.Invalid):
        v.ifprop_value(value)


def test_protocol(v):
    assert [v.protocol(p) for p in ("ip", "ipv4", "ipv6")] == ["ip", "ipv4", "ipv6"]
    with pytest.raises(v.Invalid):
        v.protocol("tcp")
