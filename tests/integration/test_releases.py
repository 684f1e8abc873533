"""Solaris 11.4 and illumos minions driven through a real master: the same
``ipmp.status`` contract as Solaris 10 before and after an offline, a pulled
cable and a probe failure, read from ``ipmpstat -P`` only, and the alert for
the pulled cable."""

import time

import pytest

from lab.fleet import ALERT_REACTOR
from lab.fleet import wait_until as fleet_wait_until

RELEASES = {"solaris11": "s11", "illumos": "omni"}
FDT = "FAILURE_DETECTION_TIME"


def ok(host, *argv):
    return host.tool_ok(*argv).stdout


def build_group(host, release):
    """ipmp0 over net0..net2 with 192.168.1.50 on the IPMP interface, net2
    standby, and a test address on net0 and net1 (probe-based detection)."""
    ok(host, "ipadm", "create-ipmp", "ipmp0")
    for nic in ("net0", "net1", "net2"):
        ok(host, "ipadm", "create-ip", nic)
    ok(host, "ipadm", "add-ipmp", "-i", "net0", "-i", "net1", "-i", "net2", "ipmp0")
    ok(host, "ipadm", "create-addr", "-T", "static", "-a", "192.168.1.50/24", "ipmp0/v4")
    for number, nic in enumerate(("net0", "net1")):
        test = "192.168.1.{}/24".format(11 + number)
        if release == "solaris11":
            # Solaris 11 makes any address on an underlying interface a test address.
            ok(host, "ipadm", "create-addr", "-T", "static", "-a", test, nic + "/test")
        else:
            # illumos ipadm does not mark it NOFAILOVER: ifconfig does.
            ok(host, "ifconfig", nic, "addif", test, "-failover", "up")
    ok(host, "ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net2")


