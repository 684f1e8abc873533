"""
The one model of IPMP state: what each interface of a group is doing, what
state the group is in, where its data addresses are, and whether a step
would take away a group's last working interface.

Pure functions over plain data: no Salt, no I/O.  Every question of the
kind "is this interface usable" is answered here and nowhere else: the
``ipmp`` and ``ifconfig`` execution modules, the ``ipmp_group`` state, the
event watcher and the alert runner all ask this module.

The model is fed observations.  :func:`observe_ifconfig` turns parsed
``ifconfig -a`` output (Solaris 10, where in.mpathd's flags say everything)
into an :class:`Observed`; :func:`observe_ipmpstat` builds the same
:class:`Member` records from Solaris 11 / illumos ``ipmpstat -P`` output,
and everything below (:func:`status`, the refusals, :func:`snapshot`) works
unchanged.
"""

import ipaddress

__virtualname__ = "ipmp_model"

FAMILIES = ("inet", "inet6")

#: Interface states, as ``ipmp.status`` reports them.
STATES = ("active", "standby", "inactive", "failed", "offline")
#: States that still carry traffic or can take it over (ipmpstat's "usable").
USABLE = ("active", "standby", "inactive")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


# --------------------------------------------------------------------------
# one interface: flags to state
# --------------------------------------------------------------------------
def interface_state(flags):
    """The state of a group member from in.mpathd's flags, worst first:
    ``offline``, ``failed``, ``standby`` (idle standby), ``inactive``,
    ``active``."""
    flags = set(flags or ())
    if "OFFLINE" in flags:
        return "offline"
    if "FAILED" in flags:
        return "failed"
    if "INACTIVE" in flags:
        return "standby" if "STANDBY" in flags else "inactive"
    return "active"


def working(flags):
    """True when an interface can carry (or take over) a group's data
    addresses in one address family: its link is running and in.mpathd has
    neither failed nor offlined it.

    IFF_UP is not required: in.mpathd picks failover targets by its own
    state (``get_failover_dst``), and a standby, or a NIC whose data
    address was failed over, keeps a ``0.0.0.0`` placeholder that is down
    and still takes addresses over.
    """
    flags = set(flags or ())
    return "RUNNING" in flags and not flags & {"FAILED", "OFFLINE"}


def carries_data(flags):
    """Working and not an idle standby (STANDBY and INACTIVE)."""
    flags = set(flags or ())
    return working(flags) and not ("STANDBY" in flags and "INACTIVE" in flags)


def condition(flags):
    """A word for why an interface is or is not working (refusal texts)."""
    flags = set(flags or ())
    for flag, word in (("OFFLINE", "offline"), ("FAILED", "failed")):
        if flag in flags:
            return word
    if "RUNNING" not in flags:
        return "link down"
    if "STANDBY" in flags and "INACTIVE" in flags:
        return "standby"
    if "UP" not in flags:
        return "down"
    return "active"


def usable(state):
    """True for the states ``ipmpstat`` counts as usable."""
    return state in USABLE


# --------------------------------------------------------------------------
# addresses
# --------------------------------------------------------------------------
def ip(text):
    """Normalised address of a literal (a ``/prefix`` dropped), or None."""
    if not isinstance(text, str):
        return None
    try:
        return str(ipaddress.ip_address(text.split("/", 1)[0]))
    except ValueError:
        return None


def is_unset(addr):
    """True for ``0.0.0.0`` / ``::`` and for anything that is not an address."""
    try:
        return ipaddress.ip_address(addr).is_unspecified
    except ValueError:
        return True


def is_data_address(addr, flags):
    """A group data address: set, not link-local, not a test address
    (NOFAILOVER)."""
    norm = ip(addr)
    if norm is None or "NOFAILOVER" in set(flags or ()):
        return False
    parsed = ipaddress.ip_address(norm)
    return not (parsed.is_unspecified or parsed.is_link_local)


def address_key(addr):
    """Sort key: IPv4 before IPv6, then numerically."""
    parsed = ipaddress.ip_address(addr)
    return (parsed.version, int(parsed))


def unit_key(name):
    """Sort key for interface names: physical name, then logical unit."""
    phys, _, unit = name.partition(":")
    return (phys, int(unit) if unit.isdigit() else 0)


def physical(name):
    """``bge0`` for ``bge0:1``."""
    return name.split(":", 1)[0]


