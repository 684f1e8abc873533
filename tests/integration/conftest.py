"""Integration fixtures: a real salt-master and salt-minions on lab Solaris hosts.

One master serves the whole session (starting it costs a few seconds).  Minions
are started per test module through the ``lab_minion`` factory; each gets its
own lab host, grains that say Solaris 10, ``ipmp.root`` at the host directory
and the host's ``bin/`` first on PATH, and has synced the custom modules before
the first test runs.  The lab parts of the master and minion configs come from
the rig, ``lab/fleet.py`` (``master_config``, ``minion_config``); salt-factories
adds the daemon plumbing (directories, ports, user) and starts the daemons.

A module that needs a master of its own (a reactor, an engine, other config)
overrides ``salt_master`` at module scope::

    @pytest.fixture(scope="module")
    def salt_master(salt_master_factory):
        master = salt_master_factory("reactor-master", overrides={"reactor": [...]})
        with master.started():
            # master-side custom runners/utils, as the session master does
            master.salt_run_cli(timeout=120).run("saltutil.sync_all")
            yield master

and every fixture below (``lab_minion``, ``salt_cli``, ...) then uses that master.
"""
import contextlib
import json
import pathlib
import re
import time

import pytest
import salt.utils.dictupdate
import salt.version
import yaml

from lab import fleet as rig

DEFAULT_NICS = rig.DEFAULT_NICS

# Level of the daemon log records forwarded into pytest's captured logs (shown
# for failing tests).  Each daemon's full debug log stays in its log file under
# the session's temporary directory (<root_dir>/<daemon id>/logs/).
FORWARDED_LOG_LEVEL = "info"


@pytest.fixture(scope="session")
def salt_factories_config(tmp_path_factory):
    """Daemon files under this session's temporary directory; quick stops (no coverage data to save)."""
    return {"root_dir": tmp_path_factory.mktemp("salt"), "slow_stop": False}


@pytest.fixture(scope="session")
def salt_master_factory(salt_factories, tmp_path_factory):
    """Configure (not start) a master: ``salt_master_factory(master_id, overrides=None)``.

    The lab part of its config is ``lab.fleet.master_config``.  Its ``file_roots``
    base is ``[<tmp state dir>, <checkout>/salt, <tmp checkout root>]``:

    - the temporary state directory comes first so that salt-factories'
      ``master.state_tree.base.temp_file()`` writes there, never into the checkout;
    - ``<tmp checkout root>`` stands in for the checkout itself: symlinks to the
      checkout's ``_modules/``, ``_states/``, ``_utils/``, ``_beacons/``,
      ``_runners/`` and ``_engines/``.  Serving the checkout directly would make the
      fileserver walk ``.venv*`` on every listing (2-4 s each, dozens per sync).

    ``pillar_roots`` base is a temporary directory (see ``pillar_tree``),
    ``reactor`` is empty and ``ipmp.alert_log`` is a file in a temporary directory.
    ``overrides`` is merged on top (dicts recursively, lists replaced).
    """

    def factory(master_id, overrides=None):
        tmp = tmp_path_factory.mktemp(master_id)
        # salt-factories puts its own temporary state dir first in file_roots.
        config = rig.master_config(tmp, alert_log=tmp / "alerts.jsonl", reactor=())
        config["pytest-master"] = {"log": {"level": FORWARDED_LOG_LEVEL}}
        if overrides:
            salt.utils.dictupdate.update(config, overrides, merge_lists=False)
        return salt_factories.salt_master_daemon(master_id, overrides=config)

    return factory


# (label, seconds) of every daemon start-up, printed at the end of the run.
TIMINGS = []


def _timed(label, started):
    TIMINGS.append((label, time.monotonic() - started))


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("salt start-up times")
        for label, seconds in TIMINGS:
            terminalreporter.write_line("{:6.2f}s  {}".format(seconds, label))


def _run_ok(cli, *args, **kwargs):
    ret = cli.run(*args, **kwargs)
    if ret.returncode != 0:
        raise AssertionError("{} failed:\n{}".format(" ".join(map(str, args)), ret))
    return ret


@pytest.fixture(scope="session")
def salt_master(salt_master_factory):
    """The session's salt-master, started, with master-side custom modules synced."""
    master = salt_master_factory("ipmp-master")
    started = time.monotonic()
    with master.started():
        _timed("master {} start".format(master.id), started)
        started = time.monotonic()
        # Runners, utils and engines from the checkout, for salt-run.
        _run_ok(master.salt_run_cli(timeout=120), "saltutil.sync_all")
        _timed("master {} saltutil.sync_all".format(master.id), started)
        yield master


