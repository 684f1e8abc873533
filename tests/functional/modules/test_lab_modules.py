"""dladm, ifconfig and ipmp modules (Salt's loader, no daemons) against a lab host.

Every command the modules run lands in the lab's argv log, so the tests
check both what changed on the simulated host and exactly which commands
ran for it.
"""

import time

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError

IPMP0 = ("bge0", "bge1", "bge2")
IPMP1 = ("e1000g0", "e1000g1", "e1000g2")


def wait_for(check, timeout=15.0, interval=0.1):
    """Poll ``check()`` until it returns a true value (the lab's in.mpathd is asynchronous)."""
    deadline = time.time() + timeout
    while True:
        value = check()
        if value or time.time() > deadline:
            return value
        time.sleep(interval)


def build_two_groups(mods, host):
    """ipmp0 link-based (bge0, bge1 active; bge2 standby), ipmp1 probe-based with
    test addresses (e1000g2 standby), all through the modules."""
    host.path("etc/hostname.bge0").write_text("192.168.10.10 group ipmp0\n")
    mods["ifconfig.apply_hostname_file"]("bge0")
    mods["ifconfig.plumb"]("bge1")
    mods["ifconfig.configure"](
        "bge1", ["192.168.10.11", "netmask", "+", "broadcast", "+", "group", "ipmp0", "up"]
    )
    mods["ifconfig.plumb"]("bge2")
    mods["ifconfig.set_group"]("bge2", "ipmp0")
    mods["ifconfig.standby"]("bge2")
    mods["ifconfig.up"]("bge2")
    host.path("etc/hostname.e1000g0").write_text(
        "10.20.0.11 netmask + broadcast + group ipmp1 deprecated -failover up\n"
        "addif 10.20.0.10 netmask + broadcast + failover up\n"
    )
    mods["ifconfig.apply_hostname_file"]("e1000g0")
    for nic, test, extra in (("e1000g1", "10.20.0.12", []), ("e1000g2", "10.20.0.13", ["standby"])):
        mods["ifconfig.plumb"](nic)
        mods["ifconfig.configure"](
            nic,
            [test, "netmask", "+", "broadcast", "+", "group", "ipmp1", "deprecated", "-failover"]
            + extra
            + ["up"],
        )
    mods["ifconfig.addif"]("e1000g1", "10.20.0.20")


@pytest.fixture
def host(lab_host_factory):
    return lab_host_factory("sol1", nics=IPMP0 + IPMP1)


@pytest.fixture
def built(mods, host):
    build_two_groups(mods, host)
    mods.reset_context()
    return mods


# ------------------------------------------------------------------ ifconfig


def test_show_fresh_host_has_only_lo0(mods, host, counter):
    with counter() as seen:
        data = mods["ifconfig.show"]()
    assert sorted(data) == ["lo0"]
    assert "LOOPBACK" in data["lo0"]["inet"]["flags"]
    assert mods["ifconfig.show"]("bge0") == {}
    assert seen.commands == [["ifconfig", "-a"]]


def test_plumb_up_down_unplumb(mods, host, counter):
    with counter() as seen:
        assert mods["ifconfig.plumb"]("bge0") is True
    assert seen.commands == [["ifconfig", "bge0", "inet", "plumb"]]
    entry = mods["ifconfig.show"]("bge0")["bge0"]
    assert "IPv4" in entry["inet"]["flags"] and "UP" not in entry["inet"]["flags"]
    assert entry["ether"].count(":") == 5 and len(entry["ether"]) == 17
    mods["ifconfig.up"]("bge0")
    assert "UP" in mods["ifconfig.show"]("bge0")["bge0"]["inet"]["flags"]
    mods["ifconfig.down"]("bge0")
    assert "UP" not in mods["ifconfig.show"]("bge0")["bge0"]["inet"]["flags"]
    mods["ifconfig.unplumb"]("bge0")
    assert mods["ifconfig.show"]("bge0") == {}


