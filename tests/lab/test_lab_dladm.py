"""The lab's Solaris 10 dladm: show-link / show-dev formats, VLANs and legacy devices."""
import subprocess

import pytest

pytestmark = pytest.mark.salt_independent


def run(host, *args):
    return subprocess.run([str(host.bin / "dladm")] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, env=host.environ())


@pytest.fixture
def host(lab_host_factory):
    return lab_host_factory("sol2", nics=("e1000g0", "e1000g1", "e1000g876000", "hme0"),
                            extra_args=("--legacy", "hme0"))


def test_show_link(host):
    assert run(host, "show-link", "-p").stdout == (
        "e1000g0 type=non-vlan mtu=1500 device=e1000g0\n"
        "e1000g1 type=non-vlan mtu=1500 device=e1000g1\n"
        "e1000g876000 type=vlan 876 mtu=1500 device=e1000g0\n"
        "hme0 type=legacy mtu=1500 device=hme0\n")
    assert run(host, "show-link").stdout == (
        "e1000g0  \ttype: non-vlan\tmtu: 1500\tdevice: e1000g0\n"
        "e1000g1  \ttype: non-vlan\tmtu: 1500\tdevice: e1000g1\n"
        "e1000g876000\ttype: vlan 876\tmtu: 1500\tdevice: e1000g0\n"
        "hme0     \ttype: legacy\tmtu: 1500\tdevice: hme0\n")
    assert run(host, "show-link", "-p", "e1000g876000").stdout == \
        "e1000g876000 type=vlan 876 mtu=1500 device=e1000g0\n"


def test_show_dev_lists_gldv3_devices_only(host):
    host.link("e1000g1", "down")
    assert run(host, "show-dev", "-p").stdout == (
        "e1000g0 link=up speed=1000 duplex=full\n"
        "e1000g1 link=down speed=0 duplex=unknown\n")
    assert run(host, "show-dev", "e1000g0").stdout == \
        "e1000g0\t\tlink: up\tspeed: 1000  Mbps\tduplex: full\n"


@pytest.mark.parametrize("args, message", [
    (("show-link", "bge9"), "invalid device 'bge9'\n"),
    (("show-dev", "e1000g876000"), "invalid device 'e1000g876000'\n"),
    (("show-dev", "-x"), "unrecognized option '-x'\n"),
    (("show-link", "-i", "5"), "the option -i can be used only with -s\n"),
])
def test_errors(host, args, message):
    proc = run(host, *args)
    assert proc.returncode == 1
    assert proc.stderr.split("\n")[0].endswith(": " + message.rstrip("\n"))


@pytest.mark.parametrize("args", [(), ("create-aggr", "-d", "e1000g1", "1"), ("show-phys",)])
def test_unsupported_subcommands_print_the_solaris_10_usage(host, args):
    proc = run(host, *args)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.endswith("             show-link [-s] [-i <interval>] [-p] [<name>]\n")
    assert "usage: dladm create-aggr [-t] [-R <root-dir>] [-P <policy>]\n" in proc.stderr
    if args == ("show-phys",):
        assert proc.stderr.startswith(str(host.bin / "dladm") + ": unknown subcommand 'show-phys'\n")
