"""
Every operational in.mpathd message of both code lines, built from its C format string.

The table below is transcribed from the facts file (section 1.3 and Appendices A/B): format
string as in the C source (with its trailing newline), the [ID n] the facts list, the syslog
level, and the event we expect.  The test recomputes each ID with STRLOG_MAKE_MSGID itself, so a
typo in the transcription, in the facts or in the module's catalogue shows up as a failure.
"""

import pytest

S10 = "solaris10"
ILL = "illumos"


def strlog_msgid(fmt):
    """STRLOG_MAKE_MSGID from sys/strlog.h, over the bytes of the format string."""
    hashed = 0
    for char in fmt.encode("ascii"):
        if char >= 0x20:  # control characters such as the trailing newline are skipped
            hashed = ((hashed >> 5) + (hashed << 27) + char) & 0xFFFFFFFF
    return hashed % 899981 + 100000


# (flavor, C format string, msgid from the facts, levels, event, printf args, expected fields)
MESSAGES = [
    # ---- Solaris 10 (pre-Clearview in.mpathd) ----
    (S10, "The link has gone down on %s\n", 215189, ("error",), "link_down", ("bge0",),
     {"interface": "bge0"}),
    (S10, "The link has come up on %s\n", 820239, ("error",), "link_up", ("bge0",),
     {"interface": "bge0"}),
    (S10, "The link has come up on %s more than %d times in the last minute; disabling failback until it stabilizes\n",
     854148, ("error",), "link_flapping", ("bge0", 2), {"interface": "bge0", "count": 2}),
    (S10, "NIC failure detected on %s of group %s\n", 594170, ("error",), "failure", ("bge0", "ipmp0"),
     {"interface": "bge0", "group": "ipmp0"}),
    (S10, "NIC failure detected on %s\n", 533792, ("error",), "failure", ("hme1",), {"interface": "hme1"}),
    (S10, "NIC repair detected on %s of group %s\n", 299542, ("error",), "repair", ("bge0", "ipmp0"),
     {"interface": "bge0", "group": "ipmp0"}),
    (S10, "NIC repair detected on %s\n", 218011, ("error",), "repair", ("hme1",), {"interface": "hme1"}),
    (S10, "Successfully failed over from NIC %s to NIC %s\n", 832587, ("error",), "failover", ("bge0", "bge2"),
     {"interface": "bge0", "to": "bge2"}),
    (S10, "Successfully failed back to NIC %s\n", 620804, ("error",), "failback", ("bge0",), {"interface": "bge0"}),
    (S10, "All Interfaces in group %s have failed\n", 168056, ("error",), "group_failed", ("ipmp0",),
     {"group": "ipmp0"}),
    (S10, "At least 1 interface (%s) of group %s has repaired\n", 237757, ("error",), "group_repaired",
     ("bge2", "ipmp0"), {"interface": "bge2", "group": "ipmp0"}),
    (S10, "No test address configured on interface %s; disabling probe-based failure detection on it\n", 975029,
     ("error",), "no_test_address", ("e1000g1",), {"interface": "e1000g1"}),
    (S10, "Test address now configured on interface %s; enabling probe-based failure detection on it\n", 276194,
     ("error",), "test_address", ("e1000g1",), {"interface": "e1000g1"}),
    (S10, "Test address %s is not unique in group; disabling probe-based failure detection on %s\n", 696580,
     ("error",), "test_address_duplicate", ("10.20.30.41", "e1000g1"),
     {"address": "10.20.30.41", "interface": "e1000g1"}),
    (S10, "Test address %s is unique in group; enabling probe-based failure detection on %s\n", 838198,
     ("error",), "test_address_unique", ("fe80::203:baff:fe04:5c0f", "e1000g1"),
     {"address": "fe80::203:baff:fe04:5c0f", "interface": "e1000g1"}),
    (S10, "NIC %s of group %s is not plumbed for IPv4 and may affect failover capability\n", 739285, ("error",),
     "plumb_mismatch", ("bge2", "ipmp0"), {"interface": "bge2", "group": "ipmp0", "family": "inet"}),
    (S10, "NIC %s of group %s is not plumbed for IPv6 and may affect failover capability\n", 101448, ("error",),
     "plumb_mismatch", ("bge2", "ipmp0"), {"interface": "bge2", "group": "ipmp0", "family": "inet6"}),
    (S10, "NIC %s is now consistent with group %s and failover capability is restored\n", 906723, ("error",),
     "consistent", ("bge2", "ipmp0"), {"interface": "bge2", "group": "ipmp0"}),
    (S10, "Cannot meet requested failure detection time of %d ms on (%s %s) new failure detection time for group \"%s\" is %d ms\n",
     585766, ("error",), "fdt_raised", (10000, "inet", "e1000g0", "web", 14000),
     {"requested": 10000, "family": "inet", "interface": "e1000g0", "group": "web", "fdt": 14000}),
    (S10, "Improved failure detection time %d ms on (%s %s) for group \"%s\"\n", 302819, ("error",), "fdt_lowered",
     (10000, "inet6", "e1000g0", "web"), {"fdt": 10000, "family": "inet6", "interface": "e1000g0", "group": "web"}),
    (S10, "Invalid failure detection time %s, assuming default %d\n", 452393, ("error",), "config", ("-5", 10000),
     {"key": "FAILURE_DETECTION_TIME", "value": "-5", "fdt": 10000}),
    (S10, "Too small failure detection time of %s, assuming minimum %d\n", 952433, ("error",), "config", ("50", 100),
     {"key": "FAILURE_DETECTION_TIME", "value": "50", "fdt": 100}),
    (S10, "Invalid value for FAILBACK %s\n", 628907, ("error",), "config", ("sometimes",),
     {"key": "FAILBACK", "value": "sometimes"}),
    (S10, "Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS %s\n", 379135, ("error",), "config", ("maybe",),
     {"key": "TRACK_INTERFACES_ONLY_WITH_GROUPS", "value": "maybe"}),
    (S10, "SIGHUP: restart and reread config file\n", 111610, ("error",), "reload", (), {}),
    (S10, "%s %s has been removed from kernel\n", 974444, ("info",), "removed", ("inet", "bge2"),
     {"family": "inet", "interface": "bge2"}),
    # ---- illumos (Clearview in.mpathd) ----
    (ILL, "The link has gone down on %s\n", 215189, ("error",), "link_down", ("net0",), {"interface": "net0"}),
    (ILL, "The link has come up on %s\n", 820239, ("error",), "link_up", ("net0",), {"interface": "net0"}),
    (ILL, "The link has come up on %s more than %d times in the last minute; disabling repair until it stabilizes\n",
     310713, ("error",), "link_flapping", ("net0", 2), {"interface": "net0", "count": 2}),
    (ILL, "IP interface failure detected on %s of group %s\n", 968981, ("error",), "failure", ("net0", "ipmp0"),
     {"interface": "net0", "group": "ipmp0"}),
    (ILL, "IP interface failure detected on %s\n", 163476, ("error",), "failure", ("net0",), {"interface": "net0"}),
    (ILL, "IP interface repair detected on %s of group %s\n", 341557, ("error",), "repair", ("net0", "ipmp0"),
     {"interface": "net0", "group": "ipmp0"}),
    (ILL, "IP interface repair detected on %s\n", 325615, ("error",), "repair", ("net0",), {"interface": "net0"}),
    (ILL, "All IP interfaces in group %s are now unusable\n", 773107, ("error",), "group_failed", ("ipmp0",),
     {"group": "ipmp0"}),
    (ILL, "At least 1 IP interface (%s) in group %s is now usable\n", 561795, ("error",), "group_repaired",
     ("net1", "ipmp0"), {"interface": "net1", "group": "ipmp0"}),
    (ILL, "No test address configured on interface %s; disabling probe-based failure detection on it\n", 975029,
     ("info",), "no_test_address", ("net1",), {"interface": "net1"}),
    (ILL, "Test address now configured on interface %s; enabling probe-based failure detection on it\n", 276194,
     ("error", "info"), "test_address", ("net1",), {"interface": "net1"}),
    (ILL, "Test address %s is not unique in group; disabling probe-based failure detection on %s\n", 696580,
     ("error",), "test_address_duplicate", ("192.168.20.21", "net1"),
     {"address": "192.168.20.21", "interface": "net1"}),
    (ILL, "IP interface %s in group %s is not plumbed for IPv4, affecting IPv4 connectivity\n", 538873, ("error",),
     "plumb_mismatch", ("net1", "ipmp0"), {"interface": "net1", "group": "ipmp0", "family": "inet"}),
    (ILL, "IP interface %s in group %s is not plumbed for IPv6, affecting IPv6 connectivity\n", 604410, ("error",),
     "plumb_mismatch", ("net1", "ipmp0"), {"interface": "net1", "group": "ipmp0", "family": "inet6"}),
    (ILL, "IP interface %s is now consistent with group %s  and connectivity is restored\n", 116610, ("error",),
     "consistent", ("net1", "ipmp0"), {"interface": "net1", "group": "ipmp0"}),
    (ILL, "IP interface %s has a hardware address which is not unique in group %s; offlining\n", 401484, ("error",),
     "hwaddr_duplicate", ("net1", "ipmp0"), {"interface": "net1", "group": "ipmp0"}),
    (ILL, "IP interface %s now has a unique hardware address in group %s; onlining\n", 328537, ("error",),
     "hwaddr_unique", ("net1", "ipmp0"), {"interface": "net1", "group": "ipmp0"}),
    (ILL, "Cannot meet requested failure detection time of %d ms on (%s %s) new failure detection time for group \"%s\" is %d ms\n",
     585766, ("info",), "fdt_raised", (10000, "inet", "net0", "ipmp0", 12000),
     {"requested": 10000, "family": "inet", "interface": "net0", "group": "ipmp0", "fdt": 12000}),
    (ILL, "Improved failure detection time %d ms on (%s %s) for group \"%s\"\n", 302819, ("error", "info"),
     "fdt_lowered", (10000, "inet", "net0", "ipmp0"),
     {"fdt": 10000, "family": "inet", "interface": "net0", "group": "ipmp0"}),
    (ILL, "Invalid failure detection time %s, assuming default of %d ms\n", 451306, ("error",), "config",
     ("0x", 10000), {"key": "FAILURE_DETECTION_TIME", "value": "0x", "fdt": 10000}),
    (ILL, "Too small failure detection time of %s, assuming minimum of %d ms\n", 393541, ("error",), "config",
     ("10", 100), {"key": "FAILURE_DETECTION_TIME", "value": "10", "fdt": 100}),
    (ILL, "Invalid value for FAILBACK %s\n", 628907, ("error",), "config", ("yes ",),
     {"key": "FAILBACK", "value": "yes"}),
    (ILL, "Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS %s\n", 379135, ("error",), "config", ("Nope",),
     {"key": "TRACK_INTERFACES_ONLY_WITH_GROUPS", "value": "Nope"}),
    (ILL, "SIGHUP: restart and reread config file\n", 111610, ("error",), "reload", (), {}),
    (ILL, "%s %s has been removed from kernel\n", 974444, ("info",), "removed", ("inet6", "net1"),
     {"family": "inet6", "interface": "net1"}),
]

