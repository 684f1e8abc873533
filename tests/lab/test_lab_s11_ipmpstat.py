"""ipmpstat on a 5.11 lab host: human tables (libofmt widths, the OSOL samples' columns),
-P -o parsable lines and their escaping, names vs -n, usage errors."""
import pathlib

import pytest

pytestmark = pytest.mark.salt_independent

SAMPLES = pathlib.Path("/work/shared/reference/samples")


def ok(host, *args):
    return host.tool_ok("ipmpstat", *args).stdout


@pytest.fixture
def s11(lab_host_factory, etc_inet):
    host = etc_inet(lab_host_factory("s11", os="solaris11"),
                    hosts="192.168.1.50\ts11\n192.168.1.11\ts11-net0\n")
    for args in (("create-ipmp", "ipmp0"), ("create-ip", "net0"), ("create-ip", "net1"),
                 ("add-ipmp", "-i", "net0,net1", "ipmp0"),
                 ("create-addr", "-a", "192.168.1.50/24", "ipmp0/v4"),
                 ("create-addr", "-a", "fd00::50/64", "ipmp0/v6"),
                 ("create-addr", "-a", "192.168.1.11/24", "net0/test")):
        host.tool_ok("ipadm", *args)
    return host


def header(name):
    return (SAMPLES / name).read_text().splitlines()[0].split()


def test_human_tables(s11):
    assert ok(s11, "-g") == (
        "GROUP       GROUPNAME   STATE     FDT       INTERFACES\n"
        "ipmp0       ipmp0       ok        10.00s    net0 net1\n")
    assert ok(s11, "-g").splitlines()[0].split() == header("ipmpstat-g.osol-docs.txt")
    assert ok(s11, "-an") == (
        "ADDRESS                   STATE  GROUP       INBOUND     OUTBOUND\n"
        "192.168.1.50              up     ipmp0       net0        net0 net1\n"
        "fd00::50                  up     ipmp0       net0        net0 net1\n")
    assert ok(s11, "-an").splitlines()[0].split() == header("ipmpstat-an.osol-docs.txt")
    assert ok(s11, "-a").splitlines()[1].startswith("s11                       up ")
    assert ok(s11, "-nt") == (
        "INTERFACE   MODE      TESTADDR            TARGETS\n"
        "net0        routes    192.168.1.11        192.168.1.1\n"
        "net1        disabled  --                  --\n")
    assert ok(s11, "-nt").splitlines()[0].split() == header("ipmpstat-nt.osol-docs.txt")
    assert ok(s11, "-t").splitlines()[1].split()[2] == "s11-net0"
    assert ok(s11, "-i") == (
        "INTERFACE   ACTIVE  GROUP       FLAGS     LINK      PROBE     STATE\n"
        "net0        yes     ipmp0       --mbM--   up        ok        ok\n"
        "net1        yes     ipmp0       -------   up        disabled  ok\n")


def test_parsable_and_escaping(s11):
    assert ok(s11, "-gP", "-o", "groupname,fdt,interfaces") == "ipmp0:10.00s:net0 net1\n"
    assert ok(s11, "-anP", "-o", "address,outbound") == (
        "192.168.1.50:net0 net1\nfd00\\:\\:50:net0 net1\n")
    assert ok(s11, "-anP", "-o", "ADDRESS") == "192.168.1.50\nfd00::50\n"
    assert ok(s11, "-iP", "-o", "interface,group") == "net0:ipmp0\nnet1:ipmp0\n"


def test_errors(s11):
    proc = s11.tool("ipmpstat", "-gP")
    assert (proc.returncode, proc.stderr) == (
        1, "ipmpstat: output fields must be specified in parsable mode\n")
    proc = s11.tool("ipmpstat", "-g", "-i")
    assert (proc.returncode, proc.stderr) == (
        1, "ipmpstat: only one output format may be specified\n")
    proc = s11.tool("ipmpstat")
    assert (proc.returncode, proc.stderr) == (
        1, "usage: ipmpstat [-n] [-o <field> [-P]] -a|-g|-i|-p|-t\n")
    proc = s11.tool("ipmpstat", "-gP", "-o", "all")
    assert (proc.returncode, proc.stderr) == (
        1, "ipmpstat: output field `all' invalid in parsable mode\n")
    proc = s11.tool("ipmpstat", "-gP", "-o", "group,bogus")
    assert (proc.returncode, proc.stderr) == (1, "ipmpstat: unknown output field: `bogus'\n")
