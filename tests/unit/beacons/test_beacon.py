"""The ipmp beacon: configuration checks, events and tags, restarts."""

import copy
import os
import re
import time

import pytest
import salt.beacons

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

STATUS = {
    "ipmp0": {
        "state": "ok",
        "failure_detection": "link",
        "interfaces": {"bge0": {"state": "active"}, "bge1": {"state": "active"}, "bge2": {"state": "standby"}},
        "addresses": ["192.168.1.10"],
    }
}

PREFIX = "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID {} daemon.error] "
LINK_DOWN = PREFIX.format(215189) + "The link has gone down on bge0"
FAILURE = PREFIX.format(594170) + "NIC failure detected on bge0 of group ipmp0"
FAILOVER = PREFIX.format(832587) + "Successfully failed over from NIC bge0 to NIC bge2"
SSHD = "Jan  5 10:22:01 sol1 sshd[99]: [ID 800047 auth.info] Accepted publickey for root"
# What the beacon reaches through its utils loader.
UTILS = ("ipmp_follow", "ipmp_watch", "ipmp_events", "ipmp_model", "ipmp_options", "ipmp_validate", "ipmp_burst",
         "ipmp_event_sign")


class Minion:
    """A beacon module as the minion would run it, with a fake ``ipmp.status``."""

    def __init__(self, load_extension, root, cachedir, status=None):
        self.load_extension = load_extension
        self.root = root
        self.cachedir = cachedir
        self.status = copy.deepcopy(STATUS) if status is None else status
        self.status_calls = 0
        self.restart()

    def _status(self, group=None, refresh=False):
        self.status_calls += 1
        return copy.deepcopy(self.status)

    def restart(self):
        """A fresh module and context, as after a minion restart."""
        mod = self.load_extension("_beacons/ipmp.py", utils=UTILS)
        utils = mod.__utils__
        config = {"ipmp.root": self.root}
        mod.__opts__ = {"cachedir": self.cachedir, "id": "sol1"}
        mod.__context__ = {"ipmp.beacon.utils": utils}
        mod.__salt__ = {
            "config.get": lambda key, default=None: config.get(key, default),
            "ipmp.status": self._status,
        }
        self.mod = mod
        return mod

    def beacon(self, *items):
        time.sleep(0.005)  # let a 1 ms status_interval pass
        return self.mod.beacon(list(items) + [{"_beacon_name": "ipmp"}])


@pytest.fixture
def host(tmp_path):
    root = tmp_path / "host"
    (root / "var" / "adm").mkdir(parents=True)
    (root / "var" / "adm" / "messages").write_text("Jan  5 10:00:00 sol1 old line\n")
    return root


@pytest.fixture
def minion(load_extension, host, tmp_path):
    return Minion(load_extension, str(host), str(tmp_path / "cache"))


def write(host, *lines):
    with open(str(host / "var" / "adm" / "messages"), "a") as handle:
        for line in lines:
            handle.write(line + "\n")


# ------------------------------------------------------------------ validate
@pytest.mark.parametrize(
    "config",
    [
        [],
        [{"interval": 1}],
        [{"messages": "/var/adm/messages"}, {"status": True}, {"status_interval": 5}],
        {"status": False, "interval": 0.5},
        [{"enabled": True}, {"disable_during_state_run": True}, {"beacon_module": "ipmp"}],
    ],
)
def test_validate_accepts(minion, config):
    assert minion.mod.validate(config) == (True, "Valid beacon configuration")


@pytest.mark.parametrize(
    "config, words",
    [
        ("status", "list of mappings"),
        (["status"], "must be a mapping"),
        ([{"stauts": True}], "unknown option(s) stauts"),
        ([{"messages": "var/adm/messages"}], "absolute path"),
        ([{"messages": "/var/adm/../messages"}], "'..'"),
        ([{"messages": 5}], "absolute path"),
        ([{"status": "yes"}], "'status' must be true or false"),
        ([{"status_interval": 0}], "'status_interval' must be a number of seconds greater than 0"),
        ([{"status_interval": "10"}], "'status_interval' must be a number"),
        ([{"interval": True}], "'interval' must be a number"),
        ([{"interval": -1}], "'interval' must be a number"),
    ],
)
def test_validate_rejects_with_clear_message(minion, config, words):
    valid, message = minion.mod.validate(config)
    assert valid is False
    assert words in message
    assert message.startswith("ipmp beacon: ")


# -------------------------------------------------------------------- events
def test_first_run_does_not_replay_existing_file(minion, host):
    write(host, LINK_DOWN)
    assert minion.beacon() == []


