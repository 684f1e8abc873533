"""
IP interfaces, IPMP interfaces and addresses with ``ipadm`` (Solaris 11.4
and illumos).

:platform: Solaris 11 and illumos (SunOS 5.11); Solaris 10 has no ipadm

Reads are parsable output only (``show-if -p -o``, ``show-addr -p -o``,
``show-ifprop -c -o``), cached in ``__context__`` for the run and dropped
after any change; ``refresh=True`` reads again. Every change is validated
before any command runs and is persistent unless ``temporary=True`` (ipadm
``-t``; illumos ``--temporary`` on the ``*-ipmp`` subcommands, whose ``-t``
it rejects). A failing ipadm raises ``CommandExecutionError`` with ipadm's
own words, and a hint where the error is a known trap.
"""

import logging
import re

from salt.exceptions import CommandExecutionError, SaltInvocationError

log = logging.getLogger(__name__)

__virtualname__ = "ipadm"

PLATFORMS = ("solaris11", "illumos")

_GENERATED_RE = re.compile(r"ipadm: (\S+/\S+)")


def __virtual__():
    """Only on Solaris 11 and illumos: Solaris 10 has no ipadm."""
    return __utils__["ipmp_platform.virtual"](
        __grains__, __virtualname__, platforms=PLATFORMS,
        override=__opts__.get("ipmp.platform"),
    )


def _platform():
    return __utils__["ipmp_platform.platform"](
        __grains__, __salt__["config.get"]("ipmp.platform", None)
    )


# ---------------------------------------------------------------- the command layer


def _read(args, refresh=False):
    __utils__["ipmp_validate.boolean"](refresh, "refresh")
    return __utils__["ipmp_cmd.read"]("ipadm", args, __context__, refresh)


def _rows(subcommand, flag, operands=(), refresh=False, extra=()):
    fields = __utils__["ipmp_parse_s11.ipadm_fields"](subcommand, _platform())
    text = _read([subcommand, flag, "-o", ",".join(fields)] + list(extra) + list(operands), refresh)
    return __utils__["ipmp_parse.ofmt"](text, fields)


def _change(args):
    """Run one changing ipadm command; drop the read cache; raise with
    ipadm's words (and a hint for a known trap) when it fails."""
    result = __utils__["ipmp_cmd.run_all"]("ipadm", args, context=__context__, mutate=True)
    if result["retcode"] != 0:
        message = __utils__["ipmp_cmd.error_message"](result)
        hint = __utils__["ipmp_parse_s11.ipadm_hint"](result["stderr"] + result["stdout"])
        if hint:
            message = "{}. Hint: {}".format(message, hint)
        raise CommandExecutionError(message, info=result)
    if result["stderr"].strip():
        log.warning("%s: %s", " ".join(result["argv"]), result["stderr"].strip())
    return result


def _temporary(temporary, subcommand):
    """The release's spelling of "active configuration only"."""
    if not __utils__["ipmp_validate.boolean"](temporary, "temporary"):
        return []
    if subcommand.endswith("-ipmp") and _platform() == "illumos":
        return ["--temporary"]
    return ["-t"]


def _members_by_ipmp():
    """``{ipmp interface: [members]}`` from ``ipmpstat -i`` (illumos
    ``show-if`` has no OVER); the same cached read as ``ipmp.status``."""
    fields = __utils__["ipmp_parse_s11.ipmpstat_fields"]("i")
    text = __utils__["ipmp_cmd.read"]("ipmpstat", ["-i", "-P", "-o", ",".join(fields)], __context__)
    rows = __utils__["ipmp_parse_s11.ipmpstat_i"](__utils__["ipmp_parse.ofmt"](text, fields))
    out = {}
    for name, info in rows.items():
        if info.get("group"):
            out.setdefault(info["group"], []).append(name)
    return out


def _interfaces(refresh=False):
    rows = _rows("show-if", "-p", refresh=refresh)
    members = None
    if "over" not in __utils__["ipmp_parse_s11.ipadm_fields"]("show-if", _platform()):
        if any((row.get("class") or "").lower() == "ipmp" for row in rows):
            members = _members_by_ipmp()
    return __utils__["ipmp_parse_s11.ipadm_show_if"](rows, members)


def _pick(data, name, what):
    if name is None:
        return data
    if name not in data:
        raise CommandExecutionError(
            "ipadm: no {} named {} (known: {})".format(what, name, ", ".join(sorted(data)) or "none")
        )
    return {name: data[name]}


# ---------------------------------------------------------------- reads


def show_if(interface=None, refresh=False):
    """
    IP interfaces (``ipadm show-if -p -o ...``):
    ``{"ipmp0": {"class": "ipmp", "state": "ok", "active": true, "over":
    ["net0", "net1"], "persistent": true}}``. ``class`` is lower case
    (``loopback``, ``ip``, ``ipmp``, ``vni``, ``virtual``); ``persistent``
    is false for a temporary interface. On illumos, which prints neither
    ACTIVE nor OVER, ``over`` comes from ``ipmpstat -i`` and ``active`` is
    derived (state ``ok`` and not inactive). One interface when named.

    CLI Example:

    .. code-block:: bash

        salt '*' ipadm.show_if
        salt '*' ipadm.show_if ipmp0
    """
    if interface is not None:
        __utils__["ipmp_validate.interface"](interface, logical=False)
    return _pick(_interfaces(refresh), interface, "interface")


