"""``python -m lab reboot``: a host comes back from its persistent configuration only.

Solaris 10 replays the hostname files as net-physical does, Solaris 11.4
ipadm's store, illumos both (hostname files first, ipadm for the rest);
whatever was only temporary is gone, cables and probe targets stay as they
are, and the boot adds nothing to var/lab/argv.log.
"""
import json

import pytest

from lab.boot import FIXED, MOVABLE, ifparse, sh_read_lines

pytestmark = pytest.mark.salt_independent

HOSTS = ("192.168.10.10\tsol1\tloghost\n192.168.10.11\tsol1-bge0\n192.168.10.12\tsol1-bge1\n"
         "192.168.10.20\tsol1-data2\n192.168.10.19\tsol1-data9\n")
NETMASKS = "192.168.10.0\t255.255.255.0\n"
# A probe-based group ipmp1 (bge1: test address, data address by addif) and a
# link-based group ipmp0 (bge0, standby bge2), as in solaris-ipmp-facts.md §4.
FILES_S10 = {
    "hostname.bge0": "sol1 netmask + broadcast + group ipmp0 up\n",
    "hostname.bge1": ("sol1-bge1 netmask + broadcast + deprecated -failover group ipmp1 up\n"
                      "addif sol1-data2 netmask + broadcast + up\n"),
    "hostname.bge2": "group ipmp0 standby up\n",
    "hostname6.bge0": "",
}
# What net-physical runs for FILES_S10, typed by hand (the one-line files get
# "netmask + broadcast + up", IPv6 ends with "inet6 up").
COMMANDS_S10 = (
    ("bge0", "plumb"), ("bge1", "plumb"), ("bge2", "plumb"), ("bge0", "inet6", "plumb"),
    ("bge0", "inet", "sol1", "netmask", "+", "broadcast", "+", "group", "ipmp0", "up",
     "netmask", "+", "broadcast", "+", "up"),
    ("bge1", "inet", "sol1-bge1", "netmask", "+", "broadcast", "+", "deprecated", "-failover",
     "group", "ipmp1", "up"),
    ("bge1", "inet", "addif", "sol1-data2", "netmask", "+", "broadcast", "+", "up"),
    ("bge2", "inet", "group", "ipmp0", "standby", "up", "netmask", "+", "broadcast", "+", "up"),
    ("bge0", "inet6", "up"),
)


def ok(host, tool, *args):
    return host.tool_ok(tool, *args).stdout


def reboot(host, check=True):
    return host.run_lab("reboot", host.root, check=check)


def write_files(host, files):
    for name, text in files.items():
        host.path("etc/" + name).write_text(text)


def flags_of(host, name, fam="inet"):
    """The flag names ifconfig prints for one interface (and family)."""
    proc = host.tool("ifconfig", name, fam)
    assert proc.returncode == 0, proc.stderr
    head = proc.stdout.splitlines()[0]
    return head.split("<", 1)[1].split(">", 1)[0].split(",")


def store(host):
    return json.loads(host.path("etc/ipadm/ipadm.conf").read_text())


def save_store(host, data):
    host.path("etc/ipadm/ipadm.conf").write_text(json.dumps(data, indent=1) + "\n")


# ---------------------------------------------------------------- pieces

def test_sh_read_lines_is_while_read():
    text = "a  b \\\n c\n\n  d\\ e\nno newline"
    assert sh_read_lines(text) == ["a  b  c", "", "d e"]


def test_ifparse_splits_as_the_man_page_says():
    argv = "1.2.3.4 -failover up group one addif 1.2.3.5 up".split()
    assert ifparse(argv, "inet", MOVABLE) == [["addif", "1.2.3.5", "up"]]
    assert ifparse(argv, "inet", FIXED) == [["group", "one"], ["set", "1.2.3.4", "-failover", "up"]]
    argv = "1.2.3.4 -failover failover -failover failover up".split()
    assert ifparse(argv, "inet", MOVABLE) == [
        ["set", "1.2.3.4", "-failover", "failover", "-failover", "failover", "up"]]
    # group after addif is ignored (only valid on unit 0); a family mismatch fails.
    assert ifparse("a up addif b group g up".split(), "inet") == [
        ["set", "a", "up"], ["addif", "b", "up"]]
    assert ifparse(["preferred"], "inet") is None


