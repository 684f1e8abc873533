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

# Grains per release: what Salt's own core grains (``salt/grains/core.py``,
# ``_sunos_release()`` and ``_osrelease_data()``) report on a real host of
# that release.  Lab minions (tests, demo, benches) set them as static grains:
# in the minion config they win over the core grains of the (Linux) machine
# that runs them.  ``id`` is not here: it is the minion's own.  Take a copy
# (``dict(GRAINS[release])``) before changing one.
#
# One entry per release, keyed by a short name; Solaris 11 and illumos join later.
GRAINS = {
    # /etc/release: "Oracle Solaris 10 1/13 s10x_u11wos_24a X86" (10 update 11),
    # uname -r 5.10.  osrelease is major.minor of that line, osmajorrelease,
    # osrelease_info and osfinger are derived from it.
    "solaris10": {
        "kernel": "SunOS",
        "kernelrelease": "5.10",
        "os": "Oracle Solaris",
        "osfullname": "Oracle Solaris",
        "os_family": "Solaris",
        "osrelease": "10.1/13",
        "osmajorrelease": 10,
        "osrelease_info": [10, "1/13"],
        "osfinger": "Oracle Solaris-10",
    },
}

# The release a lab host is unless told otherwise.
DEFAULT_RELEASE = "solaris10"


def grains(release=DEFAULT_RELEASE, **more):
    """A fresh copy of ``GRAINS[release]``, updated with ``more`` (``id="sol1"``)."""
    try:
        found = GRAINS[release]
    except KeyError:
        raise ValueError("no grains for release {!r}; known: {}".format(
            release, ", ".join(sorted(GRAINS)))) from None
    return dict(found, **more)
