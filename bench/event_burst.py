#!/usr/bin/env python3
"""Bursts of in.mpathd lines on several minions at once: does the master keep up?

Starts, in a temporary directory, one salt-master (the ipmp alert reactor)
and ``--minions`` lab Solaris 10 minions running the ``ipmp_events`` engine,
then appends ``--lines`` unique in.mpathd lines (alternately ``NIC failure
detected`` and ``NIC repair detected`` on bge0 of ipmp0) to every host's
``/var/adm/messages`` at the same moment, and measures:

- ``ping_s``: how long ``salt <minion> test.ping`` takes, sent right after
  the burst landed, against ``ping_idle_s``, the same before the burst
  (both include the ``salt`` command's own start-up);
- ``accounted_s``: from the last line written to the moment the alert log
  counts every line of every minion (each fold window's ``count``, from its
  alert or, when one followed, its summary);
- ``counted``: the lines the alert log accounts for, per minion, against
  ``written``;
- ``events_listed``: how many events the alerts list (after folding on
  the minions: a ``burst`` stands for many lines);
- ``publisher_drops``: ``Publisher discarding`` lines in the master's log
  (a subscriber the master's event publisher gave up on).

Run from the checkout: ``.venv/bin/python bench/event_burst.py``
(``--minions 3 --lines 10000``, ``--json``, ``--keep``).
"""

import argparse
import json
import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lab import fleet as rig  # noqa: E402  (the checkout, put on sys.path above)

NICS = ("bge0", "bge1", "bge2")
ENGINE = [{"ipmp_events": {"interval": 0.05}}]
FAILURE = "[ID 594170 daemon.error] NIC failure detected on bge0 of group ipmp0"
REPAIR = "[ID 299542 daemon.error] NIC repair detected on bge0 of group ipmp0"


def burst_text(node, count):
    """``count`` unique in.mpathd lines of host ``node``, as syslogd writes them."""
    stamp = time.strftime("%b %e %H:%M:%S")
    return "".join(
        "{} {} in.mpathd[{}]: {}\n".format(stamp, node, 10000 + n, FAILURE if n % 2 else REPAIR)
        for n in range(count)
    )


def accounted(alerts, minions):
    """Lines each minion's fold windows count (alert, or its summary when one came)."""
    windows = {}
    for alert in alerts:
        if alert.get("minion") not in minions:
            continue
        key = alert.get("alert") if alert.get("kind") == "summary" else alert.get("id")
        windows[(alert["minion"], key)] = max(windows.get((alert["minion"], key), 0),
                                              alert.get("count", 1))
    out = {m: 0 for m in minions}
    for (minion, _), count in windows.items():
        out[minion] += count
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minions", type=int, default=3)
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    names = ["burst{}".format(n + 1) for n in range(args.minions)]
    fleet = rig.Fleet({m: {"engines": ENGINE} for m in names}, NICS,
                      master_id="burst-master", prefix="ipmp-burst-", keep=args.keep)
    results = {"minions": args.minions, "lines_per_minion": args.lines}
    try:
        try:
            fleet.up()
        except RuntimeError as exc:  # the rig's: a minion that did not answer, a failed sync
            raise SystemExit(str(exc))
        for minion in names:
            rig.build_group(fleet.host(minion))
        time.sleep(3)
        idle = {}
        for minion in names:  # the same round trip with nothing to read
            began = time.time()
            rc, _ = fleet.salt(minion, "test.ping", timeout=30, wait=30)
            idle[minion] = round(time.time() - began, 3) if rc == 0 else None
        before = len(fleet.alerts())
        texts = {m: burst_text(m, args.lines) for m in names}
        for minion in names:
            with open(str(fleet.messages(minion)), "a") as handle:
                handle.write(texts[minion])
        written_at = time.time()
        pings = {}
        for minion in names:
            began = time.time()
            rc, _ = fleet.salt(minion, "test.ping", timeout=30, wait=30)
            pings[minion] = round(time.time() - began, 3) if rc == 0 else None
        done_at = None
        while time.time() - written_at < args.timeout:
            counts = accounted(fleet.alerts()[before:], names)
            if all(counts[m] >= args.lines for m in names):
                done_at = time.time()
                break
            time.sleep(0.1)
        time.sleep(3)
        records = fleet.alerts()[before:]
        counts = accounted(records, names)
        master_log = fleet.master_dir / "master.log"
        log_text = master_log.read_text(errors="replace") if master_log.exists() else ""
        results.update({
            "ping_s": pings,
            "ping_idle_s": idle,
            "accounted_s": round(done_at - written_at, 3) if done_at else None,
            "counted": counts,
            "written": {m: args.lines for m in names},
            "alert_records": len(records),
            "events_listed": sum(len(r.get("events") or ()) for r in records),
            "publisher_drops": log_text.count("Publisher discarding"),
        })
    finally:
        fleet.stop()
        if args.keep:
            print("kept", fleet.root, file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        for key in sorted(results):
            print("{:<18} {}".format(key, results[key]))
    ok = results.get("accounted_s") is not None and results["counted"] == results["written"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
