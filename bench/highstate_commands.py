"""Count the commands a highstate of the ipmp formula runs on a lab host.

A lab Solaris 10 host with two IPMP groups of three NICs each (ipmp0
link-based: bge0, bge1 active, bge2 standby; ipmp1 probe-based with test
addresses: e1000g0, e1000g1 active, e1000g2 standby) is configured from
nothing by one highstate, then a second highstate runs on the converged host.
Every command the host ran is in its argv log; the script prints how many were
read-only and how many changed something, per run.

Target for the second run: 0 mutating commands and at most 2 read commands.

Run from the checkout with the project's Python (masterless salt-call, no
daemons)::

    .venv/bin/python bench/highstate_commands.py [--keep DIR]
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lab import fleet as rig  # noqa: E402  (the checkout, put on sys.path above)

PILLAR = {
    "ipmp": {
        "hosts": {
            "bench": "192.168.10.10",
            "bench-b": "192.168.10.11",
            "web": "192.168.20.10",
            "web-b": "192.168.20.20",
            "web-e1000g0": "192.168.20.11",
            "web-e1000g1": "192.168.20.12",
            "web-e1000g2": "192.168.20.13",
        },
        "netmasks": {"192.168.10.0": "255.255.255.0", "192.168.20.0": "255.255.255.0"},
        "mpathd": {"failure_detection_time": 10000, "failback": True},
        "groups": {
            "ipmp0": {
                "failure_detection": "link",
                "interfaces": {
                    "bge0": {"address": "bench"},
                    "bge1": {"address": "bench-b"},
                    "bge2": {"standby": True},
                },
            },
            "ipmp1": {
                "failure_detection": "probe",
                "interfaces": {
                    "e1000g0": {"address": "web", "test_address": "web-e1000g0"},
                    "e1000g1": {"address": "web-b", "test_address": "web-e1000g1"},
                    "e1000g2": {"test_address": "web-e1000g2", "standby": True},
                },
            },
        },
    }
}
NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1", "e1000g2")

# ifconfig words that only read; anything else changes the host.
READ_IFCONFIG = {"-a", "inet", "inet6", "-au", "-ad"}


def is_read(argv):
    """True for commands that change nothing on the host."""
    name, args = os.path.basename(argv[0]), argv[1:]
    if name == "ifconfig":
        return bool(args) and (
            set(args) <= READ_IFCONFIG or (len(args) <= 2 and set(args[1:]) <= {"inet", "inet6"})
        )
    if name == "dladm":
        return bool(args) and args[0].startswith("show-")
    return False


def setup(base):
    """A lab host and a masterless minion config for it (the rig's): (host, config dir)."""
    host = rig.create_host(base / "host", "bench", NICS)
    pillar = base / "pillar"
    pillar.mkdir()
    (pillar / "top.sls").write_text(yaml.safe_dump({"base": {"*": ["ipmp"]}}))
    (pillar / "ipmp.sls").write_text(yaml.safe_dump(PILLAR))
    states = base / "states"
    states.mkdir()
    (states / "top.sls").write_text(yaml.safe_dump({"base": {"*": ["ipmp"]}}))
    minion = rig.masterless_config(base, host, "bench", state_roots=[states],
                                   pillar_roots=[pillar])
    minion["log_level_logfile"] = "warning"
    conf = rig.write_config(base / "conf" / "minion", minion).parent
    return host, conf


def highstate(host, conf):
    env = rig.host_environ(host)
    salt_call = pathlib.Path(sys.executable).parent / "salt-call"
    started = time.monotonic()
    proc = subprocess.run(
        [
            str(salt_call),
            "--local",
            "--config-dir",
            str(conf),
            "--out",
            "json",
            "--retcode-passthrough",
            "-l",
            "quiet",
            "state.highstate",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
    )
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(
            "highstate failed ({}):\n{}\n{}".format(proc.returncode, proc.stdout, proc.stderr)
        )
    result = json.loads(proc.stdout)["local"]
    changed = sorted(v["__id__"] for v in result.values() if v.get("changes"))
    return seconds, changed


def measure(host, conf, label):
    mark = len(rig.host_commands(host))
    seconds, changed = highstate(host, conf)
    ran = rig.host_commands(host, since=mark)
    reads = [a for a in ran if is_read(a)]
    writes = [a for a in ran if not is_read(a)]
    return {
        "label": label,
        "seconds": seconds,
        "ran": ran,
        "reads": reads,
        "writes": writes,
        "changed": changed,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", help="work in this directory and keep it")
    parser.add_argument("--verbose", action="store_true", help="print every command")
    opts = parser.parse_args()
    base = pathlib.Path(opts.keep or tempfile.mkdtemp(prefix="ipmp-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        host, conf = setup(base)
        runs = [
            measure(host, conf, "first highstate (fresh host)"),
            measure(host, conf, "second highstate (converged)"),
        ]
    finally:
        if not opts.keep:
            shutil.rmtree(str(base), ignore_errors=True)
    print("2 groups x 3 NICs (ipmp0 link-based, ipmp1 probe-based with test addresses)")
    print("{:<32} {:>6} {:>9} {:>6} {:>8}".format("run", "read", "mutating", "total", "seconds"))
    for run in runs:
        print(
            "{:<32} {:>6} {:>9} {:>6} {:>8.1f}".format(
                run["label"],
                len(run["reads"]),
                len(run["writes"]),
                len(run["reads"]) + len(run["writes"]),
                run["seconds"],
            )
        )
    for run in runs:
        if opts.verbose or run is runs[-1]:
            print(
                "\n{}: states with changes: {}".format(
                    run["label"], ", ".join(run["changed"]) or "none"
                )
            )
            for argv in run["ran"]:
                print("  {} {}".format("read  " if is_read(argv) else "CHANGE", " ".join(argv)))
    second = runs[-1]
    ok = not second["writes"] and len(second["reads"]) <= 2 and not second["changed"]
    print(
        "\ntarget (second run: 0 mutating, <= 2 read, no changes): {}".format(
            "met" if ok else "NOT MET"
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
