"""
The salt-ipmp demo: a local salt-master with a mixed fleet of lab minions,
one Solaris 10, one Solaris 11.4 and one illumos.

It converges all three from the one pillar.example with one highstate
(hostname files and ifconfig on Solaris 10, IPMP interfaces in ipadm's store
on Solaris 11 and illumos), shows the fleet's IPMP groups, forces a failover
on Solaris 10 with ``ipmp.offline`` and brings the interface back with
``ipmp.online``, reboots the Solaris 11 host and finds its groups back, pulls
a cable there, and shows the alert for each drill. Everything runs on
loopback under a temporary directory and is shut down at the end.

    python -m demo [--keep]
"""

import argparse
import json
import os
import subprocess
import sys
import time

from lab.fleet import REPO, Fleet

RELEASES = {"sol10": "solaris10", "sol11": "solaris11", "omni": "illumos"}
MINIONS = list(RELEASES)
NICS = ["bge0", "bge1", "bge2", "e1000g0", "e1000g1"]
# Every minion follows in.mpathd's log with the ipmp_events engine from its first start.
ENGINES = [{"ipmp_events": {"interval": 0.05}}]
STATE_TOP = "base:\n  '*':\n  - ipmp\n"

START = time.time()


def say(text=""):
    print(text, flush=True)


class Step:
    """Print what is being done, then how long it took."""

    def __init__(self, text):
        self.text = text

    def __enter__(self):
        self.began = time.time()
        say("[{:6.1f}s] {} ...".format(self.began - START, self.text))
        return self

    def __exit__(self, kind, value, tb):
        took = time.time() - self.began
        say("          {} ({:.1f}s)".format("done" if kind is None else "FAILED", took))
        return False


def _pillar_files():
    with open(os.path.join(REPO, "pillar.example", "ipmp.sls")) as fh:
        ipmp = fh.read()
    top = "base:\n  'kernel:SunOS':\n    - match: grain\n    - ipmp\n"
    return {"top.sls": top, "ipmp.sls": ipmp}


def _json(out):
    try:
        return json.loads(out)
    except ValueError:
        raise RuntimeError("salt did not answer in JSON:\n" + out)


def _highstate(fleet):
    rc, out = fleet.salt("*", "state.apply", "--out", "json", "--static", timeout=300)
    result = _json(out)
    total_changed = 0
    for minion in MINIONS:
        states = result.get(minion)
        if not isinstance(states, dict):
            raise RuntimeError("{} returned no state run: {}".format(minion, states))
        failed = [s.get("__id__", k) for k, s in states.items() if s.get("result") is not True]
        changed = sum(1 for s in states.values() if s.get("changes"))
        total_changed += changed
        say("          {}: {} states, {} changed, {} failed{}".format(
            minion, len(states), changed, len(failed),
            "" if not failed else " ({})".format(", ".join(failed))))
        if failed:
            raise RuntimeError("highstate failed on {}".format(minion))
    return total_changed


