"""ipmp_alert_sinks and ipmp_alert_settings: where an alert goes, and the settings it reads."""

import functools
import json
import logging
import os

import pytest

RECORD = {"kind": "alert", "minion": "sol1", "group": "ipmp0", "id": "abc", "severity": "warning"}


@pytest.fixture(scope="module")
def settings(load_util):
    return load_util("ipmp_alert_settings")


@pytest.fixture
def sinks(load_util, monkeypatch):
    mod = load_util("ipmp_alert_sinks")
    fired = []
    monkeypatch.setattr(mod, "fire", lambda opts, tag, record: fired.append((tag, record)))
    mod.fired = fired
    yield mod
    del mod.fired


def deliver(sinks, settings, opts):
    return sinks.deliver(RECORD, opts, functools.partial(settings.setting, opts))


def test_table_names_each_sink_once(sinks):
    assert [s.name for s in sinks.SINKS] == [
        "alert_log", "event", "webhook", "prometheus", "slack", "pagerduty", "mail"]
    for sink in sinks.SINKS:
        assert callable(sink.send)
        assert sink.setting is None or sink.setting.startswith("ipmp.alert_")
    keys = [s.key for s in sinks.SINKS if s.key]
    assert len(keys) == len(set(keys))


def test_nothing_set_fires_the_event_only(sinks, settings):
    assert deliver(sinks, settings, {}) == {"log": False, "webhook": None}
    assert sinks.fired == [("ipmp/alert/sol1/ipmp0", RECORD)]


def test_alert_log_appends_json_lines(sinks, settings, tmp_path):
    path = tmp_path / "alerts.jsonl"
    opts = {"ipmp.alert_log": str(path)}
    assert deliver(sinks, settings, opts)["log"] is True
    assert deliver(sinks, settings, opts)["log"] is True
    assert [json.loads(line) for line in path.read_text().splitlines()] == [RECORD, RECORD]
    assert oct(os.stat(str(path)).st_mode & 0o777) == "0o640"


def test_alert_log_failure_is_logged_and_the_rest_still_delivers(sinks, settings, tmp_path, caplog):
    opts = {"ipmp.alert_log": str(tmp_path / "missing" / "alerts.jsonl")}
    with caplog.at_level(logging.ERROR):
        assert deliver(sinks, settings, opts) == {"log": False, "webhook": None}
    assert "cannot write alert" in caplog.text
    assert len(sinks.fired) == 1


def test_webhook_reads_its_timeout(sinks, settings, monkeypatch):
    posted = []
    monkeypatch.setattr(sinks, "post", lambda url, record, timeout: posted.append((url, timeout)) or True)
    opts = {"ipmp.alert_webhook": "https://hooks.example/ipmp", "ipmp.alert_webhook_timeout": "7"}
    assert deliver(sinks, settings, opts)["webhook"] is True
    assert posted == [("https://hooks.example/ipmp", 7.0)]


def test_a_new_sink_is_one_table_row(sinks, settings, monkeypatch):
    got = []

    def _pager(record, target, opts, setting):
        got.append((target, record["id"]))
        return True

    row = sinks.Sink("ipmp.alert_pager", "pager", "pager", None, _pager)
    monkeypatch.setattr(sinks, "SINKS", sinks.SINKS + (row,))
    assert deliver(sinks, settings, {})["pager"] is None
    assert deliver(sinks, settings, {"ipmp.alert_pager": "ops"})["pager"] is True
    assert got == [("ops", "abc")]


def test_non_http_webhook_is_refused(sinks, caplog):
    assert sinks.post("file:///etc/passwd", RECORD, 1) is False
    assert "http:// or https://" in caplog.text


def test_tag(sinks):
    assert sinks.tag({"minion": "sol1", "group": "-"}) == "ipmp/alert/sol1/-"


@pytest.mark.parametrize(
    "value, expected",
    [(None, 2.0), ("3", 3.0), (0, 0.0), (-1, 2.0), ("soon", 2.0), ([1], 2.0)],
)
def test_numeric_settings_fall_back_to_their_default(settings, value, expected):
    opts = {} if value is None else {"ipmp.alert_window": value}
    assert settings.setting(opts, "ipmp.alert_window") == expected


def test_other_settings_are_read_as_they_are(settings):
    assert settings.setting({}, "ipmp.alert_log") is None
    assert settings.setting({"ipmp.alert_log": "/x"}, "ipmp.alert_log") == "/x"