# ---------------------------------------------------------------- Solaris 10

@pytest.fixture
def sol1(lab_host_factory, etc_inet):
    host = lab_host_factory("sol1")
    return etc_inet(host, hosts=HOSTS, netmasks=NETMASKS)


def test_s10_boot_replays_the_hostname_files(sol1):
    write_files(sol1, FILES_S10)
    for argv in COMMANDS_S10:
        ok(sol1, "ifconfig", *argv)
    before = ok(sol1, "ifconfig", "-a")
    pid = sol1.show()["mpathd"]["pid"]
    logged = len(sol1.argv())
    proc = reboot(sol1)
    assert proc.stdout == (
        "configuring IPv4 interfaces: bge0 bge1 bge2.\n"
        "configuring IPv6 interfaces: bge0.\n"
        "reboot: sol1 (Solaris 10): interfaces lo0 bge0 bge1 bge2\n"
        "reboot: sol1: in.mpathd running (pid %d)\n" % (pid + 3))
    assert proc.stderr == ""
    assert len(sol1.argv()) == logged                 # the boot ran no logged command
    after = ok(sol1, "ifconfig", "-a")
    assert after == before
    assert flags_of(sol1, "bge1") == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "DEPRECATED",
                                      "IPv4", "NOFAILOVER"]
    assert flags_of(sol1, "bge2") == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4",
                                      "STANDBY", "INACTIVE"]
    assert "\tinet 192.168.10.20 netmask ffffff00 broadcast 192.168.10.255\n" in ok(
        sol1, "ifconfig", "bge1:1")
    assert ok(sol1, "ifconfig", "bge0").splitlines()[2] == "\tgroupname ipmp0"
    state = sol1.show()
    assert state["mpathd"]["running"] and sorted(state["mpathd"]["phyints"]) == [
        "bge0", "bge1", "bge2"]
    # A second reboot gives the same host again.
    reboot(sol1)
    assert ok(sol1, "ifconfig", "-a") == before


def test_s10_temporary_state_is_gone(sol1):
    write_files(sol1, {"hostname.bge0": FILES_S10["hostname.bge0"],
                       "hostname.bge2": FILES_S10["hostname.bge2"]})
    reboot(sol1)
    configured = ok(sol1, "ifconfig", "-a")
    assert "lo0: flags=2002000849" not in configured        # no hostname6 file: no IPv6 lo0
    ok(sol1, "ifconfig", "bge1", "plumb", "10.1.1.1/24", "up")     # no hostname file
    ok(sol1, "ifconfig", "bge0", "addif", "192.168.10.99/24", "up")
    ok(sol1, "ifconfig", "bge0", "inet6", "plumb")
    ok(sol1, "if_mpadm", "-d", "bge0")
    assert "OFFLINE" in flags_of(sol1, "bge0")
    reboot(sol1)
    assert ok(sol1, "ifconfig", "-a") == configured
    proc = sol1.tool("ifconfig", "bge1")
    assert (proc.returncode, proc.stderr) == (
        1, "ifconfig: status: SIOCGLIFFLAGS: bge1: no such interface\n")
    assert "OFFLINE" not in flags_of(sol1, "bge0")
    assert "192.168.10.99" not in configured


def test_s10_no_group_no_mpathd(sol1):
    write_files(sol1, {"hostname.bge0": "sol1\n"})
    proc = reboot(sol1)
    assert proc.stdout.splitlines()[-1] == "reboot: sol1: in.mpathd not running"
    assert sol1.show()["mpathd"]["running"] is False
    assert flags_of(sol1, "bge0") == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4"]


