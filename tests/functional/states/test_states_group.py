"""ipmp_group.present through Salt's state loader against lab Solaris 10 hosts.

Each call builds a fresh loader context, as a new state run would, so the
command counts are those of one run: the ``ifconfig -a`` read once (cached in
``__context__``), then one ifconfig per interface that differs, each followed
by a fresh read.
"""

import pathlib
import subprocess
import time

import pytest
import salt.loader

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1", "e1000g2")

HOSTS = {
    "myhost": "192.168.10.10",
    "web": "192.168.20.10",
    "web-e1000g0": "192.168.20.11",
    "web-e1000g1": "192.168.20.12",
}
NETMASKS = {"192.168.10.0": "255.255.255.0", "192.168.20.0": "255.255.255.0"}

LINK = {"bge0": {"address": "myhost"}, "bge2": {"standby": True}}
PROBE = {
    "e1000g0": {"address": "web", "test_address": "web-e1000g0", "address6": "2001:db8:20::10"},
    "e1000g1": {"test_address": "web-e1000g1", "standby": True, "ipv6": True},
}


def prepare(host):
    """The prep step (hosts and netmasks entries) done by hand."""
    hosts = host.path("etc/inet/hosts")
    hosts.write_text(hosts.read_text() + "".join("{}\t{}\n".format(a, n) for n, a in HOSTS.items()))
    netmasks = host.path("etc/inet/netmasks")
    netmasks.write_text(netmasks.read_text() + "".join("{}\t{}\n".format(n, m) for n, m in NETMASKS.items()))


