"""The lab's SMF stand-ins on Solaris 11: transitive probing set in the
repository by svccfg, in force after svcadm refresh, as SMF does."""

import pytest

pytestmark = pytest.mark.salt_independent

FMRI = "svc:/network/ipmp:default"
PROP = "config/transitive-probing"


@pytest.fixture
def s11(lab_host_factory):
    return lab_host_factory("s11", os="solaris11")


def running(host, *flags):
    return host.tool_ok("svcprop", *flags, "-p", PROP, FMRI).stdout


def test_setprop_waits_for_refresh(s11):
    assert running(s11) == "false\n"
    s11.tool_ok("svccfg", "-s", "svc:/network/ipmp", "setprop", PROP + "=true")
    assert running(s11) == "false\n"
    assert running(s11, "-c") == "true\n"
    s11.tool_ok("svcadm", "refresh", FMRI)
    assert running(s11) == "true\n"
    assert ["svcadm", "refresh", FMRI] in s11.commands()


def test_errors(s11):
    proc = s11.tool("svcadm", "refresh", "svc:/network/nosuch")
    assert proc.returncode == 1
    assert "doesn't match any instances" in proc.stderr
    proc = s11.tool("svccfg", "-s", "svc:/network/ipmp", "setprop", PROP + "=maybe")
    assert proc.returncode != 0 and 'Invalid boolean value "maybe"' in proc.stderr


def test_illumos_has_no_smf_stand_ins(lab_host_factory):
    omni = lab_host_factory("omni", os="illumos")
    assert not (omni.bin / "svcadm").exists() and not (omni.bin / "svcprop").exists()
