#!/usr/bin/env python3
"""Failover-to-alert latency: the ipmp engine pipeline against Salt's log beacon.

Starts, in a temporary directory, one salt-master and two lab Solaris 10
minions (each on its own lab host with IPMP group ipmp0: bge0 and bge1
active, bge2 standby), then pulls bge0's cable ``--failovers`` times on each,
alternately, and measures from the moment in.mpathd's first line lands in
the host's ``/var/adm/messages`` to the moment the alert line lands in the
master's alert file.

- ``ipmp``: the ``ipmp_events`` engine (checks every 50 ms; sends the
  group's status read right after the line with the events, and says
  whether in.mpathd's outcome line came with them) -> master ->
  ``salt://reactor/ipmp/ipmp_alert.sls`` -> ``ipmp.alert`` runner, which
  writes the alert with that status (it asks the minion only when an event
  carries none);
- ``baseline``: Salt's own ``log`` beacon (``interval: 1``, minion
  ``loop_interval: 1``) -> master -> a minimal Jinja/YAML reactor -> a
  one-line runner that appends the raw line to a file.

With ``--beacon`` a third minion runs the project's ``ipmp`` beacon
(interval 1 s) into the same ``ipmp.alert`` pipeline.

Both times are taken by this script, on one clock, by watching the two
files' sizes every 2 ms. Between failovers the cable is plugged back, the
alerts are allowed to settle, and a random pause of up to a second keeps
the pulls from lining up with the beacons' one-second rhythm.

Run from the checkout: ``.venv/bin/python bench/alert_latency.py``
(``--failovers 20``, ``--json``, ``--keep`` to keep the directory).
"""

import argparse
import calendar
import json
import os
import pathlib
import random
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lab import fleet as rig  # noqa: E402  (the checkout, put on sys.path above)

NICS = ("bge0", "bge1", "bge2")
ENGINE = [{"ipmp_events": {"interval": 0.05}}]

BASELINE_RUNNER = '''"""Bench baseline: append the raw log line to a file (nothing else)."""
import json
import time


def write(tag=None, raw=None, **kwargs):
    with open(__opts__["bench.baseline_log"], "a") as handle:
        handle.write(json.dumps({"time": time.time(), "tag": tag, "raw": raw}) + "\\n")
    return True
'''
BASELINE_REACTOR = """log_alert:
  runner.bench_baseline.write:
    - args:
      - tag: {{ tag | json }}
      - raw: {{ data.get('raw', '') | json }}
"""


def make_fleet(with_beacon, keep):
    """(the rig's fleet, the baseline's output file): the master has the baseline
    runner and reactor besides the ipmp alert reactor.

    ``bench-engine`` runs the ipmp_events engine, ``bench-log`` Salt's log
    beacon on the host's messages, ``bench-beacon`` (``--beacon``) the ipmp beacon.
    """
    fleet = rig.Fleet([], NICS, state_files={"bench_reactor/log_alert.sls": BASELINE_REACTOR},
                      master_id="bench-master", prefix="ipmp-latency-", keep=keep)
    baseline = fleet.root / "baseline.jsonl"
    runners = fleet.root / "bench_runners"
    runners.mkdir()
    (runners / "bench_baseline.py").write_text(BASELINE_RUNNER)
    fleet.configure_master({
        "runner_dirs": [str(runners)],
        "reactor": [
            rig.ALERT_REACTOR,
            {"salt/beacon/*/log/*": ["salt://bench_reactor/log_alert.sls"]},
        ],
        "bench.baseline_log": str(baseline),
    })
    fleet.configure_minion("bench-engine", {"engines": ENGINE})
    fleet.configure_minion("bench-log", {"beacons": {"log": [
        {"file": str(fleet.messages("bench-log"))},
        {"interval": 1},
        {"tags": {"mpathd": {"regex": r".*in\.mpathd.*"}}},
    ]}})
    if with_beacon:
        fleet.configure_minion("bench-beacon", {"beacons": {"ipmp": [{"interval": 1}]}})
    return fleet, baseline


def up(fleet):
    """Start the fleet, sync the custom modules everywhere, build ipmp0 on every host."""
    fleet.up(restart=[m for m in fleet.minions if m != "bench-log"])
    for minion_id in fleet.minions:
        rig.build_group(fleet.host(minion_id))
    time.sleep(3)  # engine/beacons open the log and take their position


def watch(paths, stop_path, timeout):
    """Times (time.time) at which each file first grows; stops when ``stop_path`` grew."""
    start = {p: (p.stat().st_size if p.exists() else 0) for p in paths}
    grown = {}
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = time.time()
        for path in paths:
            if path not in grown:
                try:
                    size = os.stat(str(path)).st_size
                except OSError:
                    size = 0
                if size > start[path]:
                    grown[path] = now
        if stop_path in grown:
            break
        time.sleep(0.002)
    return grown


def settle(path, quiet):
    last, since = -1, time.time()
    while time.time() - since < quiet:
        size = path.stat().st_size if path.exists() else 0
        if size != last:
            last, since = size, time.time()
        time.sleep(0.05)


