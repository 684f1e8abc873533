"""The event options (_utils/ipmp_options.py): one set of names, defaults and
checks for the pillar, the beacon, the engine and salt/ipmp/events.sls."""

import copy
import os
import re

import jinja2
import pytest
import salt.utils.dictupdate
import salt.utils.jinja
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture(scope="module")
def options(load_util):
    return load_util("ipmp_options")


# ------------------------------------------------------------------ defaults
def test_defaults(options):
    assert options.DEFAULTS == {
        "enabled": False,
        "method": "engine",
        "interval": 0.05,
        "status": False,
        "status_interval": 10,
        "messages": None,
    }


def test_settings_fill_defaults(options):
    assert options.settings({}, "engine") == {
        "interval": 0.05, "status_interval": 10, "status": False, "messages": None,
    }
    assert options.settings({"interval": None, "status": True}, "engine")["interval"] == 0.05
    beacon = options.settings({"status": True}, "beacon")
    assert beacon == {"messages": None, "status": True, "interval": None, "status_interval": 10}
    assert options.settings({"interval": 2}, "beacon")["interval"] == 2


# -------------------------------------------------------------------- checks
@pytest.mark.parametrize("consumer", ["pillar", "beacon", "engine"])
def test_good_values_pass(options, consumer):
    good = {
        "enabled": True, "method": "beacon", "interval": 0.5, "status": True,
        "status_interval": 10, "messages": "/var/adm/messages",
    }
    conf = dict((k, v) for k, v in good.items() if k in options.keys(consumer))
    assert options.check(conf, consumer) == []


@pytest.mark.parametrize(
    "consumer, conf, key, words",
    [
        ("engine", {"interval": 0}, "interval", "must be a number of seconds greater than 0"),
        ("engine", {"interval": "fast"}, "interval", "not a string ('fast')"),
        ("engine", {"interval": True}, "interval", "not a boolean"),
        ("beacon", {"status_interval": 0}, "status_interval", "greater than 0"),
        ("pillar", {"status_interval": -1}, "status_interval", "0 or more"),
        ("engine", {"status": "yes"}, "status", "must be true or false"),
        ("pillar", {"enabled": "yes"}, "enabled", "must be true or false"),
        ("pillar", {"method": "beacons"}, "method", "did you mean 'beacon'?"),
        ("beacon", {"messages": "var/adm/messages"}, "messages", "absolute path"),
        ("engine", {"messages": "/var/../adm"}, "messages", "'..'"),
        ("beacon", {"interval": None}, "interval", "not empty"),
    ],
)
def test_bad_values_name_the_key(options, consumer, conf, key, words):
    problems = options.check(conf, consumer)
    assert [k for k, _ in problems] == [key]
    assert words in problems[0][1]


def test_none_is_the_default_except_in_a_beacon(options):
    assert options.check({"interval": None, "status": None}, "engine") == []
    assert options.check({"interval": None}, "pillar") == []
    assert options.check({"status_interval": 0}, "pillar") == []


# -------------------------------------------------------------------- pillar
def test_pillar_events_disabled(options):
    assert options.check_pillar_events(None) == ({"enabled": False}, [])
    assert options.check_pillar_events({}) == ({"enabled": False}, [])
    assert options.check_pillar_events({"enabled": False, "method": "beacon"}) == (
        {"enabled": False, "method": "beacon"},
        [],
    )


def test_pillar_events_defaults_filled_when_enabled(options):
    events, problems = options.check_pillar_events({"enabled": True})
    assert problems == []
    assert events == {"enabled": True, "method": "engine", "interval": 0.05, "status_interval": 10}
    events, _ = options.check_pillar_events({"enabled": True, "method": "beacon", "status_interval": 0})
    assert events == {"enabled": True, "method": "beacon", "status_interval": 0}
    events, _ = options.check_pillar_events({"enabled": True, "method": "beacon", "interval": 1})
    assert events["interval"] == 1


def test_pillar_events_normalised_checks_to_itself(options):
    for data in ({}, {"enabled": True}, {"enabled": True, "method": "beacon"}):
        once, _ = options.check_pillar_events(data)
        assert options.check_pillar_events(copy.deepcopy(once)) == (once, [])