IDS = ["{}-{}-{}".format(m[0], m[4], m[2]) for m in MESSAGES]


def _expected_flavor(row, level=None):
    """The flavor a parser can know: from the text alone, or from the level when the text is shared."""
    flavor, fmt = row[0], row[1]
    others = [m for m in MESSAGES if m[0] != flavor and m[1] == fmt]
    if not others:
        return flavor
    if level is not None and level not in others[0][3]:
        return flavor
    return None


@pytest.fixture(scope="module")
def events(load_util):
    return load_util("ipmp_events")


def test_algorithm_against_known_ids():
    # ids quoted in the facts for logperror / logperror_pii and sshd's "%.500s"
    assert strlog_msgid("%s: %m\n") == 801587
    assert strlog_msgid("%s (%s %s): %m\n") == 472890
    assert strlog_msgid("%.500s") == 800047


@pytest.mark.parametrize("row", MESSAGES, ids=IDS)
def test_transcribed_ids_match_the_algorithm(row):
    assert strlog_msgid(row[1]) == row[2]


@pytest.mark.parametrize("row", MESSAGES, ids=IDS)
def test_catalogue_entry_matches(events, row):
    flavor, fmt, msgid, levels, event, _args, _fields = row
    entries = [e for e in events.CATALOG if e.flavor == flavor and e.msgid == msgid and e.format + "\n" == fmt]
    assert len(entries) == 1, "catalogue lacks {!r}".format(fmt)
    entry = entries[0]
    assert entry.event == event
    assert tuple(entry.levels) == levels
    assert strlog_msgid(entry.format) == entry.msgid