# --------------------------------------------------------------------------
# observations
# --------------------------------------------------------------------------
class Member(object):
    """One physical interface of a group, as observed.

    ``state`` is its :data:`STATES` value; ``families`` maps each address
    family it is plumbed for to ``{"flags": set, "working": bool,
    "carries_data": bool, "condition": str}``; ``test_addresses`` maps
    ``test_address`` / ``test_address6`` to the address.
    """

    def __init__(self, name, group, state, families=None, test_addresses=None):
        self.name = name
        self.group = group
        self.state = state
        self.families = families or {}
        self.test_addresses = test_addresses or {}

    def working(self, family=None):
        """Working in ``family``, or (None) in any family it is plumbed for."""
        if family is not None:
            return bool(self.families.get(family, {}).get("working"))
        return any(f.get("working") for f in self.families.values())


class Observed(object):
    """What a host reports about its IPMP groups.

    ``members`` {physical: :class:`Member`}; ``addresses`` {group: [data
    addresses]}; ``groups`` {group: IPMP interface name or None} (None on
    Solaris 10, where a group has no interface of its own).
    """

    def __init__(self, members=None, addresses=None, groups=None, probing=None):
        self.members = members or {}
        self.addresses = addresses or {}
        self.groups = groups or {}
        #: groups in.mpathd probes (ipmpstat -g prints an FDT), 5.11 only
        self.probing = set(probing or ())

    def group_members(self, group, family=None):
        """Members of ``group`` (plumbed for ``family`` when given), by name."""
        return [
            self.members[name]
            for name in sorted(self.members, key=unit_key)
            if self.members[name].group == group
            and (family is None or family in self.members[name].families)
        ]


def _family_view(inst):
    flags = set(inst.get("flags") or ())
    return {
        "flags": flags,
        "working": working(flags),
        "carries_data": carries_data(flags),
        "condition": condition(flags),
    }


def group_of(entry, name=None):
    """The group an ``ifconfig -a`` entry of a physical interface is in (its
    IPv4 groupname, else its IPv6 one), or None."""
    names = []
    for fam in FAMILIES:
        inst = entry.get(fam)
        if isinstance(inst, dict) and inst.get("groupname"):
            names.append(inst["groupname"])
    return names[0] if names else None


def observe_ifconfig(data):
    """An :class:`Observed` from parsed ``ifconfig -a`` (``ipmp_parse.ifconfig``).

    A physical interface is a member of the group its ``groupname`` names;
    an interface with the ``IPMP`` flag (Solaris 11 / illumos) is the
    group's IPMP interface, holding data addresses but not a member.  The
    member state merges the flags of both families of the physical
    interface; data and test addresses come from the physical interface and
    its logical ones.
    """
    observed = Observed()
    stanzas = {}
    for name in sorted(data, key=unit_key):
        stanzas.setdefault(physical(name), []).append(data[name])
    for phys in sorted(stanzas, key=unit_key):
        entry = data.get(phys) or {}
        group = group_of(entry)
        if group is None:
            continue
        flags = set()
        families = {}
        for fam in FAMILIES:
            inst = entry.get(fam)
            if isinstance(inst, dict):
                flags.update(inst.get("flags") or ())
                families[fam] = _family_view(inst)
        found = observed.addresses.setdefault(group, [])
        tests = {}
        for stanza in stanzas[phys]:
            for fam, key in (("inet", "test_address"), ("inet6", "test_address6")):
                inst = stanza.get(fam)
                if not isinstance(inst, dict) or "address" not in inst:
                    continue
                addr = inst["address"]
                if is_unset(addr):
                    continue
                if "NOFAILOVER" in (inst.get("flags") or ()):
                    tests.setdefault(key, addr)
                elif is_data_address(addr, ()) and addr not in found:
                    found.append(addr)
        if "IPMP" in flags:
            observed.groups[group] = phys
            continue
        observed.groups.setdefault(group, None)
        observed.members[phys] = Member(phys, group, interface_state(flags), families, tests)
    return observed


def ipmpstat_state(info):
    """
    A member's :data:`STATES` value from its parsed ``ipmpstat -i`` row
    (``ipmp_parse_s11.ipmpstat_i``), worst first:

    - STATE ``offline`` -> ``offline``; STATE ``failed`` -> ``failed``;
    - ACTIVE ``yes`` -> ``active`` (a standby that took over is active);
    - FLAGS ``i`` (inactive): with ``s`` (standby) -> ``standby``, without
      (kept inactive by FAILBACK=no) -> ``inactive``;
    - anything else (not active, not inactive: FLAGS ``d``, down, or a link
      that is down while in.mpathd has not decided) is not usable and
      reported as ``failed``.
    """
    info = info or {}
    state = info.get("state")
    flags = set(info.get("flags") or ())
    if state == "offline" or "dup_hwaddr" in flags:
        return "offline"
    if state == "failed":
        return "failed"
    if info.get("active"):
        return "active"
    if "inactive" in flags:
        return "standby" if "standby" in flags else "inactive"
    return "failed"


