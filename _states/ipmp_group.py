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
            path = __utils__["ipmp_validate.root_path"](
                self.root, __utils__["ipmp_files.relpath"]("hosts")
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


def _scope_addresses(show, group, ifname, family):
    """Data addresses of ``family`` on the group's interfaces and on
    ``ifname``, physical and logical."""
    return set(_model("data_addresses")(show, group, family, also=ifname))


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
    """The ifconfig words for one interface and family, and what they change."""

    def __init__(self, ifname, family):
        self.ifname = ifname
        self.family = family
        self.tokens = []
        self.old = {}
        self.new = {}
        self.sets_standby = False
        self.leaves_group = None

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


def _plan(show, group, ifname, family, want):
    """Compare ``show`` with ``want`` for one interface and family."""
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
        if want["test"] or (family == "inet6" and want["probe"]):
            plan.new["test_address"] = want["test"] or "link-local"
        if want["address"]:
            plan.new["address"] = want["address"]
        return plan
    flags = _flags(entry)
    current_group = entry.get("groupname") or None
    if current_group != group:
        plan.tokens += ["group", group]
        plan.change("group", current_group, group)
        plan.leaves_group = current_group
    here = _ip(entry.get("address"))
    present = _scope_addresses(show, group, ifname, family)
    if _replaced(entry):
        # in.mpathd failed this interface's data address over and left the
        # 0.0.0.0 placeholder: only the group and standby are ours to fix.
        _standby(plan, flags, want)
        return plan
    if family == "inet" and want["probe"]:
        if here != want["test_ip"]:
            plan.tokens += [want["test"], "netmask", want["netmask"], "broadcast", "+"]
            plan.change("test_address", here, want["test"])
        if "DEPRECATED" not in flags:
            plan.tokens.append("deprecated")
            plan.change("deprecated", False, True)
        if "NOFAILOVER" not in flags:
            plan.tokens.append("-failover")
            plan.change("failover", True, False)
    elif family == "inet6" and want["probe"]:
        if want["test_ip"] and here != want["test_ip"]:
            plan.tokens.append(want["test"])
            plan.change("test_address", here, want["test"])
        if "NOFAILOVER" not in flags:
            plan.tokens.append("-failover")
            plan.change("failover", True, False)
    else:
        if family == "inet" and want["address_ip"] and want["address_ip"] not in present:
            plan.tokens += [want["address"], "netmask", want["netmask"], "broadcast", "+"]
            plan.change("address", here, want["address"])
        if "DEPRECATED" in flags and family == "inet":
            plan.tokens.append("-deprecated")
            plan.change("deprecated", True, False)
        if "NOFAILOVER" in flags:
            plan.tokens.append("failover")
            plan.change("failover", False, True)
    _standby(plan, flags, want)
    if "UP" not in flags:
        plan.tokens.append("up")
        plan.change("up", False, True)
    logical_data = want["probe"] or family == "inet6"
    if logical_data and want["address_ip"] and want["address_ip"] not in present:
        if family == "inet":
            plan.tokens += [
                "addif",
                want["address"],
                "netmask",
                want["netmask"],
                "broadcast",
                "+",
                "failover",
                "up",
            ]
        else:
            plan.tokens += [
                "addif",
                want["address"] if "/" in want["address"] else want["address"] + "/64",
                "up",
            ]
        plan.change("address", None, want["address"])
    return plan


def _guard(show, group, plan):
    """Why ``plan`` must not run (it would take away a group's last working
    interface), or None: the model decides."""
    return _model("takeaway_refusal")(
        _model("observe_ifconfig")(show),
        plan.ifname,
        plan.family,
        leaves=plan.leaves_group,
        standby=group if plan.sets_standby else None,
        joins=group,
    )


def _simulate(show, group, plan, want):
    """``show`` as it will be after ``plan`` ran (for test=True)."""
    show = copy.deepcopy(show)
    entry = show.setdefault(plan.ifname, {}).get(plan.family)
    if entry is None:
        entry = {
            "flags": [
                "UP",
                "BROADCAST",
                "RUNNING",
                "MULTICAST",
                "IPv4" if plan.family == "inet" else "IPv6",
            ]
        }
        show[plan.ifname][plan.family] = entry
    flags = [
        f
        for f in entry.get("flags", [])
        if f not in ("STANDBY", "INACTIVE", "NOFAILOVER", "DEPRECATED")
    ]
    if "UP" not in flags:
        flags.insert(0, "UP")
    if want["probe"] and (plan.family == "inet6" or want["test"]):
        flags.append("NOFAILOVER")
        if plan.family == "inet":
            flags.append("DEPRECATED")
    if want["standby"]:
        flags += ["STANDBY", "INACTIVE"]
    entry["flags"] = flags
    entry["groupname"] = group
    logical_data = want["probe"] or plan.family == "inet6"
    if want["test_ip"]:
        entry["address"] = want["test_ip"]
    elif not logical_data and want["address_ip"]:
        entry["address"] = want["address_ip"]
    if (
        logical_data
        and want["address_ip"]
        and want["address_ip"] not in _scope_addresses(show, group, plan.ifname, plan.family)
    ):
        unit = 1
        while (
            "{}:{}".format(plan.ifname, unit) in show
            and plan.family in show["{}:{}".format(plan.ifname, unit)]
        ):
            unit += 1
        show.setdefault("{}:{}".format(plan.ifname, unit), {})[plan.family] = {
            "flags": ["UP", "RUNNING"],
            "address": want["address_ip"],
        }
    return show


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
def present(name, interfaces=None, failure_detection="link", live=True, hosts=None, root=None):
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
    """
    ret = __utils__["ipmp_stateret.new"](name)
    test = bool(__opts__["test"])
    try:
        group = __utils__["ipmp_pillar.validate_group"](
            name,
            {"failure_detection": failure_detection, "live": live, "interfaces": interfaces},
            _utils(),
            live=True,
            path=["interfaces"],
            memo=__context__.get("ipmp_pillar.checked"),
        )
        if hosts is not None and not isinstance(hosts, dict):
            raise SaltInvocationError("hosts must be a mapping of host name to address(es)")
        if not group["live"]:
            ret["comment"] = (
                "Live changes are off for group {} (live: False); only files are managed".format(
                    name
                )
            )
            return ret
        root = __utils__["ipmp_stateret.root"](root, __salt__["config.get"])
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
                wanted.append((ifname, family, _desired(iface, family, probe, resolve)))
    except SaltInvocationError as exc:
        return __utils__["ipmp_stateret.error"](
            ret, exc, "Invalid arguments for group {}".format(name)
        )
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
        return bool(plan.sets_standby or plan.leaves_group)

    # Additions first, steps that take an interface away from a group last;
    # IPv4 before IPv6, then by name.
    wanted.sort(key=lambda item: (takes_away(item), item[1], item[0]))
    ok, problem = _converge(name, wanted, show, test, ret["changes"])
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


def _converge(name, wanted, show, test, changes):
    """Apply (or, under test, simulate) the plans one interface and family at
    a time, each planned from a fresh read.  Fills ``changes``; returns
    (ok, problem text)."""
    for ifname, family, want in wanted:
        if not test:
            try:
                show = __salt__["ifconfig.show"]()
            except CommandExecutionError as exc:
                return False, "Cannot read the interfaces: {}".format(exc)
        plan = _plan(show, name, ifname, family, want)
        if not plan.tokens:
            continue
        refusal = _guard(show, name, plan)
        if refusal:
            return False, refusal
        changes.setdefault(ifname, {})[family] = plan.changes()
        if test:
            show = _simulate(show, name, plan, want)
            continue
        try:
            __salt__["ifconfig.configure"](ifname, plan.tokens, family)
            after = __salt__["ifconfig.show"]()
        except (CommandExecutionError, SaltInvocationError) as exc:
            changes[ifname][family]["error"] = str(exc)
            return False, "{} failed: {}. Nothing further was changed.".format(plan.command(), exc)
        left = _plan(after, name, ifname, family, want)
        if left.tokens:
            return False, (
                "After {}, {} ({}) still differs: {}. Nothing further was changed.".format(
                    plan.command(), ifname, family, left.changes()["new"]
                )
            )
    return True, None
