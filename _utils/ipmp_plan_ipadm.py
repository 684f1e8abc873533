"""
The live plan for one IPMP group on Solaris 11 and illumos (Clearview IPMP),
made with ``ipadm``: what to create, join, mark and address, in an order that
never takes away a group's last working interface.

Pure functions over plain data: no Salt, no I/O.  The ``ipmp_group`` state
reads the host once (``ipadm show-if``, ``show-addr``, ``show-ifprop -p
standby``), calls :func:`plan`, and runs the steps through the ``ipadm``
execution module; under ``test=True`` it reports the same steps without
running them, so the prediction is the plan itself.

The pillar's model maps onto Clearview as the design says: the group is an
IPMP interface of the same name holding the data addresses; ``address`` is a
data address on it, ``test_address`` an address on the member (which ipadm
makes a test address), ``standby`` the member's ``standby`` property.  Every
change is persistent (no ``-t``), so the result survives a reboot.

Order of the steps: create the IPMP interface and new members, their test
addresses before they join (``add-ipmp`` turns a member's existing addresses
into test addresses on both releases), joins, data addresses, standby off,
then the steps that take an interface away from a group last (standby on,
leaving another group), each checked against the host as the earlier steps
leave it.  On illumos, where an address made on a member is not a test
address, a member that lacks one leaves its group, gets it and joins again
(``rejoin``), after the new members joined.
"""

import ipaddress
import re

__virtualname__ = "ipmp_plan_ipadm"

FAMILIES = ("inet", "inet6")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


class Refused(ValueError):
    """A step that would cut a group off, or an object the plan cannot
    safely replace; the message says which and what to do.  (A ValueError,
    so that callers reaching this module through Salt's loader, which
    offers functions only, can catch it.)"""


# --------------------------------------------------------------------------
# the host as ipadm shows it
# --------------------------------------------------------------------------
def observe(interfaces, addresses, props, links=None):
    """The host from ``ipadm.show_if``, ``ipadm.show_addr`` and
    ``ipadm.show_ifprop(prop="standby", proto="ip")``, and optionally
    ``dladm.show_link`` (the link state of NICs with no IP interface yet):
    ``{"if": {name: {class, state, over, persistent, standby}},
    "addr": {addrobj: {interface, address, prefixlen, persistent}},
    "links": {link: state}}``."""
    out = {"if": {}, "addr": {}, "links": {}}
    for name, info in (interfaces or {}).items():
        prop = ((props or {}).get(name) or {}).get("ip", {}).get("standby") or {}
        out["if"][name] = {
            "class": info.get("class"),
            "state": info.get("state"),
            "over": list(info.get("over") or []),
            "persistent": bool(info.get("persistent")),
            "standby": prop.get("current") == "on",
        }
    for name, info in (addresses or {}).items():
        out["addr"][name] = {
            "interface": info.get("interface") or name.split("/", 1)[0],
            "address": _ip(info.get("address")),
            "prefixlen": info.get("prefixlen"),
            "persistent": bool(info.get("persistent")),
        }
    for name, info in (links or {}).items():
        out["links"][name] = (info or {}).get("state")
    return out


def _ip(text):
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(str(text).split("/", 1)[0].split("%", 1)[0]))
    except ValueError:
        return str(text)


def group_of(host, name):
    """The IPMP interface ``name`` is a member of, or None."""
    for ipmp, info in host["if"].items():
        if info["class"] == "ipmp" and name in info["over"]:
            return ipmp
    return None


def working(host, name):
    """A member that can carry its group's traffic: ipadm shows it ``ok``
    (not failed, offline, down or disabled)."""
    info = host["if"].get(name)
    return bool(info) and info["state"] == "ok"


def _addresses_on(host, ifname):
    return dict(
        (aobj, info) for aobj, info in host["addr"].items() if info["interface"] == ifname
    )


def _family(addr):
    return "inet6" if ":" in addr else "inet"


# --------------------------------------------------------------------------
# steps
# --------------------------------------------------------------------------
def _step(function, args, obj, text):
    return {"function": function, "args": list(args), "object": obj, "command": text}


def _tag(host, ifname, base):
    """An address object name on ``ifname`` that is not taken: ``base``,
    then ``base`` with a letter."""
    taken = set(host["addr"])
    name = "{}/{}".format(ifname, base)
    if name not in taken:
        return name
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if name + letter not in taken:
            return name + letter
    raise Refused("no free address object name on {} for {}".format(ifname, base))


def _data_tag(member, family):
    """The data address object's tag for a member's declared address:
    the member's name in letters and digits (an ipadm tag's alphabet)."""
    tag = re.sub(r"[^A-Za-z0-9]", "", member)[:28] or "data"
    return tag + ("v6" if family == "inet6" else "")


