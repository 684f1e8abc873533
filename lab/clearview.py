"""Clearview IPMP for the 5.11 lab hosts (Solaris 11.4, illumos): kernel and in.mpathd.

The IP stack keeps the Solaris 10 lab's layout (``lab.kernel``: phyints with
an ``inet`` and an ``inet6`` ill and their ipifs).  What Clearview adds:

* an IPMP interface (``ipmp0``) is a phyint with the ``IPMP`` flag whose ills
  carry the group name; it holds the data addresses;
* its members (underlying interfaces) carry the group name and only test
  addresses (``NOFAILOVER``) or 0.0.0.0; addresses never move;
* in.mpathd decides per member FAILED / OFFLINE / INACTIVE and the group's
  state (ok, degraded, failed) and logs with the Clearview texts.

``state["ipadm"]`` holds ipadm's view of the active configuration (classes,
address objects, what is temporary); ``etc/ipadm/ipadm.conf`` is ipadm's
persistent store (JSON, see docs/lab.md).

ASSUMPTION: the lab's network has no IPv6 routers, so IPv6 link-local
addresses never become probe-capable test addresses: probing is IPv4 only
and a member without an IPv4 test address uses link-based detection.
ASSUMPTION: the probe target behind a test address is the first host of its
subnet (the subnet's router), probed in mode ``routes``.
"""
import json
import os

from lab import addr as A
from lab import flags as F
from lab import kernel as K
from lab.mpathd import DaemonBase, parse_defaults, read_defaults

IPMP = 0x8000000000
VRRP, NOACCEPT, L3PROTECT = 0x10000000000, 0x4000000, 0x40000000000
# illumos ifconfig if_flags_tbl[]: Solaris 10's without MIP, then IPMP VRRP NOACCEPT L3PROTECT.
TABLE = tuple((n, b) for n, b in F.TABLE if n != "MIP") + (
    ("IPMP", IPMP), ("VRRP", VRRP), ("NOACCEPT", NOACCEPT), ("L3PROTECT", L3PROTECT))

# Clearview in.mpathd format strings (illumos mpd_probe.c / mpd_tables.c / mpd_main.c):
# the syslog ID hashes them.  Solaris 11.4 uses the same texts (no public S11 text differs).
# Link up/down, SIGHUP and the invalid FAILBACK / TRACK_INTERFACES_ONLY_WITH_GROUPS
# texts are the Solaris 10 ones (lab.mpathd logs them for both).
MSG_FAILURE_GROUP = "IP interface failure detected on %s of group %s\n"
MSG_REPAIR_GROUP = "IP interface repair detected on %s of group %s\n"
MSG_GROUP_FAILED = "All IP interfaces in group %s are now unusable\n"
MSG_GROUP_REPAIRED = "At least 1 IP interface (%s) in group %s is now usable\n"
MSG_BAD_FDT = "Invalid failure detection time %s, assuming default of %d ms\n"
MSG_SMALL_FDT = "Too small failure detection time of %s, assuming minimum of %d ms\n"

IPMP_SUCCESS, IPMP_FAILURE, IPMP_EMINRED, IPMP_EUNKIF = 0, 1, 2, 10
STORE = ("etc", "ipadm", "ipadm.conf")


def render_flags(value):
    listed = [name for name, bit in TABLE if value & bit]
    return "flags=%x%s" % (value, "<%s>" % ",".join(listed) if listed else "")


# ---------------------------------------------------------------- host set-up

def init_host(host, st, release):
    """A freshly booted 5.11 host: lo0 from ipadm's store, in.mpathd online (SMF)."""
    st["release"] = release
    st["ipadm"] = {"ifs": {"lo0": {"class": "loopback", "temporary": False}},
                   "addrs": {"lo0/v4": {"if": "lo0", "fam": "inet", "lun": 0, "temporary": False},
                             "lo0/v6": {"if": "lo0", "fam": "inet6", "lun": 0,
                                        "temporary": False}}}
    st["svc"] = {"transitive-probing": False}
    store = {"version": 1, "release": release,
             "interfaces": {"lo0": {"class": "loopback", "families": ["inet", "inet6"]}},
             "addresses": {
                 "lo0/v4": {"interface": "lo0", "family": "inet", "type": "static",
                            "address": "127.0.0.1", "prefixlen": 8},
                 "lo0/v6": {"interface": "lo0", "family": "inet6", "type": "static",
                            "address": "::1", "prefixlen": 128}}}
    os.makedirs(host.path("etc", "ipadm"))
    save_store(host, store)
    # ASSUMPTION: svc:/network/ipmp is online from boot on both releases, so
    # in.mpathd runs before any group exists (illumos: an SMF service since 2021).
    st["next_pid"] += 3
    st["mpathd"].update(running=True, pid=st["next_pid"])
    text = read_defaults(host.path("etc", "default", "mpathd"))
    fdt, failback, _track_all, _msgs = parse_config(text)
    st["mpathd"].update(fdt=fdt, failback=failback)


