"""Clearview in.mpathd on a Solaris 11.4 lab host: link/probe failures, standby, offline,
FAILBACK, group failure and repair, logged with the Clearview texts and visible in ipmpstat."""
import re
import time

import pytest

pytestmark = pytest.mark.salt_independent

LINE = re.compile(r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d "
                  r"\d\d:\d\d:\d\d (\S+) in\.mpathd\[(\d+)\]: \[ID (\d+) daemon\.error\] (.*)$")
# Clearview msgids (solaris-ipmp-facts.md §1.3 / Appendix B).
IDS = {"The link has gone down on": 215189, "The link has come up on": 820239,
       "IP interface failure detected on": 968981, "IP interface repair detected on": 341557,
       "All IP interfaces in group": 773107, "At least 1 IP interface": 561795,
       "SIGHUP: restart": 111610, "Invalid value for FAILBACK": 628907,
       "Too small failure detection time": 393541}


def texts(host, since=0):
    result = []
    for line in host.messages()[since:]:
        match = LINE.match(line)
        assert match, line
        ident = [v for k, v in IDS.items() if match.group(4).startswith(k)]
        assert ident and int(match.group(3)) == ident[0], line
        result.append(match.group(4))
    return result


def wait_for(predicate, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def ok(host, tool, *args):
    return host.tool_ok(tool, *args).stdout


def set_mpathd(host, **values):
    path = host.path("etc/default/mpathd")
    text = path.read_text()
    for key, value in values.items():
        text = re.sub(r"(?m)^%s=.*$" % key, "%s=%s" % (key, value), text)
    path.write_text(text)


def build(host, standby=True, tests=False):
    ok(host, "ipadm", "create-ipmp", "ipmp0")
    for nic in ("net0", "net1", "net2"):
        ok(host, "ipadm", "create-ip", nic)
    ok(host, "ipadm", "add-ipmp", "-i", "net0", "-i", "net1", "-i", "net2", "ipmp0")
    ok(host, "ipadm", "create-addr", "-a", "192.168.1.50/24", "ipmp0/v4")
    if tests:
        for number, nic in enumerate(("net0", "net1", "net2")):
            ok(host, "ipadm", "create-addr", "-a", "192.168.1.%d/24" % (11 + number), nic)
    if standby:
        ok(host, "ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net2")


def gstate(host):
    return ok(host, "ipmpstat", "-gP", "-o", "state,interfaces")


def istate(host):
    return ok(host, "ipmpstat", "-iP", "-o", "interface,active,flags,link,probe,state")


@pytest.fixture
def s11(lab_host_factory):
    return lab_host_factory("s11", os="solaris11")


def test_link_failure_activates_the_standby_and_failback(s11):
    build(s11)
    assert texts(s11) == []
    assert gstate(s11) == "ok:net0 net1 (net2)\n"
    s11.link("net0", "down")
    assert texts(s11) == ["The link has gone down on net0",
                          "IP interface failure detected on net0 of group ipmp0"]
    assert gstate(s11) == "degraded:net1 net2 [net0]\n"
    assert istate(s11) == ("net0:no:-------:down:disabled:failed\n"
                           "net1:yes:--mbM--:up:disabled:ok\n"
                           "net2:yes:-s-----:up:disabled:ok\n")
    assert ok(s11, "ipmpstat", "-anP", "-o", "address,state,group,inbound,outbound") == (
        "192.168.1.50:up:ipmp0:net1:net1 net2\n")
    assert "FAILED" in ok(s11, "ifconfig", "net0").splitlines()[0]
    s11.link("net0", "up")
    assert texts(s11)[2:] == ["The link has come up on net0",
                              "IP interface repair detected on net0 of group ipmp0"]
    assert gstate(s11) == "ok:net0 net1 (net2)\n"
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "ifname,state,active", "net0") == "net0:ok:yes\n"


def test_failback_no_keeps_the_repaired_interface_inactive(s11):
    set_mpathd(s11, FAILBACK="no")
    ok(s11, "pkill", "-HUP", "in.mpathd")
    build(s11)
    s11.link("net0", "down")
    s11.link("net0", "up")
    assert gstate(s11) == "ok:net1 net2 (net0)\n"
    assert istate(s11).splitlines()[0] == "net0:no:i------:up:disabled:ok"


