"""ipmp_group.present keeps every data address where it can be carried
(issue 9): a step that overwrites a physical interface's address keeps the
data address on a logical interface, a failed NIC is not moved to another
group, the state never reports success while a declared address is on no
working interface, and test=True predicts each of these exactly."""

import pathlib

import pytest
import salt.loader

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("bge0", "bge1", "bge2")
HOSTS = {"myhost": "192.168.10.10", "myhost-bge0": "192.168.10.20", "myhost-bge1": "192.168.10.21"}


@pytest.fixture
def host(lab_host_factory):
    host = lab_host_factory("sol1", nics=NICS)
    hosts = host.path("etc/inet/hosts")
    hosts.write_text(hosts.read_text() + "".join("{}\t{}\n".format(a, n) for n, a in HOSTS.items()))
    return host


@pytest.fixture
def present(loaders, host):
    def call(name, interfaces, test=False, **kwargs):
        loaded = loaders(host, test=test, states_dirs=[str(REPO / "_states")])
        states = salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )
        return states["ipmp_group.present"](name, interfaces=interfaces, **kwargs)

    return call


def predicted_then_real(present, *args, **kwargs):
    predicted = present(*args, test=True, **kwargs)
    real = present(*args, **kwargs)
    assert real["changes"] == predicted["changes"], (predicted, real)
    assert (predicted["result"] is False) == (real["result"] is False), (predicted, real)
    return predicted, real


def addresses(host):
    text = host.tool_ok("ifconfig", "-a").stdout
    return text


def test_link_to_probe_keeps_the_data_address(present, host):
    link = {"bge0": {"address": "myhost"}, "bge1": {"standby": True}}
    assert present("ipmp0", link)["result"] is True
    probe = {"bge0": {"address": "myhost", "test_address": "myhost-bge0"},
             "bge1": {"test_address": "myhost-bge1", "standby": True}}
    predicted, real = predicted_then_real(present, "ipmp0", probe, failure_detection="probe")
    assert real["result"] is True, real
    command = real["changes"]["bge0"]["inet"]["command"]
    # the test address takes :0 and the data address gets a logical interface,
    # in the same command: it is never missing after the run
    assert command == ("ifconfig bge0 inet myhost-bge0 netmask + broadcast + deprecated "
                       "-failover addif myhost netmask + broadcast + failover up")
    text = addresses(host)
    assert "inet 192.168.10.10 " in text and "inet 192.168.10.20 " in text
    again = present("ipmp0", probe, failure_detection="probe")
    assert again["result"] is True and again["changes"] == {}, again


def test_overwriting_a_data_address_keeps_the_old_one(present, host):
    host.tool_ok("ifconfig", "bge0", "plumb", "192.168.10.99", "netmask", "+", "broadcast", "+",
                 "group", "ipmp0", "up")
    host.tool_ok("ifconfig", "bge1", "plumb", "group", "ipmp0", "up")
    predicted, real = predicted_then_real(present, "ipmp0", {"bge0": {"address": "myhost"},
                                                             "bge1": {}})
    assert real["result"] is True, real
    text = addresses(host)
    assert "inet 192.168.10.99 " in text and "inet 192.168.10.10 " in text
    assert "addif 192.168.10.99" in real["changes"]["bge0"]["inet"]["command"]


def test_failed_nic_is_not_moved_to_another_group(present, host):
    assert present("ipmp0", {"bge0": {"address": "myhost"}, "bge1": {}})["result"] is True
    host.link("bge0", "down")
    predicted, real = predicted_then_real(present, "ipmp1", {"bge0": {}})
    assert real["result"] is False
    assert "Refusing to move bge0 from group ipmp0 to ipmp1: it is failed" in real["comment"]
    assert [c for c in host.commands() if c[:2] == ["ifconfig", "bge0"]][-1:] != [
        ["ifconfig", "bge0", "inet", "group", "ipmp1"]]


def test_no_success_while_a_declared_address_is_on_no_working_interface(present, host):
    ifaces = {"bge0": {"address": "myhost"}}
    assert present("ipmp0", ifaces)["result"] is True
    host.link("bge0", "down")
    predicted, real = predicted_then_real(present, "ipmp0", ifaces)
    assert real["result"] is False
    assert "on no working interface of group ipmp0: bge0 (inet) myhost" in real["comment"]
    host.link("bge0", "up")
    again = present("ipmp0", ifaces)
    assert again["result"] is True, again


def test_failed_over_address_counts_where_it_is_carried(present, host):
    ifaces = {"bge0": {"address": "myhost"}, "bge1": {}}
    assert present("ipmp0", ifaces)["result"] is True
    host.link("bge0", "down")
    predicted, real = predicted_then_real(present, "ipmp0", ifaces)
    assert real["result"] is True and real["changes"] == {}, real


def test_group_move_is_refused_for_both_families_before_either_moves(present, host):
    ifaces = {"bge0": {"address": "myhost", "ipv6": True}, "bge1": {}}
    assert present("ipmp0", ifaces)["result"] is True
    mark = len(host.commands())
    predicted, real = predicted_then_real(present, "ipmp1", {"bge0": {"ipv6": True}})
    assert real["result"] is False
    assert "last working interface of group ipmp0" in real["comment"]
    assert [c for c in host.commands(since=mark) if c != ["ifconfig", "-a"]] == []
