"""The lab's Solaris 10 if_mpadm: offline/undo-offline, messages and exit codes."""

import pytest

pytestmark = pytest.mark.salt_independent

MIN_RED = ("Offline failed as there is no other functional interface available in the "
           "multipathing group for failing over the network access.\n")


def run(host, tool, *args):
    return host.tool(tool, *args)


def ok(host, tool, *args):
    return host.tool_ok(tool, *args)


@pytest.fixture
def host(lab_host, etc_inet):
    etc_inet(lab_host,
             hosts="192.168.10.10\tsol1\n192.168.10.11\tsol1-bge0\n192.168.10.12\tsol1-bge1\n")
    ok(lab_host, "ifconfig", "bge0", "plumb", "sol1-bge0", "netmask", "+", "broadcast", "+",
       "group", "ipmp0", "deprecated", "-failover", "up", "addif", "sol1", "up")
    ok(lab_host, "ifconfig", "bge1", "plumb", "sol1-bge1", "group", "ipmp0", "deprecated",
       "-failover", "up")
    return lab_host


def snapshot(host):
    return ok(host, "ifconfig", "-a").stdout, host.messages()


def test_offline_and_undo(host):
    mark = len(host.messages())
    proc = run(host, "if_mpadm", "-d", "bge0")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    out = ok(host, "ifconfig", "-a4").stdout
    # the test address stays on bge0 but is brought down; the data address moved
    assert ("bge0: flags=89040842<BROADCAST,RUNNING,MULTICAST,DEPRECATED,IPv4,NOFAILOVER,OFFLINE>"
            " mtu 1500 index 2\n\tinet 192.168.10.11") in out
    assert "bge1:1: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 3\n" \
           "\tinet 192.168.10.10 " in out
    assert [line.split("] ", 1)[1] for line in host.messages()[mark:]] == [
        "Successfully failed over from NIC bge0 to NIC bge1"]
    proc = run(host, "if_mpadm", "-d", "bge0")
    assert (proc.returncode, proc.stderr) == (1, "Interface already offlined\n")
    proc = run(host, "if_mpadm", "-r", "bge0")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    out = ok(host, "ifconfig", "-a4").stdout
    assert "bge0: flags=9040843<UP,BROADCAST,RUNNING,MULTICAST,DEPRECATED,IPv4,NOFAILOVER>" in out
    assert "bge0:1: flags=1000843<UP," in out and "bge1:1" not in out
    assert host.messages()[-1].endswith("] Successfully failed back to NIC bge0")
    proc = run(host, "if_mpadm", "-r", "bge0")
    assert (proc.returncode, proc.stderr) == (1, "Interface not offlined\n")


def test_refusing_the_last_working_interface_changes_nothing(host):
    host.link("bge1", "down")
    before = snapshot(host)
    state = host.show()
    proc = run(host, "if_mpadm", "-d", "bge0")
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", MIN_RED)
    assert snapshot(host) == before
    after = host.show()
    assert after["phyints"] == state["phyints"]
    assert after["mpathd"]["phyints"] == state["mpathd"]["phyints"]


@pytest.mark.parametrize("args, message", [
    ((), "Usage : if_mpadm [-d | -r] <interface_name>\n"),
    (("bge0",), "Usage : if_mpadm [-d | -r] <interface_name>\n"),
    (("-d", "bge9"), "ioctl: SIOCGLIFFLAGS: No such device or address\n"),
    (("-d", "bge2"), "ioctl: SIOCGLIFFLAGS: No such device or address\n"),
    (("-d", "bge0:1"), "if_mpadm: Invalid argument\n"),
    (("-r", "bge0"), "Interface not offlined\n"),
])
def test_errors(host, args, message):
    proc = run(host, "if_mpadm", *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", message)


def test_option_errors_name_the_program(host):
    proc = run(host, "if_mpadm", "-x", "bge0")
    assert proc.returncode == 1
    assert proc.stderr.endswith(": illegal option -- x\nUsage : if_mpadm [-d | -r] <interface_name>\n")
    proc = run(host, "if_mpadm", "-d")
    assert proc.stderr.endswith(": option requires an argument -- d\n"
                                "Usage : if_mpadm [-d | -r] <interface_name>\n")


def test_interface_outside_any_group(host):
    ok(host, "ifconfig", "bge2", "plumb")
    proc = run(host, "if_mpadm", "-d", "bge2")
    assert (proc.returncode, proc.stderr) == (1, "if_mpadm: Invalid argument\n")


def test_without_in_mpathd(lab_host):
    ok(lab_host, "ifconfig", "bge0", "plumb")
    proc = run(lab_host, "if_mpadm", "-d", "bge0")
    assert (proc.returncode, proc.stderr) == (
        1, "connect: Connection refused\nconnect: Connection refused\n"
           "Cannot establish communication with in.mpathd.\n")
