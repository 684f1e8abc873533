"""ipmp_events.parse_line / parse_text: line shapes, other daemons, garbage, whole files."""

import random

import pytest


@pytest.fixture(scope="module")
def events(load_util):
    return load_util("ipmp_events")


LINK_DOWN = "Jan  5 10:22:01 myhost in.mpathd[123]: [ID 215189 daemon.error] The link has gone down on bge0"


def test_design_example(events):
    assert events.parse_line(LINK_DOWN) == {
        "event": "link_down",
        "interface": "bge0",
        "time": "Jan  5 10:22:01",
        "host": "myhost",
        "pid": 123,
        "msgid": 215189,
        "level": "error",
        "message": LINK_DOWN,
    }


@pytest.mark.parametrize(
    "line",
    [
        LINK_DOWN + "\n",
        LINK_DOWN + "\r\n",
        LINK_DOWN + "   ",
        LINK_DOWN.encode("ascii"),
        LINK_DOWN.replace("myhost ", "myhost   "),
        LINK_DOWN.replace("[ID 215189 daemon.error] ", "[ID 215189  daemon.error]  "),
    ],
)
def test_line_variants(events, line):
    parsed = events.parse_line(line)
    assert parsed["event"] == "link_down"
    assert parsed["interface"] == "bge0"
    assert parsed["msgid"] == 215189


def test_message_is_the_raw_line_without_newline(events):
    assert events.parse_line(LINK_DOWN + "\n")["message"] == LINK_DOWN


def test_info_level_and_no_host(events):
    line = "Jan  5 10:22:01 in.mpathd[123]: [ID 974444 daemon.info] inet6 bge2 has been removed from kernel"
    parsed = events.parse_line(line)
    assert parsed["event"] == "removed"
    assert parsed["level"] == "info"
    assert parsed["family"] == "inet6"
    assert "host" not in parsed


def test_iso_timestamp(events):
    line = "2024-03-01T12:00:00.123+01:00 fox in.mpathd[9]: [ID 820239 daemon.error] The link has come up on net0"
    parsed = events.parse_line(line)
    assert parsed["event"] == "link_up"
    assert parsed["time"] == "2024-03-01T12:00:00.123+01:00"


def test_no_pid(events):
    parsed = events.parse_line("Jan  5 10:22:01 fox in.mpathd: NIC failure detected on bge0 of group ipmp0")
    assert parsed["event"] == "failure"
    assert "pid" not in parsed


@pytest.mark.parametrize(
    "line",
    [
        "Nov  3 09:14:55 fox sshd[2711]: [ID 800047 auth.info] Accepted publickey for admin",
        "Nov  3 09:15:07 fox bge: [ID 801725 kern.info] NOTICE: bge0: link down",
        "Nov  3 09:15:07 fox last message repeated 3 times",
        "Nov  3 09:15:07 fox sshd[1]: in.mpathd[3]: The link has gone down on bge0",
        "The link has gone down on bge0",
        "in.mpathd[3]: The link has gone down on bge0",
        "",
        "   ",
        "\ufffd\ufffd\ufffd",
        "Xyz  3 09:15:07 fox in.mpathd[211]: The link has gone down on bge0",
        None,
        42,
        ["Nov  3 09:15:07 fox in.mpathd[211]: The link has gone down on bge0"],
    ],
)
def test_not_in_mpathd(events, line):
    assert events.parse_line(line) is None


def test_unknown_in_mpathd_line_is_other(events):
    line = "Nov  3 09:20:01 fox in.mpathd[3120]: [ID 117003 daemon.error] in_signal: unknown signal: 30"
    assert events.parse_line(line) == {
        "event": "other", "message": line, "time": "Nov  3 09:20:01", "host": "fox", "pid": 3120,
        "msgid": 117003, "level": "error",
    }


def test_logperror_line_is_other(events):
    line = "Nov  3 09:20:01 fox in.mpathd[3120]: [ID 472890 daemon.error] probe: probe sendto (inet bge0): Network is down"
    assert events.parse_line(line)["event"] == "other"


