"""Editing /etc/default/mpathd so that in.mpathd reads what was declared.

Every edit is checked with ipmp_parse.mpathd, the parser that reads the file
the way in.mpathd's defread() does.
"""

import pytest

# Pure file and text work: nothing here touches Salt.
pytestmark = pytest.mark.salt_independent

DEFAULT = """#
# Time taken by mpathd to detect a NIC failure in ms. The minimum time
# that can be specified is 100 ms.
#
FAILURE_DETECTION_TIME=10000
#
# Failback is enabled by default. To disable failback turn off this option
#
FAILBACK=yes
#
# By default only interfaces configured as part of multipathing groups
# are tracked. Turn off this option to track all network interfaces
# on the system
#
TRACK_INTERFACES_ONLY_WITH_GROUPS=yes
"""


@pytest.fixture(scope="module")
def files(load_util):
    return load_util("ipmp_files")


@pytest.fixture(scope="module")
def parse(load_util):
    return load_util("ipmp_parse").mpathd


def changed_lines(old, new):
    return [(a, b) for a, b in zip(old.splitlines(), new.splitlines()) if a != b]


def test_only_the_value_line_changes(files, parse):
    new = files.edit_mpathd(DEFAULT, {"FAILURE_DETECTION_TIME": 5000})
    assert changed_lines(DEFAULT, new) == [
        ("FAILURE_DETECTION_TIME=10000", "FAILURE_DETECTION_TIME=5000")
    ]
    assert len(new.splitlines()) == len(DEFAULT.splitlines())
    assert parse(new)["FAILURE_DETECTION_TIME"] == 5000


def test_booleans_written_yes_no(files, parse):
    new = files.edit_mpathd(DEFAULT, {"FAILBACK": False, "TRACK_INTERFACES_ONLY_WITH_GROUPS": False})
    assert "FAILBACK=no\n" in new
    assert "TRACK_INTERFACES_ONLY_WITH_GROUPS=no\n" in new
    assert parse(new)["FAILBACK"] is False
    assert parse(new)["TRACK_INTERFACES_ONLY_WITH_GROUPS"] is False


def test_unchanged_when_already_declared(files):
    assert files.edit_mpathd(DEFAULT, {"FAILURE_DETECTION_TIME": 10000, "FAILBACK": True}) == DEFAULT


def test_none_values_are_not_managed(files):
    assert files.edit_mpathd(DEFAULT, {"FAILBACK": None}) == DEFAULT


def test_ineffective_spaced_variant_is_rewritten(files, parse):
    text = "# tuned by hand\nFAILBACK = no\n"
    assert parse(text)["FAILBACK"] is True  # in.mpathd ignored it
    new = files.edit_mpathd(text, {"FAILBACK": False})
    assert new == "# tuned by hand\nFAILBACK=no\n"
    assert parse(new)["FAILBACK"] is False


def test_effective_line_and_variants_all_agree_after_edit(files, parse):
    text = "failback=yes\n\tFAILBACK=no\nFAILBACK = no\n#FAILBACK=no\nFAILBACK=no\n"
    new = files.edit_mpathd(text, {"FAILBACK": False})
    assert new == "FAILBACK=no\nFAILBACK=no\nFAILBACK=no\n#FAILBACK=no\nFAILBACK=no\n"
    assert parse(new)["FAILBACK"] is False


def test_first_effective_line_wins_so_it_is_the_one_replaced(files, parse):
    text = "FAILURE_DETECTION_TIME=2000\nFAILURE_DETECTION_TIME=9000\n"
    assert parse(text)["FAILURE_DETECTION_TIME"] == 2000
    new = files.edit_mpathd(text, {"FAILURE_DETECTION_TIME": 9000})
    assert parse(new)["FAILURE_DETECTION_TIME"] == 9000
    assert new.count("FAILURE_DETECTION_TIME=9000") == 2


def test_leading_spaces_still_effective(files, parse):
    text = "   FAILURE_DETECTION_TIME=3000\n"
    assert parse(text)["FAILURE_DETECTION_TIME"] == 3000
    new = files.edit_mpathd(text, {"FAILURE_DETECTION_TIME": 4000})
    assert new == "FAILURE_DETECTION_TIME=4000\n"


def test_missing_key_appended_and_comments_kept(files, parse):
    text = "# only comments\n\n# FAILBACK=no\n"
    new = files.edit_mpathd(text, {"FAILBACK": False, "FAILURE_DETECTION_TIME": 700})
    assert new.startswith(text)
    assert new[len(text):] == "FAILURE_DETECTION_TIME=700\nFAILBACK=no\n"
    assert parse(new)["FAILURE_DETECTION_TIME"] == 700


def test_file_without_final_newline(files):
    assert files.edit_mpathd("FAILBACK=yes", {"FAILBACK": False}) == "FAILBACK=no\n"
    assert files.edit_mpathd("# c", {"FAILBACK": False}) == "# c\nFAILBACK=no\n"


def test_unrelated_lines_kept_byte_for_byte(files):
    text = "OTHER = thing\r\nFAILBACK=yes\r\n"
    new = files.edit_mpathd(text, {"FAILBACK": False})
    assert new == "OTHER = thing\r\nFAILBACK=no\r\n"


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("FAILURE_DETECTION_TIME", 99, "at least 100"),
        ("FAILURE_DETECTION_TIME", 0, "at least 100"),
        ("FAILURE_DETECTION_TIME", -5, "at least 100"),
        ("FAILURE_DETECTION_TIME", "10s", "whole number"),
        ("FAILURE_DETECTION_TIME", 1.5, "whole number"),
        ("FAILURE_DETECTION_TIME", True, "whole number"),
        ("FAILURE_DETECTION_TIME", 2 ** 31, "too large"),
        ("FAILBACK", "maybe", "true or false"),
        ("FAILBACK", 1, "true or false"),
        ("TRACK_INTERFACES_ONLY_WITH_GROUPS", "on", "true or false"),
        ("NOSUCH", 1, "unknown"),
    ],
)
def test_bad_values_rejected(files, key, value, message):
    with pytest.raises(ValueError) as err:
        files.mpathd_value(key, value)
    assert message in str(err.value)
    with pytest.raises(ValueError):
        files.edit_mpathd(DEFAULT, {key: value})


def test_accepted_spellings(files):
    assert files.mpathd_value("FAILURE_DETECTION_TIME", "5000") == "5000"
    assert files.mpathd_value("FAILURE_DETECTION_TIME", 100) == "100"
    assert files.mpathd_value("FAILBACK", "YES") == "yes"
    assert files.mpathd_value("FAILBACK", False) == "no"