def ipmpstat_view(info, state):
    """
    The per-family view of a 5.11 member (``Member.families[fam]``).

    ipmpstat reports a member once for both families (Clearview's
    in.mpathd tracks one phyint), so every family it is plumbed for gets
    the same view: ``working`` when its state is usable (active, standby,
    inactive) and LINK is not ``down``; ``carries_data`` when working and
    not an idle standby.  ``flags`` holds the Solaris 10 flag names these
    facts amount to, so that flag-based callers read the same words.
    """
    info = info or {}
    marks = set(info.get("flags") or ())
    flags = set()
    if info.get("link") != "down":
        flags.add("RUNNING")
    if "down" not in marks:
        flags.add("UP")
    if state == "offline":
        flags.add("OFFLINE")
    elif state == "failed":
        flags.add("FAILED")
    if "inactive" in marks:
        flags.add("INACTIVE")
    if "standby" in marks:
        flags.add("STANDBY")
    good = usable(state) and info.get("link") != "down"
    cond = state
    if state == "failed" and info.get("state") != "failed":
        cond = "link down" if info.get("link") == "down" else "down"
    elif state == "active" and info.get("link") == "down":
        cond = "link down"
    return {
        "flags": flags,
        "working": good,
        "carries_data": good and state != "standby",
        "condition": cond,
    }


def _family_of(addr):
    norm = ip(addr)
    if norm is None:
        return None
    return "inet" if ipaddress.ip_address(norm).version == 4 else "inet6"


def observe_ipmpstat(groups_rows, interfaces_rows, addresses_rows=None, targets_rows=None):
    """An :class:`Observed` from parsed ``ipmpstat -P -o`` output (Solaris
    11, illumos): ``ipmp_parse_s11.ipmpstat_g`` / ``_i`` / ``_a`` / ``_t``.

    Groups are keyed by group name; ``groups[group]`` is the IPMP
    interface's name (ipmpstat -i and -a name groups by that interface, -g
    maps it to the group name).  A member's state is
    :func:`ipmpstat_state`, its per-family view :func:`ipmpstat_view`.  The
    families of a member are those of its IPMP interface (every address,
    placeholders included, that ``-a`` shows on it; IPv4 when ``-a`` was
    not read or shows none) plus those it has a test address in.  Test
    addresses come from ``-t`` (the first per family); data addresses from
    ``-a``, without the ``0.0.0.0`` / ``::`` placeholders and link-local
    addresses.  ``probing`` holds the groups whose ``-g`` row has an FDT.
    """
    observed = Observed()
    by_iface = {}
    for name, info in sorted((groups_rows or {}).items()):
        iface = info.get("interface")
        observed.groups[name] = iface
        observed.addresses.setdefault(name, [])
        if iface:
            by_iface[iface] = name
        if info.get("fdt") is not None:
            observed.probing.add(name)
    plumbed = {}
    for row in addresses_rows or ():
        group = by_iface.get(row.get("group"))
        fam = _family_of(row.get("address"))
        if group is None or fam is None:
            continue
        plumbed.setdefault(group, set()).add(fam)
        addr = ip(row["address"])
        if is_data_address(addr, ()) and addr not in observed.addresses[group]:
            observed.addresses[group].append(addr)
    tests = {}
    for row in targets_rows or ():
        fam = _family_of(row.get("testaddr"))
        if fam is None or is_unset(row["testaddr"]):
            continue
        key = "test_address" if fam == "inet" else "test_address6"
        tests.setdefault(row["interface"], {}).setdefault(key, ip(row["testaddr"]))
    for name in sorted(interfaces_rows or {}, key=unit_key):
        info = interfaces_rows[name]
        group = by_iface.get(info.get("group"))
        if group is None:
            continue
        state = ipmpstat_state(info)
        mine = tests.get(name, {})
        families = set(plumbed.get(group) or ("inet",))
        if "test_address6" in mine:
            families.add("inet6")
        if "test_address" in mine:
            families.add("inet")
        view = ipmpstat_view(info, state)
        observed.members[name] = Member(
            name, group, state, dict((fam, dict(view)) for fam in sorted(families)), mine
        )
    return observed


