"""
Live membership of a Solaris 10 IPMP group.

For each declared interface the state compares what ``ifconfig -a`` shows
(plumbed, group, standby flag, test address with ``deprecated -failover``,
data address, up) with what is declared, and runs the fewest ``ifconfig``
words that close the difference - one command per interface and address
family, in the order ifconfig requires (``-failover`` before ``standby``
before ``up``, ``addif`` last).  A new interface gets exactly the words of its
hostname file after ``plumb``, so it ends up as the manual procedure (and a
reboot) leaves it.

Safety: interfaces are changed one at a time, additions first; before each
one the group is read again (``ifconfig -a``, which the execution modules
cache until something changes) and the state refuses - result False, clear
comment, nothing further changed - a step that would take away the last
working interface of a group (marking it standby, or moving it to another
group).  Data addresses are looked for anywhere in the group, so addresses
in.mpathd has failed over to another interface are left where they are.
Addresses the pillar does not name are never removed.

``live: False`` turns the live part off (files only, e.g. for a reboot
window).  On a converged host the state runs no command beyond the one
cached ``ifconfig -a`` that every group state of the run shares.

.. code-block:: yaml

    ipmp0:
      ipmp_group.present:
        - failure_detection: link
        - interfaces:
            bge0: {address: myhost}
            bge2: {standby: true}
"""

import copy
import functools
import ipaddress
import socket

from salt.exceptions import CommandExecutionError, SaltInvocationError

__virtualname__ = "ipmp_group"

FAMILIES = ("inet", "inet6")