def test_pillar_events_problems_carry_the_key_path(options):
    _, problems = options.check_pillar_events({"enable": True, "interval": 0, "method": "beacons"})
    paths = [path for path, _ in problems]
    assert paths == [["ipmp", "events", "enable"], ["ipmp", "events", "method"], ["ipmp", "events", "interval"]]
    assert "did you mean 'enabled'?" in problems[0][1]
    events, problems = options.check_pillar_events(["enabled"])
    assert events == {"enabled": False}
    assert problems == [(["ipmp", "events"], "events must be a mapping, not a list")]


# ------------------------------------------------------------------- formula
def _render(options, pillar):
    """events.sls as Salt renders it, with map.jinja's ``ipmp.check_pillar``
    returning the events section as check_pillar_events normalises it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(REPO, "salt")),
        extensions=["jinja2.ext.do", salt.utils.jinja.SerializerExtension],
    )

    def check_pillar(data=None):
        events, problems = options.check_pillar_events(pillar)
        assert problems == []
        return {"events": events, "groups": {}}

    def merge(a, b, strategy="smart", merge_lists=False):
        return salt.utils.dictupdate.merge(
            copy.deepcopy(a), b, strategy=strategy, merge_lists=merge_lists
        )

    env.globals.update(
        salt={"ipmp.check_pillar": check_pillar, "slsutil.merge": merge, "file.dirname": os.path.dirname,
              "pillar.get": lambda key, default=None: {"events": pillar}},
        tpldir="ipmp",
        opts={"conf_file": "/etc/salt/minion"},
    )
    return yaml.safe_load(env.get_template("ipmp/events.sls").render()) or {}


@pytest.mark.parametrize(
    "pillar, engine",
    [
        ({"enabled": True}, {"interval": 0.05, "status": True, "status_interval": 10}),
        ({"enabled": True, "status_interval": 0}, {"interval": 0.05}),
        ({"enabled": True, "interval": 0.2, "status_interval": 5}, {"interval": 0.2, "status": True, "status_interval": 5}),
    ],
)
def test_formula_engine_settings(options, pillar, engine):
    states = _render(options, pillar)
    assert sorted(states) == [
        "ipmp-events-beacon-absent", "ipmp-events-engine-config", "ipmp-events-engine-restart-minion",
    ]
    dataset = states["ipmp-events-engine-config"]["file.serialize"][3]["dataset"]
    assert dataset == {"engines": [{"ipmp_events": engine}]}


@pytest.mark.parametrize(
    "pillar, args",
    [
        ({"enabled": True, "method": "beacon"}, [{"status": True}, {"status_interval": 10}]),
        ({"enabled": True, "method": "beacon", "interval": 1, "status_interval": 0}, [{"interval": 1}]),
    ],
)
def test_formula_beacon_settings(options, pillar, args):
    states = _render(options, pillar)
    assert sorted(states) == [
        "ipmp-events-beacon", "ipmp-events-engine-absent", "ipmp-events-engine-stop-restart-minion",
    ]
    assert states["ipmp-events-beacon"]["beacon.present"] == [{"name": "ipmp"}, {"save": True}] + args


@pytest.mark.parametrize("pillar", [None, {"enabled": False, "method": "beacon"}])
def test_formula_declares_nothing_when_disabled(options, pillar):
    assert _render(options, pillar) == {}


def test_no_defaults_outside_the_options_module():
    with open(os.path.join(REPO, "salt", "ipmp", "events.sls")) as handle:
        code = re.sub(r"\{#.*?#\}", "", handle.read(), flags=re.S)
    assert not re.search(r"\d", code)
    with open(os.path.join(REPO, "salt", "ipmp", "defaults.yaml")) as handle:
        assert yaml.safe_load(handle)["ipmp"]["events"] == {"enabled": False}
    for path in ("_beacons/ipmp.py", "_engines/ipmp_events.py", "_utils/ipmp_watch.py"):
        with open(os.path.join(REPO, path)) as handle:
            text = handle.read()
        assert not re.search(r"DEFAULT_(STATUS_)?INTERVAL|, (0\.05|10\.0)\)", text), path