def test_events_tags_and_data(minion, host):
    assert minion.beacon() == []
    write(host, LINK_DOWN, SSHD, FAILURE, FAILOVER)
    ret = minion.beacon()
    assert [r["tag"] for r in ret] == ["ipmp0/link_down", "ipmp0/failure", "ipmp0/failover"]
    down = ret[0]
    assert down["event"] == "link_down"
    assert down["interface"] == "bge0"
    assert down["group"] == "ipmp0"  # from ipmp.status: the line names no group
    assert down["msgid"] == 215189
    assert down["message"] == LINK_DOWN
    assert ret[2]["to"] == "bge2"
    assert "id" not in down  # Salt adds the minion id itself
    assert minion.beacon() == []


def test_group_lookup_is_cached(minion, host):
    minion.beacon()
    write(host, LINK_DOWN, LINK_DOWN, LINK_DOWN)
    minion.beacon()
    assert minion.status_calls == 1


def test_event_without_group_is_tagged_dash(minion, host):
    minion.beacon()
    write(host, PREFIX.format(452393) + "Invalid failure detection time 0x, assuming default 10000")
    ret = minion.beacon()
    assert [r["tag"] for r in ret] == ["-/config"]


def test_interface_outside_groups_is_tagged_dash(minion, host):
    minion.beacon()
    write(host, PREFIX.format(215189) + "The link has gone down on e1000g3")
    ret = minion.beacon()
    assert ret[0]["tag"] == "-/link_down"
    assert "group" not in ret[0]


def sample_line(entry):
    values = {
        "interface": "bge0", "to": "bge2", "group": "ipmp0", "address": "192.168.1.11",
        "family": "inet", "value": "junk", "count": "2", "fdt": "20000", "requested": "10000",
    }
    fields = iter(entry.fields)
    text = re.sub(r"%[sd]", lambda m: values.get(next(fields), "x"), entry.format)
    level = entry.levels[0]
    return "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID {} daemon.{}] {}".format(entry.msgid, level, text)


def test_every_catalogue_message_becomes_a_tagged_event(minion, host, load_util):
    catalog = load_util("ipmp_events").CATALOG
    minion.beacon()
    ret = []
    for start in range(0, len(catalog), 10):  # ticks with fewer lines than a burst
        write(host, *[sample_line(entry) for entry in catalog[start:start + 10]])
        ret.extend(minion.beacon())
    assert [r["event"] for r in ret] == [entry.event for entry in catalog]
    for item, entry in zip(ret, catalog):
        # Every sample names group ipmp0 or NIC bge0 (a member of ipmp0), or neither.
        names_group = "group" in entry.fields or "interface" in entry.fields
        group = "ipmp0" if names_group else "-"
        assert item["tag"] == "{}/{}".format(group, entry.event), item["message"]
        assert item["msgid"] == entry.msgid


def test_messages_option_is_under_ipmp_root(minion, host):
    other = host / "var" / "log" / "syslog"
    other.parent.mkdir(parents=True)
    other.write_text("")
    minion.beacon({"messages": "/var/log/syslog"})
    with open(str(other), "a") as handle:
        handle.write(FAILURE + "\n")
    write(host, LINK_DOWN)  # the default file is not followed any more
    ret = minion.beacon({"messages": "/var/log/syslog"})
    assert [r["tag"] for r in ret] == ["ipmp0/failure"]


def test_restart_neither_loses_nor_repeats(minion, host):
    minion.beacon()
    write(host, LINK_DOWN)
    assert len(minion.beacon()) == 1
    minion.mod.close([{"_beacon_name": "ipmp"}])
    write(host, FAILURE)  # written while the minion is down
    minion.restart()
    ret = minion.beacon()
    assert [r["tag"] for r in ret] == ["ipmp0/failure"]


def test_rotation_through_the_beacon(minion, host):
    minion.beacon()
    write(host, LINK_DOWN)
    messages = host / "var" / "adm" / "messages"
    os.rename(str(messages), str(messages) + ".0")
    write(host, FAILOVER)
    ret = minion.beacon()
    assert [r["tag"] for r in ret] == ["ipmp0/link_down", "ipmp0/failover"]


# -------------------------------------------------------------- status polls
def test_status_changes_when_syslog_says_nothing(minion, host):
    conf = ({"status": True}, {"status_interval": 0.001})
    assert minion.beacon(*conf) == []  # baseline
    minion.status["ipmp0"]["state"] = "degraded"
    minion.status["ipmp0"]["interfaces"]["bge0"]["state"] = "offline"
    ret = minion.beacon(*conf)
    assert {r["tag"] for r in ret} == {"ipmp0/group_state", "ipmp0/interface_state"}
    group = [r for r in ret if r["event"] == "group_state"][0]
    assert (group["state"], group["previous"], group["source"]) == ("degraded", "ok", "status")
    iface = [r for r in ret if r["event"] == "interface_state"][0]
    assert (iface["interface"], iface["state"], iface["previous"]) == ("bge0", "offline", "active")
    assert minion.beacon(*conf) == []


