"""in.mpathd's probe clock: a short-lived detached process per pending event.

The daemon itself is not a process in the lab; when it would notice a
failure (or repair) after FAILURE_DETECTION_TIME, ``spawn`` starts
``python -m lab _timer HOST TOKEN DUE`` in its own session.  It sleeps until
DUE, then applies the event under the host lock if the token is still
pending (a later change may have cancelled it).
"""
import os
import sys
import time

from lab.state import Host, HostError, Session


def checkout_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spawn(host, token, due):
    import subprocess
    subprocess.Popen(
        [sys.executable, "-S", "-m", "lab", "_timer", host.root, token, repr(due)],
        cwd=checkout_root(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)


def run(root, token, due):
    delay = float(due) - time.time()
    if delay > 0:
        time.sleep(delay)
    host = Host(root)
    if not host.exists():
        return 0
    from lab.mpathd import daemon_for
    try:
        with Session(host) as ctx:
            daemon_for(ctx).fire(token)
    except (HostError, OSError, ValueError):
        return 0
    return 0
