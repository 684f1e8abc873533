#!/usr/bin/env python3
"""The fleet report on 20 lab minions: from the mine against asking them,
and ``salt '*' ipmp.status`` against ``salt '*' test.ping``.

Starts a salt-master and ``--minions`` lab Solaris 10 minions
(``lab.fleet.Fleet``), builds IPMP group ipmp0 on every host, syncs, has
every minion send ``ipmp.status`` to the mine, then times, alternating, in
the same run (``--runs`` each, medians):

- ``salt '*' test.ping`` and ``salt '*' ipmp.status`` (the fan-out);
- ``salt-run ipmp.report source=mine`` and ``source=live``;
- ``salt-run test.arg`` (``salt-run``'s own start-up);
- the ``ipmp.report`` runner function with ``source=mine`` in this process
  (Salt's runner loader, the checkout's runner and utils): the report
  without the command's start-up.

Run from the checkout: ``.venv/bin/python bench/fleet_report.py``
(``--minions 20 --runs 5 --json``).
"""

import argparse
import json
import statistics
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(
    __import__("os").path.abspath(__file__))))

from lab import fleet as rig  # noqa: E402


def timed(func):
    began = time.time()
    out = func()
    return time.time() - began, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--minions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    minions = ["sol{:02d}".format(i) for i in range(1, args.minions + 1)]
    fleet = rig.Fleet(minions, prefix="salt-ipmp-bench-fleet-")
    try:
        fleet.create_hosts()
        for minion in minions:
            rig.build_group(fleet.host(minion))
        fleet.start()
        fleet.wait_for_minions(timeout=240)
        for cmd in (lambda: fleet.salt_run("saltutil.sync_all"),
                    lambda: fleet.salt("*", "saltutil.sync_all", timeout=300),
                    lambda: fleet.salt("*", "mine.send", "ipmp.status", timeout=300)):
            rc, out = cmd()
            if rc:
                raise SystemExit(out)
        times = {k: [] for k in ("test.ping", "ipmp.status", "report_mine", "report_live",
                                 "salt_run_test_arg", "report_mine_in_process")}
        import salt.config
        import salt.loader
        opts = salt.config.master_config(str(fleet.master_dir / "conf" / "master"))
        opts["runner_dirs"] = [str(rig.REPO / "_runners")]
        opts["utils_dirs"] = [str(rig.REPO / "_utils")]
        report = salt.loader.runner(opts, utils=salt.loader.utils(opts))["ipmp.report"]
        rows = None
        for _ in range(args.runs):
            for name, func in (
                ("test.ping", lambda: fleet.salt_json("*", "test.ping", wait=30)),
                ("ipmp.status", lambda: fleet.salt_json("*", "ipmp.status", wait=30)),
                ("report_mine", lambda: fleet.salt_run("ipmp.report", "source=mine", "--out", "json")),
                ("report_live", lambda: fleet.salt_run("ipmp.report", "source=live", "--out", "json")),
                ("salt_run_test_arg", lambda: fleet.salt_run("test.arg")),
                ("report_mine_in_process", lambda: report(source="mine")),
            ):
                took, out = timed(func)
                times[name].append(took)
                if name in ("test.ping", "ipmp.status") and len(out) != len(minions):
                    raise SystemExit("{}: {} of {} answered".format(name, len(out), len(minions)))
                if name == "report_mine_in_process":
                    rows = len(out)
        result = {"minions": len(minions), "rows_from_mine": rows, "runs": args.runs}
        result.update({k + "_median_s": round(statistics.median(v), 3) for k, v in times.items()})
        result["ipmp.status_over_test.ping"] = round(
            statistics.median(times["ipmp.status"]) / statistics.median(times["test.ping"]), 2)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            for key, value in result.items():
                print("{:36} {}".format(key, value))
    finally:
        began = time.time()
        fleet.stop()
        print("fleet stopped in {:.1f}s".format(time.time() - began), file=sys.stderr)


if __name__ == "__main__":
    main()