def apply(host, step):
    """The host as it is after ``step`` (for the guard and for test=True)."""
    out = {"if": dict((k, dict(v, over=list(v["over"]))) for k, v in host["if"].items()),
           "addr": dict((k, dict(v)) for k, v in host["addr"].items()),
           "links": dict(host.get("links") or {}),
           "temporary": bool(host.get("temporary"))}
    made = not out["temporary"]  # what "persistent" shows for a new object
    fn, args = step["function"], step["args"]
    if fn == "create_ipmp":
        out["if"][args[0]] = {"class": "ipmp", "state": "failed", "over": [],
                              "persistent": made, "standby": False}
    elif fn == "create_ip":
        # a new interface over a link that is down is failed at once
        state = "failed" if out["links"].get(args[0]) == "down" else "ok"
        out["if"][args[0]] = {"class": "ip", "state": state, "over": [],
                              "persistent": made, "standby": False}
    elif fn == "add_ipmp":
        out["if"][args[0]]["over"].extend(args[1])
        out["if"][args[0]]["state"] = "ok" if any(
            working(out, m) for m in out["if"][args[0]]["over"]) else "failed"
    elif fn == "remove_ipmp":
        out["if"][args[0]]["over"] = [m for m in out["if"][args[0]]["over"] if m not in args[1]]
    elif fn == "create_addr":
        plen = int(args[1].rsplit("/", 1)[1])
        out["addr"][args[0]] = {"interface": args[0].split("/", 1)[0],
                                "address": _ip(args[1]), "prefixlen": plen,
                                "persistent": made}
    elif fn == "delete_addr":
        out["addr"].pop(args[0], None)
    elif fn == "set_ifprop":
        out["if"][args[0]]["standby"] = args[2] == "on"
    return out


def guard(host, step):
    """Why ``step`` must not run on ``host``, or None: it would leave a
    group with members but none working and active."""
    fn, args = step["function"], step["args"]
    if fn == "remove_ipmp":
        ipmp, leaving = args[0], args[1]
        before = host["if"][ipmp]["over"]
        if any(working(host, m) for m in before) and not any(
            working(host, m) for m in before if m not in leaving
        ):
            return (
                "Refused: taking {} out of group {} would leave the group without a "
                "working interface ({}); repair another member first".format(
                    ", ".join(leaving), ipmp, ", ".join(before)
                )
            )
        data = sorted(
            info["address"] for info in _addresses_on(host, ipmp).values() if info["address"]
        )
        if data and not [m for m in before if m not in leaving]:
            return (
                "Refused: taking {} out of group {} would leave its data addresses {} on an "
                "IPMP interface with no member".format(", ".join(leaving), ipmp, ", ".join(data))
            )
    if fn == "set_ifprop" and args[1] == "standby" and args[2] == "on":
        member = args[0]
        ipmp = group_of(host, member)
        if ipmp and working(host, member):
            others = [
                m for m in host["if"][ipmp]["over"]
                if m != member and working(host, m) and not host["if"][m]["standby"]
            ]
            if not others:
                return (
                    "Refused: making {} standby would leave group {} without a working "
                    "active interface; repair or add an active member first".format(
                        member, ipmp
                    )
                )
    return None