def iso_epoch(text):
    """'2026-01-05T10:22:01.123Z' (the runner's format) -> epoch seconds."""
    stamp, _, frac = text.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%S")) + float("0." + (frac or "0"))


def first_alert_split(out_file, offset, t_line):
    """For the ipmp pipeline: (line -> runner start, runner start -> alert written)."""
    with open(str(out_file)) as handle:
        handle.seek(offset)
        for line in handle:
            record = json.loads(line)
            if record.get("kind") == "alert" and record.get("minion") != "bench-log":
                return iso_epoch(record["received"]) - t_line, \
                    iso_epoch(record["time"]) - iso_epoch(record["received"])
    return None


def trial(fleet, minion_id, out_file):
    host = fleet.host(minion_id)
    messages = fleet.messages(minion_id)
    offset = out_file.stat().st_size if out_file.exists() else 0
    proc = subprocess.Popen([sys.executable, "-m", "lab", "link", str(host), "bge0", "down"],
                            cwd=str(REPO), env=dict(os.environ, PYTHONPATH=str(REPO)))
    grown = watch([messages, out_file], out_file, timeout=15)
    proc.wait()
    latency = split = None
    if messages in grown and out_file in grown:
        latency = grown[out_file] - grown[messages]
        if out_file == fleet.alert_log:
            split = first_alert_split(out_file, offset, grown[messages])
    fleet.lab("link", host, "bge0", "up")
    settle(out_file, quiet=2.5)
    time.sleep(random.uniform(0, 1))
    return latency, split


def summary(values):
    got = [v for v in values if v is not None]
    if not got:
        return {"n": len(values), "lost": len(values)}
    return {
        "n": len(values),
        "lost": len(values) - len(got),
        "median_s": round(statistics.median(got), 3),
        "worst_s": round(max(got), 3),
        "best_s": round(min(got), 3),
        "mean_s": round(statistics.mean(got), 3),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failovers", type=int, default=20)
    parser.add_argument("--beacon", action="store_true", help="also measure the ipmp beacon")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    fleet, baseline = make_fleet(args.beacon, args.keep)
    results = {}
    try:
        try:
            up(fleet)
        except RuntimeError as exc:  # the rig's: a minion that did not answer, a lab error
            raise SystemExit(str(exc))
        order = list(fleet.minions)
        samples = {m: [] for m in order}
        splits = {m: [] for m in order}
        for index in range(args.failovers):
            for minion_id in order:
                out = baseline if minion_id == "bench-log" else fleet.alert_log
                latency, split = trial(fleet, minion_id, out)
                samples[minion_id].append(latency)
                if split:
                    splits[minion_id].append(split)
                if not args.json:
                    print("{:>3} {:<13} {}{}".format(
                        index + 1, minion_id,
                        "{:.3f}s".format(latency) if latency is not None else "LOST",
                        "  (to runner {:.3f}s, status+write {:.3f}s)".format(*split)
                        if split else ""),
                        flush=True)
        labels = {"bench-engine": "ipmp engine", "bench-beacon": "ipmp beacon",
                  "bench-log": "salt log beacon (baseline)"}
        for minion_id in order:
            results[labels[minion_id]] = summary(samples[minion_id])
            results[labels[minion_id]]["samples_s"] = [
                round(v, 3) if v is not None else None for v in samples[minion_id]]
            if splits[minion_id]:
                results[labels[minion_id]]["median_to_runner_s"] = round(
                    statistics.median(a for a, _ in splits[minion_id]), 3)
                results[labels[minion_id]]["median_status_and_write_s"] = round(
                    statistics.median(b for _, b in splits[minion_id]), 3)
    finally:
        fleet.stop()
        if args.keep:
            print("kept", fleet.root, file=sys.stderr)

    results["load_average"] = {"before": [round(x, 2) for x in load_before],
                               "after": [round(x, 2) for x in os.getloadavg()],
                               "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print()
    print("load average before {} after {} ({} CPUs)".format(
        results["load_average"]["before"], results["load_average"]["after"], os.cpu_count()))
    results.pop("load_average")
    print("{:<28}{:>8}{:>8}{:>8}{:>8}".format("pipeline", "median", "worst", "best", "lost"))
    for label, res in results.items():
        print("{:<28}{:>8}{:>8}{:>8}{:>8}".format(
            label, res.get("median_s", "-"), res.get("worst_s", "-"), res.get("best_s", "-"),
            res["lost"]))
    for label, res in results.items():
        if "median_to_runner_s" in res:
            print("{}: median {}s from the log line to the runner, {}s fetching the status "
                  "and writing".format(label, res["median_to_runner_s"],
                                       res["median_status_and_write_s"]))
    base = results.get("salt log beacon (baseline)", {}).get("median_s")
    ours = results.get("ipmp engine", {}).get("median_s")
    if base and ours:
        print("\nipmp engine median / baseline median = {:.2f} (target <= 0.25)".format(ours / base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
