# -*- coding: utf-8 -*-
"""
Pure parsers for what Solaris 11.4 and illumos (Clearview IPMP) print in
parsable form: ``ipmpstat -P -o`` (modes ``-g``, ``-i``, ``-a``, ``-t``) and
``ipadm show-if -p -o``, ``show-addr -p -o``, ``show-ifprop -c -o``.

Each parser takes the *rows* of one command, the list of ``{field: value}``
dicts that ``ipmp_parse.ofmt(text, fields)`` returns (libofmt lines split on
unescaped ``:``, ``\\:`` and ``\\\\`` unescaped, field names lower case).
The caller splits, this module shapes: no util loads another.  Only the
fields present in a row are used, so a release that lacks a field (illumos
``show-if`` has no ACTIVE and no OVER) still parses.

Rules kept everywhere: ``class`` lower case whatever the release prints;
numbers are ints; an address and its prefix length are split; keys whose
value is empty on the host are absent, not null.

Shipped to minions through ``_utils``: Python 3.6 compatible, standard
library only, no relative imports.
"""

import re

__virtualname__ = "ipmp_parse_s11"

#: ``-o`` field lists the modules ask for (ipmpstat reads are shared by
#: ``ipmp`` and ``ipadm``, so one spelling keeps one cache entry).
IPMPSTAT_FIELDS = {
    "g": ["group", "groupname", "state", "fdt", "interfaces"],
    "i": ["interface", "active", "group", "flags", "link", "probe", "state"],
    "a": ["address", "state", "group", "inbound", "outbound"],
    "t": ["interface", "mode", "testaddr", "targets"],
}
SHOW_IF_FIELDS = {
    "solaris11": ["ifname", "class", "state", "active", "over", "persistent"],
    "illumos": ["ifname", "class", "state", "current", "persistent"],
}
SHOW_ADDR_FIELDS = ["addrobj", "type", "state", "current", "persistent", "addr"]
SHOW_IFPROP_FIELDS = [
    "ifname", "property", "proto", "perm", "current", "persistent", "default", "possible",
]

#: ipmpstat -i FLAGS letters (fixed positions in ipmpstat.c; read by letter).
IPMPSTAT_FLAGS = (
    ("i", "inactive"),
    ("s", "standby"),
    ("m", "mcast"),
    ("b", "bcast"),
    ("M", "mcast6"),
    ("d", "down"),
    ("h", "dup_hwaddr"),
)

#: illumos ``show-if`` CURRENT letters (ipadm.c intf_cflags).
IPADM_IF_CURRENT = (
    ("b", "broadcast"), ("m", "multicast"), ("p", "pointopoint"), ("v", "virtual"),
    ("I", "ipmp"), ("s", "standby"), ("i", "inactive"), ("V", "vrrp"),
    ("a", "noaccept"), ("Z", "l3protect"), ("4", "ipv4"), ("6", "ipv6"),
)

#: ifprop values that are names, never numbers.
_NAME_PROPS = ("group", "fwifgroup")

_FDT_RE = re.compile(r"^([0-9]+)(?:\.([0-9]+))?s\Z")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def _value(row, key):
    """A field's value stripped, or None when absent or empty (``--``, ``?``
    never appear in parsable output, but a hand-made line may hold them)."""
    value = row.get(key)
    if value is None:
        return None
    value = value.strip()
    if value in ("", "--"):
        return None
    return value


def _named(rows, key):
    """``(name, row)`` for each row whose ``key`` field has a value."""
    for row in rows:
        name = _value(row, key)
        if name is not None:
            yield name, row


def _copy(entry, row, fields, rename=None):
    """Set ``entry[field]`` (or ``entry[rename[field]]``) for each of ``fields``
    that has a value in ``row``; returns ``entry``."""
    for field in fields:
        value = _value(row, field)
        if value is not None:
            entry[(rename or {}).get(field, field)] = value
    return entry


def _words(value):
    return [part for part in (value or "").split() if part and part != "--"]


def _yes(value):
    return (value or "").strip().lower() == "yes"


def _letters(value, table):
    """Names of the flag letters present in a dash-filled flag field."""
    value = value or ""
    return [name for letter, name in table if letter in value]


