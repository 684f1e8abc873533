"""ipmp.mpathd, ipmp.events and ipmp.check_pillar: files read under ipmp.root."""

import builtins
import sys

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError

DEFAULTS = {
    "FAILURE_DETECTION_TIME": 10000,
    "FAILBACK": True,
    "TRACK_INTERFACES_ONLY_WITH_GROUPS": True,
}

LINES = [
    "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID 215189 daemon.error] The link has gone down on bge0",
    "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID 594170 daemon.error] NIC failure detected on bge0 of group ipmp0",
    "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID 832587 daemon.error] Successfully failed over from NIC bge0 to NIC bge1",
    "Jan  5 10:23:11 sol1 in.mpathd[123]: [ID 820239 daemon.error] The link has come up on bge0",
    "Jan  5 10:23:31 sol1 in.mpathd[123]: [ID 299542 daemon.error] NIC repair detected on bge0 of group ipmp0",
    "Jan  5 10:23:31 sol1 in.mpathd[123]: [ID 620804 daemon.error] Successfully failed back to NIC bge0",
]
NOISE = "Jan  5 10:22:00 sol1 sshd[99]: [ID 800047 auth.info] Accepted publickey for root from 10.0.0.1"


@pytest.fixture
def root(tmp_path):
    base = tmp_path / "root"
    (base / "etc" / "default").mkdir(parents=True)
    (base / "var" / "adm").mkdir(parents=True)
    return base


@pytest.fixture
def mods(loaders, root):
    return loaders(None, **{"ipmp.root": str(root)})


def _mpathd(root, text):
    (root / "etc" / "default" / "mpathd").write_text(text)


def test_mpathd_missing_file_gives_defaults(mods):
    assert mods["ipmp.mpathd"]() == DEFAULTS


def test_mpathd_shipped_file(mods, root):
    _mpathd(
        root,
        "#\n# Time taken by mpathd to detect a NIC failure in ms.\n#\n"
        "FAILURE_DETECTION_TIME=10000\n#\nFAILBACK=yes\n#\n"
        "TRACK_INTERFACES_ONLY_WITH_GROUPS=yes\n",
    )
    assert mods["ipmp.mpathd"]() == DEFAULTS


def test_mpathd_reads_like_in_mpathd(mods, root):
    _mpathd(root, "FAILBACK = no\nfailure_detection_time=0x3e8\n  FAILBACK=nope\nFAILBACK=yes\n")
    # "FAILBACK = no" is not seen (blanks around =); first match wins; strtol base 0
    assert mods["ipmp.mpathd"]() == {
        "FAILURE_DETECTION_TIME": 1000,
        "FAILBACK": False,
        "TRACK_INTERFACES_ONLY_WITH_GROUPS": True,
    }


def test_mpathd_bad_values_fall_back(mods, root, caplog):
    _mpathd(root, "FAILURE_DETECTION_TIME=50\nTRACK_INTERFACES_ONLY_WITH_GROUPS=maybe\n")
    assert mods["ipmp.mpathd"]() == {
        "FAILURE_DETECTION_TIME": 100,
        "FAILBACK": True,
        "TRACK_INTERFACES_ONLY_WITH_GROUPS": True,
    }
    assert "Too small failure detection time of 50" in caplog.text


def test_mpathd_unreadable_file_is_an_error(mods, root):
    (root / "etc" / "default" / "mpathd").mkdir()
    with pytest.raises(CommandExecutionError, match="Cannot read"):
        mods["ipmp.mpathd"]()


def test_mpathd_relative_root_refused(loaders):
    mods = loaders(None, **{"ipmp.root": "relative/dir"})
    with pytest.raises(SaltInvocationError, match="absolute"):
        mods["ipmp.mpathd"]()


def _messages(root, lines):
    (root / "var" / "adm" / "messages").write_text("".join(line + "\n" for line in lines))


def test_events_oldest_first(mods, root):
    _messages(root, [NOISE] + LINES + [NOISE])
    events = mods["ipmp.events"]()
    assert [e["event"] for e in events] == [
        "link_down", "failure", "failover", "link_up", "repair", "failback",
    ]
    assert events[1]["interface"] == "bge0" and events[1]["group"] == "ipmp0"
    assert events[2]["to"] == "bge1"
    assert events[0]["msgid"] == 215189
    assert events[0]["message"] == LINES[0]


def test_events_limit_keeps_the_newest(mods, root):
    _messages(root, LINES)
    assert [e["event"] for e in mods["ipmp.events"](limit=2)] == ["repair", "failback"]
    assert [e["event"] for e in mods["ipmp.events"](limit="1")] == ["failback"]


