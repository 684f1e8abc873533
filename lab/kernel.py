"""The simulated Solaris 10 IP stack: phyints, ills, ipifs and IPMP moves.

State layout (all JSON):

* ``phyints[name]``: ``index`` and phyint-level ``flags`` shared by both
  families, plus an ``inet`` and an ``inet6`` ill (``None`` when unplumbed);
* an ill: ill-level ``flags``, ``mtu``, IPMP ``group`` and ``ipifs`` keyed by
  logical unit number (as a string);
* an ipif: logical-interface ``flags``, ``addr`` (and ``mask``/``brd`` for
  IPv4, ``plen`` for IPv6), optional ``mtu``/``metric``, ``orig``/``orig_id``
  (home interface index and unit while failed over) and ``replace`` for the
  0.0.0.0 placeholder the kernel leaves on unit 0 after failing it over.

Functions raise ``KErr(errno)`` where the real ioctl would fail.
"""
from lab import addr as A
from lab import flags as F

ENXIO, EEXIST, EINVAL, EBUSY, ENOBUFS = 6, 17, 22, 16, 132
STRERROR = {
    ENXIO: "No such device or address", EEXIST: "File exists", EINVAL: "Invalid argument",
    EBUSY: "Device busy", ENOBUFS: "No buffer space available",
}
FAMS = ("inet", "inet6")
LOOPBACK = "lo0"
MAX_IPIFS = 256          # ip_addrs_per_if default


class KErr(Exception):
    def __init__(self, errno):
        Exception.__init__(self, errno)
        self.errno = errno


# ---------------------------------------------------------------- lookups

def split(lifname):
    """'bge0:3' -> ('bge0', 3); ENXIO for malformed logical units."""
    phys, sep, lun = lifname.partition(":")
    if not sep:
        return phys, 0
    if not lun.isdigit() or (len(lun) > 1 and lun[0] == "0"):
        raise KErr(ENXIO)
    return phys, int(lun)


def lifname(phys, lun):
    return phys if lun == 0 else "%s:%d" % (phys, lun)


def phyint(st, phys):
    return st["phyints"].get(phys)


def ill(st, phys, fam):
    pi = st["phyints"].get(phys)
    return pi and pi[fam]


def lookup(st, name, fam):
    """(phyint, ill, ipif) for a logical interface name, or KErr(ENXIO)."""
    phys, lun = split(name)
    il = ill(st, phys, fam)
    if not il or str(lun) not in il["ipifs"]:
        raise KErr(ENXIO)
    return st["phyints"][phys], il, il["ipifs"][str(lun)]


def shown_flags(pi, il, ip):
    return ip["flags"] | il["flags"] | pi["flags"]


def ipifs(il):
    """[(lun, ipif)] in unit order."""
    return sorted(((int(k), v) for k, v in il["ipifs"].items()), key=lambda kv: kv[0])


def by_index(st):
    """Phyint names ordered by interface index (lo0 is index 1)."""
    return sorted(st["phyints"], key=lambda n: st["phyints"][n]["index"])


def find_by_index(st, index):
    for name, pi in st["phyints"].items():
        if pi["index"] == index:
            return name
    return None


def group_of(st, phys):
    """The IPMP group in.mpathd sees for a phyint (IPv4 instance first)."""
    pi = phyint(st, phys)
    if not pi:
        return ""
    for fam in FAMS:
        if pi[fam] and pi[fam]["group"]:
            return pi[fam]["group"]
    return ""


def v4(ip, key="addr"):
    return A.inet_aton(ip[key])


def v6(ip):
    return A.parse6(ip["addr"])


def is_unspecified(ip, fam):
    return (v4(ip) if fam == "inet" else v6(ip)) == 0


def movable(ip, fam):
    """Data addresses move on failover; test, 0.0.0.0 and link-local ones do not."""
    if ip["flags"] & F.NOFAILOVER or ip.get("replace") or is_unspecified(ip, fam):
        return False
    return not (fam == "inet6" and A.is_linklocal6(v6(ip)))


def has_data(st, phys):
    pi = phyint(st, phys)
    return bool(pi) and any(movable(ip, fam) for fam in FAMS if pi[fam]
                            for _, ip in ipifs(pi[fam]))


def upcount(st, phys):
    pi = phyint(st, phys)
    return sum(1 for fam in FAMS if pi[fam] for _, ip in ipifs(pi[fam])
               if ip["flags"] & F.UP and not ip["flags"] & F.NOFAILOVER)