def test_catalogue_has_nothing_untested(events):
    tested = set((m[0], m[2], m[1]) for m in MESSAGES)
    catalogued = set((e.flavor, e.msgid, e.format + "\n") for e in events.CATALOG)
    assert catalogued == tested
    assert len(events.CATALOG) == len(MESSAGES)


def test_catalogue_shape(events):
    for entry in events.CATALOG:
        event, flavor, msgid, regex = entry[:4]
        assert event in events.EVENTS
        assert flavor in ("solaris10", "illumos")
        assert 100000 <= msgid < 1000000
        assert regex.pattern.startswith("^") and regex.pattern.endswith("$")
        assert len(entry.fields) == entry.format.count("%")
    plain = events.catalog()
    assert len(plain) == len(events.CATALOG)
    assert set(plain[0]) == {"event", "flavor", "msgid", "format", "fields", "levels"}


def _line(text, msgid=None, level=None, pid=211, host="fox"):
    tag = "[ID {} daemon.{}] ".format(msgid, level) if msgid is not None else ""
    return "Nov  3 09:15:07 {} in.mpathd[{}]: {}{}".format(host, pid, tag, text)


@pytest.mark.parametrize("row", MESSAGES, ids=IDS)
def test_every_message_with_id(events, row):
    flavor, fmt, msgid, levels, event, args, fields = row
    for level in levels:
        text = fmt.rstrip("\n") % args
        line = _line(text, msgid, level)
        parsed = events.parse_line(line)
        expected = {
            "event": event, "message": line, "time": "Nov  3 09:15:07", "host": "fox", "pid": 211,
            "msgid": msgid, "level": level,
        }
        expected.update(fields)
        flavor_known = _expected_flavor(row, level)
        if flavor_known:
            expected["flavor"] = flavor_known
        assert parsed == expected


