"""Solaris 11.4 lab host: create, grains, ipadm (show-if, show-addr, ifprop, store, errors)."""
import json
import subprocess
import sys

import pytest

import lab

pytestmark = pytest.mark.salt_independent


@pytest.fixture
def s11(lab_host_factory):
    return lab_host_factory("s11", os="solaris11")


def ipadm(host, *args):
    return host.tool("ipadm", *args)


def ok(host, tool, *args):
    return host.tool_ok(tool, *args).stdout


def group(host, standby=True):
    ok(host, "ipadm", "create-ipmp", "ipmp0")
    for nic in ("net0", "net1", "net2"):
        ok(host, "ipadm", "create-ip", nic)
    ok(host, "ipadm", "add-ipmp", "-i", "net0", "-i", "net1,net2", "ipmp0")
    ok(host, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    if standby:
        ok(host, "ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net2")


def test_grains_match_salts_sunos_release():
    assert lab.GRAINS["solaris11"]["os"] == "Oracle Solaris"
    assert lab.GRAINS["solaris11"]["osrelease"] == "11.4.42.111.0"
    assert lab.GRAINS["solaris11"]["kernelrelease"] == "5.11"
    assert lab.GRAINS["solaris11"]["osfinger"] == "Oracle Solaris-11"
    assert lab.GRAINS["illumos"]["os"] == "OmniOS"
    assert lab.GRAINS["illumos"]["osrelease"] == "11.151046"
    assert lab.GRAINS["illumos"]["osmajorrelease"] == 11
    assert lab.GRAINS["solaris10"]["kernelrelease"] == "5.10"


def test_create_layout(s11):
    tools = sorted(p.name for p in s11.bin.iterdir())
    assert tools == ["dladm", "if_mpadm", "ifconfig", "ipadm", "ipmpstat", "pkill",
                     "svcadm", "svccfg", "svcprop"]
    assert s11.path("etc/release").read_text().strip() == "Oracle Solaris 11.4 X86"
    store = json.loads(s11.path("etc/ipadm/ipadm.conf").read_text())
    assert list(store["interfaces"]) == ["lo0"] and list(store["addresses"]) == [
        "lo0/v4", "lo0/v6"]
    mpathd = s11.path("etc/default/mpathd").read_text()
    assert '# ident\t"%Z%%M%\t%I%\t%E% SMI"\n' in mpathd
    assert ok(s11, "dladm", "show-phys") == (
        "LINK         MEDIA                STATE      SPEED  DUPLEX    DEVICE\n"
        "net0         Ethernet             up         1000   full      e1000g0\n"
        "net1         Ethernet             up         1000   full      e1000g1\n"
        "net2         Ethernet             up         1000   full      e1000g2\n")
    assert ok(s11, "dladm", "show-link", "-p", "-o", "link,class,mtu,state,over") == (
        "net0:phys:1500:up:\nnet1:phys:1500:up:\nnet2:phys:1500:up:\n")
    assert ok(s11, "dladm", "show-link").splitlines()[0].split() == [
        "LINK", "CLASS", "MTU", "STATE", "OVER"]
    proc = s11.tool("dladm", "show-link", "-p")
    assert (proc.returncode, proc.stderr) == (1, "dladm: -p requires -o\n")


def test_default_links_and_bad_os(tmp_path):
    root = tmp_path / "h"
    proc = subprocess.run([sys.executable, "-m", "lab", "create", str(root), "--os", "illumos"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    state = json.loads(subprocess.run([sys.executable, "-m", "lab", "show", str(root)],
                                      stdout=subprocess.PIPE).stdout)
    assert list(state["nics"]) == ["net0", "net1", "net2"] and state["release"] == "illumos"
    proc = subprocess.run([sys.executable, "-m", "lab", "create", str(tmp_path / "x"), "--os",
                           "aix"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == 2


def test_show_if_human_and_parsable(s11):
    group(s11)
    assert ok(s11, "ipadm", "show-if") == (
        "IFNAME     CLASS    STATE    ACTIVE OVER\n"
        "lo0        loopback ok       yes    --\n"
        "ipmp0      ipmp     ok       yes    net0 net1 net2\n"
        "net0       ip       ok       yes    --\n"
        "net1       ip       ok       yes    --\n"
        "net2       ip       ok       no     --\n")
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "IFNAME,CLASS,PERSISTENT,OVER") == (
        "lo0:loopback:46--:\nipmp0:ipmp:46--:net0 net1 net2\nnet0:ip:46-l:\nnet1:ip:46-l:\n"
        "net2:ip:46sl:\n")
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "ifname,state,active", "net2") == (
        "net2:ok:no\n")
    proc = ipadm(s11, "show-if", "net7")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: Could not get interface(s): Interface does not exist\n")


def test_show_addr_and_test_addresses(s11):
    group(s11, standby=False)
    ok(s11, "ipadm", "create-addr", "-a", "192.168.1.11/24", "net0/test")
    proc = s11.tool_ok("ipadm", "create-addr", "-a", "192.168.1.52/24", "ipmp0")
    assert proc.stdout == "ipadm: ipmp0/v4a\n"
    assert ok(s11, "ipadm", "show-addr") == (
        "ADDROBJ           TYPE     STATE        ADDR\n"
        "lo0/v4            static   ok           127.0.0.1/8\n"
        "ipmp0/v4          static   ok           192.168.1.50/24\n"
        "ipmp0/v4a         static   ok           192.168.1.52/24\n"
        "net0/test         static   ok           192.168.1.11/24\n"
        "lo0/v6            static   ok           ::1/128\n")
    assert ok(s11, "ipadm", "show-addr", "-p", "-o", "addrobj,current,addr", "net0/") == (
        "net0/test:U---d:192.168.1.11/24\n")
    assert ok(s11, "ipadm", "show-addr", "-p", "-o", "addr", "lo0/v6") == "::1/128\n"
    assert ok(s11, "ipadm", "show-addr", "-p", "-o", "addrobj,addr", "lo0/v6") == (
        "lo0/v6:\\:\\:1/128\n")
    assert "NOFAILOVER" in ok(s11, "ifconfig", "net0").splitlines()[0]
    proc = ipadm(s11, "show-addr", "-p")
    assert (proc.returncode, proc.stderr) == (1, "ipadm: -p requires -o\n")
    proc = ipadm(s11, "create-addr", "-a", "192.168.1.53/24", "ipmp0/v4")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: cannot create address: Address object already exists\n")
    ok(s11, "ipadm", "delete-addr", "ipmp0/v4a")
    assert "ipmp0/v4a" not in ok(s11, "ipadm", "show-addr")


def test_temporary_objects_and_the_store(s11):
    ok(s11, "ipadm", "create-ip", "-t", "net0")
    ok(s11, "ipadm", "create-ip", "net1")
    proc = ipadm(s11, "create-addr", "-a", "192.168.1.11/24", "net0/v4")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: cannot create address: Persistent operation on temporary object\n")
    ok(s11, "ipadm", "create-addr", "-t", "-a", "192.168.1.11/24", "net0/v4")
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "ifname,persistent") == (
        "lo0:46--\nnet0:----\nnet1:46--\n")
    assert ok(s11, "ipadm", "show-addr", "-p", "-o", "addrobj,persistent", "net0/v4") == (
        "net0/v4:---\n")
    store = json.loads(s11.path("etc/ipadm/ipadm.conf").read_text())
    assert list(store["interfaces"]) == ["lo0", "net1"]
    assert "net0/v4" not in store["addresses"]
    ok(s11, "ipadm", "delete-ip", "net1")
    store = json.loads(s11.path("etc/ipadm/ipadm.conf").read_text())
    assert list(store["interfaces"]) == ["lo0"]
    assert s11.commands()[-1] == ["ipadm", "delete-ip", "net1"]


def test_ipmp_errors(s11):
    group(s11)
    proc = ipadm(s11, "create-ipmp", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: cannot create interface ipmp0: Interface already exists\n")
    proc = ipadm(s11, "delete-ipmp", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: cannot delete IPMP interface ipmp0: IPMP group is not empty\n")
    proc = ipadm(s11, "add-ipmp", "-i", "net0", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: cannot add net0 to ipmp0: Interface already in use\n")
    proc = ipadm(s11, "frobnicate")
    assert proc.returncode == 1
    assert proc.stderr.startswith("ipadm: unknown subcommand 'frobnicate'\nusage:  ipadm")
    ok(s11, "ipadm", "remove-ipmp", "-i", "net0", "-i", "net1", "ipmp0")
    proc = ipadm(s11, "remove-ipmp", "-i", "net0", "ipmp0")
    assert (proc.returncode, proc.stderr) == (
        1, "ipadm: cannot remove net0 from ipmp0: Invalid argument provided\n")
    ok(s11, "ipadm", "delete-ipmp", "-f", "ipmp0")
    assert ok(s11, "ipadm", "show-if", "-p", "-o", "ifname") == "lo0\nnet0\nnet1\nnet2\n"
    store = json.loads(s11.path("etc/ipadm/ipadm.conf").read_text())
    assert "ipmp0" not in store["interfaces"] and "ipmp0/v4" not in store["addresses"]
    assert "ipmp" not in store["interfaces"]["net2"]


def test_ifprop_standby(s11):
    group(s11)
    assert ok(s11, "ipadm", "show-ifprop", "-c", "-o", "IFNAME,PROPERTY,PROTO,CURRENT,DEFAULT",
              "-m", "ip", "net2") == "net2:group:ip:ipmp0:\nnet2:standby:ip:on:off\n"
    assert ok(s11, "ipadm", "show-ifprop", "-c", "-o", "current", "-p", "standby",
              "net0") == "off\n"
    ok(s11, "ipadm", "set-ifprop", "-t", "-p", "standby=off", "-m", "ip", "net2")
    assert ok(s11, "ipadm", "show-ifprop", "-c", "-o", "current,persistent", "-p",
              "standby", "net2") == "off:on\n"


def test_svcprop_and_svccfg(s11):
    fmri = "svc:/network/ipmp:default"
    assert ok(s11, "svcprop", "-p", "config/transitive-probing", fmri) == "false\n"
    ok(s11, "svccfg", "-s", "svc:/network/ipmp", "setprop", "config/transitive-probing=true")
    ok(s11, "svcadm", "refresh", fmri)  # the running snapshot takes the new value
    assert ok(s11, "svcprop", "-p", "config/transitive-probing", fmri) == "true\n"
    assert s11.tool("svcprop", "-p", "config/nothing", fmri).returncode == 1