def test_address(st, phys, fam):
    """The address in.mpathd's select_test_ifs() would probe from, or None."""
    il = ill(st, phys, fam)
    if not il:
        return None
    chosen = None
    for _, ip in ipifs(il):
        if fam == "inet" and v4(ip) == 0:
            continue
        if fam == "inet6" and not A.is_linklocal6(v6(ip)):
            continue
        flags = ip["flags"]
        if flags & (F.NOFAILOVER | F.UP) != (F.NOFAILOVER | F.UP) or flags & (F.NOXMIT | F.NOLOCAL):
            continue
        chosen = ip["addr"]
        if fam == "inet6" or flags & F.DEPRECATED:
            break
    return chosen


# ---------------------------------------------------------------- creation

def new_ipif(fam, value=0, plen=0):
    if fam == "inet":
        return {"flags": 0, "addr": A.ntoa(value), "mask": "0.0.0.0", "brd": "0.0.0.0",
                "mtu": None, "metric": 0, "orig": None, "orig_id": 0, "replace": False,
                "zone": "global"}
    return {"flags": 0, "addr": A.fmt6(value), "plen": plen, "mtu": None, "metric": 0,
            "orig": None, "orig_id": 0, "replace": False, "zone": "global"}


def replacement(fam):
    ip = new_ipif(fam)
    ip.update(flags=F.NOFAILOVER, mtu=0, replace=True)
    return ip


def assign_index(st):
    """Next index after the last one handed out, skipping those in use."""
    used = set(pi["index"] for pi in st["phyints"].values())
    index = st["last_index"] + 1
    while index in used:
        index += 1
    st["last_index"] = index
    return index


def plumb(st, phys, fam):
    """Plumb a physical interface (SIOCSLIFNAME); EEXIST if already plumbed."""
    nic = st["nics"].get(phys)
    if nic is None:
        raise KErr(ENXIO)
    pi = phyint(st, phys)
    if pi and pi[fam]:
        raise KErr(EEXIST)
    if not pi:
        pi = {"index": assign_index(st), "flags": F.RUNNING if nic["link"] == "up" else 0,
              "inet": None, "inet6": None}
        st["phyints"][phys] = pi
    if fam == "inet":
        il = {"flags": F.BROADCAST | F.MULTICAST | F.IPV4, "mtu": nic["mtu"], "group": "",
              "ipifs": {"0": new_ipif(fam)}}
    else:
        il = {"flags": F.MULTICAST | F.IPV6, "mtu": nic["mtu"], "group": "",
              "ipifs": {"0": new_ipif(fam, A.linklocal(nic["mac"]), 10)}}
    pi[fam] = il
    return il


def plumb_loopback(st, fam):
    pi = phyint(st, LOOPBACK)
    if pi and pi[fam]:
        return
    if not pi:
        pi = {"index": assign_index(st), "flags": F.LOOPBACK | F.VIRTUAL | F.RUNNING,
              "inet": None, "inet6": None}
        st["phyints"][LOOPBACK] = pi
    pi[fam] = {"flags": F.MULTICAST | (F.IPV4 if fam == "inet" else F.IPV6),
               "mtu": 8232 if fam == "inet" else 8252, "group": "", "ipifs": {"0": new_ipif(fam)}}


def add_logical(st, name, fam):
    """SIOCLIFADDIF with an explicit unit (ifconfig bge0:3 plumb)."""
    phys, lun = split(name)
    il = ill(st, phys, fam)
    if not il:
        raise KErr(ENXIO)
    if str(lun) in il["ipifs"]:
        raise KErr(EEXIST)
    if lun >= MAX_IPIFS:
        raise KErr(EINVAL)
    il["ipifs"][str(lun)] = new_ipif(fam)
    return name


def _free_lun(il, start=1):
    lun = start
    while str(lun) in il["ipifs"]:
        lun += 1
    if lun >= MAX_IPIFS:
        raise KErr(ENOBUFS)
    return lun


def addif(st, phys, fam):
    """SIOCLIFADDIF: next free unit; on a failed/inactive/offline IPMP member the
    kernel creates it on a working interface of the group instead."""
    il = ill(st, phys, fam)
    if not il:
        raise KErr(ENXIO)
    pi = st["phyints"][phys]
    target, orig = phys, None
    if il["group"] and pi["flags"] & (F.FAILED | F.INACTIVE | F.OFFLINE):
        for other in by_index(st):
            oil = ill(st, other, fam)
            if other != phys and oil and oil["group"] == il["group"] and not (
                    st["phyints"][other]["flags"] & (F.FAILED | F.INACTIVE | F.OFFLINE)):
                target, orig = other, pi["index"]
                break
    til = ill(st, target, fam)
    lun = _free_lun(til)
    ip = new_ipif(fam)
    if orig is not None:
        ip["orig"], ip["orig_id"] = orig, lun
    til["ipifs"][str(lun)] = ip
    return lifname(target, lun)


def _same_addr(ip, fam, value):
    return (v4(ip) if fam == "inet" else v6(ip)) == value


