"""The lab's Solaris 10 in.mpathd: detection, failover/failback, syslog lines, SIGHUP."""
import os
import re
import time

import pytest

pytestmark = pytest.mark.salt_independent

LINE = re.compile(r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d "
                  r"\d\d:\d\d:\d\d (\S+) in\.mpathd\[(\d+)\]: \[ID (\d+) daemon\.error\] (.*)$")

# msgid of each Solaris 10 format string (solaris-ipmp-facts.md, table 1.3).
IDS = {
    "The link has gone down on": 215189, "The link has come up on": 820239,
    "NIC failure detected on": 594170, "NIC repair detected on": 299542,
    "Successfully failed over": 832587, "Successfully failed back": 620804,
    "All Interfaces in group": 168056, "At least 1 interface": 237757,
    "No test address configured": 975029, "Test address now configured": 276194,
    "SIGHUP: restart": 111610, "Invalid value for FAILBACK": 628907,
    "Too small failure detection time": 952433, "Invalid failure detection time": 452393,
}
HOSTS = ("192.168.10.10\tsol1\tloghost\n192.168.10.11\tsol1-bge0\n192.168.10.12\tsol1-bge1\n"
         "192.168.10.13\tsol1-bge2\n")


def run(host, tool, *args):
    return host.tool(tool, *args)


def ok(host, tool, *args):
    return host.tool_ok(tool, *args)


def texts(host, since=0):
    """Message texts after checking every line's shape and syslog ID."""
    result = []
    for line in host.messages()[since:]:
        match = LINE.match(line)
        assert match, line
        assert match.group(1) == host.name
        ident = [v for k, v in IDS.items() if match.group(4).startswith(k)]
        assert ident and int(match.group(3)) == ident[0], line
        result.append(match.group(4))
    return result


def pids(host):
    return [int(LINE.match(line).group(2)) for line in host.messages()]


