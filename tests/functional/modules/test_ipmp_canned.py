"""ipmp.status / offline / online on a fixed Solaris 10 ``ifconfig -a`` snapshot.

The lab produces states as its simulated in.mpathd reaches them; this
snapshot holds the awkward ones at once: an OFFLINE NIC with a 0.0.0.0
replacement address, a link-based standby (0.0.0.0 NOFAILOVER, which is not
a test address), FAILED probe-based NICs with IPv4 and link-local IPv6 test
addresses, an INACTIVE non-standby NIC (FAILBACK=no), data addresses moved
to another NIC, a zone's address, a group with no usable NIC and a NIC in
no group. Fake ``ifconfig`` and ``if_mpadm`` print it and log their argv.
"""

import json
import pathlib
import stat
import sys
import textwrap

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "ifconfig-a.three-groups.txt"

EXPECTED = {
    "ipmp0": {
        "state": "degraded",
        "failure_detection": "link",
        "interfaces": {
            "bge0": {"state": "active"},
            "bge1": {"state": "offline"},
            "bge2": {"state": "standby"},
        },
        "addresses": ["192.168.1.10", "192.168.1.11", "192.168.1.12", "192.168.1.50", "2001:db8::10"],
    },
    "ipmp1": {
        "state": "degraded",
        "failure_detection": "probe",
        "interfaces": {
            "e1000g0": {
                "state": "failed",
                "test_address": "10.0.0.11",
                "test_address6": "fe80::211:22ff:fe33:4401",
            },
            "e1000g1": {
                "state": "active",
                "test_address": "10.0.0.12",
                "test_address6": "fe80::211:22ff:fe33:4402",
            },
            "e1000g2": {"state": "inactive", "test_address": "10.0.0.13"},
        },
        "addresses": ["10.0.0.10", "10.0.0.20"],
    },
    "ipmp2": {
        "state": "failed",
        "failure_detection": "link",
        "interfaces": {"nge0": {"state": "failed"}},
        "addresses": ["172.16.0.5"],
    },
}


def _tool(directory, name, body):
    path = directory / name
    path.write_text(
        "#!{}\n".format(sys.executable)
        + textwrap.dedent(
            """\
            import json, os, sys
            here = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(here, "argv.log"), "a") as log:
                log.write(json.dumps([os.path.basename(sys.argv[0])] + sys.argv[1:]) + "\\n")
            """
        )
        + textwrap.dedent(body)
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


class Fake:
    def __init__(self, directory):
        self.directory = directory

    def commands(self):
        log = self.directory / "argv.log"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]


def _fake(tmp_path, monkeypatch, fixture):
    directory = tmp_path / "fakebin"
    directory.mkdir()
    _tool(
        directory,
        "ifconfig",
        """\
        if sys.argv[1:] == ["-a"]:
            sys.stdout.write(open({!r}).read())
        else:
            sys.exit("ifconfig: unexpected arguments")
        """.format(str(fixture)),
    )
    _tool(directory, "if_mpadm", "")
    monkeypatch.setenv("PATH", str(directory))
    return Fake(directory)


@pytest.fixture
def fake(tmp_path, monkeypatch):
    return _fake(tmp_path, monkeypatch, FIXTURE)


@pytest.fixture
def canned(loaders, fake, tmp_path):
    return loaders(None)


def test_status_of_every_group(canned, fake):
    assert canned["ipmp.status"]() == EXPECTED
    assert fake.commands() == [["ifconfig", "-a"]]


@pytest.mark.parametrize("group", ["ipmp0", "ipmp1", "ipmp2"])
def test_status_of_one_group(canned, group):
    assert canned["ipmp.status"](group) == {group: EXPECTED[group]}


def test_status_of_an_unknown_group_is_empty(canned):
    assert canned["ipmp.status"]("nosuch") == {}


def test_groups(canned):
    assert canned["ipmp.groups"]() == {
        "ipmp0": ["bge0", "bge1", "bge2"],
        "ipmp1": ["e1000g0", "e1000g1", "e1000g2"],
        "ipmp2": ["nge0"],
    }


def test_one_ifconfig_for_many_reads(canned, fake):
    canned["ipmp.status"]()
    canned["ipmp.groups"]()
    canned["ifconfig.show"]("bge0")
    canned["ipmp.status"]("ipmp1")
    assert fake.commands() == [["ifconfig", "-a"]]
    canned["ipmp.status"](refresh=True)
    assert fake.commands() == [["ifconfig", "-a"]] * 2


def test_show_filters_by_interface(canned):
    assert sorted(canned["ifconfig.show"]("bge0")) == ["bge0", "bge0:1", "bge0:2", "bge0:3"]
    assert list(canned["ifconfig.show"]("bge0:3")) == ["bge0:3"]
    assert canned["ifconfig.show"]("bge0:3")["bge0:3"]["inet"]["zone"] == "web1"
    assert canned["ifconfig.show"]("hme0") == {}


