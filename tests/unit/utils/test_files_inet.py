"""Editing /etc/inet/hosts and /etc/inet/netmasks (ipmp_files)."""

import pytest

# Pure file and text work: nothing here touches Salt.
pytestmark = pytest.mark.salt_independent

HOSTS = """#
# Internet host table
#
::1\tlocalhost
127.0.0.1\tlocalhost
192.168.10.5\tsol1\tloghost
"""


@pytest.fixture(scope="module")
def files(load_util):
    return load_util("ipmp_files")


def test_new_entry_appended_rest_untouched(files):
    new = files.edit_hosts(HOSTS, "myhost", "192.168.10.10")
    assert new == HOSTS + "192.168.10.10\tmyhost\n"


def test_already_present_is_unchanged(files):
    text = HOSTS + "192.168.10.10\tmyhost\n"
    assert files.edit_hosts(text, "myhost", "192.168.10.10") == text


def test_alias_added_to_line_with_the_address(files):
    new = files.edit_hosts(HOSTS, "myhost", "192.168.10.5")
    assert "192.168.10.5\tsol1 loghost myhost\n" in new


def test_name_moved_off_old_address_of_same_family(files):
    text = HOSTS + "192.168.10.9\tmyhost\t# old\n10.0.0.1\tother myhost\n2001:db8::1\tmyhost\n"
    new = files.edit_hosts(text, "myhost", "192.168.10.10")
    assert files.lookup_host(new, "myhost") == ["2001:db8::1", "192.168.10.10"]
    assert "10.0.0.1\tother\n" in new
    assert "192.168.10.9" not in new  # line with no name left goes
    assert new.startswith(HOSTS)


def test_ipv4_and_ipv6_for_one_name(files):
    new = files.edit_hosts(HOSTS, "web", ["192.168.20.10", "2001:db8::10"])
    assert files.lookup_host(new, "web") == ["192.168.20.10", "2001:db8::10"]


def test_ipv6_address_compared_by_value(files):
    text = "2001:DB8:0::10\tweb\n"
    assert files.edit_hosts(text, "web", "2001:db8::10") == text


def test_comment_lines_and_blank_lines_kept(files):
    text = "# myhost 1.2.3.4\n\n1.2.3.4 a\n"
    new = files.edit_hosts(text, "myhost", "1.2.3.5")
    assert new == text + "1.2.3.5\tmyhost\n"


def test_file_without_final_newline(files):
    assert files.edit_hosts("1.2.3.4 a", "b", "1.2.3.5") == "1.2.3.4 a\n1.2.3.5\tb\n"


def test_bad_address_raises(files):
    with pytest.raises(ValueError):
        files.edit_hosts(HOSTS, "x", "1.2.3")


def test_netmask_appended(files):
    text = "# netmasks\n"
    assert files.edit_netmasks(text, "192.168.10.0", "255.255.255.0") == (
        "# netmasks\n192.168.10.0\t255.255.255.0\n"
    )


def test_netmask_replaced_in_place_with_comment(files):
    text = "10.0.0.0 255.0.0.0\n192.168.10.0  255.255.0.0 # lab\n"
    assert files.edit_netmasks(text, "192.168.10.0", "255.255.255.0") == (
        "10.0.0.0 255.0.0.0\n192.168.10.0\t255.255.255.0\t# lab\n"
    )


def test_netmask_already_right_unchanged(files):
    text = "192.168.10.0 255.255.255.0\n"
    assert files.edit_netmasks(text, "192.168.10.0", "255.255.255.0") == text


@pytest.mark.parametrize(
    "network,mask,message",
    [
        ("192.168.10.1", "255.255.255.0", "host bits"),
        ("192.168.10", "255.255.255.0", "network number"),
        ("192.168.10.0", "255.0.255.0", "contiguous"),
        ("192.168.10.0", "+", "contiguous"),
        ("2001:db8::", "255.255.255.0", "network number"),
    ],
)
def test_check_network_rejects(files, network, mask, message):
    with pytest.raises(ValueError) as err:
        files.check_network(network, mask)
    assert message in str(err.value)


def test_check_network_accepts(files):
    assert files.check_network("192.168.10.0", "255.255.255.0") == ("192.168.10.0", "255.255.255.0")
    assert files.check_network("10.0.0.0", "255.0.0.0") == ("10.0.0.0", "255.0.0.0")