@pytest.fixture(scope="module")
def salt_cli(salt_master):
    """``salt`` CLI against ``salt_master``: ``salt_cli.run("ipmp.status", minion_tgt=id)``."""
    return salt_master.salt_cli(timeout=60)


@pytest.fixture(scope="module")
def salt_run_cli(salt_master):
    """``salt-run`` CLI against ``salt_master``."""
    return salt_master.salt_run_cli(timeout=60)


@pytest.fixture(scope="module")
def salt_key_cli(salt_master):
    """``salt-key`` CLI against ``salt_master``."""
    return salt_master.salt_key_cli()


class PillarTree:
    """Per-minion pillar in the master's temporary pillar root.

    ``set(minion_id, data)`` writes ``data`` (a dict, stored as YAML) as that
    minion's only pillar and rewrites ``top.sls``; ``clear(minion_id)`` removes
    it.  Refresh afterwards: ``salt_cli.run("saltutil.refresh_pillar", "wait=True",
    minion_tgt=minion_id)`` (``LabMinion.set_pillar`` does both).
    """

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self._minions = {}

    @staticmethod
    def sls_name(minion_id):
        return "minion_" + re.sub(r"[^A-Za-z0-9_]", "_", minion_id)

    def set(self, minion_id, data):
        name = self.sls_name(minion_id)
        (self.root / (name + ".sls")).write_text(
            yaml.safe_dump(data, default_flow_style=False), encoding="utf-8"
        )
        self._minions[minion_id] = name
        self._write_top()

    def clear(self, minion_id):
        name = self._minions.pop(minion_id, None)
        if name is not None:
            with contextlib.suppress(FileNotFoundError):
                (self.root / (name + ".sls")).unlink()
            self._write_top()

    def _write_top(self):
        top = {"base": {mid: [name] for mid, name in sorted(self._minions.items())}}
        (self.root / "top.sls").write_text(
            yaml.safe_dump(top, default_flow_style=False), encoding="utf-8"
        )


@pytest.fixture(scope="module")
def pillar_tree(salt_master):
    """The :class:`PillarTree` of ``salt_master`` (a fresh one per module/master)."""
    tree = PillarTree(salt_master.config["pillar_roots"]["base"][0])
    tree._write_top()
    return tree


@pytest.fixture(scope="module")
def state_tree_dir(salt_master):
    """The master's temporary state directory (first file root): drop test-only sls here."""
    return pathlib.Path(salt_master.config["file_roots"]["base"][0])


class AlertLog:
    """The master's ``ipmp.alert_log``: one JSON object per line, appended by the runner."""

    def __init__(self, path):
        self.path = pathlib.Path(path)

    def read(self, since=0):
        """Alerts (dicts) from index ``since``; [] while the file does not exist."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()][since:]

    def wait_for(self, predicate=None, since=0, timeout=30):
        """Poll until an alert (from ``since``) satisfies ``predicate``; return it.

        Without a predicate any alert will do.  Fails with the alerts seen so far.
        """
        deadline = time.monotonic() + timeout
        while True:
            alerts = self.read(since=since)
            for alert in alerts:
                if predicate is None or predicate(alert):
                    return alert
            if time.monotonic() >= deadline:
                raise AssertionError(
                    "no matching alert in {} after {}s; saw {!r}".format(self.path, timeout, alerts)
                )
            time.sleep(0.2)


@pytest.fixture(scope="module")
def alert_log(salt_master):
    """:class:`AlertLog` for the master's ``ipmp.alert_log`` (under the session's tmp dir)."""
    return AlertLog(salt_master.config["ipmp.alert_log"])


class LabMinion:
    """A started salt-minion bound to a lab host.

    ``id``: minion id; ``host``: its :class:`LabHost`; ``daemon``: the
    salt-factories minion; ``salt_call_cli``: ``salt-call`` for this minion
    with the lab's bin/ first on PATH.
    """

    def __init__(self, minion_id, host, daemon, salt_cli, pillar_tree):
        self.id = minion_id
        self.host = host
        self.daemon = daemon
        self.salt_call_cli = daemon.salt_call_cli(
            environ=rig.host_environ(host.root, daemon.environ), timeout=60
        )
        self._salt_cli = salt_cli
        self._pillar_tree = pillar_tree

    def __repr__(self):
        return "LabMinion({!r}, root={})".format(self.id, self.host.root)

    def salt(self, function, *args, **kwargs):
        """``salt <id> FUNCTION ARGS`` through the master; returns the ProcessResult."""
        return self._salt_cli.run(function, *args, minion_tgt=self.id, **kwargs)

    def sync(self):
        """``saltutil.sync_all`` (and refresh) on this minion; fails the test on error."""
        ret = self.salt("saltutil.sync_all")
        if ret.returncode != 0 or not isinstance(ret.data, dict):
            raise AssertionError("saltutil.sync_all on {} failed:\n{}".format(self.id, ret))
        return ret.data

    def set_pillar(self, data):
        """Make ``data`` this minion's pillar and refresh it on the minion."""
        self._pillar_tree.set(self.id, data)
        self._refresh_pillar()

    def pillar_get(self, key):
        """The minion's pillar value at ``key`` (``a:b:c``), unmasked.

        Salt 3008 prints ``**********`` for pillar values unless ``unmask=True``
        is passed, an argument Salt 3006's ``pillar.get`` does not take.
        """
        args = [key]
        if salt.version.__saltstack_version__.major >= 3008:
            args.append("unmask=True")
        ret = self.salt("pillar.get", *args)
        if ret.returncode != 0:
            raise AssertionError("pillar.get {} on {} failed:\n{}".format(key, self.id, ret))
        return ret.data

    def clear_pillar(self):
        self._pillar_tree.clear(self.id)
        self._refresh_pillar()

    def _refresh_pillar(self):
        ret = self.salt("saltutil.refresh_pillar", "wait=True")
        if ret.returncode != 0:
            raise AssertionError("refresh_pillar on {} failed:\n{}".format(self.id, ret))


