"""The formula run the way an admin runs it without a master: ``salt-call
--local`` on a lab host, with the checkout as the file root."""

import json
import pathlib
import subprocess
import sys

import pytest
import yaml

import lab

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture
def formula_minion(tmp_path, lab_host_factory):
    """``formula_minion(release, nics)`` -> ``call(pillar, *args)`` giving
    (returncode, parsed JSON or text) of ``salt-call --local ARGS`` with
    ``pillar`` as the minion's pillar, on a fresh lab host of that release
    (``call.host``), its custom modules already synced."""

    def make(release, nics):
        host = lab_host_factory("fsol", nics=nics, os=release)
        states = tmp_path / "states"
        pillar_dir = tmp_path / "pillar"
        conf = tmp_path / "conf"
        for path in (states, pillar_dir, conf, tmp_path / "root"):
            path.mkdir()
        (states / "top.sls").write_text("base:\n  '*':\n    - ipmp\n")
        (pillar_dir / "top.sls").write_text("base:\n  '*':\n    - data\n")
        (conf / "minion").write_text(yaml.safe_dump({
            "id": "fsol",
            "file_client": "local",
            "root_dir": str(tmp_path / "root"),
            "file_roots": {"base": [str(states), str(REPO / "salt"), str(REPO)]},
            "file_ignore_regex": [r"^\.venv", r"^\.git(/|$)", r"(^|/)__pycache__(/|$)",
                                  r"^\.pytest_cache"],
            "pillar_roots": {"base": [str(pillar_dir)]},
            "grains": dict(lab.GRAINS[release]),
            "ipmp.root": str(host.root),
        }))
        salt_call = str(pathlib.Path(sys.executable).parent / "salt-call")

        def call(pillar, *args, level="quiet"):
            (pillar_dir / "data.sls").write_text(yaml.safe_dump(pillar or {}))
            proc = subprocess.run(
                [salt_call, "--local", "--config-dir", str(conf), "--out", "json", "-l", level,
                 "--retcode-passthrough"] + list(args),
                env=host.environ(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                universal_newlines=True, timeout=300,
            )
            try:
                data = json.loads(proc.stdout)["local"]
            except ValueError:
                data = proc.stdout + proc.stderr
            call.stderr = proc.stderr
            return proc.returncode, data

        # state.apply (unlike highstate) does not sync custom modules by itself
        rc, data = call({}, "saltutil.sync_all")
        assert rc == 0, data
        assert host.commands() == []
        call.host = host
        return call

    return make