def __virtual__():
    """Only on Solaris: IPMP exists nowhere else."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__, "state")


# --------------------------------------------------------------------------
# names and addresses
# --------------------------------------------------------------------------
def _ip(text):
    """Normalised address of a literal (prefix dropped), or None."""
    return _model("ip")(text)


def _version(family):
    return 4 if family == "inet" else 6


class _Resolver(object):
    """Host names as ifconfig would resolve them on this host: the pillar's
    ``ipmp:hosts`` (written to the hosts file by ipmp.prep, possibly in this
    very run), then ``<ipmp.root>/etc/inet/hosts``, then (root ``/`` only)
    the system resolver."""

    def __init__(self, hosts, root):
        self.hosts = hosts or {}
        self.root = root
        self._text = None

    def _file(self):
        if self._text is None:
            path = __utils__["ipmp_files.confine"](
                self.root,
                __utils__["ipmp_validate.root_path"](
                    self.root, __utils__["ipmp_files.relpath"]("hosts")
                ),
            )
            self._text = __utils__["ipmp_files.read"](path) or ""
        return self._text

    def __call__(self, value, family):
        if value is None or value is True:
            return None
        literal = _ip(value)
        if literal is not None:
            return literal
        version = _version(family)
        candidates = self.hosts.get(value, [])
        if isinstance(candidates, str):
            candidates = [candidates]
        candidates = list(candidates) + __utils__["ipmp_files.lookup_host"](self._file(), value)
        for addr in candidates:
            norm = _ip(addr)
            if norm and ipaddress.ip_address(norm).version == version:
                return norm
        if self.root in (None, "", "/"):
            try:
                infos = socket.getaddrinfo(
                    value, None, socket.AF_INET if version == 4 else socket.AF_INET6
                )
                if infos:
                    return _ip(infos[0][4][0])
            except (socket.error, UnicodeError):
                pass
        raise SaltInvocationError(
            "cannot resolve {} to an IPv{} address (not in ipmp:hosts nor in "
            "{}/etc/inet/hosts)".format(
                value, version, "" if self.root in (None, "/") else self.root
            )
        )


# --------------------------------------------------------------------------
# what is there: the one model answers
# --------------------------------------------------------------------------
def _model(name):
    return __utils__["ipmp_model.{}".format(name)]


def _utils():
    """``__utils__`` as the loader itself, to pass to a util (see ipmp_pillar)."""
    return getattr(__utils__, "value", lambda: __utils__)()



def _flags(entry):
    return set(entry.get("flags") or [])


def _scope_addresses(show, group, ifname, family, skip=None):
    """Data addresses of ``family`` where they can be carried: on the group's
    working interfaces and on ``ifname``, physical and logical (the model
    decides; ``skip`` names a stanza about to be overwritten)."""
    return set(_model("carried_addresses")(show, group, family, also=ifname, skip=skip))


# --------------------------------------------------------------------------
# what should be there
# --------------------------------------------------------------------------
def _desired(iface, family, probe, resolve):
    """Declared settings for one interface and family, names resolved."""
    if family == "inet":
        test = iface.get("test_address")
        data = iface.get("address")
        return {
            "address": data,
            "address_ip": resolve(data, "inet"),
            "test": test,
            "test_ip": resolve(test, "inet"),
            "probe": bool(test),
            "standby": iface["standby"],
            "netmask": iface.get("netmask") or "+",
            "extra": iface.get("extra") or [],
        }
    test6 = iface.get("test_address6")
    data6 = iface.get("address6")
    data_ip = resolve(data6, "inet6") if data6 else None
    return {
        "address": data6,
        "address_ip": data_ip,
        "test": test6 if test6 and test6 is not True else None,
        "test_ip": _ip(test6) if test6 and test6 is not True else None,
        "probe": bool(test6) or probe,
        "standby": iface["standby"],
        "netmask": "+",
        # ``extra`` belongs to /etc/hostname.<if> only (the formula writes no
        # extra words into hostname6), so the live IPv6 plumb matches the boot.
        "extra": [],
    }


class _Plan(object):
    """The ifconfig words for one interface and family, what they change, and
    the same steps as data (``ops``) for :func:`_simulate`."""

    def __init__(self, ifname, family):
        self.ifname = ifname
        self.family = family
        self.tokens = []
        self.old = {}
        self.new = {}
        self.sets_standby = False
        self.leaves_group = None
        self.refusal = None
        #: {(family, address): interface declared for it}, for _simulate
        self.homes = {}
        self.ops = {"plumb": False, "group": None, "address": None, "test": None,
                    "standby": None, "up": False, "addif": []}

    def change(self, key, old, new):
        self.old[key] = old
        self.new[key] = new

    def command(self):
        return " ".join(["ifconfig", self.ifname, self.family] + self.tokens)

    def changes(self):
        return {"old": self.old, "new": self.new, "command": self.command()}


def _replaced(entry):
    """The placeholder in.mpathd leaves on a physical interface whose data
    address it moved away: 0.0.0.0, NOFAILOVER, down."""
    flags = _flags(entry)
    addr = _ip(entry.get("address"))
    unset = addr is None or ipaddress.ip_address(addr).is_unspecified
    return unset and "NOFAILOVER" in flags and "UP" not in flags


def _standby(plan, flags, want):
    standby = "STANDBY" in flags
    if standby != want["standby"]:
        plan.tokens.append("standby" if want["standby"] else "-standby")
        plan.change("standby", standby, want["standby"])
        plan.sets_standby = want["standby"]
        plan.ops["standby"] = want["standby"]


def _addif(plan, address, netmask, address_ip):
    """``addif`` of a data address (``address_ip`` resolved) on a new
    logical interface."""
    if plan.family == "inet":
        plan.tokens += ["addif", address, "netmask", netmask, "broadcast", "+", "failover", "up"]
    else:
        plan.tokens += ["addif", address if "/" in address else address + "/64", "up"]
    plan.ops["addif"].append(address_ip)


def _plan(show, group, ifname, family, want):
    """Compare ``show`` with ``want`` for one interface and family.

    A data address counts as present only where an interface can carry it
    (:func:`_scope_addresses`); a step that overwrites the address of the
    physical interface (a test address, another data address) first keeps a
    data address that is there on a logical interface of its own (``addif``
    in the same command), so no address the host had is lost.  An interface
    that is not working (failed, offline, link down) is given no address:
    it could not carry one."""
    plan = _Plan(ifname, family)
    entry = (show.get(ifname) or {}).get(family)
    if not entry:
        plan.tokens = ["plumb"] + __utils__["ipmp_files.hostname_tokens"](
            family=family,
            address=want["address"],
            netmask=want["netmask"],
            group=group,
            standby=want["standby"],
            test_address=want["test"] if family == "inet" else (want["test"] or want["probe"]),
            probe=want["probe"],
            extra=want["extra"],
        )
        if plan.tokens == ["plumb"]:
            plan.tokens.append("up")
        plan.old = {"plumbed": False}
        plan.new = {"plumbed": True, "group": group, "standby": want["standby"], "up": True}
        logical = want["probe"] or family == "inet6"
        plan.ops.update(plumb=True, group=group, up=True)
        # STANDBY is a flag of the physical interface: a family plumbed next
        # to one that is standby is standby too, unless told otherwise
        other = (show.get(ifname) or {}).get("inet6" if family == "inet" else "inet") or {}
        was_standby = "STANDBY" in _flags(other)
        if want["standby"] != was_standby:
            plan.ops["standby"] = want["standby"]
            plan.sets_standby = want["standby"]
            if not want["standby"]:
                plan.tokens.insert(1, "-standby")
        if want["test"] or (family == "inet6" and want["probe"]):
            plan.new["test_address"] = want["test"] or "link-local"
            plan.ops["test"] = True
            if want["test_ip"]:
                plan.ops["address"] = want["test_ip"]
        if want["address"]:
            plan.new["address"] = want["address"]
            if logical:
                plan.ops["addif"].append(want["address_ip"])
            else:
                plan.ops["address"] = want["address_ip"]
        return plan
    flags = _flags(entry)
    current_group = entry.get("groupname") or None
    if current_group != group:
        plan.tokens += ["group", group]
        plan.change("group", current_group, group)
        plan.leaves_group = current_group
        plan.ops["group"] = group
        plan.refusal = _model("move_refusal")(show, ifname, family, current_group, group)
    here = _ip(entry.get("address"))
    if _replaced(entry) or not _model("working")(flags):
        # in.mpathd failed this interface's data addresses over (and may have
        # left the 0.0.0.0 placeholder), or it cannot carry any now: only the
        # group and standby are ours to fix.
        _standby(plan, flags, want)
        return plan
    here_data = here if _model("is_data_address")(here, flags) else None
    overwrite = None
    if family == "inet" and want["probe"]:
        if here != want["test_ip"]:
            overwrite = want["test_ip"]
    elif family == "inet6" and want["probe"]:
        if want["test_ip"] and here != want["test_ip"]:
            overwrite = want["test_ip"]
    elif family == "inet" and want["address_ip"]:
        if want["address_ip"] not in _scope_addresses(show, group, ifname, family):
            overwrite = want["address_ip"]
    # where data addresses are once the physical interface's address changed
    present = _scope_addresses(
        show, group, ifname, family, skip=ifname if overwrite else None
    )
    if family == "inet" and want["probe"]:
        if overwrite:
            plan.tokens += [want["test"], "netmask", want["netmask"], "broadcast", "+"]
            plan.change("test_address", here, want["test"])
        if "DEPRECATED" not in flags:
            plan.tokens.append("deprecated")
            plan.change("deprecated", False, True)
        if "NOFAILOVER" not in flags:
            plan.tokens.append("-failover")
            plan.change("failover", True, False)
        plan.ops["test"] = True
    elif family == "inet6" and want["probe"]:
        if overwrite:
            plan.tokens.append(want["test"])
            plan.change("test_address", here, want["test"])
        if "NOFAILOVER" not in flags:
            plan.tokens.append("-failover")
            plan.change("failover", True, False)
            plan.ops["test"] = True
    else:
        if overwrite:
            plan.tokens += [want["address"], "netmask", want["netmask"], "broadcast", "+"]
            plan.change("address", here, want["address"])
            present.add(want["address_ip"])
        if "DEPRECATED" in flags and family == "inet":
            plan.tokens.append("-deprecated")
            plan.change("deprecated", True, False)
            plan.ops["test"] = False
        if "NOFAILOVER" in flags:
            plan.tokens.append("failover")
            plan.change("failover", False, True)
            plan.ops["test"] = False
    if overwrite:
        plan.ops["address"] = overwrite
    _standby(plan, flags, want)
    if "UP" not in flags:
        plan.tokens.append("up")
        plan.change("up", False, True)
        plan.ops["up"] = True
    logical_data = want["probe"] or family == "inet6"
    if logical_data and want["address_ip"] and want["address_ip"] not in present:
        _addif(plan, want["address"], want["netmask"], want["address_ip"])
        plan.change("address", None, want["address"])
        present.add(want["address_ip"])
    if overwrite and here_data and here_data not in present:
        # the data address the physical interface had would be overwritten:
        # keep it, on a logical interface of its own
        _addif(plan, here_data, "+", here_data)
        plan.change("kept_address", here_data, here_data)
    return plan


def _guard(show, group, plan):
    """Why ``plan`` must not run (it would take away a group's last working
    interface, or strand the addresses of a failed one), or None: the model
    decides."""
    if plan.refusal:
        return plan.refusal
    if plan.leaves_group:
        away = _failed_over(show, plan.ifname, plan.family, plan.leaves_group, plan.homes)
        if away:
            return (
                "Refusing to move {} from group {} to {}: in.mpathd has failed over {} "
                "between it and another interface of {}, and leaving the group would move "
                "addresses where they cannot be predicted to stay on a working interface. "
                "Nothing further was changed; let in.mpathd fail back (repair or "
                "ipmp.online the interface) and run the state again.".format(
                    plan.ifname, plan.leaves_group, group, ", ".join(away), plan.leaves_group
                )
            )
    observed = _model("observe_ifconfig")(show)
    refusal = _model("takeaway_refusal")(
        observed,
        plan.ifname,
        plan.family,
        leaves=plan.leaves_group,
        standby=group if plan.sets_standby else None,
        joins=group,
    )
    if refusal:
        return refusal
    if plan.sets_standby:
        # STANDBY is set for the physical interface, so for every family
        for family in FAMILIES:
            if family == plan.family or family not in (show.get(plan.ifname) or {}):
                continue
            refusal = _model("takeaway_refusal")(observed, plan.ifname, family, standby=group)
            if refusal:
                return refusal
    if not plan.leaves_group:
        return None
    # in.mpathd tracks one group per physical interface: moving one family
    # moves it out of the group for the other as well, so the other family
    # is asked too (before anything runs, not after half the move)
    for family in FAMILIES:
        inst = (show.get(plan.ifname) or {}).get(family) or {}
        if family == plan.family or inst.get("groupname") != plan.leaves_group:
            continue
        refusal = _model("takeaway_refusal")(
            observed, plan.ifname, family, leaves=plan.leaves_group, joins=group
        )
        if refusal:
            return refusal
    return None


def _simulate(show, group, plan, want):  # pylint: disable=unused-argument
    """``show`` as it will be after ``plan`` ran (for test=True): the plan's
    own steps (``plan.ops``), nothing else."""
    show = copy.deepcopy(show)
    ops = plan.ops
    entry = show.setdefault(plan.ifname, {}).get(plan.family)
    if entry is None or ops["plumb"]:
        other = show[plan.ifname].get("inet6" if plan.family == "inet" else "inet") or {}
        # the flags of the physical interface (phyint) carry over
        phyint = [
            f for f in (other.get("flags") or ["RUNNING"])
            if f in ("RUNNING", "STANDBY", "INACTIVE", "FAILED", "OFFLINE")
        ]
        entry = {
            "flags": ["BROADCAST", "MULTICAST", "IPv4" if plan.family == "inet" else "IPv6"] + phyint
        }
        show[plan.ifname][plan.family] = entry
    flags = list(entry.get("flags") or [])
    if ops["test"] is True:
        flags += [f for f in ("NOFAILOVER",) if f not in flags]
        if plan.family == "inet" and "DEPRECATED" not in flags:
            flags.append("DEPRECATED")
    elif ops["test"] is False:
        flags = [f for f in flags if f not in ("NOFAILOVER", "DEPRECATED")]
    if ops["up"] and "UP" not in flags:
        flags.insert(0, "UP")
    entry["flags"] = flags
    if ops["standby"] is not None:
        # STANDBY and INACTIVE are flags of the physical interface (the
        # phyint): one family's ``standby`` sets them for both
        for inst in show[plan.ifname].values():
            if not isinstance(inst, dict) or "flags" not in inst:
                continue
            rest = [f for f in inst["flags"] if f not in ("STANDBY", "INACTIVE")]
            if ops["standby"]:
                rest.append("STANDBY")
                if "FAILED" not in rest:
                    rest.append("INACTIVE")
            inst["flags"] = rest
    if ops["group"] is not None:
        entry["groupname"] = ops["group"]
        if plan.leaves_group:
            _go_home(show, plan.ifname, plan.family, plan.leaves_group, plan.homes)
    if ops["address"] is not None:
        entry["address"] = ops["address"]
    for addr in ops["addif"]:
        show.setdefault(_new_unit(show, plan.ifname, plan.family), {})[plan.family] = {
            "flags": ["UP", "RUNNING", "IPv4" if plan.family == "inet" else "IPv6"],
            "address": addr,
        }
    return show


def _new_unit(show, ifname, family):
    unit = 1
    while "{}:{}".format(ifname, unit) in show and family in show["{}:{}".format(ifname, unit)]:
        unit += 1
    return "{}:{}".format(ifname, unit)


def _failed_over(show, ifname, family, old, homes):
    """Declared data addresses of group ``old`` that sit away from the
    interface they are declared for, onto or off ``ifname`` (in.mpathd failed
    them over): ``address (declared for X, on Y)`` texts."""
    away = []
    for name in sorted(show):
        phys = name.split(":", 1)[0]
        inst = (show[name] or {}).get(family)
        if not isinstance(inst, dict):
            continue
        if ((show.get(phys) or {}).get(family) or {}).get("groupname") != old:
            continue
        addr = _ip(inst.get("address"))
        home = homes.get((family, addr))
        if home is None or home == phys:
            continue
        if phys == ifname or home == ifname:
            away.append("{} (declared for {}, on {})".format(addr, home, phys))
    return away


def _go_home(show, ifname, family, old, homes):
    """What the kernel does when ``ifname`` leaves group ``old`` (for
    test=True): data addresses failed over onto it go back to their own
    interface, and its own addresses failed over to the other members come
    back to it.  An address's own interface is the one the state declares it
    for (``homes``), the only origin ``ifconfig -a`` lets us know."""
    moves = []
    for name in sorted(show):
        phys = name.split(":", 1)[0]
        inst = (show[name] or {}).get(family)
        if ":" not in name or not isinstance(inst, dict):
            continue
        home = homes.get((family, _ip(inst.get("address"))))
        if phys == ifname and home and home != ifname and family in (show.get(home) or {}):
            moves.append((name, home))
        elif (
            phys != ifname
            and home == ifname
            and ((show.get(phys) or {}).get(family) or {}).get("groupname") == old
        ):
            moves.append((name, ifname))
    for name, home in moves:
        inst = show[name].pop(family)
        if not show[name]:
            del show[name]
        base = show[home][family]
        if _replaced(base):
            base["address"] = inst["address"]
            base["flags"] = ["UP"] + [f for f in base.get("flags", []) if f not in ("NOFAILOVER", "UP")]
        else:
            show.setdefault(_new_unit(show, home, family), {})[family] = inst


def _unreachable(show, group, wanted, test=False):
    """Declared data addresses no working interface of the group carries,
    as ``interface (family) address`` texts.  Under test (a simulated
    ``show``), an address planned on a member that is not working counts
    when another member works in that family: in.mpathd fails it over as
    soon as it is configured, as the real run then finds."""
    out = []
    for ifname, family, want in wanted:
        addr = want["address_ip"]
        if not addr or addr in _model("carried_addresses")(show, group, family):
            continue
        if test and addr in _model("data_addresses")(show, group, family) and any(
            _model("working")((entry.get(family) or {}).get("flags"))
            for name, entry in show.items()
            if ":" not in name and (entry.get(family) or {}).get("groupname") == group
        ):
            continue
        out.append("{} ({}) {}".format(ifname, family, want["address"]))
    return out


def _platform():
    """``solaris10``, ``solaris11`` or ``illumos`` (the one place decides)."""
    return __utils__["ipmp_platform.platform"](
        __grains__, __salt__["config.get"]("ipmp.platform", None)
    )


def _checked(name, interfaces, failure_detection, live, hosts, netmasks):
    """The group and hosts arguments as the pillar check normalises them
    (skipped for a group the formula's render already checked)."""
    group = __utils__["ipmp_pillar.validate_group"](
        name,
        {"failure_detection": failure_detection, "live": live, "interfaces": interfaces},
        _utils(),
        live=True,
        path=["interfaces"],
        memo=__context__.get("ipmp_pillar.checked"),
    )
    if hosts is not None:
        hosts = __utils__["ipmp_pillar.validate_hosts"](hosts, _utils())
    if netmasks is not None and not isinstance(netmasks, dict):
        raise SaltInvocationError("netmasks must be a mapping of network to mask")
    return group, hosts


def _checked_root(root):
    """``root`` (default ``ipmp.root``), refused up front when unusable."""
    root = __utils__["ipmp_stateret.root"](root, __salt__["config.get"])
    __utils__["ipmp_validate.root_path"](root, "/etc")
    return root


def _check_persist(persist):
    """``ipadm``, or ``hostname_files`` on illumos (Solaris 11 does not read
    hostname files)."""
    if persist not in ("ipadm", "hostname_files"):
        raise SaltInvocationError(
            "ipmp:persist must be ipadm or hostname_files, not {!r}".format(persist)
        )
    if persist == "hostname_files" and _platform() != "illumos":
        raise SaltInvocationError(
            "ipmp:persist: hostname_files is for illumos only: Solaris 11 never reads "
            "hostname files at boot (use ipadm, the default)"
        )


def _ipadm_members(group, wanted, netmasks, root):
    """The declared members as :func:`ipmp_plan_ipadm.plan` takes them:
    addresses with their prefix lengths."""
    plan = "ipmp_plan_ipadm."
    entries = []
    for network, mask in sorted((netmasks or {}).items()):
        entries.append((str(network), str(mask)))
    path = __utils__["ipmp_files.confine"](
        root, __utils__["ipmp_validate.root_path"](root, __utils__["ipmp_files.relpath"]("netmasks"))
    )
    entries += __utils__[plan + "netmasks_entries"](__utils__["ipmp_files.read"](path) or "")
    members = {}
    for ifname, family, want in wanted:
        iface = group["interfaces"][ifname]
        member = members.setdefault(
            ifname, {"name": ifname, "standby": want["standby"], "address": {}, "test": {}}
        )
        for key, slot, declared in (
            ("address_ip", "address", iface.get("address6" if family == "inet6" else "address")),
            ("test_ip", "test", iface.get("test_address6" if family == "inet6" else "test_address")),
        ):
            addr = want[key]
            if not addr:
                continue
            if family == "inet":
                plen = __utils__[plan + "prefixlen"](addr, want["netmask"], entries)
            else:
                text = str(declared)
                plen = int(text.rsplit("/", 1)[1]) if "/" in text else 64
            member[slot][family] = "{}/{}".format(addr, plen)
    return [members[n] for n in sorted(members)]


def _ipadm_host(refresh=False, links=None):
    return __utils__["ipmp_plan_ipadm.observe"](
        __salt__["ipadm.show_if"](refresh=refresh),
        __salt__["ipadm.show_addr"](refresh=refresh),
        __salt__["ipadm.show_ifprop"](prop="standby", proto="ip", refresh=refresh),
        links,
    )


def _present_ipadm(ret, name, members, test, skipped, persist="ipadm"):
    """``present`` on Solaris 11 and illumos: plan from one read, run the
    steps through the ipadm module (re-checking the guard on a fresh read
    before a step that takes an interface away), then read again and
    verify.  Under test the plan is the prediction."""
    # illumos: only add-ipmp makes a member's addresses test addresses;
    # with hostname files, ipadm's store is left alone (-t)
    temporary = persist == "hostname_files"
    planned = functools.partial(
        __utils__["ipmp_plan_ipadm.plan"], rejoin=_platform() == "illumos",
        temporary=temporary,
    )

    def plan(host, group, wanted):
        steps, after = planned(host, group, wanted)
        if temporary:
            steps = __utils__["ipmp_plan_ipadm.with_temporary"](steps, _platform())
        return steps, after

    refused = ValueError  # ipmp_plan_ipadm.Refused
    try:
        host = _ipadm_host()
        steps, after = plan(host, name, members)
    except CommandExecutionError as exc:
        return __utils__["ipmp_stateret.failed"](ret, "Cannot read the interfaces: {}".format(exc))
    except refused as exc:
        return __utils__["ipmp_stateret.failed"](ret, "{}. Nothing was changed.".format(exc))
    missing = _missing_nics(sorted(s["args"][0] for s in steps if s["function"] == "create_ip"))
    if missing:
        return __utils__["ipmp_stateret.failed"](ret, missing)
    if any(s["function"] == "create_ip" for s in steps):
        # plan again knowing the links of the new members (the dladm read
        # _missing_nics made): one whose link is down starts failed
        try:
            host = _ipadm_host(links=__salt__["dladm.show_link"]())
            steps, after = plan(host, name, members)
        except (KeyError, CommandExecutionError):
            pass
        except refused as exc:
            return __utils__["ipmp_stateret.failed"](ret, "{}. Nothing was changed.".format(exc))
    problem = None
    for step in steps:
        if test:
            ret["changes"].setdefault(step["object"], {}).setdefault("ipadm", []).append(
                step["command"]
            )
            continue
        try:
            if step["function"] in ("remove_ipmp", "set_ifprop"):
                refusal = __utils__["ipmp_plan_ipadm.guard"](_ipadm_host(refresh=True), step)
                if refusal:
                    problem = "{}. Nothing further was changed.".format(refusal)
                    break
            __salt__["ipadm." + step["function"]](*step["args"], **step.get("kwargs", {}))
        except (CommandExecutionError, SaltInvocationError) as exc:
            problem = "{} failed: {}. Nothing further was changed.".format(step["command"], exc)
            break
        ret["changes"].setdefault(step["object"], {}).setdefault("ipadm", []).append(
            step["command"]
        )
    if not test and not problem and steps:
        try:
            after = _ipadm_host(refresh=True)
            left, _ = plan(after, name, members)
        except (CommandExecutionError, refused) as exc:
            left, problem = [], "Cannot verify group {}: {}".format(name, exc)
        if left:
            problem = "After the changes, group {} still differs: {}".format(
                name, "; ".join(s["command"] for s in left)
            )
    if not problem:
        lost = __utils__["ipmp_plan_ipadm.stranded"](after, name, members)
        if lost:
            problem = (
                "Declared data addresses {} on no working interface of group {}: {}. "
                "Repair the group's interfaces (links, probe targets, offline) and run "
                "the state again.".format("would be" if test else "are", name, ", ".join(lost))
            )
    comments = []
    if ret["changes"]:
        comments.append("{} group {} ({}): {}".format(
            "Would change" if test else "Changed", name, "ipadm",
            "; ".join(c for obj in sorted(ret["changes"]) for c in ret["changes"][obj]["ipadm"]),
        ))
    elif not problem:
        comments.append("Group {} is as declared".format(name))
    if problem:
        comments.append(problem)
    if skipped:
        comments.append("Skipped (live: False): {}".format(", ".join(skipped)))
    ret["comment"] = "\n".join(comments)
    if problem:
        ret["result"] = False
    elif test and ret["changes"]:
        ret["result"] = None
    return ret


def _missing_nics(names):
    """A refusal naming the NICs to plumb that the host does not have
    (``dladm show-link``), or None.  Read only when something must be
    plumbed, so a converged host pays nothing for it."""
    if not names:
        return None
    try:
        links = __salt__["dladm.show_link"]()
    except (KeyError, CommandExecutionError):
        return None  # no dladm answer: let ifconfig plumb report it
    absent = [n for n in names if n not in links]
    if not absent:
        return None
    return "{} {} not exist on this host (not in dladm show-link: {}); nothing was changed".format(
        ", ".join(absent), "does" if len(absent) == 1 else "do", ", ".join(sorted(links)) or "none"
    )


# --------------------------------------------------------------------------
# the state
# --------------------------------------------------------------------------
def interfaces_exist(name, interfaces=None):
    """
    Stop the run before anything is written or changed when an interface the
    pillar manages live is neither plumbed (``ifconfig -a``) nor a data link
    of this host (``dladm show-link``).  The formula runs it first with
    ``failhard``, so a mistyped or missing NIC leaves the hosts, netmasks,
    mpathd and hostname files untouched.

    name
        A label for the check.
    interfaces
        The interface names to look for (the formula passes every interface
        with ``live`` on).

    .. code-block:: yaml

        ipmp-interfaces-exist:
          ipmp_group.interfaces_exist:
            - interfaces: [bge0, bge2]
            - order: 1
            - failhard: true
    """
    ret = __utils__["ipmp_stateret.new"](name)
    try:
        if not isinstance(interfaces or [], (list, tuple)):
            raise SaltInvocationError("interfaces must be a list of interface names")
        for ifname in interfaces or []:
            __utils__["ipmp_validate.member"](ifname, "interfaces")
        names = sorted(set(interfaces or []))
    except (SaltInvocationError, ValueError) as exc:
        return __utils__["ipmp_stateret.error"](ret, exc, "Invalid arguments")
    if not names:
        ret["comment"] = "No interface to look for"
        return ret
    try:
        if _platform() == "solaris10":
            plumbed = set(n.split(":", 1)[0] for n in __salt__["ifconfig.show"]())
        else:
            plumbed = set(__salt__["ipadm.show_if"]())
    except CommandExecutionError as exc:
        return __utils__["ipmp_stateret.failed"](
            ret, "Cannot read the interfaces: {}".format(exc)
        )
    missing = _missing_nics(sorted(set(names) - plumbed))
    if missing:
        return __utils__["ipmp_stateret.failed"](ret, missing)
    ret["comment"] = "Interfaces {} exist".format(", ".join(names))
    return ret


def present(name, interfaces=None, failure_detection="link", live=True, hosts=None, root=None,
            netmasks=None, persist="ipadm"):
    """
    Make the IPMP group ``name`` live on this host as declared.

    name
        The IPMP group name.
    interfaces
        ``{interface: {address, address6, netmask, test_address,
        test_address6, standby, live, ipv6, extra}}`` as in the pillar
        (``ipmp:groups:<group>:interfaces``).
    failure_detection
        ``link`` or ``probe`` (probe needs a test address on every interface).
    live
        False: change nothing live (the hostname files still apply at boot).
        Per interface ``live: False`` skips that interface.
    hosts
        ``{name: address or [addresses]}`` used to resolve host names before
        the hosts file has them (the formula passes ``ipmp:hosts``).
    root
        Directory the hosts file is read under; default ``ipmp.root``.
    netmasks
        ``{network: mask}`` (the formula passes ``ipmp:netmasks``): on Solaris
        11 and illumos the prefix length of an IPv4 address without a
        ``netmask`` comes from it, then from ``/etc/inet/netmasks``, as
        ``netmask +`` would.

    persist
        Solaris 11 and illumos: ``ipadm`` (default), every change kept in
        ipadm's store; illumos only, ``hostname_files``: the changes are
        made with ``-t`` and the group is kept in the hostname files that
        ``ipmp_group.hostname_files`` writes (the pillar's ``ipmp:persist``).

    On Solaris 11 and illumos the group is an IPMP interface named after it,
    made persistent with ``ipadm`` (see ``ipmp_plan_ipadm``).
    """
    ret = __utils__["ipmp_stateret.new"](name)
    test = bool(__opts__["test"])
    try:
        group, hosts = _checked(name, interfaces, failure_detection, live, hosts, netmasks)
        if not group["live"]:
            ret["comment"] = (
                "Live changes are off for group {} (live: False); only files are managed".format(
                    name
                )
            )
            return ret
        root = _checked_root(root)
        resolve = _Resolver(hosts, root)
        probe = group["failure_detection"] == "probe"
        wanted = []
        skipped = []
        for ifname in sorted(group["interfaces"]):
            iface = group["interfaces"][ifname]
            if not iface["live"]:
                skipped.append(ifname)
                continue
            for family in FAMILIES:
                if family == "inet6" and not iface["ipv6"]:
                    continue
                want = _desired(iface, family, probe, resolve)
                for key, value in (("address", want["address_ip"]), ("test_address", want["test_ip"])):
                    if value is not None:
                        path = "interfaces:{}:{}{}".format(
                            ifname, key, "6" if family == "inet6" else ""
                        )
                        try:
                            # an IPv6 data address is never link-local (test addresses are)
                            __utils__["ipmp_validate.usable_address"](
                                value, "address", not (family == "inet6" and key == "address")
                            )
                        except SaltInvocationError as exc:
                            raise SaltInvocationError("{}: {}".format(path, exc))
                wanted.append((ifname, family, want))
        if _platform() != "solaris10":
            _check_persist(persist)
            members = _ipadm_members(group, wanted, netmasks, root)
    except (SaltInvocationError, ValueError, IOError, OSError) as exc:
        return __utils__["ipmp_stateret.error"](
            ret, exc, "Invalid arguments for group {}".format(name)
        )
    if _platform() != "solaris10":
        return _present_ipadm(ret, name, members, test, skipped, persist)
    try:
        show = __salt__["ifconfig.show"]()
    except CommandExecutionError as exc:
        return __utils__["ipmp_stateret.failed"](
            ret, "Cannot read the interfaces: {}".format(exc)
        )
    first = dict(((i, f), _plan(show, name, i, f, w)) for i, f, w in wanted)
    to_plumb = sorted(set(i for (i, _), p in first.items() if p.tokens[:1] == ["plumb"]))
    missing = _missing_nics(to_plumb)
    if missing:
        return __utils__["ipmp_stateret.failed"](ret, missing)

    def takes_away(item):
        plan = first[(item[0], item[1])]
        if plan.ops["plumb"]:
            return False  # a new interface or family is an addition
        return bool(plan.sets_standby or plan.leaves_group)

    # Additions first, steps that take an interface away from a group last;
    # IPv4 before IPv6, then by name.
    wanted.sort(key=lambda item: (takes_away(item), item[1], item[0]))
    ok, problem, show = _converge(name, wanted, show, test, ret["changes"])
    if ok:
        lost = _unreachable(show, name, wanted, test)
        if lost:
            ok = False
            problem = (
                "Declared data addresses {} on no working interface of group {}: {}. "
                "Repair the group's interfaces (links, probe targets, offline) and run "
                "the state again.".format(
                    "would be" if test else "are", name, ", ".join(lost)
                )
            )
    done = ", ".join(sorted(ret["changes"]))
    comments = []
    if done:
        comments.append(
            "Interfaces {} in group {}: {}".format(
                "that would be changed" if test else "changed", name, done
            )
        )
    elif ok:
        comments.append("Group {} is as declared".format(name))
    if problem:
        comments.append(problem)
    if skipped:
        comments.append("Skipped (live: False): {}".format(", ".join(skipped)))
    ret["comment"] = "\n".join(comments)
    if not ok:
        ret["result"] = False
    elif test and done:
        ret["result"] = None
    return ret


def hostname_files(name, interfaces=None, failure_detection="link", hosts=None, root=None,
                   netmasks=None):
    """
    Write the illumos boot files of IPMP group ``name`` (pillar
    ``ipmp:persist: hostname_files``): ``/etc/hostname.<group>`` (and
    ``hostname6``) for the IPMP interface with its data addresses, and
    ``/etc/hostname.<member>`` naming the group, ``standby`` and the test
    address.  At boot illumos configures these interfaces from the files
    and ignores ipadm's store for them, so ``ipmp_group.present`` then runs
    with ``persist: hostname_files`` and changes only the running system.
    Same arguments as ``present``.

    .. code-block:: yaml

        ipmp0-files:
          ipmp_group.hostname_files:
            - name: ipmp0
            - interfaces:
                net0: {address: 192.168.10.10, test_address: 192.168.10.11}
                net1: {test_address: 192.168.10.12, standby: true}
            - failure_detection: probe
    """
    ret = __utils__["ipmp_stateret.new"](name)
    test = bool(__opts__["test"])
    try:
        if _platform() != "illumos":
            raise SaltInvocationError(
                "ipmp:persist: hostname_files is for illumos only: Solaris 11 never reads "
                "hostname files at boot, and Solaris 10 has its own (ipmp_hostname.managed)"
            )
        group, hosts = _checked(name, interfaces, failure_detection, True, hosts, netmasks)
        root = _checked_root(root)
        resolve = _Resolver(hosts, root)
        probe = group["failure_detection"] == "probe"
        wanted = [
            (ifname, family, _desired(group["interfaces"][ifname], family, probe, resolve))
            for ifname in sorted(group["interfaces"])
            for family in FAMILIES
            if family == "inet" or group["interfaces"][ifname]["ipv6"]
        ]
        members = _ipadm_members(group, wanted, netmasks, root)
        texts = __utils__["ipmp_plan_ipadm.hostname_files"](name, members)
        for (ifname, family), text in sorted(texts.items()):
            kind = __utils__["ipmp_files.hostname_kind"](family)
            path = __utils__["ipmp_files.confine"](
                root, __utils__["ipmp_validate.root_path"](
                    root, __utils__["ipmp_files.relpath"](kind, ifname)
                ),
            )
            diff = __utils__["ipmp_files.manage"](path, text, test=test)
            if diff:
                ret["changes"][path] = diff
    except (SaltInvocationError, ValueError, IOError, OSError) as exc:
        return __utils__["ipmp_stateret.error"](
            ret, exc, "Invalid arguments for group {}".format(name)
        )
    if ret["changes"]:
        ret["comment"] = "{} the boot files of group {}: {}".format(
            "Would write" if test else "Wrote", name, ", ".join(sorted(ret["changes"]))
        )
        if test:
            ret["result"] = None
    else:
        ret["comment"] = "The boot files of group {} are as declared".format(name)
    return ret


def absent(name, interfaces=None, root=None):
    """
    Take interfaces out of the IPMP group ``name``, or dismantle it.

    name
        The IPMP group name.
    interfaces
        The members to take out; all of them (dismantle the group) when
        omitted.

    Safe on every release: a member that is failed or offline, or whose
    leaving would take away the group's last working interface, is refused
    with nothing changed.  Solaris 10: ``ifconfig <if> group ""`` (and
    ``-standby``); the addresses stay on the interface and its hostname
    files lose ``group`` and ``standby``.  Solaris 11 and illumos: ``ipadm
    remove-ipmp``; dismantling moves the IPMP interface's data addresses to
    a working former member, then ``ipadm delete-ipmp``.  Under test the
    same steps are reported, not run.

    .. code-block:: yaml

        ipmp1:
          ipmp_group.absent: []
        bge2-out-of-ipmp0:
          ipmp_group.absent:
            - name: ipmp0
            - interfaces: [bge2]
    """
    ret = __utils__["ipmp_stateret.new"](name)
    test = bool(__opts__["test"])
    try:
        __utils__["ipmp_validate.group"](name)
        if interfaces is not None:
            if isinstance(interfaces, str) or not isinstance(interfaces, (list, tuple)):
                raise SaltInvocationError("interfaces must be a list of interface names")
            for ifname in interfaces:
                __utils__["ipmp_validate.member"](ifname, "interfaces")
        root = _checked_root(root)
    except (SaltInvocationError, ValueError) as exc:
        return __utils__["ipmp_stateret.error"](ret, exc, "Invalid arguments for group {}".format(name))
    try:
        if _platform() == "solaris10":
            return _absent_ifconfig(ret, name, interfaces, root, test)
        return _absent_ipadm(ret, name, interfaces, test)
    except CommandExecutionError as exc:
        return __utils__["ipmp_stateret.failed"](ret, "Cannot read the interfaces: {}".format(exc))


def _absent_ifconfig(ret, name, interfaces, root, test):
    show = __salt__["ifconfig.show"]()
    members = __utils__["ipmp_plan_leave.members_s10"](show, name)
    leaving = [m for m in (members if interfaces is None else interfaces) if m in members]
    observed = _model("observe_ifconfig")(show)
    for ifname in leaving:
        member = observed.members[ifname]
        if member.state in ("failed", "offline"):
            return __utils__["ipmp_stateret.failed"](ret, (
                "Refused: {} is {}; its data addresses live on another member of group {} "
                "and would go back to a NIC that cannot carry them. Repair it (or replace "
                "the NIC) first. Nothing was changed.".format(ifname, member.state, name)
            ))
    if interfaces is not None:
        gone = []
        for ifname in leaving:
            for family in observed.members[ifname].families:
                refusal = _model("takeaway_refusal")(
                    _without_members(observed, gone), ifname, family,
                    leaves=name, joins="no group",
                )
                if refusal:
                    return __utils__["ipmp_stateret.failed"](ret, refusal)
            gone.append(ifname)
    steps = __utils__["ipmp_plan_leave.ifconfig_leave"](show, name, leaving)
    files = []
    for ifname in sorted(leaving):
        for kind in ("hostname", "hostname6"):
            path = __utils__["ipmp_files.confine"](
                root, __utils__["ipmp_validate.root_path"](
                    root, __utils__["ipmp_files.relpath"](kind, ifname)
                ),
            )
            new = __utils__["ipmp_plan_leave.hostname_without_group"](
                __utils__["ipmp_files.read"](path), name
            )
            if new is not None:
                files.append((ifname, path, new))
    for ifname, family, tokens in steps:
        command = "ifconfig {} {} {}".format(ifname, family, " ".join(t or '""' for t in tokens))
        if not test:
            try:
                __salt__["ifconfig.configure"](ifname, tokens, family)
            except (CommandExecutionError, SaltInvocationError) as exc:
                return __utils__["ipmp_stateret.failed"](
                    ret, "{} failed: {}. Nothing further was changed.".format(command, exc)
                )
        ret["changes"].setdefault(ifname, {}).setdefault("ifconfig", []).append(command)
    for ifname, path, new in files:
        diff = __utils__["ipmp_files.manage"](path, new, test=test)
        if diff:
            ret["changes"].setdefault(ifname, {})[path] = diff
    return _absent_report(ret, name, members, leaving, test)


def _without_members(observed, gone):
    """``observed`` with the interfaces ``gone`` already out of their group."""
    if not gone:
        return observed
    out = copy.copy(observed)
    out.members = dict((k, v) for k, v in observed.members.items() if k not in gone)
    return out


def _absent_ipadm(ret, name, interfaces, test):
    host = _ipadm_host()
    info = host["if"].get(name)
    if info is None or info["class"] != "ipmp":
        ret["comment"] = "Group {} is not on this host".format(name)
        return ret
    members = list(info["over"])
    dismantle = interfaces is None
    leaving = members if dismantle else [m for m in interfaces if m in members]
    try:
        steps = __utils__["ipmp_plan_leave.ipadm_leave"](
            host, name, leaving, dismantle, __utils__["ipmp_plan_ipadm.guard"]
        )
    except ValueError as exc:
        return __utils__["ipmp_stateret.failed"](ret, "{}. Nothing was changed.".format(exc))
    for step in steps:
        if not test:
            try:
                __salt__["ipadm." + step["function"]](*step["args"], **step.get("kwargs", {}))
            except (CommandExecutionError, SaltInvocationError) as exc:
                return __utils__["ipmp_stateret.failed"](
                    ret, "{} failed: {}. Nothing further was changed.".format(step["command"], exc)
                )
        ret["changes"].setdefault(step["object"], {}).setdefault("ipadm", []).append(
            step["command"]
        )
    return _absent_report(ret, name, members, leaving if not dismantle else members, test)


def _absent_report(ret, name, members, leaving, test):
    if not ret["changes"]:
        ret["comment"] = (
            "Group {} is not on this host".format(name) if not members
            else "None of the interfaces is in group {}".format(name)
        )
        return ret
    ret["comment"] = "{} {} out of group {}".format(
        "Would take" if test else "Took", ", ".join(sorted(leaving)), name
    )
    if test:
        ret["result"] = None
    return ret


def _converge(name, wanted, show, test, changes):
    """Apply (or, under test, simulate) the plans one interface and family at
    a time, each planned from a fresh read.  Fills ``changes``; returns
    (ok, problem text, the interfaces as they are (or, under test, would
    be) after it)."""
    homes = dict(
        ((family, want["address_ip"]), ifname)
        for ifname, family, want in wanted
        if want["address_ip"]
    )
    for ifname, family, want in wanted:
        if not test:
            try:
                show = __salt__["ifconfig.show"]()
            except CommandExecutionError as exc:
                return False, "Cannot read the interfaces: {}".format(exc), show
        plan = _plan(show, name, ifname, family, want)
        if not plan.tokens:
            continue
        plan.homes = homes
        refusal = _guard(show, name, plan)
        if refusal:
            return False, refusal, show
        changes.setdefault(ifname, {})[family] = plan.changes()
        if test:
            show = _simulate(show, name, plan, want)
            continue
        try:
            __salt__["ifconfig.configure"](ifname, plan.tokens, family)
            after = __salt__["ifconfig.show"]()
        except (CommandExecutionError, SaltInvocationError) as exc:
            changes[ifname][family]["error"] = str(exc)
            return False, "{} failed: {}. Nothing further was changed.".format(
                plan.command(), exc
            ), show
        left = _plan(after, name, ifname, family, want)
        if left.tokens:
            return False, (
                "After {}, {} ({}) still differs: {}. Nothing further was changed.".format(
                    plan.command(), ifname, family, left.changes()["new"]
                )
            ), after
        show = after
    if not test and changes:
        try:
            show = __salt__["ifconfig.show"]()
        except CommandExecutionError as exc:
            return False, "Cannot read the interfaces: {}".format(exc), show
    return True, None, show