def load_store(host):
    with open(host.path(*STORE)) as handle:
        return json.load(handle)


def save_store(host, store):
    path = host.path(*STORE)
    tmp = path + ".%d.tmp" % os.getpid()
    with open(tmp, "w") as handle:
        json.dump(store, handle, indent=1)
        handle.write("\n")
    os.replace(tmp, path)


def exact_yes_no(value):
    """illumos getdefault(): exactly 'yes' or 'no', any case."""
    return {"yes": True, "no": False}.get(value.lower())


def parse_config(text):
    """illumos getdefault(): exact yes/no, the 'of %d ms' texts.
    (fdt, failback, track_all, logs); Clearview ignores track_all."""
    return parse_defaults(text, exact_yes_no, MSG_BAD_FDT, MSG_SMALL_FDT)


# ---------------------------------------------------------------- kernel

def is_ipmp(st, name):
    pi = st["phyints"].get(name)
    return bool(pi) and bool(pi["flags"] & IPMP)


def ipmp_ifs(st):
    return [n for n in K.by_index(st) if is_ipmp(st, n)]


def group_name(st, name):
    """The group of an IP interface (an IPMP interface's own group too)."""
    return K.group_of(st, name)


def ipmp_of_group(st, group):
    for name in ipmp_ifs(st):
        if group_name(st, name) == group:
            return name
    return None


def members(st, ipmp_name):
    group = group_name(st, ipmp_name)
    return [n for n in K.by_index(st) if n != ipmp_name and not is_ipmp(st, n)
            and group and group_name(st, n) == group]


def ipmp_of(st, member):
    group = group_name(st, member)
    return ipmp_of_group(st, group) if group and not is_ipmp(st, member) else None


def plumb_ip(st, name):
    for fam in K.FAMS:
        K.plumb(st, name, fam)


def create_ipmp(st, name):
    if name in st["phyints"]:
        raise K.KErr(K.EEXIST)
    pi = {"index": K.assign_index(st), "flags": IPMP, "inet": None, "inet6": None}
    pi["inet"] = {"flags": F.BROADCAST | F.MULTICAST | F.IPV4, "mtu": 1500, "group": name,
                  "ipifs": {"0": K.new_ipif("inet")}}
    pi["inet6"] = {"flags": F.MULTICAST | F.IPV6, "mtu": 1500, "group": name,
                   "ipifs": {"0": K.new_ipif("inet6")}}
    st["phyints"][name] = pi


def remove_if(st, name):
    if name in st["phyints"]:
        del st["phyints"][name]


def set_member(st, name, group, mark_test):
    """Join (group != "") or leave a group; mark_test: addresses become test addresses."""
    pi = st["phyints"][name]
    for fam in K.FAMS:
        il = pi[fam]
        if not il:
            continue
        il["group"] = group
        for lun, ip in K.ipifs(il):
            if group:
                # ASSUMPTION: joining a group brings the member's unit 0 up (0.0.0.0
                # may be up on an underlying interface), as ipadm leaves members usable.
                if lun == 0 and fam == "inet":
                    ip["flags"] |= F.UP
                if mark_test and not K.is_unspecified(ip, fam) and not (
                        fam == "inet6" and A.is_linklocal6(K.v6(ip))):
                    ip["flags"] |= F.NOFAILOVER | F.DEPRECATED
    if not group:
        pi["flags"] &= ~(F.FAILED | F.INACTIVE | F.OFFLINE)


def add_address(st, name, fam, value, plen, flags):
    """A new address on name: unit 0 when it is unset, else the next free unit."""
    il = K.ill(st, name, fam)
    zero = il["ipifs"]["0"]
    if K.is_unspecified(zero, fam) and not (fam == "inet6" and not is_ipmp(st, name)):
        lun = 0
    else:
        lun = 1
        while str(lun) in il["ipifs"]:
            lun += 1
        il["ipifs"][str(lun)] = K.new_ipif(fam)
    ip = il["ipifs"][str(lun)]
    if fam == "inet":
        mask = A.plen_to_mask(plen)
        ip.update(addr=A.ntoa(value), mask=A.ntoa(mask),
                  brd=A.ntoa((value & mask) | (~mask & 0xffffffff)))
    else:
        ip.update(addr=A.fmt6(value), plen=plen)
    ip["flags"] = (ip["flags"] & ~F.LOGINT) | flags | F.UP
    return lun


