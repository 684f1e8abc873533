"""The one place that tells Solaris 10, Solaris 11 and illumos apart."""

import pytest

pytestmark = pytest.mark.salt_independent


@pytest.fixture(scope="module")
def platform(load_util):
    return load_util("ipmp_platform")


@pytest.mark.parametrize(
    "grains,expected",
    [
        ({"kernelrelease": "5.10", "os": "Oracle Solaris"}, "solaris10"),
        ({"kernelrelease": "5.10", "os": "Solaris"}, "solaris10"),
        ({"kernelrelease": "5.11", "os": "Oracle Solaris"}, "solaris11"),
        ({"kernelrelease": "5.11", "os": "Solaris"}, "solaris11"),
        ({"kernelrelease": "5.11", "os": "OmniOS"}, "illumos"),
        ({"kernelrelease": "5.11", "os": "OpenIndiana"}, "illumos"),
        ({"kernelrelease": "5.11", "os": "SmartOS"}, "illumos"),
        ({}, "solaris10"),
    ],
)
def test_platform_from_grains(platform, grains, expected):
    assert platform.platform(grains) == expected


def test_config_key_overrides_and_is_checked(platform):
    assert platform.platform({"kernelrelease": "5.10"}, "illumos") == "illumos"
    with pytest.raises(ValueError, match="ipmp.platform must be one of"):
        platform.platform({}, "solaris12")


def test_mpathd_flavor(platform):
    assert platform.mpathd_flavor("solaris10") == "solaris10"
    assert platform.mpathd_flavor("solaris11") == "illumos"
    assert platform.mpathd_flavor("illumos") == "illumos"


SUNOS11 = {"kernel": "SunOS", "kernelrelease": "5.11", "os": "Oracle Solaris"}


def test_virtual_without_platforms_loads_on_every_sunos(platform):
    assert platform.virtual({"kernel": "SunOS"}, "ipmp") == "ipmp"
    assert platform.virtual({"kernel": "Linux"}, "ipmp")[0] is False


@pytest.mark.parametrize(
    "grains, override, expected",
    [
        (SUNOS11, None, "ipadm"),
        (dict(SUNOS11, os="OmniOS"), None, "ipadm"),
        (dict(SUNOS11, kernelrelease="5.10"), None,
         (False, "The ipadm module only runs on Solaris 11 and illumos; this minion runs "
                 "Solaris 10")),
        (dict(SUNOS11, kernelrelease="5.10"), "illumos", "ipadm"),
        (SUNOS11, "solaris10",
         (False, "The ipadm module only runs on Solaris 11 and illumos; this minion runs "
                 "Solaris 10")),
        ({"kernel": "Linux"}, None,
         (False, "The ipadm module only runs on Solaris (SunOS); this minion runs Linux")),
    ],
)
def test_virtual_with_platforms(platform, grains, override, expected):
    assert platform.virtual(grains, "ipadm", platforms=("solaris11", "illumos"),
                            override=override) == expected


def test_virtual_with_a_bad_override(platform):
    found = platform.virtual(SUNOS11, "ipadm", platforms=("solaris11",), override="aix")
    assert found[0] is False and "ipmp.platform must be one of" in found[1]