# --------------------------------------------------------------------------
# group status (the ipmp.status contract)
# --------------------------------------------------------------------------
def group_state(states):
    """``ok`` when every member is usable, ``failed`` when none is,
    else ``degraded``."""
    states = list(states)
    good = [s for s in states if usable(s)]
    if not good:
        return "failed"
    if len(good) < len(states):
        return "degraded"
    return "ok"


def status(observed):
    """The ``ipmp.status`` return for every group of ``observed``; a group
    with an IPMP interface of its own (Solaris 11, illumos) also names it
    under ``interface``.  ``failure_detection`` is ``probe`` when a member
    has a test address or in.mpathd probes the group (an FDT in
    ``ipmpstat -g``, e.g. transitive probing), else ``link``."""
    out = {}
    for group in sorted(observed.groups):
        members = observed.group_members(group)
        interfaces = {}
        detection = "link"
        for member in members:
            info = {"state": member.state}
            info.update(member.test_addresses)
            if member.test_addresses:
                detection = "probe"
            interfaces[member.name] = info
        if group in observed.probing:
            detection = "probe"
        entry = {
            "state": group_state(i["state"] for i in interfaces.values()),
            "failure_detection": detection,
            "interfaces": interfaces,
            "addresses": sorted(observed.addresses.get(group, []), key=address_key),
        }
        if observed.groups.get(group):
            entry["interface"] = observed.groups[group]
        out[group] = entry
    return out


def groups(observed):
    """``{group: [member names]}``, members sorted."""
    out = {}
    for name in sorted(observed.members, key=unit_key):
        out.setdefault(observed.members[name].group, []).append(name)
    return out


# --------------------------------------------------------------------------
# never cut a host off
# --------------------------------------------------------------------------
def offline_refusal(observed, interface):
    """Why ``if_mpadm -d interface`` must not run, or None.

    Refused when the interface is already offline, or when, in an address
    family it is plumbed for, no other member of its group plumbed for that
    family is working: offlining it would leave the group with no interface
    to carry (or take over) its addresses of that family.  in.mpathd's own
    rule (``MI_OFFLINE`` with a minimum redundancy of one) counts
    interfaces, not families, so it would let the only IPv6 interface go;
    this rule is per family, like :func:`takeaway_refusal`.
    """
    member = observed.members.get(interface)
    if member is None:
        return None
    if member.state == "offline":
        return "{} is already offline".format(interface)
    others = [m for m in observed.group_members(member.group) if m.name != interface]
    families = [fam for fam in FAMILIES if fam in member.families]
    if not families:
        if any(usable(m.state) for m in others):
            return None
        families = [None]
    for fam in families:
        if fam is not None:
            peers = [m for m in others if fam in m.families]
            if any(m.families[fam]["working"] for m in peers):
                continue
            mine = member.working(fam)
        else:
            mine = usable(member.state)
        label = "IPv6 " if fam == "inet6" else ""
        if mine:
            why = "it is the last working {}interface of IPMP group {}".format(label, member.group)
        else:
            why = "no other {}interface of IPMP group {} is working".format(label, member.group)
        listed = []
        for m in others:
            if fam is None or fam in m.families:
                cond = m.state
                if fam is not None and m.state in USABLE and not m.families[fam]["working"]:
                    cond = m.families[fam]["condition"]
                listed.append("{} {}".format(m.name, cond))
            else:
                listed.append("{} not plumbed for IPv{}".format(m.name, 6 if fam == "inet6" else 4))
        return "Refusing to offline {}: {} ({})".format(
            interface, why, ", ".join(listed) or "no other interfaces"
        )
    return None


def takeaway_refusal(observed, interface, family, leaves=None, standby=None, joins=None):
    """Why a change must not run because it takes ``interface`` away from a
    group in ``family``, or None.

    ``standby`` (a group name): the interface, carrying data in that group,
    is to become a standby; refused unless another member of the group
    carries data.  ``leaves`` (a group name): the interface, working in
    that group, is to move to group ``joins``; refused unless another
    member of the group it leaves is working.
    """
    member = observed.members.get(interface)
    if member is None or not member.working(family):
        return None
    view = member.families[family]
    checks = []
    if standby is not None and member.group == standby and view["carries_data"]:
        checks.append((standby, "mark {} standby".format(interface), "carries_data"))
    if leaves:
        action = "move {} from group {} to {}".format(interface, leaves, joins)
        checks.append((leaves, action, "working"))
    for victim, action, rule in checks:
        others = [m for m in observed.group_members(victim, family) if m.name != interface]
        if any(m.families[family][rule] for m in others):
            continue
        state = (
            ", ".join("{}: {}".format(m.name, m.families[family]["condition"]) for m in others)
            or "no other interface"
        )
        return (
            "Refusing to {}: it is the last working interface of group {} "
            "({}). Nothing further was changed; repair the group and run the "
            "state again.".format(action, victim, state)
        )
    return None