def ifconfig(host, *args):
    proc = subprocess.run([str(host.bin / "ifconfig")] + list(args), env=host.environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def wait_for(check, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value or time.time() > deadline:
            return value
        time.sleep(0.1)


@pytest.fixture
def host(lab_host_factory):
    host = lab_host_factory("sol1", nics=NICS)
    prepare(host)
    return host


@pytest.fixture
def present(loaders, host):
    """``present(name, interfaces, test=False, **kwargs)``: one state run."""

    def call(name, interfaces, test=False, on=None, wrap=None, **kwargs):
        loaded = loaders(on or host, test=test, states_dirs=[str(REPO / "_states")])
        if wrap:
            wrap(loaded)
        states = salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )
        return states["ipmp_group.present"](name, interfaces=interfaces, **kwargs)

    return call


def mutating(commands):
    return [c for c in commands if c != ["ifconfig", "-a"] and c != ["dladm", "show-link", "-p"]]


def flags(host, name, family="inet"):
    for line in ifconfig(host, "-a").splitlines():
        if line.startswith(name + ": ") and ("IPv6" in line) == (family == "inet6"):
            return line.split("<", 1)[1].split(">", 1)[0].split(",")
    return []


# ------------------------------------------------------------------ converge


def test_fresh_link_group_matches_manual_procedure(present, host, lab_host_factory):
    manual = lab_host_factory("sol1", nics=NICS)
    prepare(manual)
    ifconfig(manual, "bge0", "plumb", "myhost", "netmask", "+", "broadcast", "+", "group", "ipmp0", "up")
    ifconfig(manual, "bge2", "plumb", "group", "ipmp0", "standby", "up")

    ret = present("ipmp0", LINK)
    assert ret["result"] is True, ret
    assert host.commands() == [
        ["ifconfig", "-a"],
        ["dladm", "show-link", "-p"],  # only because something is to be plumbed
        ["ifconfig", "bge0", "inet", "plumb", "myhost", "netmask", "+", "broadcast", "+",
         "group", "ipmp0", "up"],
        ["ifconfig", "-a"],
        ["ifconfig", "bge2", "inet", "plumb", "group", "ipmp0", "standby", "up"],
        ["ifconfig", "-a"],
    ]
    assert ifconfig(host, "-a") == ifconfig(manual, "-a")
    assert ret["changes"]["bge0"]["inet"]["old"] == {"plumbed": False}
    assert ret["changes"]["bge2"]["inet"]["new"]["standby"] is True


def test_second_run_reads_once_and_changes_nothing(present, host):
    assert present("ipmp0", LINK)["result"] is True
    mark = len(host.commands())
    ret = present("ipmp0", LINK)
    assert ret["result"] is True and ret["changes"] == {}, ret
    assert host.commands(since=mark) == [["ifconfig", "-a"]]
    assert "is as declared" in ret["comment"]


def test_test_mode_predicts_the_real_run_and_changes_nothing(present, host):
    before = ifconfig(host, "-a")
    mark = len(host.commands())
    for group, interfaces, kwargs in (("ipmp0", LINK, {}), ("ipmp1", PROBE, {"failure_detection": "probe"})):
        predicted = present(group, interfaces, test=True, **kwargs)
        assert predicted["result"] is None, predicted
        assert mutating(host.commands(since=mark)) == []
        assert ifconfig(host, "-a") == before
        real = present(group, interfaces, **kwargs)
        assert real["result"] is True, real
        assert real["changes"] == predicted["changes"]
        mark = len(host.commands())
        before = ifconfig(host, "-a")
        settled = present(group, interfaces, test=True, **kwargs)
        assert settled["result"] is True and settled["changes"] == {}


def test_probe_group_with_ipv6_matches_manual_procedure(present, host, lab_host_factory):
    manual = lab_host_factory("sol1", nics=NICS)
    prepare(manual)
    ifconfig(manual, "e1000g0", "inet", "plumb", "web-e1000g0", "netmask", "+", "broadcast", "+",
             "group", "ipmp1", "deprecated", "-failover", "up", "addif", "web", "netmask", "+",
             "broadcast", "+", "failover", "up")
    ifconfig(manual, "e1000g1", "inet", "plumb", "web-e1000g1", "netmask", "+", "broadcast", "+",
             "group", "ipmp1", "deprecated", "-failover", "standby", "up")
    ifconfig(manual, "e1000g0", "inet6", "plumb", "-failover", "group", "ipmp1", "up",
             "addif", "2001:db8:20::10/64", "up")
    ifconfig(manual, "e1000g1", "inet6", "plumb", "-failover", "group", "ipmp1", "standby", "up")

    ret = present("ipmp1", PROBE, failure_detection="probe")
    assert ret["result"] is True, ret
    assert mutating(host.commands()) == [
        ["ifconfig", "e1000g0", "inet", "plumb", "web-e1000g0", "netmask", "+", "broadcast", "+",
         "group", "ipmp1", "deprecated", "-failover", "up", "addif", "web", "netmask", "+",
         "broadcast", "+", "failover", "up"],
        ["ifconfig", "e1000g1", "inet", "plumb", "web-e1000g1", "netmask", "+", "broadcast", "+",
         "group", "ipmp1", "deprecated", "-failover", "standby", "up"],
        ["ifconfig", "e1000g0", "inet6", "plumb", "-failover", "group", "ipmp1", "up",
         "addif", "2001:db8:20::10/64", "up"],
        ["ifconfig", "e1000g1", "inet6", "plumb", "-failover", "group", "ipmp1", "standby", "up"],
    ]
    assert ifconfig(host, "-a") == ifconfig(manual, "-a")
    mark = len(host.commands())
    again = present("ipmp1", PROBE, failure_detection="probe")
    assert again["changes"] == {} and host.commands(since=mark) == [["ifconfig", "-a"]]


def test_extra_words_go_to_the_ipv4_plumb_only(present, host):
    """hostname6.<if> never carries ``extra``, so the live IPv6 plumb must not either."""
    ifaces = {"bge0": {"address": "myhost", "ipv6": True, "extra": ["mtu", "1500"]},
              "bge2": {"standby": True}}
    ret = present("ipmp0", ifaces)
    assert ret["result"] is True, ret
    plumbs = [c for c in mutating(host.commands()) if c[:3] in (["ifconfig", "bge0", "inet"],
                                                                ["ifconfig", "bge0", "inet6"])]
    assert [c[2] for c in plumbs] == ["inet", "inet6"], plumbs
    assert "mtu" in plumbs[0]
    assert "mtu" not in plumbs[1]


def test_partly_configured_interface_gets_only_the_missing_words(present, host):
    ifconfig(host, "bge0", "plumb")
    ifconfig(host, "bge0", "myhost", "netmask", "+", "broadcast", "+", "up")
    ifconfig(host, "bge2", "plumb", "group", "ipmp0", "up")
    ret = present("ipmp0", LINK)
    assert ret["result"] is True, ret
    assert mutating(host.commands()[-5:]) == [
        ["ifconfig", "bge0", "inet", "group", "ipmp0"],
        ["ifconfig", "bge2", "inet", "standby"],
    ]
    assert ret["changes"]["bge0"]["inet"] == {
        "old": {"group": None}, "new": {"group": "ipmp0"},
        "command": "ifconfig bge0 inet group ipmp0",
    }


def test_failed_over_address_is_left_where_in_mpathd_put_it(present, host):
    assert present("ipmp0", LINK)["result"] is True
    host.link("bge0", "down")
    assert wait_for(lambda: "FAILED" in flags(host, "bge0"))
    mark = len(host.commands())
    ret = present("ipmp0", LINK)
    assert ret["result"] is True and ret["changes"] == {}, ret
    assert mutating(host.commands(since=mark)) == []


# ------------------------------------------------------------------ changes


def test_standby_moved_runs_two_commands_in_safe_order(present, host):
    assert present("ipmp0", LINK)["result"] is True
    mark = len(host.commands())
    moved = {"bge0": {"address": "myhost", "standby": True}, "bge2": {}}
    ret = present("ipmp0", moved)
    assert ret["result"] is True, ret
    assert mutating(host.commands(since=mark)) == [
        ["ifconfig", "bge2", "inet", "-standby"],
        ["ifconfig", "bge0", "inet", "standby"],
    ]
    assert "STANDBY" in flags(host, "bge0") and "STANDBY" not in flags(host, "bge2")


def test_link_failure_mid_change_refuses_to_cut_the_host_off(present, host):
    """bge2's cable is pulled right after it was made active: marking bge0
    standby now would leave ipmp0 without a working active interface."""
    assert present("ipmp0", LINK)["result"] is True

    def pull_after_first_change(loaded):
        configure = loaded.modules["ifconfig.configure"].func

        def wrapped(interface, tokens, family="inet"):
            result = configure(interface, tokens, family)
            if interface == "bge2":
                host.link("bge2", "down")
                assert wait_for(lambda: "FAILED" in flags(host, "bge2"))
            return result

        loaded.modules["ifconfig.configure"] = wrapped

    mark = len(host.commands())
    moved = {"bge0": {"address": "myhost", "standby": True}, "bge2": {}}
    ret = present("ipmp0", moved, wrap=pull_after_first_change)
    assert ret["result"] is False
    assert "Refusing to mark bge0 standby" in ret["comment"]
    assert "bge2: failed" in ret["comment"]
    assert mutating(host.commands(since=mark)) == [["ifconfig", "bge2", "inet", "-standby"]]
    assert list(ret["changes"]) == ["bge2"]
    bge0 = flags(host, "bge0")
    assert "STANDBY" not in bge0 and "UP" in bge0 and "FAILED" not in bge0
    assert "inet 192.168.10.10 " in ifconfig(host, "bge0")
    # cable back: the same state finishes the job
    host.link("bge2", "up")
    assert wait_for(lambda: "FAILED" not in flags(host, "bge2"))
    ret = present("ipmp0", moved)
    assert ret["result"] is True, ret
    assert list(ret["changes"]) == ["bge0"]


def test_test_mode_predicts_the_refusal_too(present, host):
    assert present("ipmp0", LINK)["result"] is True
    host.link("bge2", "down")
    assert wait_for(lambda: "FAILED" in flags(host, "bge2"))
    moved = {"bge0": {"address": "myhost", "standby": True}, "bge2": {}}
    predicted = present("ipmp0", moved, test=True)
    real = present("ipmp0", moved)
    assert predicted["result"] is False and real["result"] is False
    assert predicted["changes"] == real["changes"]
    assert "Refusing to mark bge0 standby" in predicted["comment"]


def test_moving_last_working_interface_to_another_group_refused(present, host):
    assert present("ipmp0", {"bge0": {"address": "myhost"}})["result"] is True
    mark = len(host.commands())
    ret = present("ipmp9", {"bge0": {"address": "myhost"}})
    assert ret["result"] is False
    assert "move bge0 from group ipmp0 to ipmp9" in ret["comment"]
    assert mutating(host.commands(since=mark)) == []


# ------------------------------------------------------------------ switches and errors


def test_live_false_runs_nothing(present, host):
    ret = present("ipmp0", LINK, live=False)
    assert ret["result"] is True and ret["changes"] == {}
    assert "live: False" in ret["comment"]
    assert host.commands() == []


def test_interface_live_false_skipped(present, host):
    interfaces = {"bge0": {"address": "myhost"}, "bge2": {"standby": True, "live": False}}
    ret = present("ipmp0", interfaces)
    assert ret["result"] is True and list(ret["changes"]) == ["bge0"]
    assert "Skipped (live: False): bge2" in ret["comment"]


@pytest.mark.parametrize(
    "interfaces,kwargs,message",
    [
        ({"bge0": {"stanbdy": True}}, {}, "interfaces:bge0:stanbdy"),
        ({"bge0;reboot": {}}, {}, "interfaces:bge0;reboot"),
        ({"bge0": {"standby": True}}, {}, "at least one active"),
        ({"bge0": {"address": "myhost"}}, {"failure_detection": "probe"}, "test_address: missing"),
        ({"bge0": {"address": "nosuchhost"}}, {}, "cannot resolve nosuchhost"),
        (None, {}, "missing"),
    ],
)
def test_bad_arguments_run_nothing(present, host, interfaces, kwargs, message):
    ret = present("ipmp0", interfaces, **kwargs)
    assert ret["result"] is False and ret["changes"] == {}
    assert message in ret["comment"]
    assert host.commands() == []


def test_hosts_argument_resolves_before_the_hosts_file_has_the_name(present, host):
    ret = present("ipmp0", {"bge0": {"address": "newhost"}}, test=True,
                  hosts={"newhost": ["192.168.10.50"]})
    assert ret["result"] is None
    assert ret["changes"]["bge0"]["inet"]["new"]["address"] == "newhost"


def test_missing_nic_refused_before_anything_runs(present, host):
    for test in (True, False):
        mark = len(host.commands())
        ret = present("ipmp0", {"bge0": {"address": "myhost"}, "bge7": {}}, test=test)
        assert ret["result"] is False and ret["changes"] == {}
        assert "bge7 does not exist on this host" in ret["comment"]
        assert host.commands(since=mark) == [["ifconfig", "-a"], ["dladm", "show-link", "-p"]]


def test_ifconfig_error_stops_with_its_message(present, host):
    """``ghost`` resolves through the state's hosts argument but not on the
    host, so ifconfig itself fails on bge1; bge2 is not touched."""
    interfaces = {"bge0": {"address": "myhost"}, "bge1": {"address": "ghost"}, "bge2": {"standby": True}}
    ret = present("ipmp0", interfaces, hosts={"ghost": "192.168.10.77"})
    assert ret["result"] is False
    assert "ifconfig bge1 inet plumb ghost" in ret["comment"]
    assert "Nothing further was changed" in ret["comment"]
    assert sorted(ret["changes"]) == ["bge0", "bge1"]
    assert "error" in ret["changes"]["bge1"]["inet"]
    assert [c[1] for c in mutating(host.commands())] == ["bge0", "bge1"]
