"""The ipmp pillar validator (_utils/ipmp_pillar.py): one clear error naming
the key path, before anything changes; a normalised pillar otherwise."""

import copy
import os

import pytest
import yaml
from salt.exceptions import SaltInvocationError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


class _Pillar(object):
    """ipmp_pillar with the utils it reaches passed in, as ipmp.check_pillar does."""

    def __init__(self, module, utils):
        self.module = module
        self.utils = utils

    def validate(self, data):
        return self.module.validate(data, self.utils)

    def validate_group(self, name, data, **kwargs):
        return self.module.validate_group(name, data, self.utils, **kwargs)


@pytest.fixture(scope="module")
def pillar(load_util, utils_mapping):
    return _Pillar(load_util("ipmp_pillar"), utils_mapping("ipmp_validate", "ipmp_files", "ipmp_options"))


@pytest.fixture(scope="module")
def example():
    with open(os.path.join(REPO, "pillar.example", "ipmp.sls")) as handle:
        return yaml.safe_load(handle)["ipmp"]


def error(pillar, data):
    with pytest.raises(SaltInvocationError) as err:
        pillar.validate(data)
    return str(err.value)


def group(interfaces, **kwargs):
    data = {"interfaces": interfaces}
    data.update(kwargs)
    return {"groups": {"ipmp0": data}}


def test_pillar_example_is_valid_and_normalised(pillar, example):
    out = pillar.validate(example)
    assert sorted(out["groups"]) == ["ipmp0", "ipmp1"]
    bge0 = out["groups"]["ipmp0"]["interfaces"]["bge0"]
    assert bge0["address"] == "myhost" and bge0["standby"] is False and bge0["live"] is True
    assert bge0["netmask"] == "+" and bge0["extra"] == [] and bge0["ipv6"] is False
    assert out["groups"]["ipmp0"]["failure_detection"] == "link"
    e0 = out["groups"]["ipmp1"]["interfaces"]["e1000g0"]
    assert e0["ipv6"] is True and e0["test_address6"] is True
    assert out["hosts"]["myhost"] == ["192.168.10.10"]
    assert out["mpathd"] == {
        "failure_detection_time": 10000,
        "failback": True,
        "track_interfaces_only_with_groups": True,
    }


def test_normalised_output_validates_to_itself(pillar, example):
    once = pillar.validate(example)
    assert pillar.validate(copy.deepcopy(once)) == once


def test_empty_and_missing_pillar(pillar):
    out = pillar.validate(None)
    assert out["groups"] == {} and out["live"] is True and out["events"] == {"enabled": False}
    assert pillar.validate({}) == out


def test_unknown_interface_key_names_path_and_suggests(pillar):
    msg = error(pillar, group({"bge0": {"address": "myhost"}, "bge2": {"stanbdy": True}}))
    assert "ipmp:groups:ipmp0:interfaces:bge2:stanbdy" in msg
    assert "did you mean 'standby'?" in msg


def test_unknown_top_key_suggests(pillar):
    msg = error(pillar, {"grups": {}})
    assert "ipmp:grups" in msg and "did you mean 'groups'?" in msg


def test_group_at_top_level_gets_a_hint(pillar):
    msg = error(pillar, {"ipmp0": {"interfaces": {"bge0": {}}}})
    assert "ipmp:ipmp0" in msg and "groups go under ipmp:groups" in msg


def test_interface_directly_under_group_gets_a_hint(pillar):
    msg = error(pillar, {"groups": {"ipmp0": {"bge0": {"address": "myhost"}}}})
    assert "ipmp:groups:ipmp0:bge0" in msg and "interfaces key" in msg


def test_unknown_group_key_suggests(pillar):
    msg = error(pillar, group({"bge0": {}}, failure_detecton="probe"))
    assert "ipmp:groups:ipmp0:failure_detecton" in msg
    assert "did you mean 'failure_detection'?" in msg


