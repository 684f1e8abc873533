"""
Which IPMP implementation a host runs, decided in one place.

Solaris 10 has the old IPMP (groups of physical interfaces, ``ifconfig``
and hostname files); Solaris 11.4 and illumos have Clearview IPMP (an IPMP
interface per group, ``ipadm`` and ``ipmpstat``), with different spellings
and persistence.  Everything that depends on the difference asks
:func:`platform`; the ``ipmp.platform`` config key overrides the grains.
"""

__virtualname__ = "ipmp_platform"

PLATFORMS = ("solaris10", "solaris11", "illumos")

# The ``os`` grain on Oracle's releases: "Solaris" on older /etc/release
# texts, "Oracle Solaris" on newer ones (Salt's _sunos_release()).
ORACLE_OS = ("Solaris", "Oracle Solaris")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def platform(grains, override=None):
    """
    ``solaris10``, ``solaris11`` or ``illumos`` for a host's grains.

    ``kernelrelease`` 5.10 is Solaris 10; 5.11 with an Oracle ``os`` grain
    is Solaris 11; any other 5.11 (OmniOS, OpenIndiana, SmartOS) is illumos.
    ``override`` (the ``ipmp.platform`` config key) wins when set; a value
    that is not one of :data:`PLATFORMS` raises ValueError naming the key.
    A host that reports no release is taken for Solaris 10.
    """
    if override:
        if override not in PLATFORMS:
            raise ValueError(
                "ipmp.platform must be one of {}, not {!r}".format(", ".join(PLATFORMS), override)
            )
        return override
    grains = grains or {}
    release = str(grains.get("kernelrelease") or "5.10")
    if release == "5.10":
        return "solaris10"
    if grains.get("os") in ORACLE_OS:
        return "solaris11"
    return "illumos"


NAMES = {
    "solaris10": "Solaris 10",
    "solaris11": "Solaris 11",
    "illumos": "illumos",
}


def virtual(grains, name, kind="module", platforms=None, override=None):
    """What a salt-ipmp module's ``__virtual__`` returns: its ``name`` on a
    SunOS minion, else ``(False, reason)`` naming the kernel it found.

    ``platforms`` (a tuple of :data:`PLATFORMS`) narrows it further: on a
    SunOS minion of another release (``override`` is the ``ipmp.platform``
    key) the reason names the release and the ones the module needs."""
    kernel = (grains or {}).get("kernel")
    if kernel != "SunOS":
        return (
            False,
            "The {} {} only runs on Solaris (SunOS); this minion runs {}".format(name, kind, kernel),
        )
    if platforms:
        try:
            found = platform(grains, override)
        except ValueError as exc:
            return (False, "The {} {} cannot load: {}".format(name, kind, exc))
        if found not in platforms:
            return (
                False,
                "The {} {} only runs on {}; this minion runs {}".format(
                    name, kind, " and ".join(NAMES[p] for p in platforms), NAMES[found]
                ),
            )
    return name


def mpathd_flavor(name):
    """How in.mpathd reads ``/etc/default/mpathd`` there: Solaris 10 matches
    yes/no by prefix, the Clearview daemon exactly."""
    return "solaris10" if name == "solaris10" else "illumos"