def remove_address(st, name, fam, lun):
    il = K.ill(st, name, fam)
    if not il or str(lun) not in il["ipifs"]:
        return
    if lun == 0:
        il["ipifs"]["0"] = K.new_ipif(fam)
        if fam == "inet6" and not is_ipmp(st, name):
            il["ipifs"]["0"].update(addr=A.fmt6(A.linklocal(st["nics"][name]["mac"])), plen=10)
    else:
        del il["ipifs"][str(lun)]


def test_address(st, name):
    """The IPv4 test address in.mpathd probes from (see the module's ASSUMPTION)."""
    return K.test_address(st, name, "inet")


def target_of(st, name):
    taddr = test_address(st, name)
    if not taddr:
        return None
    for _, ip in K.ipifs(K.ill(st, name, "inet")):
        if ip["addr"] == taddr:
            mask = K.v4(ip, "mask")
            return A.ntoa((A.inet_aton(taddr) & mask) + 1)
    return None


def data_addresses(st, ipmp_name):
    """[(fam, lun, ipif)] of an IPMP interface's data addresses (not the placeholders)."""
    result = []
    for fam in K.FAMS:
        il = K.ill(st, ipmp_name, fam)
        if not il:
            continue
        for lun, ip in K.ipifs(il):
            if not K.is_unspecified(ip, fam):
                result.append((fam, lun, ip))
    return result


def has_up_address(st, name):
    pi = st["phyints"][name]
    return any(ip["flags"] & F.UP for fam in K.FAMS if pi[fam] for _, ip in K.ipifs(pi[fam]))


# ---------------------------------------------------------------- in.mpathd