@pytest.mark.parametrize("row", MESSAGES, ids=IDS)
def test_every_message_without_id(events, row):
    """The log driver's msgid property can be off: no [ID ...] tag at all."""
    flavor, fmt, msgid, _levels, event, args, fields = row
    line = _line(fmt.rstrip("\n") % args)
    parsed = events.parse_line(line)
    assert parsed["event"] == event
    assert parsed["msgid"] == msgid  # the catalogue knows the id of the format
    assert "level" not in parsed
    for key, value in fields.items():
        assert parsed[key] == value
    assert parsed.get("flavor") == _expected_flavor(row)


@pytest.mark.parametrize("row", MESSAGES, ids=IDS)
def test_every_message_with_odd_names(events, row):
    """VLAN PPAs, long group names with punctuation, err instead of error."""
    _flavor, fmt, msgid, _levels, event, args, fields = row
    swap = {"bge0": "e1000g876000", "net0": "e1000g876000", "ipmp0": "prod-grp_1.a", "web": "prod-grp_1.a"}
    new_args = tuple(swap.get(a, a) if isinstance(a, str) else a for a in args)
    line = "Jan 15 23:59:59 host-1.example.com in.mpathd[7]: [ID {} daemon.err] {}".format(
        msgid, fmt.rstrip("\n") % new_args)
    parsed = events.parse_line(line)
    assert parsed["event"] == event
    assert parsed["level"] == "error"
    assert parsed["host"] == "host-1.example.com"
    for key, value in fields.items():
        expected = swap.get(value, value) if isinstance(value, str) else value
        assert parsed[key] == expected
