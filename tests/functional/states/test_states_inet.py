"""ipmp_inet.host and ipmp_inet.netmask through Salt's state loader on a lab host."""

import os
import pathlib

import pytest
import salt.loader

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture
def states(loaders, host):
    def make(test=False):
        loaded = loaders(host, test=test, states_dirs=[str(REPO / "_states")])
        return salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )

    return make


def test_host_written_to_real_file_link_kept(states, host):
    hosts = host.path("etc/inet/hosts")
    before = hosts.read_text()
    link = host.path("etc/hosts")
    assert link.is_symlink()
    predicted = states(test=True)["ipmp_inet.host"]("myhost", "192.168.10.10")
    assert predicted["result"] is None and hosts.read_text() == before
    ret = states()["ipmp_inet.host"]("myhost", "192.168.10.10")
    assert ret["result"] is True, ret
    assert ret["changes"] == predicted["changes"]
    assert hosts.read_text() == before + "192.168.10.10\tmyhost\n"
    assert link.is_symlink() and os.readlink(str(link)) == "./inet/hosts"
    assert states()["ipmp_inet.host"]("myhost", "192.168.10.10")["changes"] == {}
    # ifconfig resolves through it: the lab's netmask +/hostname lookup agrees
    assert host.commands() == []


def test_several_entries_in_one_test_run_predict_the_real_diffs(loaders, host):
    def run(test):
        loaded = loaders(host, test=test, states_dirs=[str(REPO / "_states")])
        states = salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )
        return [
            states["ipmp_inet.host"]("myhost", "192.168.10.10"),
            states["ipmp_inet.host"]("web", "192.168.20.10"),
            states["ipmp_inet.netmask"]("192.168.10.0", "255.255.255.0"),
            states["ipmp_inet.netmask"]("192.168.20.0", "255.255.255.0"),
        ]

    before = host.path("etc/inet/hosts").read_text()
    predicted = run(test=True)
    assert host.path("etc/inet/hosts").read_text() == before
    real = run(test=False)
    assert [r["changes"] for r in real] == [p["changes"] for p in predicted]
    assert [p["result"] for p in predicted] == [None] * 4


def test_host_moves_name_and_reports_diff(states, host):
    hosts = host.path("etc/inet/hosts")
    hosts.write_text(hosts.read_text() + "192.168.10.9\tmyhost\n")
    ret = states()["ipmp_inet.host"]("myhost", ["192.168.10.10"])
    assert "-192.168.10.9\tmyhost" in ret["changes"]["diff"]
    assert "+192.168.10.10\tmyhost" in ret["changes"]["diff"]


def test_netmask(states, host):
    netmasks = host.path("etc/inet/netmasks")
    before = netmasks.read_text()
    ret = states()["ipmp_inet.netmask"]("192.168.10.0", "255.255.255.0")
    assert ret["result"] is True, ret
    assert netmasks.read_text().endswith("192.168.10.0\t255.255.255.0\n")
    assert netmasks.read_text().startswith(before)
    assert states()["ipmp_inet.netmask"]("192.168.10.0", "255.255.255.0")["changes"] == {}


@pytest.mark.parametrize(
    "func,args",
    [
        ("ipmp_inet.host", ("my host", "192.168.10.10")),
        ("ipmp_inet.host", ("myhost", "192.168.10")),
        ("ipmp_inet.host", ("192.168.10.10", "192.168.10.10")),
        ("ipmp_inet.host", ("myhost", [])),
        ("ipmp_inet.netmask", ("192.168.10.1", "255.255.255.0")),
        ("ipmp_inet.netmask", ("192.168.10.0", "255.255.0.255")),
    ],
)
def test_bad_arguments_change_nothing(states, host, func, args):
    before = {p: host.path(p).read_text() for p in ("etc/inet/hosts", "etc/inet/netmasks")}
    ret = states()[func](*args)
    assert ret["result"] is False and ret["changes"] == {}
    assert {p: host.path(p).read_text() for p in before} == before


def test_missing_hosts_file_is_a_clear_failure(states, host):
    host.path("etc/inet/hosts").unlink()
    ret = states()["ipmp_inet.host"]("myhost", "192.168.10.10")
    assert ret["result"] is False and "does not exist" in ret["comment"]