def test_group_failure_and_repair(s11):
    build(s11, standby=False)
    for nic in ("net0", "net1"):
        s11.link(nic, "down")
    mark = len(s11.messages())
    s11.link("net2", "down")
    assert texts(s11, mark) == ["The link has gone down on net2",
                                "IP interface failure detected on net2 of group ipmp0",
                                "All IP interfaces in group ipmp0 are now unusable"]
    assert gstate(s11) == "failed:[net0 net1 net2]\n"
    assert ok(s11, "ipadm", "show-addr", "-p", "-o", "state", "ipmp0/v4") == "inaccessible\n"
    assert "FAILED,IPMP" in ok(s11, "ifconfig", "ipmp0").splitlines()[0]
    mark = len(s11.messages())
    s11.link("net1", "up")
    assert texts(s11, mark) == ["The link has come up on net1",
                                "IP interface repair detected on net1 of group ipmp0",
                                "At least 1 IP interface (net1) in group ipmp0 is now usable"]
    assert gstate(s11) == "degraded:net1 [net0 net2]\n"


def test_offline_and_undo(s11):
    build(s11)
    proc = s11.tool("if_mpadm", "-d", "net0")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert gstate(s11) == "degraded:net1 net2 [net0]\n"
    assert istate(s11).splitlines()[0] == "net0:no:-------:up:disabled:offline"
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "state", "net0") == "offline\n"
    proc = s11.tool("if_mpadm", "-d", "net0")
    assert (proc.returncode, proc.stderr) == (
        1, "if_mpadm: fatal: interface net0 is already offline\n")
    s11.tool_ok("if_mpadm", "-d", "net1")
    proc = s11.tool("if_mpadm", "-d", "net2")
    assert (proc.returncode, proc.stderr) == (
        1, "if_mpadm: fatal: cannot offline net2: no other functioning interfaces are in "
           "its IPMP group\n")
    s11.tool_ok("if_mpadm", "-r", "net0")
    s11.tool_ok("if_mpadm", "-r", "net1")
    assert gstate(s11) == "ok:net0 net1 (net2)\n"
    proc = s11.tool("if_mpadm", "-r", "net0")
    assert (proc.returncode, proc.stderr) == (1, "if_mpadm: fatal: interface net0 is not offline\n")
    proc = s11.tool("if_mpadm", "-d", "lo0")
    assert (proc.returncode, proc.stderr) == (
        1, "if_mpadm: fatal: cannot offline lo0: not a physical interface or not in an IPMP "
           "group\n")
    proc = s11.tool("if_mpadm", "net0")
    assert (proc.returncode, proc.stderr) == (1, "Usage: if_mpadm [-d | -r] <interface>\n")
    assert texts(s11) == []


def test_probe_based_failure_and_repair(s11):
    set_mpathd(s11, FAILURE_DETECTION_TIME=200)
    ok(s11, "pkill", "-HUP", "in.mpathd")
    mark = len(s11.messages())
    build(s11, standby=False, tests=True)
    assert ok(s11, "ipmpstat", "-ntP", "-o", "interface,mode,testaddr,targets") == (
        "net0:routes:192.168.1.11:192.168.1.1\nnet1:routes:192.168.1.12:192.168.1.1\n"
        "net2:routes:192.168.1.13:192.168.1.1\n")
    assert ok(s11, "ipmpstat", "-gP", "-o", "group,fdt") == "ipmp0:0.20s\n"
    started = time.time()
    s11.probe("net1", "fail")
    assert texts(s11, mark) == []
    assert wait_for(lambda: len(texts(s11, mark)) == 1)
    assert time.time() - started >= 0.2
    assert texts(s11, mark) == ["IP interface failure detected on net1 of group ipmp0"]
    assert istate(s11).splitlines()[1] == "net1:no:-------:up:failed:failed"
    s11.probe("net1", "ok")
    assert wait_for(lambda: len(texts(s11, mark)) == 2)
    assert texts(s11, mark)[1] == "IP interface repair detected on net1 of group ipmp0"
    assert gstate(s11) == "ok:net0 net1 net2\n"


def test_sighup_and_config_errors(s11):
    first = ok(s11, "ipmpstat", "-g")
    assert first == ""
    set_mpathd(s11, FAILBACK="yes ", FAILURE_DETECTION_TIME="50")
    proc = s11.tool("pkill", "-HUP", "-x", "in.mpathd")
    assert proc.returncode == 0
    assert texts(s11) == ["SIGHUP: restart and reread config file",
                          "Too small failure detection time of 50, assuming minimum of 100 ms",
                          "Invalid value for FAILBACK yes "]
    assert s11.tool("pkill", "in.mpathd").returncode == 0
    proc = s11.tool("ipmpstat", "-g")
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1, "", "ipmpstat: cannot contact in.mpathd(8) -- is IPMP in use?\n")
