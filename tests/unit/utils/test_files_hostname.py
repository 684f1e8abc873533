"""Rendering of /etc/hostname.<if> and /etc/hostname6.<if> (ipmp_files)."""

import pytest


@pytest.fixture(scope="module")
def files(load_util):
    return load_util("ipmp_files")


@pytest.fixture(scope="module")
def cmd(load_util):
    return load_util("ipmp_validate")


def line(files, **kwargs):
    return files.render_hostname(files.hostname_tokens(**kwargs))


def test_link_based_active_is_the_manual_line(files):
    assert line(files, address="myhost", group="ipmp0") == (
        "myhost netmask + broadcast + group ipmp0 up\n"
    )


def test_link_based_standby_without_address(files):
    assert line(files, group="ipmp0", standby=True) == "group ipmp0 standby up\n"


def test_probe_based_test_address_on_physical_data_via_addif(files):
    assert line(files, address="web", test_address="web-e1000g0", group="ipmp1") == (
        "web-e1000g0 netmask + broadcast + group ipmp1 deprecated -failover up "
        "addif web netmask + broadcast + failover up\n"
    )


def test_probe_based_standby_orders_failover_standby_up(files):
    tokens = files.hostname_tokens(test_address="web-e1000g1", group="ipmp1", standby=True)
    assert tokens[-4:] == ["deprecated", "-failover", "standby", "up"]
    assert tokens.index("-failover") < tokens.index("standby") < tokens.index("up")


def test_explicit_netmask_used_on_both_addresses(files):
    tokens = files.hostname_tokens(
        address="10.1.1.10", test_address="10.1.1.11", netmask="255.255.255.0", group="g"
    )
    assert tokens.count("255.255.255.0") == 2
    assert "+" in tokens  # broadcast stays +


def test_extra_tokens_come_before_group(files):
    tokens = files.hostname_tokens(address="myhost", group="ipmp0", extra=["mtu", "9000"])
    assert tokens == [
        "myhost", "netmask", "+", "broadcast", "+", "mtu", "9000", "group", "ipmp0", "up",
    ]


def test_plain_interface_without_group(files):
    assert line(files, address="10.0.0.5") == "10.0.0.5 netmask + broadcast + up\n"


def test_nothing_declared_gives_empty_file(files):
    assert line(files) == ""
    assert line(files, family="inet6") == ""


@pytest.mark.parametrize(
    "kwargs",
    [
        {"address": "myhost", "group": "ipmp0"},
        {"group": "ipmp0", "standby": True},
        {"address": "web", "test_address": "web-e1000g0", "group": "ipmp1"},
        {"test_address": "web-e1000g1", "group": "ipmp1", "standby": True},
    ],
)
def test_one_line_rule_appends_nothing_that_changes_the_result(files, cmd, kwargs):
    """The boot script appends ``netmask + broadcast + up`` to a one-line file:
    every rendered line already ends with ``up`` on the interface the words
    apply to, and is one valid ifconfig command."""
    text = line(files, **kwargs)
    assert text.count("\n") == 1
    commands = cmd.hostname_file_commands(text, "inet")
    assert len(commands) == 1
    words = commands[0]
    assert words[-5:] == ["netmask", "+", "broadcast", "+", "up"]
    assert words[:-5][-1] == "up"


def test_rendered_files_pass_the_command_layer_grammar(files, cmd):
    for kwargs in (
        {"address": "myhost", "group": "ipmp0", "extra": ["mtu", "1500"]},
        {"address": "web", "test_address": "web-e1000g0", "group": "ipmp1"},
    ):
        cmd.tokens(files.hostname_tokens(**kwargs), "inet")
    cmd.tokens(
        files.hostname_tokens(family="inet6", address="2001:db8::10", group="g", probe=True),
        "inet6",
    )


def test_ipv6_probe_uses_link_local_test_address(files):
    assert line(files, family="inet6", group="ipmp1", probe=True) == "-failover group ipmp1 up\n"


def test_ipv6_standby_test_address(files):
    assert line(files, family="inet6", group="ipmp1", standby=True, test_address=True) == (
        "-failover group ipmp1 standby up\n"
    )


def test_ipv6_data_address_via_addif_with_default_prefix(files):
    assert line(files, family="inet6", group="ipmp1", probe=True, address="2001:db8::10") == (
        "-failover group ipmp1 up addif 2001:db8::10/64 up\n"
    )
    assert "addif 2001:db8::10/48 up" in line(
        files, family="inet6", group="g", address="2001:db8::10/48"
    )


def test_ipv6_link_based_has_no_failover_flag(files):
    assert line(files, family="inet6", group="ipmp0") == "group ipmp0 up\n"


def test_ipv6_explicit_link_local_test_address_first(files):
    assert line(files, family="inet6", group="g", test_address="fe80::1/10") == (
        "fe80::1/10 -failover group g up\n"
    )


@pytest.mark.parametrize("bad", [["up;", "reboot"], ["$(id)"], ["a b"], [True], "up; reboot", {"x": 1}])
def test_extra_refuses_anything_but_plain_tokens(cmd, bad):
    with pytest.raises(ValueError):
        cmd.extra(bad)


def test_unknown_family_refused(files):
    with pytest.raises(ValueError):
        files.hostname_tokens(family="inet4", group="g")
    with pytest.raises(ValueError):
        files.hostname_kind("ether")


def test_paths(files):
    assert files.relpath("hostname", "bge0") == "/etc/hostname.bge0"
    assert files.relpath("hostname6", "bge0") == "/etc/hostname6.bge0"
    assert files.relpath("hosts") == "/etc/inet/hosts"
    assert files.relpath("netmasks") == "/etc/inet/netmasks"
    assert files.relpath("mpathd") == "/etc/default/mpathd"
    assert files.hostname_kind("inet6") == "hostname6"