def plan(host, group, members, rejoin=False, temporary=False):
    """The steps that make ``group`` as declared, in order, each checked by
    :func:`guard` against the host as the steps before it leave it.

    ``members``: ``[{"name", "standby", "address": {family: "ip/plen"},
    "test": {family: "ip/plen"}}]`` (live members only).  ``rejoin``
    (illumos): ipadm makes test addresses only of the addresses a member
    has when it joins, so a member that needs a new one leaves its group
    first and joins again.  ``temporary``: the group is kept in hostname
    files (illumos ``ipmp:persist: hostname_files``), so ipadm's store must
    hold none of it; the caller runs the steps with ``-t``
    (:func:`with_temporary`).  Returns ``(steps, host after)``; raises
    :class:`Refused`."""
    steps = []

    def add(step):
        refusal = guard(state[0], step)
        if refusal:
            raise Refused(refusal)
        steps.append(step)
        state[0] = apply(state[0], step)

    host = dict(host, temporary=bool(temporary))
    state = [host]
    rejoining = []
    info = host["if"].get(group)
    if info is None:
        add(_step("create_ipmp", [group], group, "ipadm create-ipmp {}".format(group)))
    elif info["class"] != "ipmp":
        raise Refused(
            "{} exists as an interface of class {}, not an IPMP interface; the group's "
            "IPMP interface takes the group's name: delete it (ipadm delete-ip {}) or "
            "rename the group".format(group, info["class"], group)
        )
    elif info["persistent"] == bool(host.get("temporary")):
        raise Refused(_kept_elsewhere(host, group, "ipadm delete-ipmp"))
    for member in members:
        name = member["name"]
        minfo = host["if"].get(name)
        if minfo is None:
            add(_step("create_ip", [name], name, "ipadm create-ip {}".format(name)))
        elif minfo["class"] != "ip":
            raise Refused("{} is an interface of class {}; only IP interfaces can join "
                          "an IPMP group".format(name, minfo["class"]))
        elif minfo["persistent"] == bool(host.get("temporary")):
            raise Refused(_kept_elsewhere(host, name, "ipadm delete-ip"))
        if rejoin and group_of(state[0], name) and not all(
            _has_address(state[0], name, want) for want in member["test"].values() if want
        ):
            rejoining.append(member)
            continue
        _tests(add, state, member)
    for member in members:
        if group_of(state[0], member["name"]) is None:
            add(_join(group, member["name"]))
    for member in rejoining:
        # after the new members joined, one at a time
        _leave_to_mark(add, state, member["name"])
        _tests(add, state, member)
        add(_join(group, member["name"]))
    for member in members:
        for family in FAMILIES:
            want = member["address"].get(family)
            if want:
                _address(add, state, group, want, _data_tag(member["name"], family))
    for member in members:
        if not member["standby"] and state[0]["if"][member["name"]]["standby"]:
            add(_standby(member["name"], "off"))
    for member in members:
        if member["standby"] and not state[0]["if"][member["name"]]["standby"]:
            add(_standby(member["name"], "on"))
    for member in members:
        name = member["name"]
        other = group_of(state[0], name)
        if other not in (None, group):
            add(_step("remove_ipmp", [other, [name]], name,
                      "ipadm remove-ipmp -i {} {}".format(name, other)))
            add(_join(group, name))
    return steps, state[0]


def _join(group, name):
    return _step("add_ipmp", [group, [name]], name, "ipadm add-ipmp -i {} {}".format(name, group))


def _tests(add, state, member):
    """Steps that put the member's test addresses on it."""
    for family in FAMILIES:
        want = member["test"].get(family)
        if want:
            _address(add, state, member["name"], want, "test" + ("6" if family == "inet6" else ""))


def _standby(name, value):
    return _step("set_ifprop", [name, "standby", value], name,
                 "ipadm set-ifprop -p standby={} -m ip {}".format(value, name))


def _kept_elsewhere(host, name, delete):
    """The refusal for an object kept the other way than the plan keeps
    its own: temporary when ipadm's store should hold it, in the store
    when hostname files should (the two would both configure it at boot)."""
    if host.get("temporary"):
        return (
            "{} is in ipadm's persistent store, and ipmp:persist is hostname_files: at "
            "boot both would configure it. Remove it from the store ({} {}) in a "
            "maintenance window, or set ipmp:persist: ipadm".format(name, delete, name)
        )
    return _temporary(name, delete)


def with_temporary(steps, platform):
    """``steps`` made with ``-t`` (illumos ``--temporary`` on the ``*-ipmp``
    subcommands): for groups kept in hostname files, which must leave
    ipadm's store alone."""
    out = []
    for step in steps:
        words = step["command"].split(" ")
        flag = "--temporary" if words[1].endswith("-ipmp") and platform == "illumos" else "-t"
        if step["function"] in ("delete_addr", "delete_ipmp", "delete_ip"):
            out.append(step)
            continue
        out.append(dict(step, kwargs={"temporary": True},
                        command=" ".join(words[:2] + [flag] + words[2:])))
    return out


def _temporary(name, delete):
    return (
        "{} is temporary (created with ipadm -t, or by ifconfig) and would not survive a "
        "reboot; ipadm cannot make it persistent in place: remove it ({} {}) in a "
        "maintenance window and run the state again".format(name, delete, name)
    )


def _has_address(host, ifname, want):
    addr = _ip(want.rsplit("/", 1)[0])
    return any(info["address"] == addr for info in _addresses_on(host, ifname).values())


def _leave_to_mark(add, state, name):
    """The member leaves its group before a test address is made on it, to
    join the declared group right after (``add-ipmp`` makes the address a
    test address).  Guarded like any step that takes a member away; an
    offline member is left to its administrator."""
    other = group_of(state[0], name)
    why = ("on illumos a new address on a member of a group is not a test address: {} "
           "leaves {} and joins again so that ipadm makes it one".format(name, other))
    if state[0]["if"][name]["state"] == "offline":
        raise Refused("Refused: {} is offline (if_mpadm -d) and {}; bring it online "
                      "(ipmp.online) first".format(name, why))
    step = _step("remove_ipmp", [other, [name]], name,
                 "ipadm remove-ipmp -i {} {}".format(name, other))
    refusal = guard(state[0], step)
    if refusal:
        raise Refused("{} ({})".format(refusal, why))
    add(step)