def wait_for(predicate, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def set_mpathd(host, **values):
    path = str(host.path("etc/default/mpathd"))
    with open(path) as handle:
        text = handle.read()
    for key, value in values.items():
        text = re.sub(r"(?m)^%s=.*$" % key, "%s=%s" % (key, value), text)
    with open(path, "w") as handle:
        handle.write(text)


@pytest.fixture
def host(lab_host, etc_inet):
    return etc_inet(lab_host, hosts=HOSTS, netmasks="192.168.10.0\t255.255.255.0\n")


def link_group(host):
    """bge0 carries the data address, bge2 is a link-based standby."""
    ok(host, "ifconfig", "bge0", "plumb")
    ok(host, "ifconfig", "bge0", "inet", "sol1", "netmask", "+", "broadcast", "+",
       "group", "ipmp0", "up")
    ok(host, "ifconfig", "bge2", "plumb")
    ok(host, "ifconfig", "bge2", "inet", "group", "ipmp0", "standby", "netmask", "+",
       "broadcast", "+", "up")


def probe_group(host):
    """bge0 and bge1 with test addresses; the data address on bge0:1."""
    set_mpathd(host, FAILURE_DETECTION_TIME=200)
    ok(host, "ifconfig", "bge0", "plumb", "sol1-bge0", "netmask", "+", "broadcast", "+",
       "group", "ipmp0", "deprecated", "-failover", "up", "addif", "sol1", "netmask", "+",
       "broadcast", "+", "up")
    ok(host, "ifconfig", "bge1", "plumb", "sol1-bge1", "netmask", "+", "broadcast", "+",
       "group", "ipmp0", "deprecated", "-failover", "up")


def test_link_failover_and_failback(host):
    link_group(host)
    assert texts(host) == [
        "No test address configured on interface bge0; disabling probe-based failure "
        "detection on it",
        "No test address configured on interface bge2; disabling probe-based failure "
        "detection on it"]
    mark = len(host.messages())
    host.link("bge0", "down")
    assert texts(host, mark) == ["The link has gone down on bge0",
                                 "NIC failure detected on bge0 of group ipmp0",
                                 "Successfully failed over from NIC bge0 to NIC bge2"]
    out = ok(host, "ifconfig", "-a4").stdout
    assert ("bge0: flags=19000802<BROADCAST,MULTICAST,IPv4,NOFAILOVER,FAILED> mtu 0 index 2\n"
            "\tinet 0.0.0.0 netmask 0 \n\tgroupname ipmp0\n") in out
    assert ("bge2: flags=21000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4,STANDBY> mtu 1500 index 3\n"
            "\tinet 0.0.0.0 netmask 0 \n\tgroupname ipmp0\n") in out
    assert ("bge2:1: flags=21000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4,STANDBY> mtu 1500 "
            "index 3\n\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255\n") in out
    mark = len(host.messages())
    host.link("bge0", "up")
    assert texts(host, mark) == ["The link has come up on bge0",
                                 "NIC repair detected on bge0 of group ipmp0",
                                 "Successfully failed back to NIC bge0"]
    out = ok(host, "ifconfig", "-a4").stdout
    assert ("bge0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n"
            "\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255\n") in out
    assert "bge2: flags=61000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4,STANDBY,INACTIVE>" in out
    assert "bge2:1" not in out
    assert len(set(pids(host))) == 1


def test_failback_disabled_leaves_the_repaired_nic_inactive(host):
    set_mpathd(host, FAILBACK="no")
    link_group(host)
    host.link("bge0", "down")
    mark = len(host.messages())
    host.link("bge0", "up")
    assert texts(host, mark) == ["The link has come up on bge0",
                                 "NIC repair detected on bge0 of group ipmp0"]
    out = ok(host, "ifconfig", "-a4").stdout
    assert "bge0: flags=49000842<BROADCAST,RUNNING,MULTICAST,IPv4,NOFAILOVER,INACTIVE> mtu 0" in out
    assert "bge2:1: flags=21000843" in out


def test_group_failure_and_first_repair(host):
    probe_group(host)
    assert texts(host) == []
    host.link("bge0", "down")
    mark = len(host.messages())
    host.link("bge1", "down")
    assert texts(host, mark) == ["The link has gone down on bge1",
                                 "All Interfaces in group ipmp0 have failed"]
    out = ok(host, "ifconfig", "-a4").stdout
    assert "bge1: flags=19040803<UP,BROADCAST,MULTICAST,DEPRECATED,IPv4,NOFAILOVER,FAILED>" in out
    mark = len(host.messages())
    host.link("bge1", "up")
    assert texts(host, mark) == ["The link has come up on bge1"]   # needs 10 good probes
    repaired = wait_for(lambda: len(texts(host, mark)) >= 4)
    assert repaired, texts(host, mark)
    assert texts(host, mark) == ["The link has come up on bge1",
                                 "NIC repair detected on bge1 of group ipmp0",
                                 "Successfully failed back to NIC bge1",
                                 "At least 1 interface (bge1) of group ipmp0 has repaired"]


def test_probe_failure_is_noticed_after_the_failure_detection_time(host):
    probe_group(host)
    started = time.time()
    host.probe("bge0", "fail")
    assert texts(host) == []
    assert wait_for(lambda: len(texts(host)) == 2)
    assert time.time() - started >= 0.2
    assert texts(host) == ["NIC failure detected on bge0 of group ipmp0",
                           "Successfully failed over from NIC bge0 to NIC bge1"]
    out = ok(host, "ifconfig", "-a4").stdout
    assert "bge0: flags=19040843<UP,BROADCAST,RUNNING,MULTICAST,DEPRECATED,IPv4,NOFAILOVER,FAILED>" in out
    assert "bge1:1: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 3\n" in out
    host.probe("bge0", "ok")
    assert wait_for(lambda: len(texts(host)) == 4)
    assert texts(host)[2:] == ["NIC repair detected on bge0 of group ipmp0",
                               "Successfully failed back to NIC bge0"]


def test_probe_failure_without_a_test_address_goes_unnoticed(host):
    set_mpathd(host, FAILURE_DETECTION_TIME=100)
    link_group(host)
    mark = len(host.messages())
    host.probe("bge0", "fail")
    time.sleep(0.6)
    assert texts(host, mark) == []
    assert host.show()["mpathd"]["timers"] == {}


def test_test_address_messages(host):
    ok(host, "ifconfig", "bge1", "plumb", "group", "ipmp0", "up")
    assert texts(host) == ["No test address configured on interface bge1; disabling "
                           "probe-based failure detection on it"]
    ok(host, "ifconfig", "bge1", "addif", "sol1-bge1", "deprecated", "-failover", "up")
    assert texts(host)[1:] == ["Test address now configured on interface bge1; enabling "
                               "probe-based failure detection on it"]


def test_sighup_rereads_the_config_file(host):
    assert run(host, "pkill", "-HUP", "in.mpathd").returncode == 1
    link_group(host)
    first = pids(host)[0]
    set_mpathd(host, FAILBACK="maybe", FAILURE_DETECTION_TIME="50")
    mark = len(host.messages())
    proc = run(host, "pkill", "-HUP", "-x", "in.mpathd")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    got = texts(host, mark)
    assert got[:3] == ["SIGHUP: restart and reread config file",
                       "Too small failure detection time of 50, assuming minimum 100",
                       "Invalid value for FAILBACK maybe"]
    assert pids(host)[mark] == first and pids(host)[mark + 1] != first
    assert host.show()["mpathd"]["fdt"] == 100
    assert run(host, "pkill", "-HUP", "-x", "mpathd").returncode == 1
    assert run(host, "pkill", "-HUP", "mpathd").returncode == 0
    assert run(host, "pkill", "-HUP", "sshd").returncode == 1


def test_pkill_usage(host):
    proc = run(host, "pkill", "-HUP")
    assert proc.returncode == 2
    assert proc.stderr.startswith("pkill: No matching criteria specified\nUsage: pkill [-signal]")
    proc = run(host, "pkill", "-Q", "in.mpathd")
    assert proc.returncode == 2 and proc.stderr.startswith("pkill: illegal option -- Q\n")


def test_pkill_term_stops_the_daemon(host):
    link_group(host)
    assert run(host, "pkill", "in.mpathd").returncode == 0
    mark = len(host.messages())
    host.link("bge0", "down")
    assert texts(host, mark) == []
    assert "RUNNING" not in ok(host, "ifconfig", "bge0").stdout.split(">")[0]


def test_messages_are_appended_whatever_happened_to_the_file(host):
    link_group(host)
    messages = str(host.path("var/adm/messages"))
    os.rename(messages, messages + ".0")
    host.link("bge0", "down")
    assert len(texts(host)) == 3
    with open(messages + ".0") as handle:
        assert len(handle.read().splitlines()) == 2
    open(messages, "w").close()
    host.link("bge0", "up")
    assert texts(host) == ["The link has come up on bge0",
                           "NIC repair detected on bge0 of group ipmp0",
                           "Successfully failed back to NIC bge0"]
