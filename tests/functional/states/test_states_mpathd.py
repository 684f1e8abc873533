"""ipmp_mpathd.managed through Salt's state loader on a lab host."""

import pathlib

import pytest
import salt.loader

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture
def run(loaders, host):
    """``run(test=False, **kwargs)`` -> the state's return, in a fresh run."""

    def call(test=False, **kwargs):
        loaded = loaders(host, test=test, states_dirs=[str(REPO / "_states")])
        states = salt.loader.states(
            loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
            context=loaded.context,
        )
        return states["ipmp_mpathd.managed"](name="/etc/default/mpathd", **kwargs)

    return call


@pytest.fixture
def mpathd(host):
    return host.path("etc/default/mpathd")


def pkills(host, since=0):
    return [c for c in host.commands(since=since) if c[0] == "pkill"]


def start_mpathd(host):
    """Put an interface in a group: Solaris 10's ifconfig starts in.mpathd then."""
    ifconfig = str(host.bin / "ifconfig")
    import subprocess

    for args in (["bge0", "plumb"], ["bge0", "192.168.10.10", "netmask", "+", "broadcast", "+",
                                      "group", "ipmp0", "up"]):
        subprocess.run([ifconfig] + args, env=host.environ(), check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_default_file_already_matches_solaris_defaults(run, mpathd, host):
    before = mpathd.read_text()
    ret = run(failure_detection_time=10000, failback=True, track_interfaces_only_with_groups=True)
    assert ret["result"] is True and ret["changes"] == {}, ret
    assert mpathd.read_text() == before
    assert host.commands() == []


def test_change_rewrites_value_keeps_comments_and_signals(run, mpathd, host):
    start_mpathd(host)
    before = mpathd.read_text()
    mark = len(host.commands())
    predicted = run(test=True, failure_detection_time=5000)
    assert predicted["result"] is None
    assert mpathd.read_text() == before
    assert pkills(host, mark) == []
    ret = run(failure_detection_time=5000)
    assert ret["result"] is True, ret
    assert ret["changes"] == predicted["changes"]
    assert ret["changes"]["FAILURE_DETECTION_TIME"] == {"old": 10000, "new": 5000}
    after = mpathd.read_text()
    assert "FAILURE_DETECTION_TIME=5000\n" in after
    assert [ln for ln in before.splitlines() if "FAILURE_DETECTION_TIME=" not in ln] == [
        ln for ln in after.splitlines() if "FAILURE_DETECTION_TIME=" not in ln
    ]
    assert pkills(host, mark) == [["pkill", "-HUP", "-x", "in.mpathd"]]
    assert "SIGHUP" in ret["comment"]
    mark = len(host.commands())
    again = run(failure_detection_time=5000)
    assert again["changes"] == {} and pkills(host, mark) == []


def test_in_mpathd_not_running_is_not_an_error(run, mpathd, host):
    ret = run(failback=False)
    assert ret["result"] is True, ret
    assert "FAILBACK=no\n" in mpathd.read_text()
    assert "not running" in ret["comment"]


def test_ineffective_variant_rewritten(run, mpathd, host):
    mpathd.write_text(mpathd.read_text().replace("FAILBACK=yes", "FAILBACK = no"))
    ret = run(failback=False)
    assert ret["changes"]["FAILBACK"] == {"old": True, "new": False}
    assert "FAILBACK=no\n" in mpathd.read_text() and "FAILBACK = no" not in mpathd.read_text()


def test_text_only_change_sends_no_signal(run, mpathd, host):
    start_mpathd(host)
    mpathd.write_text(mpathd.read_text() + "FAILBACK = no\n")  # ignored by in.mpathd
    mark = len(host.commands())
    ret = run(failback=True)
    assert set(ret["changes"]) == {"diff"}
    assert pkills(host, mark) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"failure_detection_time": 99},
        {"failure_detection_time": "ten"},
        {"failback": "sometimes"},
        {"track_interfaces_only_with_groups": 2},
        {"failure_detection_time": 5000, "failback": "x"},
    ],
)
def test_bad_values_fail_before_anything_changes(run, mpathd, host, kwargs):
    before = mpathd.read_text()
    ret = run(**kwargs)
    assert ret["result"] is False and ret["changes"] == {}
    assert "Invalid mpathd settings" in ret["comment"]
    assert mpathd.read_text() == before
    assert host.commands() == []


def test_nothing_declared(run, host):
    ret = run()
    assert ret["result"] is True and ret["changes"] == {}
