"""ifconfig token grammar and the Solaris 10 hostname-file rules in _utils/ipmp_cmd.py."""

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError


@pytest.fixture(scope="module")
def cmd(load_util):
    return load_util("ipmp_validate")


@pytest.mark.parametrize(
    "words",
    [
        ["myhost", "netmask", "+", "broadcast", "+", "group", "ipmp0", "up"],
        ["group", "ipmp0", "standby", "up"],
        ["myhost-bge0", "netmask", "+", "broadcast", "+", "deprecated", "-failover", "group", "ipmp0", "up"],
        ["addif", "myhost", "netmask", "+", "broadcast", "+", "failover", "up"],
        ["192.168.1.10/24", "up"],
        ["set", "10.0.0.5", "netmask", "255.255.255.0", "mtu", "9000"],
        ["removeif", "10.0.0.5"],
        ["group", ""],
        ["plumb", "-failover", "standby", "up"],
        ["zone", "web01", "-nud", "private", "metric", "2"],
        ["usesrc", "vni0"],
        ["ether", "0:14:4f:69:c2:c8"],
    ],
)
def test_tokens_accept_inet(cmd, words):
    assert cmd.tokens(words, "inet") == words


@pytest.mark.parametrize(
    "words",
    [
        ["-failover", "group", "ipmp0", "up"],
        ["addif", "2001:db8::10/64", "up"],
        ["token", "::10/64"],
        ["fe80::1/10", "-failover"],
    ],
)
def test_tokens_accept_inet6(cmd, words):
    assert cmd.tokens(words, "inet6") == words


@pytest.mark.parametrize(
    "words, message",
    [
        (["myhost;", "up"], "neither"),
        (["netmask"], "needs an argument"),
        (["netmask", "255.0.255.0"], "not contiguous"),
        (["group", "a;b"], "group"),
        (["group", "$(id)"], "group"),
        (["-frobnicate"], "not an ifconfig subcommand"),
        (["inet6", "up"], "family"),
        (["dhcp", "start"], "DHCP"),
        (["ipmp"], "Solaris 11"),
        (["mtu", "big"], "number"),
        (["addif", "../../etc/passwd"], "addif"),
        (["myhost\r"], "CRLF"),
        (["my host"], "whitespace"),
        (["`id`"], "neither"),
        (["*"], "neither"),
        (["10.0.0.1", "up"], None),
    ],
)
def test_tokens_refuse(cmd, words, message):
    family = "inet6" if words == ["10.0.0.1", "up"] else "inet"
    with pytest.raises(SaltInvocationError, match=message):
        cmd.tokens(words, family)


@pytest.mark.parametrize("bad", ["myhost up", None, {"a": 1}, [1, 2], [None]])
def test_tokens_need_a_list_of_strings(cmd, bad):
    with pytest.raises(SaltInvocationError):
        cmd.tokens(bad)


def test_tokens_limit(cmd):
    with pytest.raises(SaltInvocationError, match="too many"):
        cmd.tokens(["up"] * 257)


def test_one_line_file_gets_netmask_broadcast_up(cmd):
    assert cmd.hostname_file_commands("myhost\n") == [
        ["myhost", "netmask", "+", "broadcast", "+", "up"]
    ]
    assert cmd.hostname_file_commands("myhost group ipmp0\n") == [
        ["myhost", "group", "ipmp0", "netmask", "+", "broadcast", "+", "up"]
    ]


def test_multi_line_file_is_used_as_is(cmd):
    text = (
        "myhost-bge0 netmask + broadcast + group ipmp0 deprecated -failover up\n"
        "addif myhost netmask + broadcast + up\n"
    )
    assert cmd.hostname_file_commands(text) == [
        ["myhost-bge0", "netmask", "+", "broadcast", "+", "group", "ipmp0", "deprecated", "-failover", "up"],
        ["addif", "myhost", "netmask", "+", "broadcast", "+", "up"],
    ]


def test_blank_line_after_one_line_counts_as_multi_line(cmd):
    # net_include.sh: the blank line makes the first line run as-is
    assert cmd.hostname_file_commands("myhost\n\n") == [["myhost"]]


def test_leading_blank_lines_do_not_count(cmd):
    assert cmd.hostname_file_commands("\n\nmyhost\n") == [
        ["myhost", "netmask", "+", "broadcast", "+", "up"]
    ]


def test_empty_file_configures_nothing(cmd):
    assert cmd.hostname_file_commands("") == []
    assert cmd.hostname_file_commands("\n \n\t\n") == []


def test_tabs_and_runs_of_blanks(cmd):
    assert cmd.hostname_file_commands("myhost\t\tgroup  ipmp0  \n") == [
        ["myhost", "group", "ipmp0", "netmask", "+", "broadcast", "+", "up"]
    ]


def test_backslash_continues_a_line(cmd):
    text = "myhost netmask + broadcast + group g up \\\naddif other up\n"
    assert cmd.hostname_file_commands(text) == [
        ["myhost", "netmask", "+", "broadcast", "+", "group", "g", "up", "addif", "other", "up",
         "netmask", "+", "broadcast", "+", "up"]
    ]


def test_unterminated_last_line_is_read(cmd):
    assert cmd.hostname_file_commands("myhost") == [
        ["myhost", "netmask", "+", "broadcast", "+", "up"]
    ]


def test_inet6_file_ends_with_up(cmd):
    assert cmd.hostname_file_commands("", "inet6") == [["up"]]
    assert cmd.hostname_file_commands("-failover group ipmp0\n\naddif 2001:db8::10/64 up\n", "inet6") == [
        ["-failover", "group", "ipmp0"],
        ["addif", "2001:db8::10/64", "up"],
        ["up"],
    ]


@pytest.mark.parametrize(
    "text, line",
    [
        ("myhost; rm -rf /\n", 1),
        ("myhost up\nup `reboot`\n", 2),
        ("myhost\r\n", 1),
        ("ok up\n\n$HOME\n", 3),
    ],
)
def test_bad_line_is_named(cmd, text, line):
    with pytest.raises(SaltInvocationError, match="line {}:".format(line)):
        cmd.hostname_file_commands(text)


def test_nul_byte_refused(cmd):
    with pytest.raises(SaltInvocationError, match="NUL"):
        cmd.hostname_file_commands("myhost\x00up\n")


def test_parse_addif(load_util):
    cmd = load_util("ipmp_cmd")
    assert cmd.parse_addif("Created new logical interface bge0:1\n") == "bge0:1"
    assert cmd.parse_addif("Created new logical interface e1000g876000:12") == "e1000g876000:12"
    with pytest.raises(CommandExecutionError, match="did not report"):
        cmd.parse_addif("")