def data_addresses(data, group, family, also=None):
    """The data addresses of ``family`` that parsed ``ifconfig -a`` shows on
    the members of ``group`` (and on interface ``also``), physical and
    logical interfaces alike, normalised."""
    physicals = set(
        name
        for name, entry in data.items()
        if ":" not in name and (entry.get(family) or {}).get("groupname") == group
    )
    if also:
        physicals.add(also)
    found = []
    for name in sorted(data, key=unit_key):
        if physical(name) not in physicals:
            continue
        inst = data[name].get(family) or {}
        if is_data_address(inst.get("address"), inst.get("flags")):
            addr = ip(inst["address"])
            if addr not in found:
                found.append(addr)
    return found


def carried_addresses(data, group, family, also=None, skip=None):
    """The data addresses of ``family`` that parsed ``ifconfig -a`` shows on
    an interface able to carry them: an up stanza (physical or logical) of a
    physical interface that is in ``group`` (or is ``also``) and working in
    ``family`` (running, neither FAILED nor OFFLINE).  An address in.mpathd
    left on a failed or offline interface, or on one of another group, does
    not count.  ``skip`` names one stanza (``bge0``) whose address is about
    to be overwritten.  Normalised, in interface order."""
    found = []
    for name in sorted(data, key=unit_key):
        if name == skip:
            continue
        phys = physical(name)
        base = (data.get(phys) or {}).get(family) or {}
        if phys != also and base.get("groupname") != group:
            continue
        if not working(base.get("flags")):
            continue
        inst = data[name].get(family) or {}
        flags = set(inst.get("flags") or ())
        if "UP" not in flags or not is_data_address(inst.get("address"), flags):
            continue
        addr = ip(inst["address"])
        if addr not in found:
            found.append(addr)
    return found


def move_refusal(data, interface, family, leaves, joins):
    """Why moving ``interface`` from group ``leaves`` to ``joins`` must not
    run, or None: an interface in.mpathd has failed or offlined had its data
    addresses failed over to the other members of its group, and leaving the
    group would take them back onto an interface that cannot carry them."""
    if not leaves or leaves == joins:
        return None
    flags = set(((data.get(interface) or {}).get(family) or {}).get("flags") or ())
    cond = "offline" if "OFFLINE" in flags else "failed" if "FAILED" in flags else None
    if cond is None:
        return None
    return (
        "Refusing to move {} from group {} to {}: it is {}, so in.mpathd has moved "
        "its data addresses to other interfaces of {}, and leaving the group would "
        "take them back onto an interface that cannot carry them. Nothing further "
        "was changed; repair {} (or ipmp.online it) and run the state again.".format(
            interface, leaves, joins, cond, leaves, interface
        )
    )


# --------------------------------------------------------------------------
# snapshots: what a change of status is made of
# --------------------------------------------------------------------------
def snapshot(status_):
    """Reduce an ``ipmp.status`` return to the group and interface states,
    ``{group: {"state": ..., "interfaces": {name: state}}}``: what the
    watcher compares between polls and the runner between an alert and its
    summary.  JSON round-trips unchanged."""
    snap = {}
    if not isinstance(status_, dict):
        return snap
    for group, info in status_.items():
        if not isinstance(info, dict):
            continue
        ifaces = info.get("interfaces") or {}
        snap[group] = {
            "state": info.get("state"),
            "interfaces": dict(
                (name, (val or {}).get("state"))
                for name, val in ifaces.items()
                if isinstance(val, dict)
            ),
        }
    return snap


def members_in(info, states):
    """Sorted names of a status entry's interfaces in one of ``states``."""
    return sorted(
        name
        for name, val in ((info or {}).get("interfaces") or {}).items()
        if (val or {}).get("state") in states
    )


def worst(states):
    """The worst of several group states (``failed`` > ``degraded`` > ``ok``)."""
    states = list(states)
    for word in ("failed", "degraded"):
        if word in states:
            return word
    return "ok" if states else None