def _flagged(value):
    """True when a dash-filled flag field has any letter set."""
    return bool((value or "").strip().strip("-"))


def ipmpstat_fields(mode):
    """The ``-o`` fields asked of ``ipmpstat -<mode>`` (``g``, ``i``, ``a``,
    ``t``), a fresh list (Salt's loader exposes functions, not constants)."""
    return list(IPMPSTAT_FIELDS[mode])


def ipadm_fields(subcommand, platform="solaris11"):
    """The ``-o`` fields asked of ``ipadm <subcommand>`` (``show-if``,
    ``show-addr``, ``show-ifprop``) on ``platform``."""
    if subcommand == "show-if":
        return list(SHOW_IF_FIELDS["illumos" if platform == "illumos" else "solaris11"])
    if subcommand == "show-addr":
        return list(SHOW_ADDR_FIELDS)
    if subcommand == "show-ifprop":
        return list(SHOW_IFPROP_FIELDS)
    raise ValueError("no field list for ipadm {}".format(subcommand))


# ---------------------------------------------------------------- ipmpstat


def fdt_ms(value):
    """``10.00s`` -> 10000 (ms, int); None when empty (probing disabled)."""
    value = (value or "").strip()
    match = _FDT_RE.match(value)
    if not match:
        return None
    frac = (match.group(2) or "") + "000"
    return int(match.group(1)) * 1000 + int(frac[:3])


def interfaces_field(value):
    """
    Split ipmpstat -g's INTERFACES (``net0 net1 (net2) [net3 net4]``):
    bare names are active, ``(...)`` inactive (an idle standby, or a member
    kept inactive by FAILBACK=no), ``[...]`` unusable (failed, offline,
    down).  Returns ``{"active": [...], "inactive": [...], "unusable":
    [...]}`` in the order printed.
    """
    result = {"active": [], "inactive": [], "unusable": []}
    for part in re.findall(r"\([^)]*\)|\[[^\]]*\]|[^\s()\[\]]+", value or ""):
        if part.startswith("("):
            result["inactive"].extend(part[1:-1].split())
        elif part.startswith("["):
            result["unusable"].extend(part[1:-1].split())
        elif part != "--":
            result["active"].append(part)
    return result


def ipmpstat_g(rows):
    """
    ``ipmpstat -gP -o group,groupname,state,fdt,interfaces`` ->
    ``{groupname: {"interface": "ipmp0", "state": "ok", "fdt": 10000,
    "active": [...], "inactive": [...], "unusable": [...]}}``.

    Keyed by the group name (GROUPNAME), which may differ from the IPMP
    interface's name (GROUP, under ``interface``).  ``fdt`` (ms) is absent
    when probe-based detection is off.  The anonymous group (empty
    GROUPNAME) is not an IPMP group and is left out.
    """
    out = {}
    for name, row in _named(rows, "groupname"):
        entry = _copy({}, row, ("group", "state"), {"group": "interface"})
        fdt = fdt_ms(row.get("fdt"))
        if fdt is not None:
            entry["fdt"] = fdt
        if "interfaces" in row:
            entry.update(interfaces_field(row["interfaces"]))
        out[name] = entry
    return out


def ipmpstat_i(rows):
    """
    ``ipmpstat -iP -o interface,active,group,flags,link,probe,state`` ->
    ``{"net0": {"active": True, "group": "ipmp0", "flags": ["standby"],
    "link": "up", "probe": "ok", "state": "ok"}}``.

    ``group`` is the IPMP interface's name (absent for the anonymous
    group); ``flags`` names the FLAGS letters set (``inactive``,
    ``standby``, ``mcast``, ``bcast``, ``mcast6``, ``down``, ``dup_hwaddr``),
    read by letter, not by position.
    """
    out = {}
    for name, row in _named(rows, "interface"):
        entry = {}
        if "active" in row:
            entry["active"] = _yes(row["active"])
        if "flags" in row:
            entry["flags"] = _letters(row["flags"], IPMPSTAT_FLAGS)
        out[name] = _copy(entry, row, ("group", "link", "probe", "state"))
    return out