def set_fdt(host, value):
    path = host.path("etc/default/mpathd")
    lines = [
        "{}={}".format(FDT, value) if line.startswith(FDT + "=") else line
        for line in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
    ok(host, "pkill", "-HUP", "in.mpathd")


def wait_until(check, timeout=20, what="condition"):
    return fleet_wait_until(check, timeout=timeout, what=what)


@pytest.fixture(scope="module")
def salt_master(salt_master_factory):
    """A master whose reactor hands IPMP events to the alert runner."""
    master = salt_master_factory(
        "ipmp-releases-master", overrides={"reactor": [ALERT_REACTOR], "ipmp.alert_window": 1}
    )
    with master.started():
        ret = master.salt_run_cli(timeout=120).run("saltutil.sync_all")
        assert ret.returncode == 0, ret
        yield master


@pytest.fixture(scope="module", params=sorted(RELEASES))
def minion(request, lab_minion):
    release = request.param
    minion = lab_minion(
        RELEASES[release], os=release,
        overrides={"engines": [{"ipmp_events": {"interval": 0.05}}]},
    )
    set_fdt(minion.host, 500)
    build_group(minion.host, release)
    # Engines start with the minion: restart it now that sync_all has run.
    minion.daemon.terminate()
    minion.daemon.start()
    ret = minion.salt("test.ping")
    assert ret.returncode == 0 and ret.data is True, ret
    time.sleep(1)
    minion.release = release
    return minion


def status(minion):
    ret = minion.salt("ipmp.status", "refresh=True")
    assert ret.returncode == 0, ret
    return ret.data


def states(minion):
    return {name: info["state"] for name, info in status(minion)["ipmp0"]["interfaces"].items()}


def reads_only_parsable_output(minion, since):
    commands = minion.host.commands(since=since)
    assert commands, "no command ran"
    for argv in commands:
        assert argv[0] == "ipmpstat" and "-P" in argv, argv


def test_status_is_the_solaris_10_contract_plus_the_interface(minion):
    mark = len(minion.host.commands())
    assert status(minion) == {
        "ipmp0": {
            "state": "ok",
            "failure_detection": "probe",
            "interface": "ipmp0",
            "interfaces": {
                "net0": {"state": "active", "test_address": "192.168.1.11"},
                "net1": {"state": "active", "test_address": "192.168.1.12"},
                "net2": {"state": "standby"},
            },
            "addresses": ["192.168.1.50"],
        }
    }
    reads_only_parsable_output(minion, mark)
    assert len(minion.host.commands(since=mark)) <= 4


def test_offline_and_online(minion):
    ret = minion.salt("ipmp.offline", "net0")
    assert ret.returncode == 0 and ret.data is True, ret
    after = status(minion)["ipmp0"]
    assert after["interfaces"]["net0"]["state"] == "offline"
    assert after["state"] == "degraded"
    assert after["addresses"] == ["192.168.1.50"]
    ret = minion.salt("ipmp.online", "net0")
    assert ret.returncode == 0 and ret.data is True, ret
    wait_until(lambda: states(minion)["net0"] == "active", what="net0 back in service")


def test_offline_of_the_last_working_interface_is_refused(minion):
    assert minion.salt("ipmp.offline", "net0").returncode == 0
    assert minion.salt("ipmp.offline", "net1").returncode == 0
    mark = len(minion.host.commands())
    ret = minion.salt("ipmp.offline", "net2")
    assert ret.returncode != 0
    assert "last working interface of IPMP group ipmp0" in str(ret.data)
    assert [argv for argv in minion.host.commands(since=mark) if argv[0] == "if_mpadm"] == []
    for nic in ("net0", "net1"):
        assert minion.salt("ipmp.online", nic).returncode == 0
    wait_until(lambda: status(minion)["ipmp0"]["state"] == "ok", what="the group back to ok")


def test_pulled_cable_fails_the_member_and_raises_an_alert(minion, alert_log):
    since = len(alert_log.read())
    minion.host.link("net1", "down")
    alert = alert_log.wait_for(
        lambda a: a["minion"] == minion.id and "link_down" in [e["event"] for e in a["events"]],
        since=since,
        timeout=30,
    )
    assert alert["group"] == "ipmp0"
    assert alert["event"]["message"] in minion.host.messages()
    assert alert["status"]["ipmp0"]["interface"] == "ipmp0"
    after = status(minion)["ipmp0"]
    assert after["interfaces"]["net1"]["state"] == "failed"
    assert after["state"] == "degraded"
    minion.host.link("net1", "up")
    wait_until(lambda: states(minion)["net1"] == "active", what="net1 repaired")


def test_probe_failure_fails_the_member(minion):
    minion.host.probe("net0", "fail")
    try:
        wait_until(lambda: states(minion)["net0"] == "failed", what="the probe failure on net0")
        assert status(minion)["ipmp0"]["state"] == "degraded"
    finally:
        minion.host.probe("net0", "ok")
    wait_until(lambda: states(minion)["net0"] == "active", what="net0 repaired")


def test_dladm_and_events_speak_the_same_contract(minion):
    ret = minion.salt("dladm.show_link")
    assert ret.returncode == 0, ret
    for nic in ("net0", "net1", "net2"):
        assert ret.data[nic]["class"] == "phys" and ret.data[nic]["gldv3"] is True, ret.data
    ret = minion.salt("ipmp.events", "limit=200")
    assert ret.returncode == 0, ret
    seen = [(e["event"], e.get("interface")) for e in ret.data]
    assert ("link_down", "net1") in seen and ("failure", "net0") in seen, seen
    assert all(e["message"] in minion.host.messages() for e in ret.data)


def test_transitive_probing_on_solaris_11_only(minion):
    if minion.release == "solaris11":
        assert minion.salt("ipmp.transitive_probing").data is False
        ret = minion.salt("ipmp.transitive_probing", "enable=True")
        assert ret.returncode == 0 and ret.data is True, ret
        assert minion.salt("ipmp.transitive_probing").data is True
        assert minion.salt("ipmp.transitive_probing", "enable=False").data is False
    else:
        mark = len(minion.host.commands())
        ret = minion.salt("ipmp.transitive_probing")
        assert ret.returncode != 0 and "Solaris 11 feature" in str(ret.data)
        assert minion.host.commands(since=mark) == []