def _address(add, state, ifname, want, base):
    """Steps that put ``want`` ("ip/plen") on ``ifname`` persistently."""
    addr, plen = want.rsplit("/", 1)
    addr = _ip(addr)
    host = state[0]
    found = [
        (aobj, info) for aobj, info in host["addr"].items()
        if info["address"] == addr and _family(info["address"]) == _family(addr)
    ]
    for aobj, info in found:
        if info["interface"] != ifname:
            raise Refused(
                "{} is already configured on {} ({}); move it by hand or change the "
                "pillar".format(addr, info["interface"], aobj)
            )
        if info["persistent"] == bool(host.get("temporary")):
            raise Refused(_kept_elsewhere(host, aobj, "ipadm delete-addr"))
        if int(info["prefixlen"]) != int(plen):
            raise Refused(
                "{} is on {} with prefix length {}, the pillar says {}; change it in a "
                "maintenance window (ipadm delete-addr {})".format(
                    addr, ifname, info["prefixlen"], plen, aobj
                )
            )
        return
    aobj = _tag(host, ifname, base)
    add(_step("create_addr", [aobj, "{}/{}".format(addr, plen)], ifname,
              "ipadm create-addr -T static -a {}/{} {}".format(addr, plen, aobj)))


def stranded(host, group, members):
    """Declared data addresses of ``group`` that no working member carries."""
    if any(working(host, m) for m in host["if"].get(group, {}).get("over", [])):
        return []
    return sorted(
        want.split("/", 1)[0]
        for member in members
        for want in member["address"].values()
        if want
    )


# --------------------------------------------------------------------------
# prefix lengths: what `netmask +` would have found
# --------------------------------------------------------------------------
def _classful(addr):
    first = int(addr.split(".", 1)[0])
    return 8 if first < 128 else 16 if first < 192 else 24


def _mask_bits(mask):
    mask = str(mask).strip()
    if mask.lower().startswith("0x"):
        mask = str(ipaddress.IPv4Address(int(mask, 16)))
    return ipaddress.IPv4Network("0.0.0.0/{}".format(mask)).prefixlen


def netmasks_entries(text):
    """``[(network, mask)]`` from netmasks(5) text (comments dropped)."""
    out = []
    for line in (text or "").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            out.append((words[0], words[1]))
    return out


def prefixlen(addr, netmask=None, entries=()):
    """The IPv4 prefix length for ``addr``: ``netmask`` when it is given
    (dotted or ``0x`` hex), else the first netmasks entry whose network the
    address is in, as ``netmask +`` looks it up, else the classful default."""
    if netmask not in (None, "", "+"):
        return _mask_bits(netmask)
    value = int(ipaddress.IPv4Address(addr))
    for network, mask in entries:
        try:
            bits = _mask_bits(mask)
            net = int(ipaddress.IPv4Address(network))
        except ValueError:
            continue
        size = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
        if value & size == net & size:
            return bits
    return _classful(addr)


# --------------------------------------------------------------------------
# illumos hostname files (ipmp:persist: hostname_files)
# --------------------------------------------------------------------------
def hostname_files(group, members):
    """``{(interface, family): text}``: the illumos boot files that bring
    ``group`` back, as net-physical reads them (the IPMP interface's file
    starts with ``ipmp``; every line is the rest of an ``ifconfig <if>
    <family>`` command).  Addresses go on lines of their own so that no file
    is a single line with an address, to which the boot script would add
    ``netmask +`` and so replace the prefix length."""
    files = {}
    data = {"inet": [], "inet6": []}
    for member in members:
        for family in FAMILIES:
            if member["address"].get(family):
                data[family].append(member["address"][family])
    lines = ["ipmp group {}".format(group)]
    for index, addr in enumerate(data["inet"]):
        lines.append("{}{} up".format("addif " if index else "", addr))
    if len(lines) == 1:
        lines[0] += " up"
    files[(group, "inet")] = lines
    if data["inet6"]:
        files[(group, "inet6")] = ["ipmp group {} up".format(group)] + [
            "addif {} up".format(addr) for addr in data["inet6"]
        ]
    for member in members:
        head = "group {}{}".format(group, " standby" if member["standby"] else "")
        test = member["test"].get("inet")
        files[(member["name"], "inet")] = (
            [head, "-failover {} up".format(test)] if test else [head + " up"]
        )
        # ipadm create-ip plumbs both families; so does the boot
        files[(member["name"], "inet6")] = [head + " up"]
    return dict((key, "".join(line + "\n" for line in lines)) for key, lines in files.items())
