"""Event classes beside the catalogue: no event name falls to "other" by accident."""

import pytest


@pytest.fixture(scope="module")
def events(load_util):
    return load_util("ipmp_events")


def test_every_event_name_has_a_class(events):
    names = set(events.EVENTS) | set(events.STATE_EVENTS)
    assert names - set(events.CLASSES) == set(), "add a row to ipmp_events.CLASSES"
    assert set(events.CLASSES) - names == set(), "a class for an event nobody makes"


def test_every_catalogued_message_has_a_class(events):
    for entry in events.CATALOG:
        assert entry.event in events.CLASSES, entry.format


def test_classes_are_well_formed(events):
    directions = {events.DOWN, events.UP, events.BY_STATE, events.OTHER}
    for name, kind in events.CLASSES.items():
        assert kind.direction in directions, name
        assert isinstance(kind.followed_by, tuple), name
        for outcome in kind.followed_by:
            assert outcome in events.CLASSES, (name, outcome)


# What the alert runner's DOWN / UP sets said before the classes moved here.
DOWN = {
    "link_down", "failure", "failover", "group_failed", "link_flapping",
    "test_address_duplicate", "hwaddr_duplicate", "no_test_address",
    "plumb_mismatch", "config",
}
UP = {
    "link_up", "repair", "failback", "group_repaired", "test_address",
    "test_address_unique", "hwaddr_unique", "consistent",
}


@pytest.mark.parametrize("name", sorted(set(
    ("link_down", "failure", "failover", "group_failed", "link_flapping", "test_address_duplicate",
     "hwaddr_duplicate", "no_test_address", "plumb_mismatch", "config", "link_up", "repair",
     "failback", "group_repaired", "test_address", "test_address_unique", "hwaddr_unique",
     "consistent", "fdt_raised", "fdt_lowered", "reload", "removed", "other")
)))
def test_direction_of_log_events(events, name):
    expected = "down" if name in DOWN else "up" if name in UP else "other"
    assert events.direction({"event": name, "interface": "bge0"}) == expected


@pytest.mark.parametrize(
    "state, expected",
    [("failed", "down"), ("offline", "down"), ("degraded", "down"), ("removed", "down"),
     ("ok", "up"), ("active", "up"), ("standby", "up"), (None, "up")],
)
def test_direction_of_state_events(events, state, expected):
    for name in events.STATE_EVENTS:
        assert events.direction({"event": name, "state": state}) == expected


@pytest.mark.parametrize("event", [{}, {"event": "nonsense"}, {"event": ["link_down"]}, None, "link_down"])
def test_direction_of_anything_else_is_other(events, event):
    assert events.direction(event) == "other"


def test_follow_ups(events):
    assert events.follow_ups("link_down") == ("failover", "group_failed")
    assert events.follow_ups("failure") == ("failover", "group_failed")
    assert events.follow_ups("link_up") == ("failback", "group_repaired")
    assert events.follow_ups("repair") == ("failback", "group_repaired")
    detections = {"link_down", "failure", "link_up", "repair"}
    for name in events.CLASSES:
        if name not in detections:
            assert events.follow_ups(name) == (), name
    assert events.follow_ups("nonsense") == ()
    assert events.follow_ups(None) == ()
