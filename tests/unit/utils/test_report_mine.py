"""ipmp_report from the mine: the master's cache as Salt 3008 and 3006 write
it, each row's age, stale rows; ipmp_options' check of pillar ipmp:mine."""

import os

import pytest
import salt.cache
import salt.config

STATUS = {"ipmp0": {"state": "degraded", "interfaces": {"bge0": {"state": "failed"},
                                                       "bge2": {"state": "active"}}},
          "ipmp1": {"state": "ok", "interfaces": {"e1000g0": {"state": "active"}}}}


@pytest.fixture(scope="module")
def report(load_util):
    return load_util("ipmp_report")


@pytest.fixture(scope="module")
def members_in(load_util):
    return load_util("ipmp_model").members_in


@pytest.fixture
def opts(tmp_path):
    return dict(salt.config.DEFAULT_MASTER_OPTS, cachedir=str(tmp_path), cache="localfs")


def test_mine_read_both_layouts(report, opts, tmp_path):
    cache = salt.cache.factory(opts)
    cache.store("mine", "sol1", {"ipmp.status": STATUS, "network.ip_addrs": []})  # Salt 3008
    cache.store("minions/sol2", "mine", {"ipmp.status": {"__data__": STATUS}})  # 3006, allow_tgt
    cache.store("mine", "linux1", {"network.ip_addrs": []})
    os.utime(str(tmp_path / "mine" / "sol1.p"), (1000, 1000))
    found = report.mine_read(opts, ["sol1", "sol2", "linux1", "gone"])
    assert sorted(found) == ["sol1", "sol2"]
    assert found["sol1"] == (STATUS, 1000)
    assert found["sol2"][0] == STATUS


def test_mine_rows_age_and_stale(report, members_in):
    found = {"sol1": (STATUS, 1000), "sol2": (STATUS, 100), "sol3": (STATUS, None)}
    rows = report.mine_rows(found, members_in, stale=600, now=1500)
    got = {(r["minion"], r["group"]): (r["age"], r["stale"]) for r in rows}
    assert got[("sol1", "ipmp0")] == (500, False)
    assert got[("sol2", "ipmp1")] == (1400, True)
    assert got[("sol3", "ipmp0")] == (None, True)  # age unknown: stale
    first = [r for r in rows if r["minion"] == "sol1"][0]
    assert first["failed"] == ["bge0"] and first["last_event"] == ""
    lines = report.table(rows).splitlines()
    assert lines[0].split() == ["MINION", "GROUP", "STATE", "ACTIVE", "STANDBY", "FAILED",
                                "OFFLINE", "AGE", "LAST", "EVENT"]
    assert lines[1].split()[-2:] == ["8m", "-"]
    assert lines[3].split()[-3:] == ["23m", "STALE", "-"]
    assert lines[5].split()[-3:] == ["?", "STALE", "-"]


def test_fresh_status(report):
    found = {"sol1": (STATUS, 1000)}
    assert report.fresh_status(found, "sol1", "ipmp1", 600, now=1100) == (
        {"ipmp1": STATUS["ipmp1"]}, 100)
    assert report.fresh_status(found, "sol1", "-", 600, now=1100) == (STATUS, 100)
    assert report.fresh_status(found, "sol1", "nosuch", 600, now=1100) == ({}, 100)
    assert report.fresh_status(found, "sol1", "ipmp0", 60, now=1100) == (None, 100)
    assert report.fresh_status(found, "sol2", "ipmp0", 60) == (None, None)


@pytest.mark.parametrize("source", ["cache", 1])
def test_bad_source(report, source):
    with pytest.raises(report.SaltInvocationError):
        report.source_wanted(source)


@pytest.mark.parametrize("stale", [0, -5, "soon", None])
def test_bad_stale(report, stale):
    with pytest.raises(report.SaltInvocationError):
        report.stale_wanted(stale)


def test_pillar_mine(load_util):
    options = load_util("ipmp_options")
    assert options.check_pillar_mine(None) == ({"interval": 0}, [])
    assert options.check_pillar_mine({"interval": 300}) == ({"interval": 300}, [])
    assert options.check_pillar_mine({"interval": 300.0}) == ({"interval": 300}, [])
    for bad in (5, -1, True, "300", 12.5):
        mine, problems = options.check_pillar_mine({"interval": bad})
        assert mine == {"interval": 0}
        assert [p for p, _ in problems] == [["ipmp", "mine", "interval"]], bad
    _, problems = options.check_pillar_mine({"intervall": 60})
    assert "did you mean 'interval'" in problems[0][1]
    _, problems = options.check_pillar_mine([60])
    assert problems == [(["ipmp", "mine"], "mine must be a mapping, not a list")]


def test_mine_read_through_another_cache_driver(report, opts, monkeypatch):
    localfs = salt.cache.factory(opts)
    localfs.store("mine", "sol1", {"ipmp.status": STATUS})
    monkeypatch.setattr(report.salt.cache, "factory", lambda o: localfs)
    found = report.mine_read(dict(opts, cache="redis"), ["sol1", "sol2"])
    assert list(found) == ["sol1"] and found["sol1"][0] == STATUS
    assert isinstance(found["sol1"][1], int)
