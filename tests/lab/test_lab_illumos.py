"""illumos (OmniOS) lab host: ipadm differences, ifconfig test addresses, in.mpathd, if_mpadm."""
import re

import pytest

pytestmark = pytest.mark.salt_independent

LINE = re.compile(r"^\w{3} [ 123]\d \d\d:\d\d:\d\d ill in\.mpathd\[\d+\]: "
                  r"\[ID (\d+) daemon\.error\] (.*)$")


def ok(host, tool, *args):
    return host.tool_ok(tool, *args).stdout


@pytest.fixture
def ill(lab_host_factory):
    return lab_host_factory("ill", os="illumos")


def texts(host):
    return [(int(m.group(1)), m.group(2)) for m in map(LINE.match, host.messages())]


def test_files_and_tools(ill):
    assert sorted(p.name for p in ill.bin.iterdir()) == [
        "dladm", "if_mpadm", "ifconfig", "ipadm", "ipmpstat", "pkill"]
    sample = "/work/shared/reference/samples/etc-default-mpathd.illumos.txt"
    with open(sample) as handle:
        assert ill.path("etc/default/mpathd").read_text() == handle.read()
    assert ok(ill, "dladm", "show-link").splitlines()[0].split() == [
        "LINK", "CLASS", "MTU", "STATE", "BRIDGE", "OVER"]


def test_ipadm_differences(ill):
    ok(ill, "ipadm", "create-if", "net0")
    ok(ill, "ipadm", "create-ip", "net1")
    proc = ill.tool("ipadm", "create-ipmp", "-t", "ipmp0")
    assert proc.returncode == 1
    assert proc.stderr == ("ipadm: unrecognized option '-t'\nusage: create-ipmp\t[-t] "
                           "[-i <interface>[,<interface>]...] <ipmp-interface>\n")
    ok(ill, "ipadm", "create-ipmp", "-i", "net0,net1", "ipmp0")
    proc = ill.tool("ipadm", "create-ipmp", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: Could not create ipmp0 : Interface already exists\n")
    ok(ill, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    assert ok(ill, "ipadm", "show-if") == (
        "IFNAME     CLASS     STATE    CURRENT      PERSISTENT\n"
        "lo0        VIRTUAL   ok       -m-v------46 -46\n"
        "net0       IP        ok       bm--------46 -46\n"
        "net1       IP        ok       bm--------46 -46\n"
        "ipmp0      IPMP      ok       bm--I-----46 -46\n")
    proc = ill.tool("ipadm", "show-if", "-p", "-o", "ifname,over")
    assert proc.returncode == 1
    assert ok(ill, "ipmpstat", "-iP", "-o", "interface,group") == "net0:ipmp0\nnet1:ipmp0\n"
    proc = ill.tool("ipadm", "add-ipmp", "-i", "net0", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: Cannot add interface 'net0' to IPMP interface 'ipmp0': "
           "Interface already in use\n")
    proc = ill.tool("ipadm", "create-addr", "-T", "static", "-a", "192.168.1.51/24", "ipmp0")
    assert proc.returncode == 1
    assert proc.stderr.startswith("ipadm: invalid address object name: ipmp0\nusage: ")
    proc = ill.tool("ipadm", "delete-ipmp", "-f", "ipmp0")
    assert proc.returncode == 1 and proc.stderr.startswith("ipadm: unrecognized option '-f'")
    proc = ill.tool("ipadm", "delete-ipmp", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: Could not delete ipmp0: IPMP group is not empty\n")
    proc = ill.tool("ipadm", "show-addr", "net0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: Invalid address object name provided\n")
    assert ok(ill, "ipadm") == ok(ill, "ipadm", "show-addr")
    ok(ill, "ipadm", "remove-ipmp", "--temporary", "-i", "net0", "ipmp0")
    assert "net0" not in ok(ill, "ipmpstat", "-gP", "-o", "interfaces")


def test_ifconfig_test_address_and_failover(ill):
    ok(ill, "ipadm", "create-ipmp", "ipmp0")
    for nic in ("net0", "net1"):
        ok(ill, "ipadm", "create-ip", nic)
    ok(ill, "ipadm", "add-ipmp", "-i", "net0", "-i", "net1", "ipmp0")
    ok(ill, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    # ipadm on illumos does not mark member addresses: test addresses come from ifconfig.
    assert ok(ill, "ifconfig", "net0", "addif", "192.168.1.11/24", "-failover", "up") == (
        "Created new logical interface net0:1\n")
    assert ok(ill, "ipmpstat", "-ntP", "-o", "interface,mode,testaddr") == (
        "net0:routes:192.168.1.11\nnet1:disabled:\n")
    out = ok(ill, "ifconfig", "-a4")
    assert ("ipmp0: flags=8001000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4,IPMP> mtu 1500 index 2\n"
            "\tinet 192.168.1.50 netmask ffffff00 broadcast 192.168.1.255\n"
            "\tgroupname ipmp0\n") in out
    assert "net0:1: flags=9000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4,NOFAILOVER>" in out
    assert "ether" not in out.split("ipmp0:")[1].split("net0:")[0]
    ill.link("net1", "down")
    ill.link("net0", "down")
    assert texts(ill) == [
        (215189, "The link has gone down on net1"),
        (968981, "IP interface failure detected on net1 of group ipmp0"),
        (215189, "The link has gone down on net0"),
        (968981, "IP interface failure detected on net0 of group ipmp0"),
        (773107, "All IP interfaces in group ipmp0 are now unusable")]
    proc = ill.tool("if_mpadm", "-d", "net1")
    assert (proc.returncode, proc.stderr) == (
        1, "if_mpadm: fatal: cannot offline net1: no other functioning interfaces are in its "
           "IPMP group\n")
    proc = ill.tool("if_mpadm", "-d", "net7")
    assert (proc.returncode, proc.stderr) == (
        1, "if_mpadm: fatal: cannot get interface flags on net7: No such device or address\n")


def test_create_ipmp_needs_in_mpathd(ill):
    assert ill.tool("pkill", "-x", "in.mpathd").returncode == 0
    ok(ill, "ipadm", "create-ip", "net0")
    proc = ill.tool("ipadm", "create-ipmp", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: Cannot ping in.mpathd: cannot contact in.mpathd\n")
