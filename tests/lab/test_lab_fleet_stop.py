"""How the fleet stops and restarts Salt's daemons (``lab.fleet._end``).

A stand-in for salt-minion's supervisor: the leader passes SIGTERM on to
its child, which counts what it gets.  Signalling the whole process group
would hand the child the signal twice (see ``_end``).
"""

import json
import os
import subprocess
import sys
import time

from lab import fleet

SUPERVISOR = r"""
import os, signal, sys, time
child = os.fork()
if child == 0:
    got = []
    signal.signal(signal.SIGTERM, lambda *a: got.append(1))
    deadline = time.time() + 5
    while time.time() < deadline and not got:
        time.sleep(0.02)
    time.sleep(0.3)  # a second signal would come now
    with open(sys.argv[1], "w") as fh:
        fh.write(str(len(got)))
    os._exit(0)
signal.signal(signal.SIGTERM, lambda *a: os.kill(child, signal.SIGTERM))
os.waitpid(child, 0)
"""


def _spawn(tmp_path, code):
    return subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "count")],
                            start_new_session=True)


def test_sigterm_reaches_the_supervised_child_once(tmp_path):
    proc = _spawn(tmp_path, SUPERVISOR)
    time.sleep(0.5)
    fleet._end([proc], grace=10)
    assert (tmp_path / "count").read_text() == "1"
    assert not fleet._members({proc.pid})


def test_a_child_that_ignores_sigterm_is_killed_and_reaped_by_its_parent(tmp_path):
    stubborn = SUPERVISOR.replace("lambda *a: got.append(1)", "signal.SIG_IGN").replace(
        "deadline = time.time() + 5", "deadline = time.time() + 60")
    proc = _spawn(tmp_path, stubborn)
    time.sleep(0.5)
    started = time.time()
    fleet._end([proc], grace=1)
    assert time.time() - started < 10
    assert proc.returncode is not None
    assert not fleet._members({proc.pid})
    assert not (tmp_path / "count").exists()


def test_a_zombie_claim_is_dropped_a_live_one_kept(tmp_path):
    claim = tmp_path / "process_responsibility_minion.pid"
    child = os.fork()
    if child == 0:
        os._exit(0)
    try:
        deadline = time.time() + 5
        while time.time() < deadline and fleet._proc_state(child) != "Z":
            time.sleep(0.02)
        claim.write_text(json.dumps({"pid": child, "name": "salt-minion", "start_time": 1.0}))
        fleet._drop_zombie_claim(claim)
        assert not claim.exists()
    finally:
        os.waitpid(child, 0)
    claim.write_text(json.dumps({"pid": os.getpid(), "name": "salt-minion", "start_time": 1.0}))
    fleet._drop_zombie_claim(claim)
    assert claim.exists()
    claim.write_text("not json")
    fleet._drop_zombie_claim(claim)
    assert claim.exists()