@pytest.mark.parametrize(
    "interface, message",
    [
        ("nge0", "no other interface of IPMP group ipmp2 is working"),
        ("bge1", "already offline"),
        ("nge1", "not in an IPMP group"),
        ("bge7", "not plumbed"),
    ],
)
def test_offline_refusals_run_nothing_but_ifconfig(canned, fake, interface, message):
    with pytest.raises(CommandExecutionError, match=message):
        canned["ipmp.offline"](interface)
    assert fake.commands() == [["ifconfig", "-a"]]


def test_offline_refused_for_the_last_working_ipv6_nic(canned, fake):
    # e1000g0 is failed, e1000g2 inactive (usable for IPv4) but not plumbed for
    # IPv6: e1000g1 is the group's last working IPv6 interface.  Issue 9 made the
    # rule per address family; this test used to expect the offline to run
    # (both families counted together, as in.mpathd counts).
    with pytest.raises(CommandExecutionError, match=(
        r"Refusing to offline e1000g1: it is the last working IPv6 interface of IPMP group "
        r"ipmp1 \(e1000g0 failed, e1000g2 not plumbed for IPv6\)"
    )):
        canned["ipmp.offline"]("e1000g1")
    assert fake.commands() == [["ifconfig", "-a"]]


def test_offline_message_lists_the_others(canned):
    with pytest.raises(CommandExecutionError, match=r"\(no other interfaces\)"):
        canned["ipmp.offline"]("nge0")


def test_online(canned, fake):
    assert canned["ipmp.online"]("bge1") is True
    with pytest.raises(CommandExecutionError, match="bge0 \\(group ipmp0\\) is not offline; it is active"):
        canned["ipmp.online"]("bge0")
    assert fake.commands() == [["ifconfig", "-a"], ["if_mpadm", "-r", "bge1"], ["ifconfig", "-a"]]


@pytest.mark.parametrize("function", ["ipmp.offline", "ipmp.online"])
@pytest.mark.parametrize("bad", ["bge0:1", "bge0; reboot", "", "../../etc/passwd"])
def test_offline_online_validate_first(canned, fake, function, bad):
    with pytest.raises(SaltInvocationError):
        canned[function](bad)
    assert fake.commands() == []


# The same host as ifconfig-a.illumos-ipmp.txt (group grp0 on IPMP interface
# ipmp0), as ipmpstat -P -o prints it: on 5.11 the status comes from
# ipmpstat, never from ifconfig -a.
ILLUMOS_IPMPSTAT = {
    "-g": "ipmp0:grp0:ok:10.00s:net0 (net1)\n",
    "-i": "net0:yes:ipmp0:--mb---:up:ok:ok\nnet1:no:ipmp0:is-----:up:ok:ok\n",
    "-a": "10.1.0.10:up:ipmp0:net0:net0\n10.1.0.20:up:ipmp0:net0:net0\n\\:\\::down:ipmp0::\n",
    "-t": "net0:routes:10.1.0.11:10.1.0.1\nnet1:routes:10.1.0.12:10.1.0.1\n",
}


def test_illumos_ipmp_interface_holds_addresses_but_is_no_member(loaders, canned_bin):
    # Solaris 11 / illumos: data addresses live on ipmp0, which is no member
    fake = canned_bin(
        [
            {"cmd": "ipmpstat", "argv": argv, "stdout": ILLUMOS_IPMPSTAT[argv[0]]}
            for argv in (
                ["-g", "-P", "-o", "group,groupname,state,fdt,interfaces"],
                ["-i", "-P", "-o", "interface,active,group,flags,link,probe,state"],
                ["-a", "-n", "-P", "-o", "address,state,group,inbound,outbound"],
                ["-t", "-n", "-P", "-o", "interface,mode,testaddr,targets"],
            )
        ]
        + [{"cmd": "ifconfig", "argv": None, "rc": 1, "stderr": "not on 5.11"}]
    )
    mods = loaders(None, grains={"kernel": "SunOS", "kernelrelease": "5.11", "os": "OmniOS",
                                 "os_family": "Solaris"})
    assert mods["ipmp.status"]() == {
        "grp0": {
            "state": "ok",
            "failure_detection": "probe",
            "interface": "ipmp0",
            "interfaces": {
                "net0": {"state": "active", "test_address": "10.1.0.11"},
                "net1": {"state": "standby", "test_address": "10.1.0.12"},
            },
            "addresses": ["10.1.0.10", "10.1.0.20"],
        }
    }
    assert mods["ipmp.groups"]() == {"grp0": ["net0", "net1"]}
    assert [argv[:2] for argv in fake.commands()] == [
        ["ipmpstat", "-g"], ["ipmpstat", "-i"], ["ipmpstat", "-a"], ["ipmpstat", "-t"]]