def ipmpstat_a(rows):
    """
    ``ipmpstat -anP -o address,state,group,inbound,outbound`` -> a list, one
    ``{"address": "192.168.1.50", "state": "up", "group": "ipmp0",
    "inbound": "net0", "outbound": ["net0", "net1"]}`` per row, in order.

    A list, not a dict: every IPMP interface may show the same ``0.0.0.0``
    / ``::`` placeholder.  ``group`` is the IPMP interface's name;
    ``inbound`` is absent when no interface receives for the address.
    """
    out = []
    for addr, row in _named(rows, "address"):
        entry = _copy({"address": addr}, row, ("state", "group", "inbound"))
        if "outbound" in row:
            entry["outbound"] = _words(row["outbound"])
        out.append(entry)
    return out


def ipmpstat_t(rows):
    """
    ``ipmpstat -tnP -o interface,mode,testaddr,targets`` -> a list, one
    ``{"interface": "net0", "mode": "routes", "testaddr": "10.0.0.11",
    "targets": ["10.0.0.1"]}`` per row (one row per address family that
    probes; ``testaddr`` absent when probing is disabled).  MODE words are
    kept as printed (``routes``, ``multicast``, ``disabled``, and whatever a
    release adds).
    """
    out = []
    for name, row in _named(rows, "interface"):
        entry = _copy({"interface": name}, row, ("mode", "testaddr"))
        if "targets" in row:
            entry["targets"] = _words(row["targets"])
        out.append(entry)
    return out


# ---------------------------------------------------------------- ipadm


def ipadm_show_if(rows, members=None):
    """
    ``ipadm show-if -p -o <fields>`` -> ``{"ipmp0": {"class": "ipmp",
    "state": "ok", "active": True, "over": ["net0", "net1"],
    "persistent": True}}``.

    ``class`` is lower case (illumos prints ``IP``, ``IPMP``, ``VIRTUAL``).
    ``over`` is the OVER field in the order printed (Solaris 11); illumos
    has no OVER, so the members of an IPMP interface come from
    ``members`` (``{ipmp interface: [names]}``, from ``ipmpstat -i``).
    ``active`` is ACTIVE on Solaris 11; illumos has no ACTIVE: there it is
    derived, true when the state is ``ok`` and CURRENT has no ``i``
    (inactive).  ``persistent`` is false when PERSISTENT is all dashes (a
    temporary object, ``-t``).
    """
    members = members or {}
    out = {}
    for name, row in _named(rows, "ifname"):
        entry = _copy({}, row, ("class", "state"))
        if "class" in entry:
            entry["class"] = entry["class"].lower()
        state = entry.get("state")
        if "active" in row:
            entry["active"] = _yes(row["active"])
        elif "current" in row:
            entry["active"] = state == "ok" and "i" not in (row["current"] or "")
        if "over" in row:
            entry["over"] = _words(row["over"])
        elif entry.get("class") == "ipmp" or name in members:
            entry["over"] = list(members.get(name, []))
        else:
            entry["over"] = []
        if "persistent" in row:
            entry["persistent"] = _flagged(row["persistent"])
        out[name] = entry
    return out


def split_addr(value):
    """
    An ipadm ADDR field as ``{"address": ..., "prefixlen": int}``:
    ``a.b.c.d/plen``, ``v6/plen``, ``fe80::1%net0/10`` (zone suffix
    dropped), ``local->remote`` (``destination`` added), ``?`` (a DHCP
    address not yet bound: ``{}``) or a stored host name (a disabled static
    address, kept as printed).
    """
    value = (value or "").strip()
    if value in ("", "?", "--"):
        return {}
    entry = {}
    if "->" in value:
        value, dest = value.split("->", 1)
        if dest.strip():
            entry["destination"] = dest.strip()
    base, slash, plen = value.partition("/")
    if slash and plen.isdigit():
        entry["prefixlen"] = int(plen)
    else:
        base = value
    if "%" in base:
        base = base.split("%", 1)[0]
    if base:
        entry["address"] = base
    return entry


