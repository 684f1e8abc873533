"""/etc/default/mpathd read the way in.mpathd reads it (getdefault + libcmd defread + strtol)."""

import pytest

DEFAULTS = {"FAILURE_DETECTION_TIME": 10000, "FAILBACK": True, "TRACK_INTERFACES_ONLY_WITH_GROUPS": True}


@pytest.fixture(scope="module")
def parse(load_util):
    return load_util("ipmp_parse")


def test_shipped_file_gives_defaults(parse, fixture_text):
    text = fixture_text("mpathd.default.txt")
    assert parse.mpathd(text) == DEFAULTS
    assert parse.mpathd_problems(text) == []
    assert parse.mpathd(text, flavor="illumos") == DEFAULTS


@pytest.mark.parametrize("text", ["", None, "\n", "# nothing here\n", b""])
def test_no_file_or_no_keys(parse, text):
    assert parse.mpathd(text) == DEFAULTS
    assert parse.mpathd_problems(text) == []


def test_returns_fresh_dict(parse):
    first = parse.mpathd("")
    first["FAILBACK"] = False
    assert parse.mpathd("") == DEFAULTS


def test_all_three_set(parse):
    text = "FAILURE_DETECTION_TIME=5000\nFAILBACK=no\nTRACK_INTERFACES_ONLY_WITH_GROUPS=no\n"
    assert parse.mpathd(text) == {
        "FAILURE_DETECTION_TIME": 5000, "FAILBACK": False, "TRACK_INTERFACES_ONLY_WITH_GROUPS": False,
    }


# --- which line defread finds -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, failback",
    [
        ("FAILBACK=no\n", False),
        ("FAILBACK = no\n", True),          # blanks around '=': key not seen
        ("FAILBACK =no\n", True),
        ("FAILBACK= no\n", True),           # value " no" is neither yes nor no -> stays true
        ("    FAILBACK=no\n", False),       # leading spaces are skipped
        ("\tFAILBACK=no\n", True),          # ... but not TABs
        ("failback=No\n", False),           # key and value case-insensitive
        ("FailBack=NO\n", False),
        ("#FAILBACK=no\n", True),
        ("FAILBACK=no\nFAILBACK=yes\n", False),   # first match wins
        ("FAILBACK=yes\nFAILBACK=no\n", True),
        ("FAILBACK=bogus\nFAILBACK=no\n", True),  # first match wins even if invalid
        ("FAILBACKS=no\n", True),
        ("FAILBACK=no", True),              # last line without newline: fgets gives no '\n' -> scan stops
        ("FAILBACK=no\r\n", False),         # CRLF: "no\r" still starts with "no"
        ("FAILBACK=\"no\"\n", True),        # quotes are not stripped
        ("FAILBAC\u212a=no\n", True),       # KELVIN SIGN is not an ASCII 'K'
        ("FAILBACK=nope\n", False),         # Solaris 10 compares a prefix
        ("FAILBACK=yes please\n", True),
        ("FAILBACK=ye\n", True),
        ("FAILBACK=n\n", True),
        ("FAILBACK=\n", True),
    ],
)
def test_failback_solaris10(parse, text, failback):
    assert parse.mpathd(text)["FAILBACK"] is failback


@pytest.mark.parametrize(
    "value, problem",
    [
        ("yes please", False),      # strncasecmp(value, "yes", 3): a valid yes
        ("YESTERDAY", False),
        ("nope", False),
        ("no\r", False),
        ("ye", True),
        ("", True),
        (" yes", True),
        ("\"yes\"", True),
    ],
)
def test_failback_solaris10_problems(parse, value, problem):
    text = "FAILBACK=" + value + "\n"
    expected = ["Invalid value for FAILBACK " + value] if problem else []
    assert parse.mpathd_problems(text) == expected


@pytest.mark.parametrize(
    "text, failback, problem",
    [
        ("FAILBACK=no\n", False, None),
        ("FAILBACK=NO\n", False, None),
        ("FAILBACK=nope\n", True, "Invalid value for FAILBACK nope"),
        ("FAILBACK=no \n", True, "Invalid value for FAILBACK no "),
        ("FAILBACK=no\r\n", True, "Invalid value for FAILBACK no\r"),
        ("FAILBACK=yes\n", True, None),
    ],
)
def test_failback_illumos_exact(parse, text, failback, problem):
    assert parse.mpathd(text, flavor="illumos")["FAILBACK"] is failback
    assert parse.mpathd_problems(text, flavor="illumos") == ([problem] if problem else [])


def test_unknown_flavor(parse):
    with pytest.raises(ValueError):
        parse.mpathd("", flavor="linux")


def test_long_lines(parse):
    filler = "#" + "x" * 1021 + "\n"          # 1022 characters + newline fits fgets' 1024 buffer
    assert parse.mpathd(filler + "FAILBACK=no\n")["FAILBACK"] is False
    too_long = "#" + "x" * 1022 + "\n"        # 1023 + newline does not: defread stops scanning
    assert parse.mpathd(too_long + "FAILBACK=no\n")["FAILBACK"] is True
    # leading blanks count towards the buffer too
    spaced = " " * 1020 + "FAILBACK=no\n"
    assert parse.mpathd(spaced)["FAILBACK"] is True
    assert parse.mpathd(" " * 1000 + "FAILBACK=no\n")["FAILBACK"] is False


