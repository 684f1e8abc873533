"""
Cost of one idle check of the ipmp beacon on a 1 GB /var/adm/messages.

"Idle" is the normal case: nothing was logged since the last check. The
figure that matters is that it does not grow with the size of the file.
The file is sparse (1 GB apparent size, a few real lines at the end), which
is what the follower sees on a real host too: it never reads old bytes.

Measured, each for --checks calls after a warm-up:

- ``ipmp beacon``: the whole ``beacon()`` function as the minion calls it
  (status polling off), with a position file in a temporary cache dir;
- ``follower.poll``: the shared follower alone (what the engine does
  every 50 ms);
- ``salt log beacon``: Salt's own ``log`` beacon on the same file, for
  reference;
- the same three on a 1 KB file, to show the cost does not depend on size.

Run from the checkout: ``.venv/bin/python bench/beacon_idle_cost.py``.
"""

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = (
    "Jan  5 10:22:01 sol1 in.mpathd[123]: [ID 215189 daemon.error] "
    "The link has gone down on bge0\n"
)


def load(relpath, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO, relpath))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_file(path, size):
    with open(path, "wb") as handle:
        handle.truncate(max(0, size - len(LINE) * 3))
        handle.seek(0, os.SEEK_END)
        handle.write(LINE.encode() * 3)
    return os.path.getsize(path)


UTILS = ("ipmp_follow", "ipmp_watch", "ipmp_events", "ipmp_model", "ipmp_options", "ipmp_validate")


def ipmp_beacon(root, cachedir):
    """The beacon with its utils as the minion's loader would give them."""
    mods = dict((name, load("_utils/{}.py".format(name), "bench_" + name)) for name in UTILS)
    mod = load("_beacons/ipmp.py", "bench_ipmp_beacon")
    config = {"ipmp.root": root}
    mod.__opts__ = {"cachedir": cachedir, "id": "bench"}
    utils = {}
    for util in mods.values():
        utils.update({"{}.{}".format(util.__virtualname__, name): getattr(util, name)
                      for name in dir(util) if not name.startswith("_")
                      and callable(getattr(util, name))})
    mod.__context__ = {"ipmp.beacon.utils": utils}
    mod.__salt__ = {
        "config.get": lambda key, default=None: config.get(key, default),
        "ipmp.status": lambda group=None, refresh=False: {},
    }
    conf = [{"_beacon_name": "ipmp"}]
    return lambda: mod.beacon(conf), mods["ipmp_follow"]


def salt_log_beacon(path):
    import salt.beacons.log_beacon as log_beacon

    log_beacon.__context__ = {}
    conf = [{"file": path}, {"tags": {"mpathd": {"regex": r".*in\.mpathd.*"}}}]
    return lambda: log_beacon.beacon(conf)


def measure(func, checks):
    for _ in range(50):
        func()
    start = time.perf_counter()
    for _ in range(checks):
        if func():
            raise RuntimeError("an idle check returned events")
    return (time.perf_counter() - start) / checks * 1e6


def run(size, checks, workdir):
    root = os.path.join(workdir, "host-{}".format(size))
    os.makedirs(os.path.join(root, "var", "adm"))
    path = os.path.join(root, "var", "adm", "messages")
    actual = make_file(path, size)
    beacon, follow = ipmp_beacon(root, os.path.join(workdir, "cache-{}".format(size)))
    follower = follow.follower(path)
    follower.poll()
    results = {
        "file_bytes": actual,
        "ipmp_beacon_us": measure(beacon, checks),
        "follower_poll_us": measure(follower.poll, checks),
    }
    try:
        results["salt_log_beacon_us"] = measure(salt_log_beacon(path), checks)
    except ImportError as exc:
        results["salt_log_beacon_us"] = None
        results["salt_log_beacon_error"] = str(exc)
    follower.close()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=20000, help="idle checks per figure")
    parser.add_argument("--size", type=int, default=1 << 30, help="big file size in bytes")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="ipmp-idle-")
    try:
        big = run(args.size, args.checks, workdir)
        small = run(1024, args.checks, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = {"checks": args.checks, "big": big, "small": small}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print("idle check cost, microseconds per check ({} checks each)".format(args.checks))
    print("{:<22}{:>16}{:>16}".format("", "1 GB file", "1 KB file"))
    for key, label in (
        ("ipmp_beacon_us", "ipmp beacon()"),
        ("follower_poll_us", "follower.poll()"),
        ("salt_log_beacon_us", "salt log beacon"),
    ):
        b, s = big.get(key), small.get(key)
        print(
            "{:<22}{:>16}{:>16}".format(
                label,
                "{:.1f}".format(b) if b is not None else "n/a",
                "{:.1f}".format(s) if s is not None else "n/a",
            )
        )
    print("(1 GB file: {} bytes, sparse)".format(big["file_bytes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