def removeif(st, phys, fam, value):
    """SIOCLIFREMOVEIF by address (searching the IPMP group as well)."""
    il = ill(st, phys, fam)
    if not il:
        raise KErr(ENXIO)
    candidates = [phys] + [o for o in by_index(st) if o != phys and il["group"]
                           and ill(st, o, fam) and ill(st, o, fam)["group"] == il["group"]]
    for name in candidates:
        for lun, ip in ipifs(ill(st, name, fam)):
            if _same_addr(ip, fam, value) and not ip.get("replace"):
                if lun == 0:
                    raise KErr(EBUSY)
                del ill(st, name, fam)["ipifs"][str(lun)]
                return
    raise KErr(ENXIO)


def remove_logical(st, name, fam):
    phys, lun = split(name)
    il = ill(st, phys, fam)
    if not il or str(lun) not in il["ipifs"]:
        raise KErr(ENXIO)
    if lun == 0:
        raise KErr(EBUSY)
    del il["ipifs"][str(lun)]


def unplumb(st, phys, fam):
    """Tear down an ill; failed-over addresses it hosts go back home first."""
    il = ill(st, phys, fam)
    if not il:
        raise KErr(ENXIO)
    pi = st["phyints"][phys]
    for lun, ip in ipifs(il):
        home = ip["orig"] is not None and find_by_index(st, ip["orig"])
        if home and home != phys and ill(st, home, fam):
            del il["ipifs"][str(lun)]
            _return_home(ill(st, home, fam), ip)
    pi[fam] = None
    if not pi["inet"] and not pi["inet6"]:
        del st["phyints"][phys]


# ---------------------------------------------------------------- attributes

def _writable(st, name, fam):
    """lookup() for setting an address attribute: a placeholder left on a
    failed-over unit 0 (``replace``) refuses with EINVAL."""
    pi, il, ip = lookup(st, name, fam)
    if ip.get("replace"):
        raise KErr(EINVAL)
    return pi, il, ip


def set_netmask(st, name, fam, mask):
    _, _, ip = _writable(st, name, fam)
    if fam == "inet":
        ip["mask"] = A.ntoa(mask)
    else:
        ip["plen"] = mask


def set_addr(st, name, fam, value):
    """SIOCSLIFADDR: a zero mask becomes the classful default; broadcast follows."""
    _, il, ip = _writable(st, name, fam)
    if fam == "inet6":
        ip["addr"] = A.fmt6(value)
        if not ip["plen"] and value:
            ip["plen"] = 10 if A.is_linklocal6(value) else 64
        return
    mask = v4(ip, "mask")
    if value and not mask:
        mask = A.class_mask(value)
    ip["addr"], ip["mask"] = A.ntoa(value), A.ntoa(mask)
    if il["flags"] & F.BROADCAST and value:
        ip["brd"] = A.ntoa((value & mask) | (~mask & 0xffffffff))
    else:
        ip["brd"] = "0.0.0.0"


def set_broadcast(st, name, value):
    _, _, ip = _writable(st, name, "inet")
    ip["brd"] = A.ntoa(value)


def set_mtu(st, name, fam, mtu):
    _, il, ip = lookup(st, name, fam)
    if mtu < (68 if fam == "inet" else 1280) or mtu > il["mtu"]:
        raise KErr(EINVAL)
    ip["mtu"] = mtu


def set_flags(st, name, fam, new):
    """SIOCSLIFFLAGS: split the value over phyint, ill and ipif."""
    pi, il, ip = lookup(st, name, fam)
    if new & F.UP and not ip["flags"] & F.UP and ip.get("replace"):
        raise KErr(EINVAL)
    ip["flags"] = new & F.LOGINT
    changeable = F.ILL & ~(F.IPV4 | F.IPV6 | F.BROADCAST | F.MULTICAST | F.POINTOPOINT)
    il["flags"] = (il["flags"] & ~changeable) | (new & changeable)
    phys = split(name)[0]
    for bit in (F.STANDBY, F.FAILED):
        if (new ^ pi["flags"]) & bit:
            set_phyint_flag(st, phys, bit, bool(new & bit))


def set_phyint_flag(st, phys, bit, on):
    """Phyint flag change with the kernel's INACTIVE bookkeeping."""
    pi = st["phyints"][phys]
    before = pi["flags"]
    pi["flags"] = (before | bit) if on else (before & ~bit)
    if bit == F.STANDBY:
        if on and group_of(st, phys) and not pi["flags"] & F.FAILED:
            pi["flags"] |= F.INACTIVE
        elif not on:
            pi["flags"] &= ~F.INACTIVE
    elif not on and before & bit and bit in (F.FAILED, F.OFFLINE):
        _maybe_inactive(st, phys)