def test_plumb_twice_logs_ifconfigs_complaint(mods, host, caplog):
    # Solaris 10 ifconfig prints "SIOCSLIFNAME for ip: ...: already exists" and exits 0
    mods["ifconfig.plumb"]("bge0")
    assert mods["ifconfig.plumb"]("bge0") is True
    assert "ifconfig bge0 inet plumb: ifconfig: SIOCSLIFNAME for ip" in caplog.text


def test_plumb_unknown_nic_surfaces_ifconfigs_error(mods, host):
    with pytest.raises(CommandExecutionError, match="ifconfig bge9 inet plumb failed: .+"):
        mods["ifconfig.plumb"]("bge9")


def test_group_and_standby(mods, host):
    mods["ifconfig.plumb"]("bge2")
    mods["ifconfig.set_group"]("bge2", "ipmp0")
    assert mods["ifconfig.show"]("bge2")["bge2"]["inet"]["groupname"] == "ipmp0"
    mods["ifconfig.standby"]("bge2")
    assert "STANDBY" in mods["ifconfig.show"]("bge2")["bge2"]["inet"]["flags"]
    mods["ifconfig.standby"]("bge2", enable=False)
    assert "STANDBY" not in mods["ifconfig.show"]("bge2")["bge2"]["inet"]["flags"]
    mods["ifconfig.set_group"]("bge2", "")
    assert "groupname" not in mods["ifconfig.show"]("bge2")["bge2"]["inet"]
    assert host.commands()[-2] == ["ifconfig", "bge2", "inet", "group", ""]


def test_addif_returns_the_logical_interface_and_removeif_removes_it(mods, host, counter):
    mods["ifconfig.plumb"]("bge0")
    with counter() as seen:
        name = mods["ifconfig.addif"]("bge0", "192.168.10.20", deprecated=True, failover=False)
    assert name == "bge0:1"
    assert seen.commands == [
        ["ifconfig", "bge0", "inet", "addif", "192.168.10.20", "netmask", "+", "broadcast", "+",
         "deprecated", "-failover", "up"]
    ]
    inet = mods["ifconfig.show"]("bge0:1")["bge0:1"]["inet"]
    assert inet["address"] == "192.168.10.20"
    assert {"UP", "DEPRECATED", "NOFAILOVER"} <= set(inet["flags"])
    assert mods["ifconfig.addif"]("bge0", "192.168.10.21", up=False) == "bge0:2"
    mods["ifconfig.removeif"]("bge0", "192.168.10.20")
    assert sorted(mods["ifconfig.show"]("bge0")) == ["bge0", "bge0:2"]


def test_apply_one_line_hostname_file(mods, host, counter):
    host.path("etc/hostname.bge0").write_text("192.168.10.10 group ipmp0\n")
    with counter() as seen:
        result = mods["ifconfig.apply_hostname_file"]("bge0")
    expected = [
        ["ifconfig", "bge0", "inet", "plumb"],
        ["ifconfig", "bge0", "inet", "192.168.10.10", "group", "ipmp0", "netmask", "+",
         "broadcast", "+", "up"],
    ]
    assert result["commands"] == expected
    assert seen.commands == [["ifconfig", "-a"]] + expected
    inet = mods["ifconfig.show"]("bge0")["bge0"]["inet"]
    assert inet["address"] == "192.168.10.10" and inet["groupname"] == "ipmp0"
    assert "UP" in inet["flags"]


def test_apply_hostname_file_test_mode_runs_no_change(mods, host, counter):
    host.path("etc/hostname.bge0").write_text("192.168.10.10\n")
    with counter() as seen:
        result = mods["ifconfig.apply_hostname_file"]("bge0", test=True)
    assert [c[3:] for c in result["commands"]] == [
        ["plumb"], ["192.168.10.10", "netmask", "+", "broadcast", "+", "up"]
    ]
    assert seen.commands == [["ifconfig", "-a"]]


def test_apply_hostname6_file(mods, host):
    mods["ifconfig.plumb"]("bge0")
    host.path("etc/hostname6.bge0").write_text("")
    result = mods["ifconfig.apply_hostname_file"]("bge0", family="inet6")
    assert result["commands"] == [
        ["ifconfig", "bge0", "inet6", "plumb"],
        ["ifconfig", "bge0", "inet6", "up"],
    ]
    inet6 = mods["ifconfig.show"]("bge0")["bge0"]["inet6"]
    assert inet6["address"].startswith("fe80::")