class Clearview(DaemonBase):
    """in.mpathd (Clearview) acting on one locked host context."""

    def set_flag(self, name, bit, on):
        pi = self.st["phyints"][name]
        pi["flags"] = (pi["flags"] | bit) if on else (pi["flags"] & ~bit)
        self.ctx.dirty = True

    def probe_enabled(self, name):
        rec = self.rec(name)
        return bool(rec) and rec["state"] != "offline" and bool(test_address(self.st, name))

    def group_members(self, group):
        return [n for n in K.by_index(self.st) if n in self.mp["phyints"]
                and self.mp["phyints"][n]["group"] == group]

    # ------------------------------------------------------------ config
    parse_config = staticmethod(parse_config)

    def configure(self, fdt, failback, track_all):
        self.mp.update(fdt=fdt, failback=failback)

    # ------------------------------------------------------------ tracking
    def tracked(self):
        """Every non-IPMP interface in a group that has its IPMP interface."""
        current = {}
        for name in K.by_index(self.st):
            if is_ipmp(self.st, name) or self.flags(name) & (F.LOOPBACK | F.VIRTUAL):
                continue
            group = group_name(self.st, name)
            if group and ipmp_of_group(self.st, group):
                current[name] = group
        return current

    def forget(self, name):
        if name in self.st["phyints"]:
            self.set_flag(name, F.FAILED | F.INACTIVE, False)

    def new_record(self, name, group):
        self.mp["seq"] += 1
        state = "running"
        if self.flags(name) & F.OFFLINE:
            state = "offline"
        elif not self.link_up(name) or self.flags(name) & F.FAILED:
            state = "failed"
            self.set_flag(name, F.FAILED, True)
        return {"group": group, "state": state, "hold": False, "seq": self.mp["seq"]}

    def sync(self):
        if not self.mp["running"]:
            return
        self.update_records()
        for group in list(self.mp["groups"]):
            if not ipmp_of_group(self.st, group):
                del self.mp["groups"][group]
        self.schedule_timers()
        self.refresh()
        self.ctx.dirty = True

    def refresh(self):
        """Pick the active members of every group and its state; log state changes."""
        for ipmp_name in ipmp_ifs(self.st):
            group = group_name(self.st, ipmp_name)
            names = self.group_members(group) if self.mp["running"] else []
            usable = [n for n in names if not self.flags(n) & (F.FAILED | F.OFFLINE)]
            # As many active members as there are non-standby ones (at least one):
            # the non-standby usable ones first, then those already active, then
            # repaired ones held back (FAILBACK=no), then standbys.
            want = len([n for n in names if not self.flags(n) & F.STANDBY])
            want = max(want, 1 if usable else 0)
            active = [n for n in usable if not self.flags(n) & F.STANDBY
                      and not self.rec(n)["hold"]]
            before_active = self.mp["groups"].get(group, {}).get("active", [])
            for pool in ([n for n in usable if n in before_active],
                         [n for n in usable if self.rec(n)["hold"]], usable):
                for name in pool:
                    if len(active) >= want:
                        break
                    if name not in active:
                        active.append(name)
            for name in names:
                if name in active:
                    self.rec(name)["hold"] = False
                inactive = name in usable and name not in active
                if bool(self.flags(name) & F.INACTIVE) != inactive:
                    self.set_flag(name, F.INACTIVE, inactive)
            if not names:
                state = "failed"
            elif not usable:
                state = "failed"
            elif len(usable) == len(names):
                state = "ok"
            else:
                state = "degraded"
            info = self.mp["groups"].setdefault(group, {"state": "empty", "active": []})
            before = info["state"]
            if names and before not in ("empty",) and state != before:
                if state == "failed":
                    self.log(MSG_GROUP_FAILED, group)
                elif before == "failed":
                    self.log(MSG_GROUP_REPAIRED, usable[-1], group)
            info["state"] = state if names else "empty"
            info["active"] = [n for n in names if n in active]
            pi = self.st["phyints"][ipmp_name]
            flags = pi["flags"] & ~(F.RUNNING | F.FAILED)
            if active:
                flags |= F.RUNNING
            if state == "failed":
                flags |= F.FAILED
            pi["flags"] = flags

    def group_state(self, ipmp_name):
        info = self.mp["groups"].get(group_name(self.st, ipmp_name))
        if not info or info["state"] == "empty":
            return "failed"
        return info["state"]

    def active(self, name):
        rec = self.rec(name)
        if not rec:
            return False
        return name in self.mp["groups"].get(rec["group"], {}).get("active", [])

    # ------------------------------------------------------------ timers
    def expired(self, timer):
        name, rec = timer["nic"], self.rec(timer["nic"])
        if rec is not None and self.link_up(name) and self.probe_enabled(name):
            if timer["kind"] == "fail" and rec["state"] == "running" and self.probes_failing(name):
                self.probe_failure(name)
            elif (timer["kind"] == "repair" and rec["state"] == "failed"
                  and not self.probes_failing(name)):
                self.repair(name)

    # ------------------------------------------------------------ events
    def link_went_down(self, name, rec):
        if rec["state"] == "running":
            self.fail(name)
        self.refresh()

    def link_came_up(self, name, rec):
        if rec["state"] == "failed" and not self.probe_enabled(name):
            self.repair(name)
        self.refresh()

    def fail(self, name):
        rec = self.rec(name)
        rec["state"] = "failed"
        self.set_flag(name, F.FAILED, True)
        self.log(MSG_FAILURE_GROUP, name, rec["group"])

    def probe_failure(self, name):
        """Probes lost for FDT: this interface's failure, or the whole group's when no
        other probe-enabled member still gets answers (then no per-interface line)."""
        group = self.rec(name)["group"]
        others = [n for n in self.group_members(group) if n != name and self.probe_enabled(n)]
        if not others or any(self.rec(n)["state"] == "running" and self.link_up(n)
                             and not self.probes_failing(n) for n in others):
            self.fail(name)
        else:
            for other in self.group_members(group):
                if self.rec(other)["state"] == "running":
                    self.rec(other)["state"] = "failed"
                    self.set_flag(other, F.FAILED, True)
        self.refresh()

    def repair(self, name):
        rec = self.rec(name)
        self.log(MSG_REPAIR_GROUP, name, rec["group"])
        rec["state"] = "running"
        self.set_flag(name, F.FAILED, False)
        self.hold_if_no_failback(name)
        self.refresh()

    def hold_if_no_failback(self, name):
        """FAILBACK=no: a repaired (or onlined) interface stays INACTIVE while
        another member carries the traffic."""
        rec = self.rec(name)
        if not self.mp["failback"] and not self.flags(name) & F.STANDBY:
            group = rec["group"]
            rec["hold"] = any(self.active(n) for n in self.group_members(group) if n != name)

    # ------------------------------------------------------------ if_mpadm
    def offline(self, name):
        rec = self.rec(name)
        if rec is None:
            return IPMP_EUNKIF
        others = [n for n in self.group_members(rec["group"]) if n != name
                  and not self.flags(n) & (F.FAILED | F.OFFLINE)]
        if not others:
            return IPMP_EMINRED
        rec["state"] = "offline"
        self.set_flag(name, F.OFFLINE, True)
        self.set_flag(name, F.INACTIVE, False)
        self.sync()
        return IPMP_SUCCESS

    def undo_offline(self, name):
        rec = self.rec(name)
        if rec is None:
            return IPMP_EUNKIF
        self.set_flag(name, F.OFFLINE, False)
        rec["state"] = "running" if self.link_up(name) else "failed"
        self.set_flag(name, F.FAILED, rec["state"] == "failed")
        self.hold_if_no_failback(name)
        self.sync()
        return IPMP_SUCCESS