def test_nul_byte_stops_the_scan(parse):
    assert parse.mpathd(b"# a\x00b\nFAILBACK=no\n")["FAILBACK"] is True
    assert parse.mpathd(b"FAILBACK=no\x00junk\n")["FAILBACK"] is True


def test_non_utf8_bytes(parse):
    text = b"# caf\xe9\nFAILBACK=no\xf6\nFAILURE_DETECTION_TIME=2000\n"
    assert parse.mpathd(text) == {"FAILURE_DETECTION_TIME": 2000, "FAILBACK": False,
                                  "TRACK_INTERFACES_ONLY_WITH_GROUPS": True}
    problems = parse.mpathd_problems(b"FAILBACK=\xff\n")
    assert problems == ["Invalid value for FAILBACK \ufffd"]


def test_track_interfaces(parse):
    assert parse.mpathd("TRACK_INTERFACES_ONLY_WITH_GROUPS=no\n")["TRACK_INTERFACES_ONLY_WITH_GROUPS"] is False
    assert parse.mpathd("TRACK_INTERFACES_ONLY_WITH_GROUPS=yes\n")["TRACK_INTERFACES_ONLY_WITH_GROUPS"] is True
    text = "TRACK_INTERFACES_ONLY_WITH_GROUPS=maybe\n"
    assert parse.mpathd(text)["TRACK_INTERFACES_ONLY_WITH_GROUPS"] is True
    assert parse.mpathd_problems(text) == ["Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS maybe"]


# --- FAILURE_DETECTION_TIME ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, fdt, problem",
    [
        ("10000", 10000, None),
        ("5000", 5000, None),
        ("100", 100, None),
        ("10000ms", 10000, None),            # trailing junk ignored by strtol
        ("0x1388", 5000, None),              # hex
        ("010000", 4096, None),              # leading zero: octal
        ("  2000", 2000, None),              # strtol skips leading white space
        ("+300", 300, None),
        ("1e3", 100, "Too small failure detection time of 1e3, assuming minimum 100"),
        ("99", 100, "Too small failure detection time of 99, assuming minimum 100"),
        ("50", 100, "Too small failure detection time of 50, assuming minimum 100"),
        ("0", 10000, "Invalid failure detection time 0, assuming default 10000"),
        ("-5", 10000, "Invalid failure detection time -5, assuming default 10000"),
        ("08", 10000, "Invalid failure detection time 08, assuming default 10000"),   # octal stops at 8
        ("0x", 10000, "Invalid failure detection time 0x, assuming default 10000"),
        ("abc", 10000, "Invalid failure detection time abc, assuming default 10000"),
        ("", 10000, "Invalid failure detection time , assuming default 10000"),
        ("99999999999", 2147483647, None),   # 32-bit long: strtol clamps to LONG_MAX
        ("-99999999999", 10000, "Invalid failure detection time -99999999999, assuming default 10000"),
    ],
)
def test_failure_detection_time(parse, value, fdt, problem):
    text = "FAILURE_DETECTION_TIME=" + value + "\n"
    assert parse.mpathd(text)["FAILURE_DETECTION_TIME"] == fdt
    assert parse.mpathd_problems(text) == ([problem] if problem else [])


def test_failure_detection_time_illumos_messages(parse):
    assert parse.mpathd_problems("FAILURE_DETECTION_TIME=0\n", flavor="illumos") == [
        "Invalid failure detection time 0, assuming default of 10000 ms"
    ]
    assert parse.mpathd_problems("FAILURE_DETECTION_TIME=10\n", flavor="illumos") == [
        "Too small failure detection time of 10, assuming minimum of 100 ms"
    ]


def test_problems_in_in_mpathd_order(parse):
    text = "TRACK_INTERFACES_ONLY_WITH_GROUPS=x\nFAILBACK=y\nFAILURE_DETECTION_TIME=z\n"
    assert parse.mpathd_problems(text) == [
        "Invalid failure detection time z, assuming default 10000",
        "Invalid value for FAILBACK y",
        "Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS x",
    ]


@pytest.mark.parametrize(
    "value, base, result",
    [("42", 0, 42), ("0x2a", 0, 42), ("052", 0, 42), ("2a", 16, 42), ("0x2a", 16, 42), ("\t\n 7z", 0, 7),
     ("-0x10", 0, -16), ("", 0, 0), ("-", 0, 0), ("0xg", 0, 0), ("2147483648", 0, 2147483647),
     ("-2147483649", 0, -2147483648), ("z", 36, 35)],
)
def test_strtol(parse, value, base, result):
    assert parse.strtol(value, base) == result


def test_defread_returns_raw_value(parse):
    assert parse.defread("  Failback=yes  \n", "FAILBACK") == b"yes  "
    assert parse.defread("FAILBACK=no\n", "TRACK_INTERFACES_ONLY_WITH_GROUPS") is None