@pytest.mark.parametrize(
    "text",
    [
        "myhost; reboot\n",
        "myhost\nup `reboot`\n",
        "$(reboot)\n",
        "192.168.10.10 group ../../etc\n",
        "192.168.10.10 netmask 255.0.255.0\n",
        "myhost\r\n",
        "192.168.10.10 inet6 up\n",
    ],
)
def test_hostile_hostname_file_runs_nothing(mods, host, text):
    host.path("etc/hostname.bge0").write_text(text)
    before = host.commands()
    with pytest.raises(SaltInvocationError, match="hostname.bge0: line"):
        mods["ifconfig.apply_hostname_file"]("bge0")
    assert host.commands() == before


def test_missing_hostname_file(mods, host):
    with pytest.raises(CommandExecutionError, match="Cannot read .*hostname.bge1"):
        mods["ifconfig.apply_hostname_file"]("bge1")


def test_configure_validates_tokens(mods, host):
    mods["ifconfig.plumb"]("bge0")
    before = host.commands()
    with pytest.raises(SaltInvocationError):
        mods["ifconfig.configure"]("bge0", ["group", "a;b"])
    with pytest.raises(SaltInvocationError):
        mods["ifconfig.configure"]("bge0", "group ipmp0")
    with pytest.raises(SaltInvocationError):
        mods["ifconfig.configure"]("bge0", [])
    assert host.commands() == before


# ------------------------------------------------------------------ dladm


def test_dladm_show_link_dev_and_gldv3(mods, host, counter):
    with counter() as seen:
        links = mods["dladm.show_link"]()
        devs = mods["dladm.show_dev"]()
        gld = mods["dladm.gldv3"]()
        one = mods["dladm.show_link"]("bge1")
    for nic in IPMP0 + IPMP1:
        assert links[nic]["type"] == "non-vlan"
        assert isinstance(links[nic]["mtu"], int)
        assert devs[nic]["link"] == "up"
        assert isinstance(devs[nic]["speed"], int)
        assert gld[nic] is True
    assert one == {"bge1": links["bge1"]}
    assert mods["dladm.gldv3"]("bge1") is True
    assert seen.commands == [["dladm", "show-link", "-p"], ["dladm", "show-dev", "-p"]]


def test_dladm_unknown_link(mods, host):
    with pytest.raises(CommandExecutionError, match="no link named bge9"):
        mods["dladm.show_link"]("bge9")


def test_dladm_link_down_shows(mods, host):
    host.link("bge1", "down")
    assert mods["dladm.show_dev"]("bge1")["bge1"]["link"] == "down"


def test_dladm_show_phys_is_not_on_solaris10(mods, host):
    before = host.commands()
    with pytest.raises(CommandExecutionError, match="Solaris 10"):
        mods["dladm.show_phys"]()
    assert host.commands() == before


# ------------------------------------------------------------------ ipmp


def test_status_of_two_groups(built, host, counter):
    with counter() as seen:
        status = built["ipmp.status"]()
    assert seen.commands == [["ifconfig", "-a"]]
    assert status == {
        "ipmp0": {
            "state": "ok",
            "failure_detection": "link",
            "interfaces": {
                "bge0": {"state": "active"},
                "bge1": {"state": "active"},
                "bge2": {"state": "standby"},
            },
            "addresses": ["192.168.10.10", "192.168.10.11"],
        },
        "ipmp1": {
            "state": "ok",
            "failure_detection": "probe",
            "interfaces": {
                "e1000g0": {"state": "active", "test_address": "10.20.0.11"},
                "e1000g1": {"state": "active", "test_address": "10.20.0.12"},
                "e1000g2": {"state": "standby", "test_address": "10.20.0.13"},
            },
            "addresses": ["10.20.0.10", "10.20.0.20"],
        },
    }
    assert built["ipmp.groups"]() == {"ipmp0": list(IPMP0), "ipmp1": list(IPMP1)}