# ---------------------------------------------------------------- ipmpstat data

def reverse_lookup(host_dir, fam, text):
    """getnameinfo(NI_NOFQDN) through etc/inet/hosts: the first name for an address."""
    want = A.inet_aton(text) if fam == "inet" else A.parse6(text)
    path = os.path.join(host_dir, "etc", "inet", "hosts")
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except OSError:
        return text
    for line in lines:
        words = line.split("#", 1)[0].split()
        if len(words) < 2:
            continue
        got = A.inet_aton(words[0]) if fam == "inet" and "." in words[0] else (
            A.parse6(words[0]) if fam == "inet6" and ":" in words[0] else None)
        if got is not None and got == want:
            return words[1].split(".", 1)[0]
    return text


def ipmp_snapshot(ctx):
    """What ipmpstat reads from in.mpathd: groups, interfaces, addresses, targets."""
    st = ctx.state
    daemon = Clearview(ctx)
    groups, ifaces, addrs, targets = [], [], [], []
    for ipmp_name in ipmp_ifs(st):
        group = group_name(st, ipmp_name)
        names = members(st, ipmp_name)
        active = [n for n in names if daemon.active(n)]
        inactive = [n for n in names if n not in active
                    and not st["phyints"][n]["flags"] & (F.FAILED | F.OFFLINE)]
        unusable = [n for n in names if n not in active and n not in inactive]
        listing = " ".join(active)
        if inactive:
            listing += (" " if listing else "") + "(%s)" % " ".join(inactive)
        if unusable:
            listing += (" " if listing else "") + "[%s]" % " ".join(unusable)
        probing = any(daemon.probe_enabled(n) for n in names)
        groups.append({"GROUP": ipmp_name, "GROUPNAME": group,
                       "STATE": daemon.group_state(ipmp_name),
                       "FDT": "%.2fs" % (st["mpathd"]["fdt"] / 1000.0) if probing else "",
                       "INTERFACES": listing})
        v4_active = [n for n in active if K.ill(st, n, "inet")]
        v6_active = [n for n in active if K.ill(st, n, "inet6")]
        for name in names:
            pi = st["phyints"][name]
            rec = daemon.rec(name) or {"state": "running"}
            flags = ["-"] * 7
            if pi["flags"] & F.INACTIVE:
                flags[0] = "i"
            if pi["flags"] & F.STANDBY:
                flags[1] = "s"
            if v4_active and v4_active[0] == name:
                flags[2], flags[3] = "m", "b"
            if v6_active and v6_active[0] == name:
                flags[4] = "M"
            if not has_up_address(st, name):
                flags[5] = "d"
            if daemon.probe_enabled(name):
                probe = "failed" if (rec["state"] == "failed" or daemon.probes_failing(name)
                                     or not daemon.link_up(name)) else "ok"
            else:
                probe = "disabled"
            state = {"running": "ok", "failed": "failed", "offline": "offline"}[rec["state"]]
            ifaces.append({"INTERFACE": name, "ACTIVE": "yes" if name in active else "no",
                           "GROUP": ipmp_name, "FLAGS": "".join(flags),
                           "LINK": "up" if pi["flags"] & F.RUNNING else "down",
                           "PROBE": probe, "STATE": state})
            taddr = test_address(st, name)
            if taddr and daemon.probe_enabled(name):
                targets.append({"INTERFACE": name, "MODE": "routes", "TESTADDR": taddr,
                                "TARGETS": target_of(st, name), "fam": "inet"})
            else:
                targets.append({"INTERFACE": name, "MODE": "disabled", "TESTADDR": "",
                                "TARGETS": "", "fam": "inet"})
        # ASSUMPTION: the kernel binds the up data addresses of each family to the
        # active members round robin, in address order (inbound); outbound uses all.
        count = {"inet": 0, "inet6": 0}
        for fam, lun, ip in data_addresses(st, ipmp_name):
            up = bool(ip["flags"] & F.UP)
            use = (v4_active if fam == "inet" else v6_active) if up else []
            addrs.append({"ADDRESS": ip["addr"], "STATE": "up" if up else "down",
                          "GROUP": ipmp_name,
                          "INBOUND": use[count[fam] % len(use)] if use else "",
                          "OUTBOUND": " ".join(use), "fam": fam})
            if up:
                count[fam] += 1
    return groups, ifaces, addrs, targets
