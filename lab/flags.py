"""Solaris 10 interface flags: bit values (net/if.h) and ifconfig's print order.

The kernel keeps flags at three levels (phyint, ill, ipif); what ifconfig
prints is their OR.  The split mirrors IFF_PHYINT_FLAGS / IFF_PHYINTINST_FLAGS
/ IFF_LOGINT_FLAGS in the S10 ip.h.
"""

# ifconfig.c if_flags_tbl[] order (Solaris 10 / OpenSolaris 2006).
TABLE = (
    ("UP", 0x1), ("BROADCAST", 0x2), ("DEBUG", 0x4), ("LOOPBACK", 0x8),
    ("POINTOPOINT", 0x10), ("NOTRAILERS", 0x20), ("RUNNING", 0x40), ("NOARP", 0x80),
    ("PROMISC", 0x100), ("ALLMULTI", 0x200), ("INTELLIGENT", 0x400), ("MULTICAST", 0x800),
    ("MULTI_BCAST", 0x1000), ("UNNUMBERED", 0x2000), ("DHCP", 0x4000), ("PRIVATE", 0x8000),
    ("NOXMIT", 0x10000), ("NOLOCAL", 0x20000), ("DEPRECATED", 0x40000), ("ADDRCONF", 0x80000),
    ("ROUTER", 0x100000), ("NONUD", 0x200000), ("ANYCAST", 0x400000), ("NORTEXCH", 0x800000),
    ("IPv4", 0x1000000), ("IPv6", 0x2000000), ("MIP", 0x4000000), ("NOFAILOVER", 0x8000000),
    ("FAILED", 0x10000000), ("STANDBY", 0x20000000), ("INACTIVE", 0x40000000),
    ("OFFLINE", 0x80000000), ("XRESOLV", 0x100000000), ("CoS", 0x200000000),
    ("PREFERRED", 0x400000000), ("TEMPORARY", 0x800000000), ("FIXEDMTU", 0x1000000000),
    ("VIRTUAL", 0x2000000000), ("DUPLICATE", 0x4000000000),
)
BIT = dict(TABLE)

UP, BROADCAST, LOOPBACK, POINTOPOINT = 0x1, 0x2, 0x8, 0x10
RUNNING, NOARP, MULTICAST = 0x40, 0x80, 0x800
NOXMIT, NOLOCAL, DEPRECATED = 0x10000, 0x20000, 0x40000
NONUD, IPV4, IPV6 = 0x200000, 0x1000000, 0x2000000
NOFAILOVER, FAILED, STANDBY, INACTIVE, OFFLINE = (
    0x8000000, 0x10000000, 0x20000000, 0x40000000, 0x80000000)
VIRTUAL, DUPLICATE = 0x2000000000, 0x4000000000

PHYINT = (LOOPBACK | RUNNING | BIT["PROMISC"] | BIT["ALLMULTI"] | BIT["INTELLIGENT"]
          | BIT["MULTI_BCAST"] | FAILED | STANDBY | INACTIVE | OFFLINE | VIRTUAL)
ILL = (BROADCAST | POINTOPOINT | BIT["NOTRAILERS"] | MULTICAST | NOARP | NONUD | BIT["ROUTER"]
       | BIT["NORTEXCH"] | IPV4 | IPV6 | BIT["MIP"] | BIT["XRESOLV"] | BIT["CoS"]
       | BIT["FIXEDMTU"])
ALL = 0
for _name, _bit in TABLE:
    ALL |= _bit
LOGINT = ALL & ~PHYINT & ~ILL


def names(value):
    """Flag names set in value, in ifconfig's print order."""
    return [name for name, bit in TABLE if value & bit]


def render(value):
    """print_flags(): 'flags=<hex><NAMES>' with the hex of exactly value."""
    listed = names(value)
    return "flags=%x%s" % (value, "<%s>" % ",".join(listed) if listed else "")