def test_s10_missing_nic_moves_its_addresses(sol1):
    write_files(sol1, {
        "hostname.bge0": FILES_S10["hostname.bge0"],
        "hostname.bge2": FILES_S10["hostname.bge2"],
        # bge3 is gone (the card was pulled); its data addresses move to a standby.
        "hostname.bge3": ("sol1-data9 netmask + broadcast + group ipmp0 up\n"
                          "addif 192.168.10.21 netmask + broadcast + up\n"),
        # hme0 is gone too and in no group: nowhere to go.
        "hostname.hme0": "10.9.9.9\n",
    })
    proc = reboot(sol1)
    assert proc.returncode == 0
    assert proc.stderr == ("ifconfig: plumb: bge3: no such interface\n"
                           "ifconfig: plumb: hme0: no such interface\n")
    assert proc.stdout.splitlines()[:2] == [
        "configuring IPv4 interfaces: bge0 bge2.",
        "moving addresses from failed IPv4 interfaces: bge3 (moved to bge2) "
        "hme0 (couldn't move, no alternative interface)."]
    assert "reboot: sol1: not configured: bge3 hme0 (see var/adm/messages)" in proc.stdout
    # warn_failed_ifs gets the list unquoted on Solaris 10: only its first name.
    assert sol1.messages()[0] == "Failed to plumb IPv4 interface(s): bge3"
    # move_addresses runs "-standby addif ...": bge2 hosts them and is no standby now.
    assert flags_of(sol1, "bge2") == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4"]
    assert "\tinet 192.168.10.19 netmask ffffff00 broadcast 192.168.10.255\n" in ok(
        sol1, "ifconfig", "bge2:1")
    assert "\tinet 192.168.10.21 netmask ffffff00 broadcast 192.168.10.255\n" in ok(
        sol1, "ifconfig", "bge2:2")


def test_s10_failing_line_is_reported_and_boot_goes_on(sol1):
    write_files(sol1, {"hostname.bge0": "nosuchhost group ipmp0 up\n",
                       "hostname.bge1": "sol1-bge1\n",
                       "hostname.bge2": "group ipmp0 standby up\nfrobnicate\n"})
    proc = reboot(sol1)
    assert proc.returncode == 0
    assert proc.stderr == ("ifconfig: nosuchhost: bad address\n"
                           "ifconfig: frobnicate: bad address\n")
    assert sol1.messages()[0] == "Failed to configure IPv4 interface(s): bge0"
    assert "\tinet 192.168.10.12 netmask ffffff00 broadcast 192.168.10.255\n" in ok(
        sol1, "ifconfig", "bge1")
    # bge2's first line ran; the multi-line file got no implied "up" on bge0's side.
    assert "STANDBY" in flags_of(sol1, "bge2")


def test_s10_hostname_file_line_rules(sol1):
    write_files(sol1, {
        # One line then a blank one: no implied "netmask + broadcast + up".
        "hostname.bge0": "sol1\n\n",
        # The last line has no newline: `while read` never sees it.
        "hostname.bge1": "sol1-bge1 up\naddif sol1-data2 up",
        # The traditional one-line file: "netmask + broadcast + up" appended.
        "hostname.bge2": "10.20.30.40\n",
    })
    reboot(sol1)
    assert flags_of(sol1, "bge2") == ["UP", "BROADCAST", "RUNNING", "MULTICAST", "IPv4"]
    assert ok(sol1, "ifconfig", "bge2").splitlines()[1] == (
        "\tinet 10.20.30.40 netmask ff000000 broadcast 10.255.255.255")
    assert "UP" not in flags_of(sol1, "bge0")
    assert ok(sol1, "ifconfig", "bge0").splitlines()[1] == (
        "\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255")
    proc = sol1.tool("ifconfig", "bge1:1")
    assert proc.returncode == 1


