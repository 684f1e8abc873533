"""A simulated Solaris 10 host for tests and the demo (never shipped to minions).

A lab host is a directory holding the files Solaris keeps in ``/etc`` and
``/var/adm`` plus ``var/lab/state.json``, the state of its simulated kernel
and in.mpathd (old, pre-Clearview IPMP).  ``HOST_DIR/bin`` holds stand-in
``dladm``, ``ifconfig``, ``if_mpadm`` and ``pkill`` commands that print and
exit as Solaris 10 does and log every run to ``var/lab/argv.log``.

    python -m lab create HOST_DIR [--hostname NAME] [--nics bge0,bge1,bge2]
                                  [--legacy hme0] [--force]
    python -m lab link  HOST_DIR NIC down|up     # pull / plug the cable
    python -m lab probe HOST_DIR NIC fail|ok     # probe targets stop / start answering
    python -m lab show  HOST_DIR                 # simulated state as JSON
    python -m lab argv  HOST_DIR                 # the command log
"""

# What a Solaris 10 minion reports.  Lab minions (tests, demo) set these as
# static grains: in the minion config they win over the core grains of the
# (Linux) machine that runs them.
SOLARIS10_GRAINS = {
    "kernel": "SunOS",
    "kernelrelease": "5.10",
    "os": "Solaris",
    "os_family": "Solaris",
    "osrelease": "5.10",
    "osfullname": "Solaris",
}
