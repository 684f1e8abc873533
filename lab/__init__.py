"""A simulated Solaris host for tests and the demo (never shipped to minions).

A lab host is a directory holding the files Solaris keeps in ``/etc`` and
``/var/adm`` plus ``var/lab/state.json``, the state of its simulated kernel
and in.mpathd (old, pre-Clearview IPMP).  ``HOST_DIR/bin`` holds stand-in
``dladm``, ``ifconfig``, ``if_mpadm`` and ``pkill`` commands that print and
exit as Solaris 10 does and log every run to ``var/lab/argv.log``.

    python -m lab create HOST_DIR [--hostname NAME] [--nics bge0,bge1,bge2]
                                  [--legacy hme0] [--force]
                                  [--os solaris10|solaris11|illumos]
    python -m lab link  HOST_DIR NIC down|up     # pull / plug the cable
    python -m lab probe HOST_DIR NIC fail|ok     # probe targets stop / start answering
    python -m lab reboot HOST_DIR                # boot from persistent configuration only
    python -m lab show  HOST_DIR                 # simulated state as JSON
    python -m lab argv  HOST_DIR                 # the command log

A host made with ``--os solaris11`` (Oracle Solaris 11.4) or ``--os illumos``
(OmniOS) runs Clearview IPMP instead: its NICs are datalinks ``net0``..,
``bin/`` also holds ``ipadm`` and ``ipmpstat`` (and ``svcprop``/``svccfg``/``svcadm`` on
Solaris 11), and ``etc/ipadm/ipadm.conf`` is ipadm's persistent store
(see docs/lab.md).
"""

# Grains per release: what Salt's own core grains (``salt/grains/core.py``,
# ``_sunos_release()`` and ``_osrelease_data()``) report on a real host of
# that release.  Lab minions (tests, demo, benches) set them as static grains:
# in the minion config they win over the core grains of the (Linux) machine
# that runs them.  ``id`` is not here: it is the minion's own.  Take a copy
# (``dict(GRAINS[release])``) before changing one.
#
# One entry per release, keyed by a short name.
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
    # /etc/release: "Oracle Solaris 11.4 X86" (first line), uname -v
    # "11.4.42.111.0" (11.4 SRU 42), uname -r 5.11.  _sunos_release() takes
    # osrelease from uname -v because it starts with the release's "11.4";
    # the Oracle Solaris branch sets no osrelease_stamp.
    "solaris11": {
        "kernel": "SunOS",
        "kernelrelease": "5.11",
        "os": "Oracle Solaris",
        "osfullname": "Oracle Solaris",
        "os_family": "Solaris",
        "osrelease": "11.4.42.111.0",
        "osmajorrelease": 11,
        "osrelease_info": [11, 4, 42, 111, 0],
        "osfinger": "Oracle Solaris-11",
    },
    # illumos = OmniOS: /etc/release "  OmniOS v11 r151046" (r151046 LTS),
    # uname -v "omnios-r151046-3d7dd6a0f1", uname -r 5.11.  _sunos_release()
    # joins "v11" and "r151046" without their letters and keeps uname -v as
    # osrelease_stamp.
    "illumos": {
        "kernel": "SunOS",
        "kernelrelease": "5.11",
        "os": "OmniOS",
        "osfullname": "OmniOS",
        "os_family": "Solaris",
        "osrelease": "11.151046",
        "osrelease_stamp": "omnios-r151046-3d7dd6a0f1",
        "osmajorrelease": 11,
        "osrelease_info": [11, 151046],
        "osfinger": "OmniOS-11",
    },
}

# Releases running Clearview IPMP (SunOS 5.11).
CLEARVIEW = ("solaris11", "illumos")

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
