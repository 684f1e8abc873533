#!/usr/bin/env python3
"""Failover-to-alert latency: the ipmp engine pipeline against Salt's log beacon.

Starts, in a temporary directory, one salt-master and two lab Solaris 10
minions (each on its own lab host with IPMP group ipmp0: bge0 and bge1
active, bge2 standby), then pulls bge0's cable ``--failovers`` times on each,
alternately, and measures from the moment in.mpathd's first line lands in
the host's ``/var/adm/messages`` to the moment the alert line lands in the
master's alert file.

- ``ipmp``: the ``ipmp_events`` engine (checks every 50 ms) -> master ->
  ``salt://reactor/ipmp/ipmp_alert.sls`` -> ``ipmp.alert`` runner, which
  also asks the minion for the group's status before it writes the alert;
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
import getpass
import json
import os
import pathlib
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
SOLARIS10_GRAINS = {"kernel": "SunOS", "kernelrelease": "5.10", "os": "Solaris",
                    "os_family": "Solaris", "osrelease": "5.10"}
IGNORE = [r"^\.venv", r"^\.git(/|$)", r"^\.demo(/|$)", r"(^|/)__pycache__(/|$)",
          r"^\.pytest_cache(/|$)", r"^\.ruff_cache(/|$)"]

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


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_yaml(path, data):
    # JSON is YAML; avoids depending on a YAML writer's defaults.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


def lab(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "lab"] + [str(a) for a in args], cwd=str(REPO),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("python -m lab {} failed:\n{}{}".format(
            " ".join(map(str, args)), proc.stdout, proc.stderr))
    return proc.stdout


def host_env(host):
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(host / "bin"), str(BIN), env.get("PATH", os.defpath)])
    return env


def host_cmd(host, *argv):
    subprocess.run([str(host / "bin" / argv[0])] + list(argv[1:]), env=host_env(host),
                   check=True, stdout=subprocess.DEVNULL)


def build_group(host):
    host_cmd(host, "ifconfig", "bge0", "plumb")
    host_cmd(host, "ifconfig", "bge0", "192.168.10.10", "netmask", "+", "broadcast", "+",
             "group", "ipmp0", "up")
    host_cmd(host, "ifconfig", "bge1", "plumb")
    host_cmd(host, "ifconfig", "bge1", "192.168.10.11", "netmask", "+", "broadcast", "+",
             "group", "ipmp0", "up")
    host_cmd(host, "ifconfig", "bge2", "plumb")
    host_cmd(host, "ifconfig", "bge2", "group", "ipmp0", "standby", "up")


class Rig:
    """The daemons of one run, all under ``workdir``."""

    def __init__(self, workdir, with_beacon):
        self.dir = pathlib.Path(workdir)
        self.procs = []
        self.user = getpass.getuser()
        self.ret_port, self.pub_port = free_port(), free_port()
        self.alerts = self.dir / "alerts.jsonl"
        self.baseline = self.dir / "baseline.jsonl"
        self.minions = {"bench-engine": "ipmp", "bench-log": "baseline"}
        if with_beacon:
            self.minions["bench-beacon"] = "ipmp"
        self.hosts = {}

    # -- config ---------------------------------------------------------
    def master_config(self):
        root = self.dir / "master"
        (self.dir / "bench_runners").mkdir(parents=True, exist_ok=True)
        (self.dir / "bench_runners" / "bench_baseline.py").write_text(BASELINE_RUNNER)
        (self.dir / "bench_root" / "bench_reactor").mkdir(parents=True, exist_ok=True)
        (self.dir / "bench_root" / "bench_reactor" / "log_alert.sls").write_text(BASELINE_REACTOR)
        write_yaml(root / "conf" / "master", {
            "id": "bench-master", "root_dir": str(root), "user": self.user,
            "interface": "127.0.0.1", "ret_port": self.ret_port, "publish_port": self.pub_port,
            "auto_accept": True, "log_file": str(root / "master.log"),
            "log_level_logfile": "info",
            "file_roots": {"base": [str(self.dir / "bench_root"), str(REPO / "salt"), str(REPO)]},
            "file_ignore_regex": IGNORE,
            "runner_dirs": [str(self.dir / "bench_runners")],
            "reactor": [
                {"salt/beacon/*/ipmp/*": ["salt://reactor/ipmp/ipmp_alert.sls"]},
                {"salt/beacon/*/log/*": ["salt://bench_reactor/log_alert.sls"]},
            ],
            "ipmp.alert_log": str(self.alerts),
            "ipmp.alert_window": 1,
            "bench.baseline_log": str(self.baseline),
        })
        return root / "conf"

    def minion_config(self, minion_id):
        root = self.dir / minion_id
        host = root / "host"
        lab("create", host, "--hostname", minion_id, "--nics", "bge0,bge1,bge2")
        self.hosts[minion_id] = host
        conf = {
            "id": minion_id, "root_dir": str(root), "user": self.user,
            "master": "127.0.0.1", "master_port": self.ret_port,
            "log_file": str(root / "minion.log"), "log_level_logfile": "info",
            "grains": SOLARIS10_GRAINS, "ipmp.root": str(host), "loop_interval": 1,
        }
        if minion_id == "bench-engine":
            conf["engines"] = [{"ipmp_events": {"interval": 0.05}}]
        elif minion_id == "bench-beacon":
            conf["beacons"] = {"ipmp": [{"interval": 1}]}
        else:
            conf["beacons"] = {"log": [
                {"file": str(host / "var" / "adm" / "messages")},
                {"interval": 1},
                {"tags": {"mpathd": {"regex": r".*in\.mpathd.*"}}},
            ]}
        write_yaml(root / "conf" / "minion", conf)
        return root / "conf"

    # -- processes ------------------------------------------------------
    def spawn(self, name, argv, env=None):
        log = open(str(self.dir / "{}.out".format(name)), "w")
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def stop(self, name):
        for pname, proc in list(self.procs):
            if pname == name:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                self.procs.remove((pname, proc))

    def stop_all(self):
        for name, _ in list(reversed(self.procs)):
            self.stop(name)

    def salt(self, *args, timeout=60):
        proc = subprocess.run([str(BIN / "salt"), "-c", str(self.master_conf), "--out", "json",
                               "--static", "-t", str(timeout)] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, check=False)
        try:
            return json.loads(proc.stdout or "{}")
        except ValueError:
            return {}

    def salt_run(self, *args):
        return subprocess.run([str(BIN / "salt-run"), "-c", str(self.master_conf)] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, check=False)

    def start_minion(self, minion_id):
        self.spawn(minion_id, [str(BIN / "salt-minion"), "-c", str(self.minion_confs[minion_id])],
                   env=host_env(self.hosts[minion_id]))

    def wait_ping(self, ids, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            ret = self.salt("-L", ",".join(ids), "test.ping", timeout=5)
            if all(ret.get(i) is True for i in ids):
                return
            time.sleep(1)
        raise SystemExit("minions {} did not answer; see {}".format(ids, self.dir))

    def up(self):
        self.master_conf = self.master_config()
        self.minion_confs = {m: self.minion_config(m) for m in self.minions}
        self.spawn("master", [str(BIN / "salt-master"), "-c", str(self.master_conf)])
        for minion_id in self.minions:
            self.start_minion(minion_id)
        self.wait_ping(list(self.minions))
        if self.salt_run("saltutil.sync_all").returncode != 0:
            raise SystemExit("salt-run saltutil.sync_all failed")
        ret = self.salt("*", "saltutil.sync_all")
        if set(ret) != set(self.minions):
            raise SystemExit("saltutil.sync_all on the minions failed: {}".format(ret))
        # Engines and custom beacons load at minion start: restart after the sync.
        for minion_id, kind in self.minions.items():
            if minion_id != "bench-log":
                self.stop(minion_id)
                self.start_minion(minion_id)
        self.wait_ping(list(self.minions))
        for host in self.hosts.values():
            build_group(host)
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


def trial(rig, minion_id, out_file):
    host = rig.hosts[minion_id]
    messages = host / "var" / "adm" / "messages"
    offset = out_file.stat().st_size if out_file.exists() else 0
    proc = subprocess.Popen([sys.executable, "-m", "lab", "link", str(host), "bge0", "down"],
                            cwd=str(REPO), env=dict(os.environ, PYTHONPATH=str(REPO)))
    grown = watch([messages, out_file], out_file, timeout=15)
    proc.wait()
    latency = split = None
    if messages in grown and out_file in grown:
        latency = grown[out_file] - grown[messages]
        if out_file == rig.alerts:
            split = first_alert_split(out_file, offset, grown[messages])
    lab("link", host, "bge0", "up")
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
    workdir = tempfile.mkdtemp(prefix="ipmp-latency-")
    rig = Rig(workdir, args.beacon)
    results = {}
    try:
        rig.up()
        order = list(rig.minions)
        samples = {m: [] for m in order}
        splits = {m: [] for m in order}
        for index in range(args.failovers):
            for minion_id in order:
                out = rig.baseline if minion_id == "bench-log" else rig.alerts
                latency, split = trial(rig, minion_id, out)
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
        rig.stop_all()
        if args.keep:
            print("kept", workdir, file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

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
        print("\nipmp engine median / baseline median = {:.2f} (target <= 0.50)".format(ours / base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
