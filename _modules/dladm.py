"""
Read data links with ``dladm``: which NICs exist, their VLANs, link state
and speed, and whether a NIC is GLDv3 (what link-based failure detection on
Solaris 10 needs).

:platform: Solaris 10 (``show-link -p`` / ``show-dev -p``); Solaris 11 and
    illumos (``-p -o`` parsable output) are read too.

Results are cached in ``__context__`` for the run; ``refresh=True`` re-reads.
"""

import logging

from salt.exceptions import CommandExecutionError

log = logging.getLogger(__name__)

__virtualname__ = "dladm"

# Fields asked for on Solaris 11 / illumos (-p needs -o there).
LINK_FIELDS = ["link", "class", "mtu", "state", "over"]
PHYS_FIELDS = ["link", "media", "state", "speed", "duplex", "device"]


def __virtual__():
    """Only on Solaris: dladm exists nowhere else."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__)


def _solaris10():
    """Solaris 10 has the old dladm (no -o); 5.11 kernels have the new one."""
    platform = __utils__["ipmp_platform.platform"](
        __grains__, __salt__["config.get"]("ipmp.platform", None)
    )
    return platform == "solaris10"


def _read(args, refresh):
    __utils__["ipmp_validate.boolean"](refresh, "refresh")
    if refresh:
        __utils__["ipmp_cmd.clear_cache"](__context__)
    return __utils__["ipmp_cmd.run"]("dladm", args, context=__context__, cache=True)


def _check_name(name):
    """Validate an optional link or device name (a physical interface name)."""
    if name is not None:
        __utils__["ipmp_validate.interface"](name, logical=False)


def _pick(data, name, what):
    if name is None:
        return data
    if name not in data:
        raise CommandExecutionError(
            "dladm: no {} named {} (known: {})".format(
                what, name, ", ".join(sorted(data)) or "none"
            )
        )
    return {name: data[name]}


def _links(refresh=False):
    if _solaris10():
        text = _read(["show-link", "-p"], refresh)
        return __utils__["ipmp_parse.dladm_show_link"](text)
    text = _read(["show-link", "-p", "-o", ",".join(LINK_FIELDS)], refresh)
    return __utils__["ipmp_parse.dladm_show_link_ofmt"](text, LINK_FIELDS)


def _phys(refresh=False):
    text = _read(["show-phys", "-p", "-o", ",".join(PHYS_FIELDS)], refresh)
    return __utils__["ipmp_parse.dladm_show_phys_ofmt"](text, PHYS_FIELDS)


def show_link(link=None, refresh=False):
    """
    Data links with their type (``non-vlan``, ``vlan`` + ``vid``, ``legacy``,
    ``aggr``), MTU, device and whether they are GLDv3. One link when named.

    CLI Example:

    .. code-block:: bash

        salt '*' dladm.show_link
        salt '*' dladm.show_link e1000g876000
    """
    _check_name(link)
    return _pick(_links(refresh), link, "link")


def show_dev(dev=None, refresh=False):
    """
    Physical devices with link state (``up``/``down``/``unknown``), speed in
    Mb/s and duplex (``dladm show-dev -p``; ``show-phys`` on Solaris 11 and
    illumos, which have no show-dev).

    CLI Example:

    .. code-block:: bash

        salt '*' dladm.show_dev
        salt '*' dladm.show_dev bge0
    """
    _check_name(dev)
    if _solaris10():
        text = _read(["show-dev", "-p"], refresh)
        data = __utils__["ipmp_parse.dladm_show_dev"](text)
    else:
        data = _phys(refresh)
    return _pick(data, dev, "device")


def show_phys(link=None, refresh=False):
    """
    Physical links (``dladm show-phys -p -o ...``), Solaris 11 and illumos
    only; Solaris 10 has no show-phys (use ``dladm.show_dev`` there).

    CLI Example:

    .. code-block:: bash

        salt '*' dladm.show_phys
        salt '*' dladm.show_phys net0
    """
    _check_name(link)
    __utils__["ipmp_validate.boolean"](refresh, "refresh")
    if _solaris10():
        raise CommandExecutionError(
            "dladm show-phys does not exist on Solaris 10; use dladm.show_dev"
        )
    return _pick(_phys(refresh), link, "link")


def gldv3(link=None, refresh=False):
    """
    Whether links are GLDv3 (``non-vlan``, ``vlan`` and ``aggr`` links are;
    ``legacy`` ones are not, and need probe-based failure detection on
    Solaris 10). ``{link: bool}`` for all links, or a bool for one.

    CLI Example:

    .. code-block:: bash

        salt '*' dladm.gldv3
        salt '*' dladm.gldv3 bge0
    """
    data = show_link(link, refresh=refresh)
    flags = {name: bool(info.get("gldv3")) for name, info in data.items()}
    if link is not None:
        return flags[link]
    return flags