@pytest.mark.parametrize("bad", [0, -1, 10001, "ten", "5; ls", True, None, 2.5])
def test_events_bad_limit(mods, root, bad):
    _messages(root, LINES)
    with pytest.raises(SaltInvocationError, match="limit"):
        mods["ipmp.events"](limit=bad)


def test_events_without_a_log(mods):
    assert mods["ipmp.events"]() == []


def test_events_without_trailing_newline_and_crlf(mods, root):
    (root / "var" / "adm" / "messages").write_bytes(
        (LINES[0] + "\r\n" + LINES[1]).encode()
    )
    assert [e["event"] for e in mods["ipmp.events"]()] == ["link_down", "failure"]


def test_events_custom_messages_path(loaders, root):
    (root / "var" / "log").mkdir()
    (root / "var" / "log" / "syslog").write_text(LINES[0] + "\n")
    mods = loaders(None, **{"ipmp.root": str(root), "ipmp.messages": "/var/log/syslog"})
    assert [e["event"] for e in mods["ipmp.events"]()] == ["link_down"]


@pytest.mark.parametrize("bad", ["var/adm/messages", "/var/../../etc/shadow"])
def test_events_messages_path_checked(loaders, root, bad):
    mods = loaders(None, **{"ipmp.root": str(root), "ipmp.messages": bad})
    with pytest.raises((CommandExecutionError, SaltInvocationError)):
        mods["ipmp.events"]()


def test_events_reads_only_the_tail(mods, root, monkeypatch):
    path = root / "var" / "adm" / "messages"
    with path.open("w") as handle:
        for number in range(200000):  # about 20 MB of other daemons' lines
            handle.write(NOISE + " #{}\n".format(number))
        for line in LINES * 20:
            handle.write(line + "\n")
    size = path.stat().st_size
    assert size > 15 * 1024 * 1024
    read = []
    module = sys.modules[mods["ipmp.events"].__module__]

    def counting_open(*args, **kwargs):
        handle = builtins.open(*args, **kwargs)
        real_read = handle.read

        def read_and_count(*a):
            data = real_read(*a)
            read.append(len(data))
            return data

        handle.read = read_and_count
        return handle

    monkeypatch.setattr(module, "open", counting_open, raising=False)
    events = mods["ipmp.events"](limit=50)
    assert len(events) == 50
    assert events[-1]["event"] == "failback"
    assert sum(read) <= 128 * 1024


def test_events_gives_up_after_a_bounded_scan(mods, root, monkeypatch):
    path = root / "var" / "adm" / "messages"
    with path.open("w") as handle:
        handle.write(LINES[0] + "\n")
        for number in range(20000):
            handle.write(NOISE + " #{}\n".format(number))
    module = sys.modules[mods["ipmp.events"].__module__]
    monkeypatch.setattr(module, "TAIL_MAX_BYTES", 256 * 1024)
    assert mods["ipmp.events"]() == []
    monkeypatch.setattr(module, "TAIL_MAX_BYTES", 64 * 1024 * 1024)
    assert [e["event"] for e in mods["ipmp.events"]()] == ["link_down"]


def test_check_pillar_normalises(mods):
    pillar = {
        "groups": {
            "ipmp0": {
                "failure_detection": "link",
                "interfaces": {"bge0": {"address": "myhost"}, "bge2": {"standby": True}},
            }
        }
    }
    result = mods["ipmp.check_pillar"](pillar)
    assert result["groups"]["ipmp0"]["interfaces"]["bge2"]["standby"] is True


def test_check_pillar_names_the_bad_key(mods):
    with pytest.raises(SaltInvocationError, match="stanbdy"):
        mods["ipmp.check_pillar"](
            {"groups": {"ipmp0": {"interfaces": {"bge0": {"stanbdy": True}}}}}
        )


def test_check_pillar_defaults_to_the_minions_pillar(loaders, root):
    mods = loaders(None, pillar={"ipmp": {"groups": {"bad group": {}}}})
    with pytest.raises(SaltInvocationError, match="bad group"):
        mods["ipmp.check_pillar"]()
    assert loaders(None, pillar={})["ipmp.check_pillar"]() is not None


@pytest.mark.parametrize("kernelrelease, failback", [("5.10", False), ("5.11", True)])
def test_mpathd_yes_no_matching_follows_the_release(loaders, root, kernelrelease, failback):
    # Solaris 10 in.mpathd: strncasecmp(value, "no", 2); illumos: exact match
    _mpathd(root, "FAILBACK=no thanks\n")
    grains = dict(kernel="SunOS", kernelrelease=kernelrelease, os="Solaris", os_family="Solaris")
    mods = loaders(None, grains=grains, **{"ipmp.root": str(root)})
    assert mods["ipmp.mpathd"]()["FAILBACK"] is failback
