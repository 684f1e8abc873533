"""ipmp on Solaris 11 and illumos, through Salt's loader, against canned
``ipmpstat -P -o`` output (two groups, six members: ipmp0 probe-based with
a standby; group ``frontend`` on IPMP interface ipmp1, link-based, with a
failed and an offline member).  The fake commands log their argv, so each
test also counts the commands a function runs."""

import json
import pathlib

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "unit" / "fixtures"

# Minimal grains of each release as these canned tests have always used them
# (not lab.GRAINS: illumos here is osrelease 5.11, osmajorrelease 5).
GRAINS = json.loads((FIXTURES / "grains.canned.json").read_text())
SOLARIS11, ILLUMOS, SOLARIS10 = GRAINS["solaris11"], GRAINS["illumos"], GRAINS["solaris10"]

G = ["ipmpstat", "-g", "-P", "-o", "group,groupname,state,fdt,interfaces"]
I = ["ipmpstat", "-i", "-P", "-o", "interface,active,group,flags,link,probe,state"]  # noqa: E741
A = ["ipmpstat", "-a", "-n", "-P", "-o", "address,state,group,inbound,outbound"]
T = ["ipmpstat", "-t", "-n", "-P", "-o", "interface,mode,testaddr,targets"]

XPROBE_READ = ["svcprop", "-p", "config/transitive-probing", "svc:/network/ipmp:default"]

# ipmp.status of the canned output (shared with tests/unit/utils/test_model_s11.py).
EXPECTED = json.loads((FIXTURES / "ipmp-status.s11-two-groups.json").read_text())


def _rules(scenario="s11-two-groups", xprobe="false"):
    rules = []
    for argv, mode in ((G, "g"), (I, "i"), (A, "a"), (T, "t")):
        rules.append({"cmd": "ipmpstat", "argv": argv[1:],
                      "file": str(FIXTURES / "ipmpstat-{}P.{}.txt".format(mode, scenario))})
    rules += [
        {"cmd": "if_mpadm", "argv": None},
        {"cmd": "svcprop", "argv": XPROBE_READ[1:], "stdout": xprobe + "\n"},
        {"cmd": "svccfg", "argv": None},
        {"cmd": "svcadm", "argv": None},
        {"cmd": "ifconfig", "argv": None, "stderr": "ifconfig must not run on 5.11", "rc": 1},
    ]
    return rules


@pytest.fixture(params=["solaris11", "illumos"])
def release(request):
    return request.param


@pytest.fixture
def fake(canned_bin):
    return canned_bin(_rules())


@pytest.fixture
def mods(loaders, fake, release):
    return loaders(None, grains=SOLARIS11 if release == "solaris11" else ILLUMOS)


def test_status_from_four_ipmpstat_reads(mods, fake):
    assert mods["ipmp.status"]() == EXPECTED
    assert fake.commands() == [G, I, A, T]


@pytest.mark.parametrize("group", ["ipmp0", "frontend"])
def test_status_of_one_group(mods, group):
    assert mods["ipmp.status"](group) == {group: EXPECTED[group]}


def test_status_is_keyed_by_group_not_by_ipmp_interface(mods):
    assert mods["ipmp.status"]("ipmp1") == {}


def test_groups_from_two_reads(mods, fake):
    assert mods["ipmp.groups"]() == {"ipmp0": ["net0", "net1", "net2"],
                                     "frontend": ["net3", "net4", "net5"]}
    assert fake.commands() == [G, I]


def test_reads_are_cached_for_the_job(mods, fake):
    mods["ipmp.groups"]()
    mods["ipmp.status"]()
    mods["ipmp.status"]("ipmp0")
    mods["ipmp.groups"]()
    assert fake.commands() == [G, I, A, T]
    mods["ipmp.status"](refresh=True)
    assert fake.commands() == [G, I, A, T] * 2


def test_offline(mods, fake):
    assert mods["ipmp.offline"]("net1") is True
    assert fake.commands() == [G, I, ["if_mpadm", "-d", "net1"]]
    # the change dropped the cache
    mods["ipmp.groups"]()
    assert fake.commands()[-2:] == [G, I]


@pytest.mark.parametrize(
    "interface, message",
    [
        ("net3", "last working interface of IPMP group frontend"),
        ("net5", "already offline"),
        ("ipmp1", "ipmp1 is the IPMP interface of group frontend, not a member"),
        ("net9", "net9 is not in an IPMP group"),
    ],
)
def test_offline_refusals_run_no_if_mpadm(mods, fake, interface, message):
    with pytest.raises(CommandExecutionError, match=message):
        mods["ipmp.offline"](interface)
    assert fake.commands() == [G, I]


def test_online(mods, fake):
    assert mods["ipmp.online"]("net5") is True
    with pytest.raises(CommandExecutionError, match="net0 \\(group ipmp0\\) is not offline"):
        mods["ipmp.online"]("net0")
    assert fake.commands() == [G, I, ["if_mpadm", "-r", "net5"], G, I]