def ipadm_show_addr(rows):
    """
    ``ipadm show-addr -p -o addrobj,type,state,current,persistent,addr`` ->
    ``{"ipmp0/v4": {"interface": "ipmp0", "type": "static", "state": "ok",
    "address": "192.168.1.50", "prefixlen": 24, "persistent": True}}``.

    An unnamed address prints as ``<if>/?``; a second one of the same
    interface is keyed ``<if>/?2`` and so on.  ``persistent`` is true when
    PERSISTENT has a flag set (``U``, ``p``, ``d``); a temporary address
    prints dashes only, as does a persistent address stored down.
    """
    out = {}
    for name, row in _named(rows, "addrobj"):
        key = name
        count = 1
        while key in out:
            count += 1
            key = "{}{}".format(name, count)
        entry = _copy({"interface": name.split("/", 1)[0]}, row, ("type", "state"))
        if "addr" in row:
            entry.update(split_addr(row["addr"]))
        if "persistent" in row:
            entry["persistent"] = _flagged(row["persistent"])
        out[key] = entry
    return out


def _prop_value(prop, value):
    value = (value or "").strip()
    if value in ("", "--", "?"):
        return None
    if prop not in _NAME_PROPS and re.match(r"^[0-9]{1,18}\Z", value):
        return int(value)
    return value


def ipadm_show_ifprop(rows):
    """
    ``ipadm show-ifprop -c -o ifname,property,proto,perm,current,persistent,
    default,possible`` -> ``{"net0": {"ip": {"standby": {"perm": "rw",
    "current": "off", "default": "off", "possible": ["on", "off"]}}}}``:
    interface, then protocol, then property.  Values are kept as printed
    except whole numbers, which are ints (never for the name-valued
    ``group`` and ``fwifgroup``); ``possible`` is split on ``,``; empty
    values are absent.
    """
    out = {}
    for name, row in _named(rows, "ifname"):
        prop = _value(row, "property")
        if prop is None:
            continue
        proto = _value(row, "proto") or ""
        entry = _copy({}, row, ("perm",))
        for field in ("current", "persistent", "default"):
            value = _prop_value(prop, row.get(field))
            if value is not None:
                entry[field] = value
        possible = _value(row, "possible")
        if possible is not None:
            entry["possible"] = [p for p in possible.split(",") if p]
        out.setdefault(name, {}).setdefault(proto, {})[prop] = entry
    return out


# ---------------------------------------------------------------- errors

#: Known traps (shared/reference/solaris11-illumos-facts.md §1, §4, §5):
#: a phrase of the tool's own error and what to do about it.
IPADM_HINTS = (
    (
        "Persistent operation on temporary object",
        "the object exists only in the active configuration (made with -t, or "
        "by a reactive/Automatic NCP); pass temporary=True, or recreate it "
        "persistently (on Solaris 11 switch to the DefaultFixed NCP: "
        "netadm enable -p ncp DefaultFixed)",
    ),
    (
        "managed by dhcpagent",
        "an IPMP member must not hold DHCP or addrconf addresses: delete them "
        "first (ipadm.show_addr <if>/, then ipadm.delete_addr <addrobj>) and "
        "put data addresses on the IPMP interface",
    ),
    (
        "Cannot ping in.mpathd",
        "in.mpathd is not answering: check svc:/network/ipmp "
        "(svcs -x svc:/network/ipmp:default; svcadm enable svc:/network/ipmp)",
    ),
    (
        "IPMP group is not empty",
        "remove the members first (ipadm.remove_ipmp), then delete the IPMP interface",
    ),
    (
        "Interface already in use",
        "the interface is already in an IPMP group: remove it there first",
    ),
    (
        "Operation not supported on disabled object",
        "the IPMP interface or the member is disabled or not created: "
        "ipadm.create_ip / ipadm enable-if -t first",
    ),
    (
        "Interface does not exist",
        "create the IP interface first (ipadm.create_ip or ipadm.create_ipmp)",
    ),
    (
        "Address object already exists",
        "choose another address object name or delete the old one (ipadm.delete_addr)",
    ),
    (
        "unrecognized option '-t'",
        "illumos ipadm rejects -t on the *-ipmp subcommands; salt-ipmp passes "
        "--temporary there: check the ipmp.platform setting",
    ),
    (
        "Could not communicate with ipmgmtd",
        "svc:/network/ip-interface-management is not running (svcs -x)",
    ),
)


def ipadm_hint(text):
    """An actionable hint for a known ipadm error text, or None."""
    text = text or ""
    for phrase, hint in IPADM_HINTS:
        if phrase.lower() in text.lower():
            return hint
    return None