def show_addr(name=None, refresh=False):
    """
    Addresses (``ipadm show-addr -p -o ...``): ``{"ipmp0/v4": {"interface":
    "ipmp0", "type": "static", "state": "ok", "address": "192.168.1.50",
    "prefixlen": 24, "persistent": true}}``. ``name`` is an address object
    (``ipmp0/v4``: that one, an error when there is none) or an interface
    (``net0`` or ``net0/``: its addresses, maybe none).

    CLI Example:

    .. code-block:: bash

        salt '*' ipadm.show_addr
        salt '*' ipadm.show_addr ipmp0/v4
        salt '*' ipadm.show_addr net0
    """
    exact = None
    iface = None
    if name is not None:
        if isinstance(name, str) and name.endswith("/"):
            iface = __utils__["ipmp_validate.interface"](name[:-1], logical=False)
        elif isinstance(name, str) and "/" in name:
            exact = __utils__["ipmp_validate.addrobj"](name)
        else:
            iface = __utils__["ipmp_validate.interface"](name, logical=False)
    data = __utils__["ipmp_parse_s11.ipadm_show_addr"](_rows("show-addr", "-p", refresh=refresh))
    if exact is not None:
        return _pick(data, exact, "address object")
    if iface is not None:
        return dict((key, val) for key, val in data.items() if val.get("interface") == iface)
    return data


def show_ifprop(interface=None, prop=None, proto=None, refresh=False):
    """
    Interface properties (``ipadm show-ifprop -c -o ...``), by interface,
    protocol and property: ``{"net0": {"ip": {"standby": {"perm": "rw",
    "current": "off", "default": "off", "possible": ["on", "off"]}}}}``.
    Whole numbers are ints. ``prop`` (one name or a comma-separated list)
    and ``proto`` (``ip``, ``ipv4``, ``ipv6``) narrow the read.

    CLI Example:

    .. code-block:: bash

        salt '*' ipadm.show_ifprop net0
        salt '*' ipadm.show_ifprop net0 prop=standby proto=ip
    """
    extra = []
    operands = []
    if prop is not None:
        names = prop.split(",") if isinstance(prop, str) else prop
        if not isinstance(names, (list, tuple)) or not names:
            raise SaltInvocationError("prop must be a property name or a list of them")
        extra += ["-p", ",".join(__utils__["ipmp_validate.ifprop"](n) for n in names)]
    if proto is not None:
        extra += ["-m", __utils__["ipmp_validate.protocol"](proto)]
    if interface is not None:
        operands.append(__utils__["ipmp_validate.interface"](interface, logical=False))
    rows = _rows("show-ifprop", "-c", operands, refresh, extra)
    return __utils__["ipmp_parse_s11.ipadm_show_ifprop"](rows)


# ---------------------------------------------------------------- changes


def create_ip(interface, temporary=False):
    """
    Create an IP interface over a datalink (``ipadm create-ip [-t]
    <interface>``), e.g. an underlying interface before it joins an IPMP
    group.

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.create_ip net0
        salt 'sol11' ipadm.create_ip net0 temporary=True
    """
    __utils__["ipmp_validate.interface"](interface, logical=False)
    _change(["create-ip"] + _temporary(temporary, "create-ip") + [interface])
    return True


def delete_ip(interface):
    """
    Delete an IP interface and its addresses (``ipadm delete-ip
    <interface>``), from the active and the persistent configuration.

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.delete_ip net3
    """
    __utils__["ipmp_validate.interface"](interface, logical=False)
    _change(["delete-ip", interface])
    return True


def create_ipmp(interface, members=None, temporary=False):
    """
    Create an IPMP interface (``ipadm create-ipmp [-t] [-i net0,net1]
    ipmp0``; illumos spells ``-t`` ``--temporary`` here), with its
    members when given (a list or a comma-separated string). The group
    name is the interface's name.

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.create_ipmp ipmp0
        salt 'sol11' ipadm.create_ipmp ipmp0 members=net0,net1
    """
    __utils__["ipmp_validate.interface"](interface, logical=False)
    args = ["create-ipmp"] + _temporary(temporary, "create-ipmp")
    if members is not None:
        names = __utils__["ipmp_validate.interfaces"](members, "members")
        if interface in names:
            raise SaltInvocationError(
                "{} cannot be a member of itself".format(interface)
            )
        args += ["-i", ",".join(names)]
    _change(args + [interface])
    return True