def test_status_runs_ifconfig_once_per_run(built, host, counter):
    with counter() as seen:
        built["ipmp.status"]()
        built["ipmp.status"]("ipmp0")
        built["ipmp.groups"]()
        built["ifconfig.show"]()
    assert seen.commands == [["ifconfig", "-a"]]
    with counter() as seen:
        built["ipmp.status"](refresh=True)
    assert seen.commands == [["ifconfig", "-a"]]


def test_offline_and_online(built, host, counter):
    with counter() as seen:
        assert built["ipmp.offline"]("bge0") is True
    assert seen.commands == [["ifconfig", "-a"], ["if_mpadm", "-d", "bge0"]]
    status = built["ipmp.status"]("ipmp0")["ipmp0"]
    assert status["interfaces"]["bge0"]["state"] == "offline"
    assert status["state"] == "degraded"
    # the data address moved to another NIC of the group, it is still the group's
    assert status["addresses"] == ["192.168.10.10", "192.168.10.11"]
    moved = [
        name for name, entry in built["ifconfig.show"]().items()
        if not name.startswith("bge0")
        and entry.get("inet", {}).get("address") == "192.168.10.10"
    ]
    assert moved
    with counter() as seen:
        assert built["ipmp.online"]("bge0") is True
    # the status read above is still valid in this run: only if_mpadm runs
    assert seen.commands == [["if_mpadm", "-r", "bge0"]]
    wait_for(
        lambda: built["ipmp.status"]("ipmp0", refresh=True)["ipmp0"]["state"] == "ok"
    )
    assert built["ipmp.status"]("ipmp0", refresh=True)["ipmp0"]["interfaces"]["bge0"] == {
        "state": "active"
    }


def test_offline_refuses_the_last_working_interface(built, host):
    built["ipmp.offline"]("e1000g0")
    built["ipmp.offline"]("e1000g1")
    status = built["ipmp.status"]("ipmp1")["ipmp1"]
    assert status["interfaces"]["e1000g2"]["state"] in ("active", "inactive")
    before = host.commands()
    with pytest.raises(CommandExecutionError, match="last working interface of IPMP group ipmp1"):
        built["ipmp.offline"]("e1000g2")
    assert host.commands() == before  # not even a read: the status came from the cache
    built.reset_context()
    with pytest.raises(CommandExecutionError, match="last working"):
        built["ipmp.offline"]("e1000g2")
    assert host.commands()[len(before):] == [["ifconfig", "-a"]]
    assert "OFFLINE" not in built["ifconfig.show"]("e1000g2")["e1000g2"]["inet"]["flags"]


def test_offline_refuses_outside_a_group(mods, host):
    mods["ifconfig.plumb"]("bge0")
    mods.reset_context()
    with pytest.raises(CommandExecutionError, match="not in an IPMP group"):
        mods["ipmp.offline"]("bge0")
    with pytest.raises(CommandExecutionError, match="not plumbed"):
        mods["ipmp.offline"]("bge1")
    assert not [c for c in host.commands() if c[0] == "if_mpadm"]


def test_online_refuses_an_active_interface(built, host):
    with pytest.raises(CommandExecutionError, match="not offline; it is active"):
        built["ipmp.online"]("bge1")
    assert not [c for c in host.commands() if c[0] == "if_mpadm"]


def test_link_down_fails_the_nic_and_then_the_group(built, host):
    host.link("bge1", "down")
    status = wait_for(
        lambda: (lambda s: s if s["interfaces"]["bge1"]["state"] == "failed" else None)(
            built["ipmp.status"]("ipmp0", refresh=True)["ipmp0"]
        )
    )
    assert status and status["state"] == "degraded"
    assert status["addresses"] == ["192.168.10.10", "192.168.10.11"]
    for nic in ("bge0", "bge2"):
        host.link(nic, "down")
    status = wait_for(
        lambda: (lambda s: s if s["state"] == "failed" else None)(
            built["ipmp.status"]("ipmp0", refresh=True)["ipmp0"]
        )
    )
    assert status and all(i["state"] == "failed" for i in status["interfaces"].values())
    assert built["ipmp.status"]("ipmp1")["ipmp1"]["state"] == "ok"
    events = [e["event"] for e in built["ipmp.events"]()]
    assert "link_down" in events and "failure" in events