def test_s10_cables_and_probe_targets_survive(sol1):
    write_files(sol1, FILES_S10)
    reboot(sol1)
    sol1.link("bge0", "down")
    sol1.probe("bge1", "fail")
    reboot(sol1)
    state = sol1.show()
    assert state["nics"]["bge0"]["link"] == "down"
    assert state["nics"]["bge1"]["probe"] == "fail"
    flags = flags_of(sol1, "bge0")
    assert "FAILED" in flags and "RUNNING" not in flags
    assert state["mpathd"]["phyints"]["bge0"]["state"] == "failed"
    # in.mpathd watches bge1's probes again: its detection timer is pending.
    assert [t["nic"] for t in state["mpathd"]["timers"].values()] == ["bge1"]


def test_not_a_lab_host(sol1, tmp_path):
    proc = sol1.run_lab("reboot", tmp_path, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "lab: %s: not a lab host (no var/lab/state.json)\n" % tmp_path


# ---------------------------------------------------------------- Solaris 11.4

@pytest.fixture
def s11(lab_host_factory):
    return lab_host_factory("s11", os="solaris11", nics="net0,net1,net2,net3")


def s11_group(host):
    ok(host, "ipadm", "create-ipmp", "ipmp0")
    for nic in ("net0", "net1", "net2"):
        ok(host, "ipadm", "create-ip", nic)
    ok(host, "ipadm", "add-ipmp", "-i", "net0", "-i", "net1,net2", "ipmp0")
    ok(host, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    ok(host, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.11/24", "net0/test")
    ok(host, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.12/24", "net1/test")
    ok(host, "ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net2")


def snapshot(host):
    return {
        "-g": ok(host, "ipmpstat", "-gP", "-o", "group,groupname,state,fdt,interfaces"),
        "-i": ok(host, "ipmpstat", "-iP", "-o", "interface,active,group,flags,link,probe,state"),
        "-a": ok(host, "ipmpstat", "-aP", "-o", "address,state,group,inbound,outbound"),
        "-t": ok(host, "ipmpstat", "-tP", "-o", "interface,mode,testaddr,targets"),
        "show-addr": ok(host, "ipadm", "show-addr", "-p", "-o",
                        "addrobj,type,state,current,persistent,addr"),
        "show-if": ok(host, "ipadm", "show-if", "-p", "-o",
                      "ifname,class,state,active,current,persistent,over"),
    }


def test_s11_boot_replays_ipadms_store(s11):
    s11_group(s11)
    before = snapshot(s11)
    assert before["-g"] == "ipmp0:ipmp0:ok:10.00s:net0 net1 (net2)\n"
    # Temporary objects and runtime states.
    ok(s11, "ipadm", "create-ip", "-t", "net3")
    ok(s11, "ipadm", "create-addr", "-t", "-T", "static", "-a", "192.168.1.51/24", "ipmp0/tmp")
    ok(s11, "ipadm", "set-ifprop", "-t", "-p", "standby=off", "-m", "ip", "net2")
    ok(s11, "if_mpadm", "-d", "net1")
    assert snapshot(s11) != before
    pid = s11.show()["mpathd"]["pid"]
    logged = len(s11.argv())
    proc = reboot(s11)
    assert proc.stdout == ("reboot: s11 (Solaris 11.4): interfaces lo0 ipmp0 net0 net1 net2\n"
                           "reboot: s11: in.mpathd running (pid %d)\n" % (pid + 3))
    assert len(s11.argv()) == logged
    after = snapshot(s11)
    assert after == before
    assert after["-i"] == ("net0:yes:ipmp0:--mbM--:up:ok:ok\n"
                           "net1:yes:ipmp0:-------:up:ok:ok\n"
                           "net2:no:ipmp0:is-----:up:disabled:ok\n")
    assert after["show-addr"] == ("lo0/v4:static:ok:U----:U--:127.0.0.1/8\n"
                                  "ipmp0/v4:static:ok:U----:U--:192.168.1.50/24\n"
                                  "net0/test:static:ok:U---d:U--:192.168.1.11/24\n"
                                  "net1/test:static:ok:U---d:U--:192.168.1.12/24\n"
                                  "lo0/v6:static:ok:U----:U--:\\:\\:1/128\n")
    assert "net3" not in after["show-if"]


def test_s11_never_reads_hostname_files(s11):
    write_files(s11, {"hostname.net3": "192.168.1.70/24 up\n"})
    proc = reboot(s11)
    assert proc.stdout.splitlines()[0] == "reboot: s11 (Solaris 11.4): interfaces lo0"
    assert s11.tool("ifconfig", "net3").returncode == 1
    assert s11.messages() == []


def test_s11_missing_datalink_stays_disabled(s11):
    s11_group(s11)
    data = store(s11)
    # net7's card was removed: ipadm's store still has it.
    data["interfaces"]["net7"] = {"class": "ip", "families": ["inet", "inet6"], "ipmp": "ipmp0"}
    data["addresses"]["net7/test"] = {"interface": "net7", "family": "inet", "type": "static",
                                      "address": "192.168.1.17", "prefixlen": 24}
    save_store(s11, data)
    proc = reboot(s11)
    assert "reboot: s11: left disabled: net7\n" in proc.stdout
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "ifname,state", "net7") == "net7:disabled\n"
    assert ok(s11, "ipadm", "show-addr", "-p", "-o", "addrobj,state", "net7/test") == (
        "net7/test:disabled\n")
    assert ok(s11, "ipmpstat", "-gP", "-o", "group,state,interfaces") == (
        "ipmp0:ok:net0 net1 (net2)\n")


def test_s11_cable_down_comes_up_failed(s11):
    s11_group(s11)
    s11.link("net1", "down")
    reboot(s11)
    assert ok(s11, "ipmpstat", "-iP", "-o", "interface,link,state", ) == (
        "net0:up:ok\nnet1:down:failed\nnet2:up:ok\n")
    assert ok(s11, "ipmpstat", "-gP", "-o", "state,interfaces") == "degraded:net0 net2 [net1]\n"
    assert "FAILED" in flags_of(s11, "net1")


# ---------------------------------------------------------------- illumos

@pytest.fixture
def ill(lab_host_factory):
    return lab_host_factory("ill", os="illumos")


FILES_ILLUMOS = {
    "hostname.ipmp0": "ipmp group ipmp0 192.168.1.10/24 up\n",
    "hostname.net0": "group ipmp0 -failover 192.168.1.11/24 up\n",
    "hostname.net1": "group ipmp0 standby up\n",
}


def test_illumos_hostname_files_first_then_ipadm(ill):
    # net0 is in ipadm's store too: its hostname file wins.
    ok(ill, "ipadm", "create-ip", "net0")
    ok(ill, "ipadm", "create-addr", "-T", "static", "-a", "10.0.0.5/24", "net0/v4")
    ok(ill, "ipadm", "create-ip", "net2")
    ok(ill, "ipadm", "create-addr", "-T", "static", "-a", "10.0.2.5/24", "net2/v4")
    write_files(ill, FILES_ILLUMOS)
    logged = len(ill.argv())
    proc = reboot(ill)
    assert proc.stdout.splitlines()[:3] == [
        "configuring IPMP IPv4 interfaces: ipmp0.",
        "configuring IPv4 interfaces: net0 net1.",
        "reboot: ill (illumos): interfaces lo0 ipmp0 net0 net1 net2"]
    assert proc.stderr == ""
    assert len(ill.argv()) == logged
    assert ok(ill, "ipmpstat", "-gP", "-o", "group,state,interfaces") == "ipmp0:ok:net0 (net1)\n"
    assert ok(ill, "ipmpstat", "-aP", "-o", "address,group") == "192.168.1.10:ipmp0\n"
    assert ok(ill, "ipmpstat", "-tP", "-o", "interface,testaddr") == (
        "net0:192.168.1.11\nnet1:\n")
    assert ok(ill, "ipadm", "show-addr", "-p", "-o", "addrobj,state,addr") == (
        "lo0/v4:ok:127.0.0.1/8\n"
        "ipmp0/?:ok:192.168.1.10/24\n"
        "net0/?:ok:192.168.1.11/24\n"
        "net2/v4:ok:10.0.2.5/24\n"
        "lo0/v6:ok:\\:\\:1/128\n"
        "net0/v4:disabled:10.0.0.5/24\n")
    # net0 was plumbed from its file before the ipadm pass, so it is not
    # "disabled" there and net-physical skips it without a word.
    assert ill.messages() == []


def test_illumos_hostname_file_of_a_disabled_interface_is_announced(ill):
    write_files(ill, dict(FILES_ILLUMOS, **{
        # net3's card is gone; ipadm's store and a hostname file still name it.
        "hostname.net3": "192.168.1.60/24 group ipmp0 up\n"}))
    data = store(ill)
    data["interfaces"]["net3"] = {"class": "ip", "families": ["inet", "inet6"]}
    data["addresses"]["net3/v4"] = {"interface": "net3", "family": "inet", "type": "static",
                                    "address": "10.0.3.5", "prefixlen": 24}
    save_store(ill, data)
    proc = reboot(ill)
    assert proc.returncode == 0
    assert proc.stderr == "ifconfig: plumb: net3: no such interface\n"
    assert ill.messages() == [
        "Failed to plumb IPv4 interface(s): net3",
        "found /etc/hostname.net3 or /etc/hostname6.net3, ignoring ipadm configuration",
        "Moving addresses from missing IPv4 interface(s): net3 (moved to ipmp0).",
    ]
    assert ok(ill, "ipmpstat", "-aP", "-o", "address,group") == (
        "192.168.1.10:ipmp0\n192.168.1.60:ipmp0\n")
    assert ok(ill, "ipadm", "show-if", "-p", "-o", "ifname,state", "net3") == "net3:disabled\n"


def test_illumos_store_only_and_temporary_state(ill):
    ok(ill, "ipadm", "create-ipmp", "ipmp0")
    for nic in ("net0", "net1"):
        ok(ill, "ipadm", "create-ip", nic)
    ok(ill, "ipadm", "add-ipmp", "-i", "net0", "-i", "net1", "ipmp0")
    ok(ill, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    ok(ill, "ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net1")
    before = snapshot_illumos(ill)
    ok(ill, "ipadm", "create-ip", "--temporary", "net2")
    ok(ill, "ifconfig", "net0", "addif", "192.168.1.11/24", "-failover", "up")
    ok(ill, "if_mpadm", "-d", "net0")
    assert snapshot_illumos(ill) != before
    proc = reboot(ill)
    assert proc.stdout == ("reboot: ill (illumos): interfaces lo0 ipmp0 net0 net1\n"
                           "reboot: ill: in.mpathd running (pid %d)\n"
                           % ill.show()["mpathd"]["pid"])
    assert snapshot_illumos(ill) == before
    assert ok(ill, "ipmpstat", "-iP", "-o", "interface,active,flags,state") == (
        "net0:yes:--mbM--:ok\nnet1:no:is-----:ok\n")


def test_illumos_cable_down_comes_up_failed(ill):
    write_files(ill, FILES_ILLUMOS)
    reboot(ill)
    ill.link("net0", "down")
    reboot(ill)
    assert ok(ill, "ipmpstat", "-iP", "-o", "interface,active,link,state") == (
        "net0:no:down:failed\nnet1:yes:up:ok\n")
    assert ok(ill, "ipmpstat", "-gP", "-o", "state") == "degraded\n"


def snapshot_illumos(host):
    return {
        "-g": ok(host, "ipmpstat", "-gP", "-o", "group,groupname,state,fdt,interfaces"),
        "-i": ok(host, "ipmpstat", "-iP", "-o", "interface,active,group,flags,link,probe,state"),
        "-a": ok(host, "ipmpstat", "-aP", "-o", "address,state,group,inbound,outbound"),
        "show-addr": ok(host, "ipadm", "show-addr", "-p", "-o",
                        "addrobj,type,state,current,persistent,addr"),
        "show-if": ok(host, "ipadm", "show-if", "-p", "-o", "ifname,class,state,current,"
                                                            "persistent"),
        "ifconfig": ok(host, "ifconfig", "-a"),
    }