@pytest.mark.parametrize("name", ["bgeO", "bge 0", "bge0:1", "../bge0", "bge0;reboot", "b" * 40 + "0"])
def test_bad_interface_names(pillar, name):
    msg = error(pillar, group({name: {}}))
    assert "ipmp:groups:ipmp0:interfaces:{}".format(name) in msg


@pytest.mark.parametrize("name", ["ipmp 0", "g;rm", "x" * 32, ""])
def test_bad_group_names(pillar, name):
    msg = error(pillar, {"groups": {name: {"interfaces": {"bge0": {}}}}})
    assert "ipmp:groups:{}".format(name) in msg


def test_interface_in_two_groups(pillar):
    msg = error(
        pillar,
        {"groups": {"ipmp0": {"interfaces": {"bge0": {}}}, "ipmp1": {"interfaces": {"bge0": {}, "bge1": {}}}}},
    )
    assert "ipmp:groups:ipmp1:interfaces:bge0" in msg
    assert "already in group ipmp0" in msg


def test_group_with_only_standby_interfaces(pillar):
    msg = error(pillar, group({"bge0": {"standby": True}, "bge2": {"standby": True}}))
    assert "ipmp:groups:ipmp0:interfaces" in msg and "at least one active" in msg


def test_group_without_interfaces(pillar):
    assert "ipmp:groups:ipmp0:interfaces: missing" in error(pillar, {"groups": {"ipmp0": {}}})
    assert "ipmp:groups:ipmp0:interfaces: missing" in error(pillar, {"groups": {"ipmp0": None}})


@pytest.mark.parametrize(
    "iface,path",
    [
        ({"address": "300.1.2.3"}, "address"),
        ({"address": "2001:db8::1"}, "address"),
        ({"address": "my_host!"}, "address"),
        ({"address6": "192.168.1.1"}, "address6"),
        ({"address6": "2001:db8::zz"}, "address6"),
        ({"netmask": "255.0.255.0"}, "netmask"),
        ({"netmask": 24}, "netmask"),
        ({"standby": "yes please"}, "standby"),
        ({"live": "no"}, "live"),
        ({"ipv6": 1}, "ipv6"),
        ({"extra": ["up;reboot"]}, "extra"),
        ({"extra": "mtu 9000"}, None),
    ],
)
def test_bad_interface_values(pillar, iface, path):
    data = group({"bge0": iface, "bge1": {}})
    if path is None:
        pillar.validate(data)  # a string of words is accepted
        return
    msg = error(pillar, data)
    assert "ipmp:groups:ipmp0:interfaces:bge0:{}".format(path) in msg


def test_probe_group_needs_test_addresses(pillar):
    msg = error(
        pillar,
        group({"bge0": {"address": "myhost", "test_address": "myhost-bge0"}, "bge1": {}}, failure_detection="probe"),
    )
    assert "ipmp:groups:ipmp0:interfaces:bge1:test_address: missing" in msg


def test_link_group_refuses_test_address(pillar):
    msg = error(pillar, group({"bge0": {"address": "myhost", "test_address": "myhost-bge0"}}))
    assert "ipmp:groups:ipmp0:interfaces:bge0:test_address" in msg and "failure_detection: probe" in msg


def test_bad_failure_detection_suggests(pillar):
    msg = error(pillar, group({"bge0": {}}, failure_detection="Probe"))
    assert "ipmp:groups:ipmp0:failure_detection" in msg and "did you mean 'probe'?" in msg


def test_test_address6_must_be_link_local(pillar):
    base = {"test_address": "t0"}
    msg = error(
        pillar,
        group({"bge0": dict(base, test_address6="2001:db8::5")}, failure_detection="probe"),
    )
    assert "test_address6" in msg and "link-local" in msg
    out = pillar.validate(group({"bge0": dict(base, test_address6="fe80::5")}, failure_detection="probe"))
    assert out["groups"]["ipmp0"]["interfaces"]["bge0"]["test_address6"] == "fe80::5"
    out = pillar.validate(group({"bge0": dict(base, test_address6="link-local")}, failure_detection="probe"))
    assert out["groups"]["ipmp0"]["interfaces"]["bge0"]["test_address6"] is True