def test_link_up_repairs(built, host):
    host.link("bge1", "down")
    wait_for(
        lambda: built["ipmp.status"]("ipmp0", refresh=True)["ipmp0"]["state"] == "degraded"
    )
    host.link("bge1", "up")
    assert wait_for(
        lambda: built["ipmp.status"]("ipmp0", refresh=True)["ipmp0"]["state"] == "ok"
    )
    assert "link_up" in [e["event"] for e in built["ipmp.events"](limit=5)]


def test_reload_mpathd(built, host, counter):
    with counter() as seen:
        assert built["ipmp.reload_mpathd"]() is True
    assert seen.commands == [["pkill", "-HUP", "-x", "in.mpathd"]]


def test_reload_mpathd_when_not_running(mods, host):
    assert mods["ipmp.reload_mpathd"]() is False


def test_mpathd_of_a_fresh_host(mods, host):
    assert mods["ipmp.mpathd"]() == {
        "FAILURE_DETECTION_TIME": 10000,
        "FAILBACK": True,
        "TRACK_INTERFACES_ONLY_WITH_GROUPS": True,
    }


# ------------------------------------------------------------------ validation

# Refused wherever a name, group, address or token goes (at least 20).
BAD_NAMES = [
    "bge0; rm -rf /",
    "../../etc/passwd",
    "",
    "x" * 300,
    "bge0\nbge1",
    "bge0\n",
    "$(reboot)",
    "`reboot`",
    "bge0 && reboot",
    "bge0|sh",
    "-a",
    "--",
    "bge0/../x",
    "bge0\x00",
    "bge0>out",
    "*",
    "bge0'",
    " bge0",
    "\u0431ge0",
    "bge0;",
    "${IFS}",
    "~root",
    "bge0\t",
    "a b",
]

CALLS = [
    ("ifconfig.show", lambda bad: ((bad,), {})),
    ("ifconfig.plumb", lambda bad: ((bad,), {})),
    ("ifconfig.unplumb", lambda bad: ((bad,), {})),
    ("ifconfig.up", lambda bad: ((bad,), {})),
    ("ifconfig.down", lambda bad: ((bad,), {})),
    ("ifconfig.set_group", lambda bad: ((bad, "ipmp0"), {})),
    ("ifconfig.set_group", lambda bad: (("bge0", bad or "x y"), {})),
    ("ifconfig.standby", lambda bad: ((bad,), {})),
    ("ifconfig.addif", lambda bad: ((bad, "10.0.0.1"), {})),
    ("ifconfig.addif", lambda bad: (("bge0", bad), {})),
    ("ifconfig.addif", lambda bad: (("bge0", "10.0.0.1"), {"netmask": bad})),
    ("ifconfig.removeif", lambda bad: (("bge0", bad), {})),
    ("ifconfig.configure", lambda bad: (("bge0", ["group", bad or "a b"]), {})),
    ("ifconfig.configure", lambda bad: (("bge0", [bad, "up"]), {})),
    ("ifconfig.apply_hostname_file", lambda bad: ((bad,), {})),
    ("ifconfig.plumb", lambda bad: (("bge0",), {"family": bad})),
    ("dladm.show_link", lambda bad: ((bad,), {})),
    ("dladm.show_dev", lambda bad: ((bad,), {})),
    ("dladm.gldv3", lambda bad: ((bad,), {})),
    ("ipmp.status", lambda bad: ((bad,), {})),
    ("ipmp.offline", lambda bad: ((bad,), {})),
    ("ipmp.online", lambda bad: ((bad,), {})),
    ("ipmp.events", lambda bad: ((), {"limit": bad})),
]


@pytest.mark.parametrize("function, make", CALLS, ids=[c[0] for c in CALLS])
def test_bad_input_runs_nothing(mods, host, function, make):
    before = host.commands()
    refused = 0
    for bad in BAD_NAMES:
        args, kwargs = make(bad)
        with pytest.raises(SaltInvocationError):
            mods[function](*args, **kwargs)
        refused += 1
    assert refused >= 20
    assert host.commands() == before