def delete_ipmp(interface, force=False):
    """
    Delete an IPMP interface and the data addresses on it (``ipadm
    delete-ipmp ipmp0``). Refused while it has members, naming them; with
    ``force=True`` they are removed first (``ipadm remove-ipmp -i ...``, as
    the documented procedure does; ipadm's own ``-f`` is never used).

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.delete_ipmp ipmp0
        salt 'sol11' ipadm.delete_ipmp ipmp0 force=True
    """
    __utils__["ipmp_validate.interface"](interface, logical=False)
    force = __utils__["ipmp_validate.boolean"](force, "force")
    info = _interfaces().get(interface)
    if info is None:
        raise CommandExecutionError("{} is not an IP interface on this host".format(interface))
    if info.get("class") != "ipmp":
        raise CommandExecutionError(
            "{} is not an IPMP interface (class {}); use ipadm.delete_ip".format(
                interface, info.get("class")
            )
        )
    members = info.get("over") or []
    if members and not force:
        raise CommandExecutionError(
            "IPMP interface {} still has members {}; remove them first "
            "(ipadm.remove_ipmp {} {}) or pass force=True".format(
                interface, ", ".join(members), interface, ",".join(members)
            )
        )
    if members:
        _change(["remove-ipmp", "-i", ",".join(members), interface])
    _change(["delete-ipmp", interface])
    return True


def add_ipmp(interface, members, temporary=False):
    """
    Put IP interfaces into an IPMP group (``ipadm add-ipmp [-t] -i
    net0,net1 ipmp0``). A member must hold no DHCP or addrconf address
    (Solaris 11 refuses it).

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.add_ipmp ipmp0 net0,net1
    """
    return _members("add-ipmp", interface, members, temporary)


def remove_ipmp(interface, members, temporary=False):
    """
    Take IP interfaces out of an IPMP group (``ipadm remove-ipmp [-t] -i
    net2 ipmp0``). Unlike ``ipmp.offline`` this does not check that the
    group keeps a working member.

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.remove_ipmp ipmp0 net2
    """
    return _members("remove-ipmp", interface, members, temporary)


def _members(subcommand, interface, members, temporary):
    __utils__["ipmp_validate.interface"](interface, logical=False)
    names = __utils__["ipmp_validate.interfaces"](members, "members")
    if interface in names:
        raise SaltInvocationError("{} cannot be a member of itself".format(interface))
    _change([subcommand] + _temporary(temporary, subcommand) + ["-i", ",".join(names), interface])
    return True


def create_addr(name, address, temporary=False):
    """
    Create a static address (``ipadm create-addr [-t] -T static -a
    <address>[/<prefixlen>] <interface>/<tag>``). A data address goes on
    the IPMP interface (``ipmp0/v4``); on Solaris 11 an address on an
    underlying interface is a test address. An address no interface can
    use (``0.0.0.0``, loopback, multicast, a ``/0`` prefix) is refused. ``name`` may be a bare
    interface on Solaris 11 only (ipadm makes up the tag). Returns the
    address object's name (None when Solaris 11 made one up without
    printing it).

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.create_addr ipmp0/v4 192.168.1.50/24
        salt 'sol11' ipadm.create_addr net0/test 192.168.1.51/24
    """
    bare = _platform() == "solaris11"
    __utils__["ipmp_validate.addrobj"](name, bare=bare)
    __utils__["ipmp_validate.host_prefix"](address)
    __utils__["ipmp_validate.usable_address"](address, "address")
    result = _change(
        ["create-addr"] + _temporary(temporary, "create-addr")
        + ["-T", "static", "-a", address, name]
    )
    if "/" in name:
        return name
    found = _GENERATED_RE.search(result["stdout"] + result["stderr"])
    return found.group(1) if found else None


def delete_addr(name):
    """
    Delete an address object (``ipadm delete-addr <interface>/<tag>``).

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.delete_addr ipmp0/v4
    """
    __utils__["ipmp_validate.addrobj"](name)
    _change(["delete-addr", name])
    return True


def set_ifprop(interface, prop, value, proto="ip", temporary=False):
    """
    Set an interface property (``ipadm set-ifprop [-t] -p <prop>=<value>
    -m <proto> <interface>``); True and False are ``on`` and ``off``.
    ``standby=on`` (protocol ``ip``) makes a member a standby. Names are
    the release's own: Solaris 11 ``exchange-routes``, illumos
    ``exchange_routes``; a name the release does not have, or ``group``
    (use ``add_ipmp``/``remove_ipmp``), is refused before ipadm runs, as is
    a value of the wrong shape (``standby`` takes on/off, ``mtu`` a number).

    CLI Example:

    .. code-block:: bash

        salt 'sol11' ipadm.set_ifprop net2 standby True
        salt 'sol11' ipadm.set_ifprop net0 mtu 9000 proto=ipv4
    """
    __utils__["ipmp_validate.interface"](interface, logical=False)
    value = __utils__["ipmp_validate.settable_ifprop"](prop, value, _platform())
    __utils__["ipmp_validate.protocol"](proto)
    _change(
        ["set-ifprop"] + _temporary(temporary, "set-ifprop")
        + ["-p", "{}={}".format(prop, value), "-m", proto, interface]
    )
    return True