def _maybe_inactive(st, phys):
    """A repaired/onlined member with no data addresses stands by (INACTIVE) if it
    is a standby, or if failback is disabled (SIOCSIPMPFAILBACK)."""
    pi = st["phyints"][phys]
    if not group_of(st, phys) or pi["flags"] & (F.FAILED | F.OFFLINE) or has_data(st, phys):
        return
    if pi["flags"] & F.STANDBY or not st["kernel"]["ipmp_failback"]:
        pi["flags"] |= F.INACTIVE


def set_group(st, phys, fam, group):
    """SIOCSLIFGROUPNAME on one family's ill."""
    il = ill(st, phys, fam)
    if not il:
        raise KErr(ENXIO)
    old = il["group"]
    if old == group:
        return
    if old:
        _leave_group(st, phys, fam, old)
    il["group"] = group
    pi = st["phyints"][phys]
    if not group_of(st, phys):
        pi["flags"] &= ~(F.INACTIVE | F.FAILED)
    elif group and pi["flags"] & F.STANDBY and not pi["flags"] & F.FAILED:
        pi["flags"] |= F.INACTIVE


def _leave_group(st, phys, fam, old):
    il = ill(st, phys, fam)
    index = st["phyints"][phys]["index"]
    for lun, ip in ipifs(il):
        home = ip["orig"] is not None and find_by_index(st, ip["orig"])
        if home and home != phys and ill(st, home, fam):
            del il["ipifs"][str(lun)]
            _return_home(ill(st, home, fam), ip)
    for other in by_index(st):
        oil = ill(st, other, fam)
        if other == phys or not oil or oil["group"] != old:
            continue
        for lun, ip in ipifs(oil):
            if ip["orig"] == index:
                del oil["ipifs"][str(lun)]
                _return_home(il, ip)


def set_link(st, nic_name, up):
    """Cable plugged/pulled: the NIC, VLANs on it, and RUNNING on their phyints."""
    names = [nic_name] + [n for n, nic in st["nics"].items()
                          if nic["type"] == "vlan" and nic["device"] == nic_name and n != nic_name]
    changed = []
    for name in names:
        st["nics"][name]["link"] = "up" if up else "down"
        pi = phyint(st, name)
        if pi:
            was = bool(pi["flags"] & F.RUNNING)
            pi["flags"] = (pi["flags"] | F.RUNNING) if up else (pi["flags"] & ~F.RUNNING)
            if was != up:
                changed.append(name)
    return changed


# ---------------------------------------------------------------- IPMP moves

def _return_home(il, ip):
    """Put a failed-over ipif back on its home ill, on its old unit if possible."""
    home_lun = ip["orig_id"]
    ip["orig"], ip["orig_id"] = None, 0
    zero = il["ipifs"].get("0")
    if home_lun == 0 and zero is not None and zero.get("replace"):
        il["ipifs"]["0"] = ip
    elif home_lun and str(home_lun) not in il["ipifs"]:
        il["ipifs"][str(home_lun)] = ip
    else:
        il["ipifs"][str(_free_lun(il))] = ip


def _hosted(spi, dpi):
    """(fam, sil, dil, lun, ip) for every ipif on src's ills of the families dst has."""
    for fam in FAMS:
        sil, dil = spi[fam], dpi[fam]
        if sil and dil:
            for lun, ip in ipifs(sil):
                yield fam, sil, dil, lun, ip


def failover(st, src, dst):
    """SIOCLIFFAILOVER: move every data address of src to dst (both families)."""
    moved = 0
    spi, dpi = st["phyints"][src], st["phyints"][dst]
    for fam, sil, dil, lun, ip in _hosted(spi, dpi):
        if not movable(ip, fam):
            continue
        if ip["orig"] is None:
            ip["orig"], ip["orig_id"] = spi["index"], lun
        del sil["ipifs"][str(lun)]
        if lun == 0:
            sil["ipifs"]["0"] = replacement(fam)
        if ip["orig"] == dpi["index"]:
            _return_home(dil, ip)
        else:
            dil["ipifs"][str(_free_lun(dil))] = ip
        moved += 1
    if moved and dpi["flags"] & F.INACTIVE:
        dpi["flags"] &= ~F.INACTIVE
    return moved


def failback(st, src, dst):
    """SIOCLIFFAILBACK: move dst's own addresses hosted on src back home."""
    moved = 0
    spi, dpi = st["phyints"][src], st["phyints"][dst]
    for _fam, sil, dil, lun, ip in _hosted(spi, dpi):
        if ip["orig"] != dpi["index"]:
            continue
        del sil["ipifs"][str(lun)]
        _return_home(dil, ip)
        moved += 1
    if (spi["flags"] & F.STANDBY and not spi["flags"] & (F.FAILED | F.OFFLINE)
            and not has_data(st, src)):
        spi["flags"] |= F.INACTIVE
    return moved