def test_bad_booleans_run_nothing(mods, host):
    before = host.commands()
    for bad in ("yes", "False", 2, None, ["x"]):
        with pytest.raises(SaltInvocationError):
            mods["ifconfig.standby"]("bge0", enable=bad)
        with pytest.raises(SaltInvocationError):
            mods["ifconfig.addif"]("bge0", "10.0.0.1", up=bad)
        with pytest.raises(SaltInvocationError):
            mods["ipmp.status"](refresh=bad)
    assert host.commands() == before


# ------------------------------------------------------------------ command counts

COUNTS = [
    ("ifconfig.show", (), {}, ["ifconfig -a"]),
    ("ifconfig.show", ("bge0",), {}, ["ifconfig -a"]),
    ("ipmp.groups", (), {}, ["ifconfig -a"]),
    ("ipmp.status", (), {}, ["ifconfig -a"]),
    ("ipmp.status", ("ipmp1",), {}, ["ifconfig -a"]),
    ("dladm.show_link", (), {}, ["dladm show-link -p"]),
    ("dladm.show_dev", (), {}, ["dladm show-dev -p"]),
    ("dladm.gldv3", ("bge0",), {}, ["dladm show-link -p"]),
    ("ipmp.mpathd", (), {}, []),
    ("ipmp.events", (), {}, []),
    ("ipmp.offline", ("bge1",), {}, ["ifconfig -a", "if_mpadm -d bge1"]),
    ("ipmp.reload_mpathd", (), {}, ["pkill -HUP -x in.mpathd"]),
    ("ifconfig.set_group", ("bge2", "ipmp0"), {}, ["ifconfig bge2 inet group ipmp0"]),
    ("ifconfig.standby", ("bge2",), {}, ["ifconfig bge2 inet standby"]),
    ("ifconfig.addif", ("bge0", "192.168.10.30"), {},
     ["ifconfig bge0 inet addif 192.168.10.30 netmask + broadcast + up"]),
    ("ifconfig.removeif", ("e1000g1", "10.20.0.20"), {}, ["ifconfig e1000g1 inet removeif 10.20.0.20"]),
    ("ifconfig.plumb", ("bge1",), {"family": "inet6"}, ["ifconfig bge1 inet6 plumb"]),
]


@pytest.mark.parametrize("function, args, kwargs, expected", COUNTS,
                         ids=["{}{}".format(c[0], c[1]) for c in COUNTS])
def test_commands_per_function(built, host, counter, function, args, kwargs, expected):
    with counter() as seen:
        built[function](*args, **kwargs)
    assert [" ".join(c) for c in seen.commands] == expected
    if expected and expected[0] in ("ifconfig -a", "dladm show-link -p", "dladm show-dev -p") \
            and len(expected) == 1:
        with counter() as again:
            built[function](*args, **kwargs)
        assert again.commands == []  # served from __context__ for the rest of the run


def test_if_mpadm_refusal_surfaces_its_own_message(built, host):
    # A status read earlier in the run says bge1 and bge2 work; then their
    # cables are pulled. The stale check passes, in.mpathd refuses, and the
    # error carries if_mpadm's own words.
    built["ipmp.status"]()
    for nic in ("bge1", "bge2"):
        host.link(nic, "down")
    assert wait_for(lambda: _failed(host, "bge1") and _failed(host, "bge2"))
    with pytest.raises(CommandExecutionError) as info:
        built["ipmp.offline"]("bge0")
    assert "if_mpadm -d bge0 failed: Offline failed as there is no other functional interface" in str(
        info.value
    )
    assert host.commands()[-1] == ["if_mpadm", "-d", "bge0"]
    # the failed mutation dropped the cache: the next status is fresh
    status = built["ipmp.status"]("ipmp0")["ipmp0"]
    assert status["interfaces"]["bge0"]["state"] == "active"
    assert status["interfaces"]["bge1"]["state"] == "failed"


def _failed(host, nic):
    import subprocess

    out = subprocess.run(
        [str(host.bin / "ifconfig"), nic], stdout=subprocess.PIPE, universal_newlines=True,
        check=False,
    ).stdout
    return "FAILED" in out