def _new_lines(fleet, minion, offset):
    with open(fleet.messages(minion), "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    for line in data.decode("utf-8", "replace").splitlines():
        say("          | " + line)


def _size(fleet, minion):
    return os.path.getsize(fleet.messages(minion))


def _show_alert(alert):
    if alert is None:
        raise RuntimeError("no alert arrived within the time limit")
    group = alert.get("group")
    status = (alert.get("status") or {}).get(group) or {}
    members = ", ".join("{} {}".format(name, info.get("state"))
                        for name, info in sorted((status.get("interfaces") or {}).items()))
    say("          ALERT [{}] {} {}/{}: {}".format(
        alert.get("severity", ""), alert.get("kind", "alert"), alert.get("minion"), group,
        "; ".join("{} {}{}".format(e.get("event"), e.get("interface", ""),
                                   " to " + e["to"] if e.get("to") else "")
                  for e in alert.get("events") or [alert.get("event") or {}])))
    say("          group {} is {} ({})".format(group, status.get("state", "unknown"), members))


def _wait_alert(fleet, minion, kinds, since, began):
    alert = fleet.wait_for_alert(
        lambda a: a.get("minion") == minion
        and any(e.get("event") in kinds for e in a.get("events") or []),
        since=since, timeout=30)
    if alert is not None:
        say("          alert written {:.2f}s after the command".format(time.time() - began))
    _show_alert(alert)
    return alert


def _salt_ok(fleet, *args):
    rc, out = fleet.salt(*args)
    if rc:
        raise RuntimeError(out)
    return out


def _drill(fleet, minion, title, act, kinds):
    """``act()``, then show in.mpathd's new lines and the alert (of one of ``kinds``) they raise."""
    with Step(title):
        since, offset, began = len(fleet.alerts()), _size(fleet, minion), time.time()
        act()
        _new_lines(fleet, minion, offset)
        _wait_alert(fleet, minion, kinds, since, began)


def run(keep=False):
    fleet = Fleet({minion: {"engines": ENGINES} for minion in MINIONS}, NICS,
                  pillar_files=_pillar_files(), state_files={"top.sls": STATE_TOP},
                  master_id="demo-master", prefix="salt-ipmp-demo-", keep=keep,
                  release=RELEASES)
    say("salt-ipmp demo: a salt-master and lab minions {} under {}".format(
        ", ".join("{} ({})".format(m, r) for m, r in RELEASES.items()), fleet.root))
    try:
        with Step("creating 3 lab hosts (NICs {})".format(", ".join(NICS))):
            fleet.create_hosts()
        with Step("starting salt-master and 3 salt-minions on 127.0.0.1"):
            fleet.start()
            fleet.wait_for_minions()
        with Step("salt-run saltutil.sync_all: the ipmp runner onto the master"):
            rc, out = fleet.salt_run("saltutil.sync_all")
            if rc:
                raise RuntimeError(out)
        with Step("highstate from pillar.example (ipmp0: bge0 + standby bge2, link-based; "
                  "ipmp1: e1000g0 + standby e1000g1, probe-based, IPv4 and IPv6)"):
            _highstate(fleet)
        with Step("second highstate: nothing left to change"):
            changed = _highstate(fleet)
            if changed:
                raise RuntimeError("second highstate changed {} states".format(changed))
        with Step("salt-run ipmp.report: every group of the fleet"):
            rc, out = fleet.salt_run("ipmp.report")
            say(out.rstrip())

        minion = MINIONS[0]
        _drill(fleet, minion, "forced failover: salt {} ipmp.offline bge0".format(minion),
               lambda: _salt_ok(fleet, minion, "ipmp.offline", "bge0"), {"failover", "failure"})
        with Step("salt {} ipmp.status ipmp0".format(minion)):
            rc, out = fleet.salt(minion, "ipmp.status", "ipmp0")
            say(out.rstrip())
        _drill(fleet, minion, "failback: salt {} ipmp.online bge0".format(minion),
               lambda: _salt_ok(fleet, minion, "ipmp.online", "bge0"), {"failback", "repair"})

        minion = "sol11"
        with Step("reboot of {} (python -m lab reboot): its groups come back from ipadm's "
                  "store".format(minion)):
            fleet.lab("reboot", fleet.host(minion))
            rc, out = fleet.salt(minion, "ipmp.status", "ipmp0")
            say(out.rstrip())
        _drill(fleet, minion, "cable pulled in the lab: bge0 of {}".format(minion),
               lambda: fleet.lab("link", fleet.host(minion), "bge0", "down"),
               {"link_down", "failure", "failover"})
        time.sleep(2)  # longer than the alert window, so the repair gets an alert of its own
        _drill(fleet, minion, "cable plugged back in: bge0 of {}".format(minion),
               lambda: fleet.lab("link", fleet.host(minion), "bge0", "up"),
               {"link_up", "repair", "failback"})
        with Step("salt-run ipmp.report source=live after the drills (asks every minion, with its last event)"):
            rc, out = fleet.salt_run("ipmp.report", "source=live")
            say(out.rstrip())
    finally:
        with Step("shutting everything down"):
            fleet.stop()
    say("demo finished in {:.1f}s".format(time.time() - START))


def main(argv=None):
    # Piped (make demo | tee), stdout is block-buffered: a line still in the
    # buffer when a child process is forked is written by the child as well.
    # Line buffering empties it at every newline, before anything is spawned.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.strip().splitlines()[0])
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (configs, logs, lab hosts)")
    args = parser.parse_args(argv)
    try:
        run(keep=args.keep)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        say("demo failed: {}".format(exc))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