def test_status_change_is_not_repeated_when_syslog_reported_it(minion, host):
    conf = ({"status": True}, {"status_interval": 0.001})
    minion.beacon(*conf)
    write(host, FAILURE)
    minion.status["ipmp0"]["state"] = "degraded"
    ret = minion.beacon(*conf)
    assert [r["tag"] for r in ret] == ["ipmp0/failure"]


def test_status_interval_is_honoured(minion, host):
    conf = ({"status": True}, {"status_interval": 3600})
    minion.beacon(*conf)
    calls = minion.status_calls
    for _ in range(5):
        minion.beacon(*conf)
    assert minion.status_calls == calls


def test_status_snapshot_survives_restart(minion, host):
    conf = ({"status": True}, {"status_interval": 0.001})
    minion.beacon(*conf)
    minion.status["ipmp0"]["state"] = "failed"
    minion.restart()
    ret = minion.beacon(*conf)
    assert [(r["tag"], r["state"]) for r in ret if r["event"] == "group_state"] == [
        ("ipmp0/group_state", "failed")
    ]


def test_status_errors_do_not_break_the_beacon(minion, host):
    def broken(group=None, refresh=False):
        raise RuntimeError("ifconfig: not found")

    minion.mod.__salt__["ipmp.status"] = broken
    minion.beacon({"status": True}, {"status_interval": 0.001})
    write(host, LINK_DOWN)
    ret = minion.beacon({"status": True}, {"status_interval": 0.001})
    assert [r["tag"] for r in ret] == ["-/link_down"]


# ------------------------------------------------- through Salt's own machinery
def test_salt_beacon_framework_gives_the_documented_tag(minion, host):
    """Salt's Beacon.process appends our tag to salt/beacon/<id>/ipmp/."""
    beacons = salt.beacons.Beacon.__new__(salt.beacons.Beacon)
    beacons.opts = {"id": "sol1", "loop_interval": 1, "beacons": {}}
    beacons.functions = {}
    beacons.interval_map = {}
    beacons.beacons = {"ipmp.beacon": minion.mod.beacon, "ipmp.validate": minion.mod.validate}
    config = {"ipmp": [{"status": False}]}
    assert beacons.process(copy.deepcopy(config), {}) == []
    write(host, FAILURE)
    ret = beacons.process(copy.deepcopy(config), {})
    assert [r["tag"] for r in ret] == ["salt/beacon/sol1/ipmp/ipmp0/failure"]
    assert ret[0]["data"]["id"] == "sol1"
    assert ret[0]["data"]["event"] == "failure"
    assert "tag" not in ret[0]["data"]


def test_engine_and_beacon_tags_are_identical(minion, host, load_util):
    tail = load_util("ipmp_watch")
    minion.beacon()
    write(host, LINK_DOWN, FAILURE, FAILOVER)
    for item in minion.beacon():
        event = dict(item)
        suffix = event.pop("tag")
        assert tail.full_tag("sol1", event) == "salt/beacon/sol1/ipmp/" + suffix


def test_events_are_signed_with_the_minions_key(minion, host, tmp_path, load_util):
    """What the alert runner checks: the beacon signs each event, over the
    tag Salt gives it, with <pki_dir>/minion.pem."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pki = tmp_path / "pki"
    (pki / "minions").mkdir(parents=True)
    (pki / "minion.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    (pki / "minions" / "sol1").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    minion.mod.__opts__["pki_dir"] = str(pki)
    minion.beacon()
    write(host, LINK_DOWN)
    (item,) = minion.beacon()
    assert item["sig"] and item["sig_alg"] == "sha224"
    # as the master sees it: Salt moved the tag into the full tag and added the id
    data = dict(item, id="sol1")
    tag = "salt/beacon/sol1/ipmp/" + data.pop("tag")
    check = load_util("ipmp_event_sign").check
    assert check({"pki_dir": str(pki)}, "sol1", tag, data) is None
    assert check({"pki_dir": str(pki)}, "sol1", tag, dict(data, interface="bge1")) == (
        "the signature is not sol1's")


def test_a_burst_is_folded_into_few_events_counting_every_line(minion, host, load_util):
    total = load_util("ipmp_burst").total
    minion.beacon()
    line = sample_line(load_util("ipmp_events").CATALOG[0])
    write(host, *([line] * 1000))
    ret = minion.beacon()
    assert len(ret) == 1 and ret[0]["event"] == "burst" and ret[0]["tag"].endswith("/burst")
    assert sum(total(item) for item in ret) == 1000
    assert minion.beacon() == []