@pytest.mark.parametrize("bad", ["net0:1", "net0;reboot", ""])
def test_offline_validates_first(mods, fake, bad):
    with pytest.raises(SaltInvocationError):
        mods["ipmp.offline"](bad)
    assert fake.commands() == []


def test_edge_scenario(loaders, canned_bin):
    fake = canned_bin(_rules("edge"))
    mods = loaders(None, grains=SOLARIS11)
    out = mods["ipmp.status"]()
    assert out["back:office\\team-group-name-31"]["interface"] == "ipmpbackofficelong77"
    assert out["ipmp9"]["addresses"] == []
    assert len(fake.commands()) == 4


def test_mpathd_not_running(loaders, canned_bin):
    canned_bin([{"cmd": "ipmpstat", "argv": None, "rc": 1,
                 "stderr": "ipmpstat: cannot contact in.mpathd(8) -- is IPMP in use?\n"}])
    mods = loaders(None, grains=ILLUMOS)
    with pytest.raises(CommandExecutionError) as info:
        mods["ipmp.status"]()
    assert "cannot contact in.mpathd(8)" in str(info.value)
    assert "svcs -x svc:/network/ipmp:default" in str(info.value)


def test_solaris10_still_reads_ifconfig(loaders, canned_bin):
    fake = canned_bin([{"cmd": "ifconfig", "argv": ["-a"],
                        "file": str(FIXTURES / "ifconfig-a.s10-offline.txt")},
                       {"cmd": "ipmpstat", "argv": None, "rc": 1}])
    mods = loaders(None, grains=SOLARIS10)
    out = mods["ipmp.status"]()
    assert out and all("interface" not in group for group in out.values())
    assert fake.commands() == [["ifconfig", "-a"]]


# ---------------------------------------------------------------- transitive probing


def test_transitive_probing_read(loaders, fake):
    mods = loaders(None, grains=SOLARIS11)
    assert mods["ipmp.transitive_probing"]() is False
    assert fake.commands() == [XPROBE_READ]


def test_transitive_probing_set(loaders, fake):
    mods = loaders(None, grains=SOLARIS11)
    assert mods["ipmp.transitive_probing"](True) is True
    assert fake.commands() == [
        XPROBE_READ,
        ["svccfg", "-s", "svc:/network/ipmp", "setprop", "config/transitive-probing=true"],
        ["svcadm", "refresh", "svc:/network/ipmp:default"],
    ]


def test_transitive_probing_already_set_runs_no_change(loaders, canned_bin):
    fake = canned_bin(_rules(xprobe="true"))
    mods = loaders(None, grains=SOLARIS11)
    assert mods["ipmp.transitive_probing"](enable=True) is True
    assert fake.commands() == [XPROBE_READ]


@pytest.mark.parametrize("grains, word", [(ILLUMOS, "illumos"), (SOLARIS10, "Solaris 10")])
def test_transitive_probing_refused_elsewhere(loaders, fake, grains, word):
    mods = loaders(None, grains=grains)
    with pytest.raises(CommandExecutionError, match="Solaris 11 feature.*this host runs " + word):
        mods["ipmp.transitive_probing"](True)
    assert fake.commands() == []


def test_transitive_probing_validates(loaders, fake):
    mods = loaders(None, grains=SOLARIS11)
    with pytest.raises(SaltInvocationError):
        mods["ipmp.transitive_probing"]("yes please")
    assert fake.commands() == []


# ---------------------------------------------------------------- events (Clearview texts)


def test_events_read_illumos_messages(loaders, tmp_path, release):
    root = tmp_path / "root"
    (root / "var" / "adm").mkdir(parents=True)
    (root / "var" / "adm" / "messages").write_text(
        "Mar  3 10:00:01 omni in.mpathd[212]: [ID 968981 daemon.error] "
        "IP interface failure detected on net0 of group ipmp0\n"
        "Mar  3 10:00:02 omni in.mpathd[212]: [ID 773107 daemon.error] "
        "All IP interfaces in group ipmp0 are now unusable\n"
        "Mar  3 10:00:09 omni in.mpathd[212]: [ID 341557 daemon.error] "
        "IP interface repair detected on net0 of group ipmp0\n"
    )
    mods = loaders(None, grains=SOLARIS11 if release == "solaris11" else ILLUMOS,
                   **{"ipmp.root": str(root)})
    events = mods["ipmp.events"]()
    assert [(e["event"], e.get("interface"), e["group"]) for e in events] == [
        ("failure", "net0", "ipmp0"), ("group_failed", None, "ipmp0"), ("repair", "net0", "ipmp0"),
    ]
    assert all(e["flavor"] == "illumos" for e in events)