@pytest.mark.parametrize(
    "line",
    [
        "Nov  3 09:20:01 fox in.mpathd[3120]: [ID 999999 daemon.debug] phyint_inst_timer: state 1",
        # logtrace probe chatter, only logged where daemon.info is routed to a file
        "Nov  3 09:20:01 fox in.mpathd[3120]: [ID 712285 daemon.info] probe reply code 3 from 10.0.0.1 on bge0",
        "Nov  3 09:20:01 fox in.mpathd[3120]: [ID 327637 daemon.info] missed sending 2 probes cur_time 5 snxt_time 4 snxt_basetime 3",
    ],
)
def test_unknown_trace_and_debug_noise_is_dropped(events, line):
    assert events.parse_line(line) is None


def test_garbled_text_still_named_by_msgid(events):
    line = "Nov  3 09:20:01 fox in.mpathd[1]: [ID 594170 daemon.error] NIC fa\ufffdlure det\ufffdcted on bge0 of group ipmp0"
    parsed = events.parse_line(line)
    assert parsed["event"] == "failure"
    assert parsed["flavor"] == "solaris10"
    assert "interface" not in parsed  # the text could not be read, so no fields are guessed


def test_replacement_char_in_interface(events):
    line = "Nov  3 09:20:01 fox in.mpathd[1]: [ID 215189 daemon.error] The link has gone down on bge\ufffd0"
    parsed = events.parse_line(line)
    assert parsed["event"] == "link_down"
    assert parsed["interface"] == "bge\ufffd0"


def test_flavor_from_level(events):
    text = "No test address configured on interface e1000g1; disabling probe-based failure detection on it"
    s10 = events.parse_line("Jan  5 10:22:01 h in.mpathd[1]: [ID 975029 daemon.error] " + text)
    ill = events.parse_line("Jan  5 10:22:01 h in.mpathd[1]: [ID 975029 daemon.info] " + text)
    unknown = events.parse_line("Jan  5 10:22:01 h in.mpathd[1]: " + text)
    assert (s10["flavor"], ill["flavor"]) == ("solaris10", "illumos")
    assert "flavor" not in unknown
    assert s10["event"] == ill["event"] == unknown["event"] == "no_test_address"


def test_flavor_from_text(events):
    s10 = events.parse_line("Jan  5 10:22:01 h in.mpathd[1]: NIC failure detected on bge0 of group g")
    ill = events.parse_line("Jan  5 10:22:01 h in.mpathd[1]: IP interface failure detected on net0 of group g")
    assert (s10["flavor"], ill["flavor"]) == ("solaris10", "illumos")


def test_illumos_consistent_accepts_one_or_two_blanks(events):
    two = "Jan  5 10:22:01 h in.mpathd[1]: IP interface net1 is now consistent with group g  and connectivity is restored"
    one = two.replace("g  and", "g and")
    assert events.parse_line(two)["event"] == events.parse_line(one)["event"] == "consistent"
    assert events.parse_line(one)["group"] == "g"


def test_config_value_with_blanks(events):
    line = "Jan  5 10:22:01 h in.mpathd[1]: [ID 628907 daemon.error] Invalid value for FAILBACK yes please no"
    parsed = events.parse_line(line)
    assert parsed["value"] == "yes please no"
    assert parsed["key"] == "FAILBACK"
    empty = events.parse_line("Jan  5 10:22:01 h in.mpathd[1]: [ID 628907 daemon.error] Invalid value for FAILBACK ")
    assert empty["event"] == "config"
    assert empty["value"] == ""


def test_config_events_from_mpathd_problems(events, load_util):
    """What the parser says in.mpathd would log comes back as config events."""
    parse = load_util("ipmp_parse")
    text = "FAILURE_DETECTION_TIME=50\nFAILBACK=sometimes\nTRACK_INTERFACES_ONLY_WITH_GROUPS=nah\n"
    for flavor in ("solaris10", "illumos"):
        lines = ["Jan  5 10:22:01 h in.mpathd[1]: " + p for p in parse.mpathd_problems(text, flavor=flavor)]
        parsed = events.parse_text("\n".join(lines))
        assert [(e["event"], e["key"], e["value"], e.get("flavor")) for e in parsed] == [
            ("config", "FAILURE_DETECTION_TIME", "50", flavor),
            ("config", "FAILBACK", "sometimes", None),
            ("config", "TRACK_INTERFACES_ONLY_WITH_GROUPS", "nah", None),
        ]
        assert parsed[0]["fdt"] == 100