def test_duplicate_addresses_in_group(pillar):
    msg = error(pillar, group({"bge0": {"address": "myhost"}, "bge1": {"address": "myhost"}}))
    assert "ipmp:groups:ipmp0:interfaces:bge1:address" in msg and "already used by bge0" in msg


def test_test_address_equal_to_data_address(pillar):
    msg = error(
        pillar, group({"bge0": {"address": "a1", "test_address": "a1"}}, failure_detection="probe")
    )
    assert "bge0:test_address" in msg


@pytest.mark.parametrize(
    "mpathd,path",
    [
        ({"failure_detection_time": 50}, "failure_detection_time"),
        ({"failure_detection_time": "fast"}, "failure_detection_time"),
        ({"failback": "maybe"}, "failback"),
        ({"track_interfaces_only_with_groups": 0}, "track_interfaces_only_with_groups"),
        ({"failbak": True}, "failbak"),
    ],
)
def test_bad_mpathd(pillar, mpathd, path):
    assert "ipmp:mpathd:{}".format(path) in error(pillar, {"mpathd": mpathd})


def test_bad_hosts_and_netmasks(pillar):
    assert "ipmp:hosts:myhost" in error(pillar, {"hosts": {"myhost": "192.168.1"}})
    assert "ipmp:hosts:10.0.0.1" in error(pillar, {"hosts": {"10.0.0.1": "10.0.0.1"}})
    assert "ipmp:netmasks:192.168.10.1" in error(pillar, {"netmasks": {"192.168.10.1": "255.255.255.0"}})
    assert "ipmp:netmasks:192.168.10.0" in error(pillar, {"netmasks": {"192.168.10.0": "255.255.0.255"}})


def test_hosts_lists_and_ipv6(pillar):
    out = pillar.validate({"hosts": {"web": ["192.168.20.10", "2001:DB8::10"]}})
    assert out["hosts"]["web"] == ["192.168.20.10", "2001:db8::10"]


def test_bad_events(pillar):
    assert "ipmp:events:method" in error(pillar, {"events": {"method": "beacons"}})
    assert "did you mean 'beacon'?" in error(pillar, {"events": {"method": "beacons"}})
    assert "ipmp:events:interval" in error(pillar, {"events": {"interval": 0}})
    assert "ipmp:events:status_interval" in error(pillar, {"events": {"status_interval": -1}})
    pillar.validate({"events": {"status_interval": 0}})
    assert "ipmp:events:enabled" in error(pillar, {"events": {"enabled": "yes"}})
    assert "ipmp:events:enable" in error(pillar, {"events": {"enable": True}})


def test_live_inherits_top_group_interface(pillar):
    out = pillar.validate(
        {
            "live": False,
            "groups": {
                "a": {"interfaces": {"bge0": {}, "bge1": {"live": True}}},
                "b": {"live": True, "interfaces": {"bge2": {}}},
            },
        }
    )
    assert out["groups"]["a"]["live"] is False
    assert out["groups"]["a"]["interfaces"]["bge0"]["live"] is False
    assert out["groups"]["a"]["interfaces"]["bge1"]["live"] is True
    assert out["groups"]["b"]["interfaces"]["bge2"]["live"] is True


def test_several_problems_reported_in_one_message(pillar):
    msg = error(pillar, {"grups": 1, "mpathd": {"failback": "x"}})
    assert msg.count("ipmp:") == 2


def test_not_a_mapping(pillar):
    assert "ipmp: must be a mapping" in error(pillar, ["x"])
    assert "ipmp:groups:ipmp0:interfaces:bge0: an interface must be a mapping" in error(
        pillar, group({"bge0": "myhost"})
    )


def test_validate_group_raises_with_its_own_path(pillar):
    with pytest.raises(SaltInvocationError) as err:
        pillar.validate_group("ipmp0", {"interfaces": {"bge0": {"stanbdy": True}}}, path=["interfaces"])
    assert "interfaces:bge0:stanbdy" in str(err.value)