@pytest.fixture(scope="module")
def lab_minion(salt_master, salt_cli, salt_key_cli, lab_host_factory, pillar_tree):
    """Start minions on lab hosts: ``lab_minion("sol1", nics=("bge0", "bge1", "bge2"))``;
    ``os="solaris11"`` or ``os="illumos"`` for a SunOS 5.11 host (NICs net0..net2).

    Returns a :class:`LabMinion`; calling again with the same id in the same
    module returns the same minion.  ``overrides`` is merged into the minion
    config; ``sync=False`` skips ``saltutil.sync_all``.  Minions stop, and their
    keys are deleted from the master, when the module ends, so ids can be reused
    by later modules.
    """
    minions = {}
    with contextlib.ExitStack() as stack:

        def factory(minion_id, nics=None, overrides=None, sync=True, os=None):
            if minion_id in minions:
                known = minions[minion_id]
                if (nics is not None and tuple(nics) != known.host.nics) or overrides:
                    raise ValueError(
                        "minion {!r} already started in this module with other settings".format(
                            minion_id
                        )
                    )
                return known
            host = lab_host_factory(minion_id, nics=nics, os=os)
            config = rig.minion_config(host.root, release=os or "solaris10")
            config["pytest-minion"] = {"log": {"level": FORWARDED_LOG_LEVEL}}
            if overrides:
                salt.utils.dictupdate.update(config, overrides, merge_lists=False)
            daemon = salt_master.salt_minion_daemon(minion_id, overrides=config)
            # salt-factories hands every daemon the manager's environ dict; give
            # this one a copy with the lab's bin/ first on PATH.
            daemon.environ = rig.host_environ(host.root, daemon.environ)
            # Registered before start so it runs after the minion has stopped.
            stack.callback(salt_key_cli.run, "--yes", "--delete", minion_id)
            started = time.monotonic()
            stack.enter_context(daemon.started())
            _timed("minion {} start".format(minion_id), started)
            minion = LabMinion(minion_id, host, daemon, salt_cli, pillar_tree)
            stack.callback(pillar_tree.clear, minion_id)
            if sync:
                started = time.monotonic()
                minion.sync()
                _timed("minion {} saltutil.sync_all".format(minion_id), started)
            minions[minion_id] = minion
            return minion

        yield factory


@pytest.fixture(scope="module")
def salt_minion(lab_minion):
    """The module's default lab minion ``sol1`` (NICs bge0, bge1, bge2)."""
    return lab_minion("sol1")


@pytest.fixture(scope="module")
def salt_call_cli(salt_minion):
    """``salt-call`` on the default lab minion (lab bin/ first on PATH)."""
    return salt_minion.salt_call_cli
