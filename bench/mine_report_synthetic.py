#!/usr/bin/env python3
"""``salt-run ipmp.report source=mine`` over a synthetic mine of 5,000 minions.

Writes, in a temporary master directory, what a master holds for
``--minions`` minions that publish ``ipmp.status`` (two groups each) to the
mine: the accepted key of each minion (``pki_dir/minions/<id>``) and its
mine entry, stored through ``salt.cache`` exactly as the master's
``_mine`` handler stores it (the bank and key of the running Salt: ``mine``
/ ``<id>`` on 3008, ``minions/<id>`` / ``mine`` on 3006). Then it times

- ``in-process``: the ``ipmp.report`` runner function with
  ``source=mine``, loaded by Salt's runner loader from the checkout: the
  cost of the report itself (targeting, cache reads, rows);
- ``salt-run``: the command a person types (``salt-run ipmp.report
  source=mine --out json``), Salt's own start-up included.

No minion and no master process are involved: the report reads the cache.

Run from the checkout: ``.venv/bin/python bench/mine_report_synthetic.py``
(``--minions 5000 --runs 5 --json --keep``).
"""

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent


def status(index):
    nics = {"bge0": "active", "bge1": "active", "bge2": "standby"}
    if index % 97 == 0:
        nics["bge0"] = "failed"
    return {
        "ipmp0": {"state": "degraded" if index % 97 == 0 else "ok", "failure_detection": "link",
                  "interfaces": {n: {"state": s} for n, s in nics.items()},
                  "addresses": ["192.168.{}.{}".format(index // 250, index % 250)]},
        "ipmp1": {"state": "ok", "failure_detection": "probe",
                  "interfaces": {"e1000g0": {"state": "active", "test_address": "10.0.0.1"},
                                 "e1000g1": {"state": "standby", "test_address": "10.0.0.2"}},
                  "addresses": ["10.0.1.{}".format(index % 250)]},
    }


def build(root, minions):
    import salt.cache
    import salt.config
    import salt.version

    conf = root / "conf"
    conf.mkdir(parents=True)
    opts = {
        "root_dir": str(root), "pki_dir": str(root / "pki"), "cachedir": str(root / "cache"),
        "sock_dir": str(root / "sock"), "log_file": str(root / "master.log"),
        "runner_dirs": [str(REPO / "_runners")], "utils_dirs": [str(REPO / "_utils")],
        "user": os.environ.get("USER") or "root", "interface": "127.0.0.1",
    }
    (conf / "master").write_text(json.dumps(opts))
    full = salt.config.master_config(str(conf / "master"))
    keys = root / "pki" / "minions"
    keys.mkdir(parents=True)
    (root / "cache" / "proc").mkdir(parents=True)
    cache = salt.cache.factory(full)
    new_layout = salt.version.__saltstack_version__.info >= (3007,)
    for index in range(minions):
        minion = "sol{:05d}".format(index)
        (keys / minion).write_text("-----BEGIN PUBLIC KEY-----\nsynthetic\n-----END PUBLIC KEY-----\n")
        data = {"ipmp.status": status(index)}
        if new_layout:
            cache.store("mine", minion, data)
        else:
            cache.store("minions/{}".format(minion), "mine", data)
    return conf, full


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--minions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    import salt.loader
    import salt.version

    root = pathlib.Path(tempfile.mkdtemp(prefix="salt-ipmp-bench-mine-"))
    try:
        began = time.time()
        conf, opts = build(root, args.minions)
        written = time.time() - began
        report = salt.loader.runner(opts, utils=salt.loader.utils(opts))["ipmp.report"]
        inproc, cli, rows = [], [], 0
        for _ in range(args.runs):
            began = time.time()
            ret = report(source="mine")
            inproc.append(time.time() - began)
            rows = len(ret)
            began = time.time()
            proc = subprocess.run(
                [str(BIN / "salt-run"), "-c", str(conf), "ipmp.report", "source=mine",
                 "--out", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                universal_newlines=True, check=False)
            cli.append(time.time() - began)
            if proc.returncode or len(json.loads(proc.stdout)) != rows:
                raise SystemExit("salt-run failed:\n" + proc.stdout[-2000:] + proc.stderr[-2000:])
        began = time.time()
        subprocess.run([str(BIN / "salt-run"), "-c", str(conf), "test.arg", "--out", "json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        startup = time.time() - began
        result = {
            "salt": str(salt.version.__saltstack_version__), "minions": args.minions,
            "rows": rows, "cache_written_s": round(written, 2),
            "report_in_process_median_s": round(statistics.median(inproc), 3),
            "report_in_process_max_s": round(max(inproc), 3),
            "salt_run_median_s": round(statistics.median(cli), 3),
            "salt_run_test_arg_s": round(startup, 3),
        }
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            for key, value in result.items():
                print("{:28} {}".format(key, value))
    finally:
        if args.keep:
            print("kept", root)
        else:
            shutil.rmtree(str(root), ignore_errors=True)


if __name__ == "__main__":
    main()
