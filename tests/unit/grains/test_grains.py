"""The ipmp grains: one read command per refresh, none off Solaris."""

import pytest

UTILS = ("ipmp_cmd", "ipmp_parse", "ipmp_parse_s11", "ipmp_model", "ipmp_platform")
S10 = {"kernel": "SunOS", "kernelrelease": "5.10", "os": "Solaris"}
S11 = {"kernel": "SunOS", "kernelrelease": "5.11", "os": "Oracle Solaris"}
IFCONFIG = """\
lo0: flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL> mtu 8232 index 1
\tinet 127.0.0.1 netmask ff000000
bge0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2
\tinet 192.168.10.10 netmask ffffff00 broadcast 192.168.10.255
\tgroupname web
bge1: flags=69000842<BROADCAST,RUNNING,MULTICAST,IPv4,NOFAILOVER,STANDBY,INACTIVE> mtu 0 index 3
\tinet 0.0.0.0 netmask 0
\tgroupname db
e1000g0: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 4
\tinet 10.0.0.5 netmask ff000000 broadcast 10.255.255.255
"""


@pytest.fixture
def grains(load_extension):
    def load(opts=None, output="", fail=False):
        mod = load_extension("_grains/ipmp.py", utils=UTILS, opts=opts or {})
        mod.ran = []

        def run(cmd, args, context=None, **kwargs):
            mod.ran.append([cmd] + list(args))
            if fail:
                raise RuntimeError("ipmpstat: cannot contact in.mpathd")
            return output

        mod.__utils__["ipmp_cmd.run"] = run
        return mod
    return load


def test_nothing_runs_off_solaris(grains):
    mod = grains()
    assert mod.ipmp({"kernel": "Linux"}) == {}
    assert mod.ran == []


def test_solaris10_one_ifconfig(grains):
    mod = grains(output=IFCONFIG)
    assert mod.ipmp(S10) == {"ipmp_platform": "solaris10", "ipmp_groups": ["db", "web"]}
    assert mod.ran == [["ifconfig", "-a"]]


def test_static_grains_of_the_config_win(grains):
    # A lab minion: core grains say Linux, the minion config says Solaris 10.
    mod = grains(opts={"grains": S10}, output=IFCONFIG)
    assert mod.ipmp({"kernel": "Linux"})["ipmp_groups"] == ["db", "web"]


def test_solaris11_one_ipmpstat(grains):
    mod = grains(output="ipmp1\nipmp0\nipmp0\n")
    assert mod.ipmp(S11) == {"ipmp_platform": "solaris11", "ipmp_groups": ["ipmp0", "ipmp1"]}
    assert mod.ran == [["ipmpstat", "-gP", "-o", "group"]]


def test_no_groups_is_an_empty_list(grains):
    mod = grains(output="")
    assert mod.ipmp(S11) == {"ipmp_platform": "solaris11", "ipmp_groups": []}


def test_a_failed_read_still_names_the_platform(grains):
    mod = grains(fail=True)
    assert mod.ipmp(dict(S11, os="OmniOS")) == {"ipmp_platform": "illumos", "ipmp_groups": []}
