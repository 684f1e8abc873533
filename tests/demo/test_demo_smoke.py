"""
The README's demo command, run whole: it must converge the mixed lab fleet
(Solaris 10, Solaris 11.4, illumos) from one pillar, bring the Solaris 11
host's groups back after a reboot, show the alerts for the forced failover,
the failback and the pulled cable, and leave no process behind.
"""

import os
import re
import subprocess
import sys

import pytest

# PIDs of (other) processes whose command line mentions the demo's directory.
from lab.fleet import processes_mentioning as _salt_processes_under

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.slow


def test_demo_runs_end_to_end():
    proc = subprocess.run(
        [sys.executable, "-m", "demo"], cwd=REPO, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600,
    )
    out = proc.stdout
    assert proc.returncode == 0, out
    root = out.splitlines()[0].rsplit(" under ", 1)[1].strip()
    # Every step reported success, and the three drills each raised an alert.
    assert not re.search(r"^\s+FAILED \(", out, re.M), out
    assert "Successfully failed over from NIC bge0 to NIC bge2" in out
    assert "Successfully failed back to NIC bge0" in out
    assert "The link has gone down on bge0" in out
    assert out.count("ALERT [") >= 4, out
    assert "group ipmp0 is degraded (bge0 offline, bge2 active)" in out, out
    for minion in ("sol10", "sol11", "omni"):
        assert re.search(r"^\s+{}: \d+ states, 0 changed, 0 failed$".format(minion), out, re.M), out
        assert re.search(r"^{}\s+ipmp1\s+ok\s+e1000g0\s+e1000g1".format(minion), out, re.M), out
    reboot = out.split("reboot of sol11", 1)[1].split("cable pulled", 1)[0]
    assert re.search(r"bge0:\s+-+\s+state:\s+active", reboot), reboot
    assert "ALERT [warning] alert sol11/ipmp0: link_down bge0" in out, out
    assert "demo finished in" in out
    # Nothing left running, nothing left on disk.
    assert _salt_processes_under(root) == []
    assert not os.path.exists(root)
