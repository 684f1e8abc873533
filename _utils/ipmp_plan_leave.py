"""
Taking interfaces out of an IPMP group, or dismantling it, without leaving a
data address on no working interface: the plans behind ``ipmp_group.absent``.

Pure functions over plain data: no Salt, no I/O.

* Solaris 10: each leaving member gets ``ifconfig <if> <family> group ""``
  (and ``-standby``); its addresses stay on it, so a member can leave only
  while it works (a failed or offline member's addresses live on another
  member).  Its hostname files lose ``group <name>`` and ``standby``, so a
  reboot does not put it back.
* Solaris 11 and illumos: ``ipadm remove-ipmp`` per member (standby turned
  off first).  Dismantling also deletes the IPMP interface, and with it its
  data addresses (the documented procedure), so they are first carried over
  to a working former member: the one step where an address is briefly
  absent, the price of giving up the group.
"""

import ipaddress

__virtualname__ = "ipmp_plan_leave"

FAMILIES = ("inet", "inet6")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


# --------------------------------------------------------------------------
# Solaris 10
# --------------------------------------------------------------------------
def hostname_without_group(text, group):
    """``text`` of a hostname file with ``group <group>`` and ``standby``
    dropped from every line, or None when the file does not name the group.
    Other words (addresses, test addresses, ``up``) stay as they are."""
    if text is None:
        return None
    out = []
    found = False
    for line in text.splitlines():
        words = line.split()
        kept = []
        i = 0
        while i < len(words):
            if words[i] == "group" and i + 1 < len(words) and words[i + 1] == group:
                found = True
                i += 2
                continue
            if words[i] == "standby":
                i += 1
                continue
            kept.append(words[i])
            i += 1
        out.append(" ".join(kept) if words else line)
    if not found:
        return None
    return "".join(line + "\n" for line in out)


def ifconfig_leave(show, group, leaving):
    """``[(interface, family, tokens)]`` taking ``leaving`` out of ``group``
    (parsed ``ifconfig -a``): standby members first, by name."""
    steps = []
    for name in sorted(leaving, key=lambda n: (not _standby(show, n), n)):
        for family in FAMILIES:
            inst = (show.get(name) or {}).get(family)
            if not isinstance(inst, dict) or inst.get("groupname") != group:
                continue
            tokens = ["group", ""]
            if "STANDBY" in (inst.get("flags") or ()):
                tokens.append("-standby")
            steps.append((name, family, tokens))
    return steps


def _standby(show, name):
    return any(
        "STANDBY" in ((show.get(name) or {}).get(f) or {}).get("flags", ())
        for f in FAMILIES
    )


def members_s10(show, group):
    """Physical interfaces whose ``groupname`` is ``group`` in a family."""
    return sorted(
        name for name, entry in show.items()
        if ":" not in name and any(
            isinstance(entry.get(f), dict) and entry[f].get("groupname") == group
            for f in FAMILIES
        )
    )


# --------------------------------------------------------------------------
# Solaris 11 and illumos
# --------------------------------------------------------------------------
def _step(function, args, obj, text):
    return {"function": function, "args": list(args), "object": obj, "command": text}


def _working(host, name):
    info = host["if"].get(name)
    return bool(info) and info["state"] == "ok"


def _free_tag(host, ifname, base):
    taken = set(host["addr"])
    name = "{}/{}".format(ifname, base)
    for suffix in [""] + list("abcdefghijklmnopqrstuvwxyz"):
        if name + suffix not in taken:
            return name + suffix
    raise ValueError("no free address object name on {}".format(ifname))


def ipadm_leave(host, group, leaving, dismantle, guard):
    """The ipadm steps taking ``leaving`` out of ``group`` (the host as
    ``ipmp_plan_ipadm.observe`` gives it), and with ``dismantle`` deleting
    the IPMP interface after moving its data addresses to a working former
    member.  ``guard(host, step)`` is ``ipmp_plan_ipadm.guard``; it checks
    each removal of a partial leave.  Raises ValueError with the reason
    when it cannot be done safely."""
    info = host["if"][group]
    members = list(info["over"])
    steps = []
    data = sorted(
        (aobj, a) for aobj, a in host["addr"].items()
        if a["interface"] == group and a["address"] and not _unset(a["address"])
    )
    keeper = None
    if dismantle and data:
        ranked = sorted(
            (m for m in members if _working(host, m)),
            key=lambda m: (host["if"][m]["standby"], m),
        )
        if not ranked:
            raise ValueError(
                "Refused: group {} has data addresses ({}) and no working member to keep "
                "them on; repair a member first".format(
                    group, ", ".join(a["address"] for _, a in data)
                )
            )
        keeper = ranked[0]
    for name in sorted(leaving, key=lambda n: (n == keeper, n)):
        if name not in members:
            continue
        if host["if"][name]["standby"]:
            steps.append(_step("set_ifprop", [name, "standby", "off"], name,
                               "ipadm set-ifprop -p standby=off -m ip {}".format(name)))
        step = _step("remove_ipmp", [group, [name]], name,
                     "ipadm remove-ipmp -i {} {}".format(name, group))
        if not dismantle:
            refusal = guard(host, step)
            if refusal:
                raise ValueError(refusal)
            host = _without(host, group, name)
        steps.append(step)
    if dismantle:
        for aobj, addr in data:
            plen = addr["prefixlen"]
            tag = _free_tag(host, keeper, aobj.split("/", 1)[1])
            steps.append(_step("delete_addr", [aobj], group, "ipadm delete-addr {}".format(aobj)))
            steps.append(_step(
                "create_addr", [tag, "{}/{}".format(addr["address"], plen)], keeper,
                "ipadm create-addr -T static -a {}/{} {}".format(addr["address"], plen, tag),
            ))
            host = dict(host, addr=dict(host["addr"], **{tag: {}}))
        steps.append(_step("delete_ipmp", [group], group, "ipadm delete-ipmp {}".format(group)))
    return steps


def _without(host, group, name):
    out = {"if": dict(host["if"]), "addr": host["addr"]}
    out["if"][group] = dict(out["if"][group], over=[m for m in out["if"][group]["over"] if m != name])
    return out


def _unset(addr):
    try:
        return ipaddress.ip_address(addr).is_unspecified
    except ValueError:
        return False