def test_messages_file(events, fixture_text):
    parsed = events.parse_text(fixture_text("messages.s10-failover.txt"))
    assert [e["event"] for e in parsed] == [
        "link_down", "failure", "failover", "link_up", "repair", "failback", "reload", "config", "other",
    ]
    failover = parsed[2]
    assert (failover["interface"], failover["to"]) == ("bge0", "bge2")
    assert parsed[1]["group"] == "ipmp0"
    assert parsed[6]["msgid"] == 111610 and "level" not in parsed[6]
    assert parsed[7]["pid"] == 3120
    assert all(e["host"] == "fox" for e in parsed)


def test_non_utf8_file(events, fixture_text):
    data = fixture_text("messages.non-utf8.bin", "rb")
    parsed = events.parse_text(data)
    assert [e["event"] for e in parsed] == ["link_down", "link_up"]
    assert parsed[0]["interface"] == "bge\ufffd0"


def test_parse_text_odd_inputs(events):
    assert events.parse_text("") == []
    assert events.parse_text(None) == []
    assert events.parse_text(b"") == []


def test_burst(events):
    lines = []
    for i in range(10000):
        nic = "bge{}".format(i % 4)
        lines.append("Nov  3 09:15:07 fox in.mpathd[211]: [ID 215189 daemon.error] The link has gone down on " + nic)
        lines.append("Nov  3 09:15:07 fox sshd[9]: [ID 800047 auth.info] noise {}".format(i))
    parsed = events.parse_text("\n".join(lines))
    assert len(parsed) == 10000
    assert parsed[9999]["interface"] == "bge3"


def test_random_garbage_never_raises(events):
    rng = random.Random(20240301)
    prefix = b"Nov  3 09:15:07 fox in.mpathd[211]: "
    for _ in range(2000):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
        for line in (junk, prefix + junk, prefix + b"[ID 215189 daemon.error] " + junk):
            result = events.parse_line(line)
            assert result is None or result["event"] in events.EVENTS


# ------------------------------------------------------------- impostor lines
GENUINE = ("Nov 30 10:01:02 sol1 in.mpathd[134]: [ID 215189 daemon.error] "
           "The link has gone down on bge0")


@pytest.mark.parametrize("line, why", [
    ("Nov 30 10:01:02 in.mpathd[12]: [ID 215189 daemon.error] The link has gone down on bge0",
     "no host field"),
    ("Nov 30 10:01:02 otherhost in.mpathd[15]: [ID 215189 daemon.error] "
     "The link has gone down on bge0", "logged by host otherhost (this host is sol1)"),
    ("Nov 30 10:01:02 sol1 in.mpathd[15]: [ID 1 daemon.error] The link has gone down on bge0",
     "message id 1 does not match the text of a link_down message"),
    ("Nov 30 10:01:02 sol1 in.mpathd: [ID 702911 user.notice] The link has gone down on bge0",
     "facility user (in.mpathd logs to daemon)"),
    ("Nov 30 10:01:02 sol1 in.mpathd[15]: The link has gone down on bge0",
     "no [ID msgid facility.level] tag (set ipmp.events_untagged if msgid logging is off)"),
])
def test_impostor_lines_are_not_events(events, line, why):
    event = events.parse_line(line)
    assert event is not None and event["event"] == "link_down"
    assert events.impostor(event, hostname="sol1") == why


def test_genuine_line_passes_and_untagged_only_when_configured(events):
    impostor = events.impostor
    assert impostor(events.parse_line(GENUINE), hostname="sol1") is None
    assert impostor(events.parse_line(GENUINE), hostname="sol1.example.com") is None
    untagged = events.parse_line(
        "Nov 30 10:01:02 sol1 in.mpathd[15]: The link has gone down on bge0")
    assert impostor(untagged, hostname="sol1", untagged=True) is None
