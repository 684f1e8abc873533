"""Stand-in for Solaris 10 /usr/sbin/ifconfig.

Mirrors ifconfig.c of the OpenSolaris 2006 drop: the same command table and
argument walk (including the netmask pre-scan and "second address is the
destination" rule), the same Perror0()/Perror2() messages built from the
ioctl that failed, and status output byte for byte (in_status(),
in6_status(), print_ifether()).
"""
import os

from lab import addr as A
from lab import flags as F
from lab import kernel as K
from lab.state import Exit

NEXTARG, OPTARG = "NEXTARG", "OPTARG"
NIL, PENDING, SET = 0, 1, 2
ENXIO, EPERM, EEXIST, EINVAL = 6, 1, 17, 22

USAGE = (
    "usage: ifconfig <interface> | -a[ 4 | 6 | D ][ u | d ][ Z ]\n"
    "\t[ <addr_family> ]\n"
    "\t[ <address>[/<prefix_length>] [ <dest_address> ] ]\n"
    "\t[ set [ <address>][/<prefix_length>] ] [ <address>/<prefix_length>] ]\n"
    "\t[ destination <dest_address> ]\n"
    "\t[ addif <address>[/<prefix_length>]  [ <dest_address> ] ]\n"
    "\t[ removeif <address>[/<prefix_length>] ]\n"
    "\t[ arp | -arp ]\n"
    "\t[ auto-revarp ]\n"
    "\t[ broadcast <broad_addr> ]\n"
    "\t[ index <if_index> ]\n"
    "\t[ metric <n> ] [ mtu <n> ]\n"
    "\t[ netmask <mask> ]\n"
    "\t[ plumb ] [ unplumb ]\n"
    "\t[ preferred | -preferred ]\n"
    "\t[ private | -private ]\n"
    "\t[ local | -local ]\n"
    "\t[ router | -router ]\n"
    "\t[ subnet <subnet_address>]\n"
    "\t[ trailers | -trailers ]\n"
    "\t[ token <address>/<prefix_length> ]\n"
    "\t[ tsrc <tunnel_src_address> ]\n"
    "\t[ tdst <tunnel_dest_address> ]\n"
    "\t[ auth_algs <tunnel_AH_authentication_algorithm> ]\n"
    "\t[ encr_algs <tunnel_ESP_encryption_algorithm> ]\n"
    "\t[ encr_auth_algs <tunnel_ESP_authentication_algorithm> ]\n"
    "\t[ up ] [ down ]\n"
    "\t[ xmit | -xmit ]\n"
    "\t[ modlist ]\n"
    "\t[ modinsert <module_name@position> ]\n"
    "\t[ modremove <module_name@position> ]\n"
    "\t[ group <groupname>] | [ group \"\"]\n"
    "\t[ deprecated | -deprecated ]\n"
    "\t[ standby | -standby ]\n"
    "\t[ failover | -failover ]\n"
    "\t[ zone <zonename> | -zone ]\n"
    "\t[ usesrc <interface> ]\n"
    "\t[ all-zones ]\n"
    "or\n"
    "\tifconfig <interface> |  -a[ 4 | 6 | D ] [ u | d ]\n"
    "\tauto-dhcp | dhcp\n"
    "\t[ wait <time> | forever ]\n\t[ primary ]\n"
    "\tstart | drop | ping | release | status | inform\n"
)

B = F.BIT
# (name, parameter, handler, abort-on-fail, address family) in cmds[] order.
CMDS = (
    ("up", B["UP"], "c_flags", 0, None), ("down", -B["UP"], "c_flags", 0, None),
    ("trailers", -B["NOTRAILERS"], "c_flags", 0, None),
    ("-trailers", B["NOTRAILERS"], "c_flags", 0, None),
    ("arp", -B["NOARP"], "c_flags", 0, "inet"), ("-arp", B["NOARP"], "c_flags", 0, "inet"),
    ("router", B["ROUTER"], "c_flags", 0, None), ("-router", -B["ROUTER"], "c_flags", 0, None),
    ("private", B["PRIVATE"], "c_flags", 0, None),
    ("-private", -B["PRIVATE"], "c_flags", 0, None),
    ("xmit", -B["NOXMIT"], "c_flags", 0, None), ("-xmit", B["NOXMIT"], "c_flags", 0, None),
    ("-nud", B["NONUD"], "c_flags", 0, "inet6"), ("nud", -B["NONUD"], "c_flags", 0, "inet6"),
    ("anycast", B["ANYCAST"], "c_flags", 0, None),
    ("-anycast", -B["ANYCAST"], "c_flags", 0, None),
    ("local", -B["NOLOCAL"], "c_flags", 0, None), ("-local", B["NOLOCAL"], "c_flags", 0, None),
    ("deprecated", B["DEPRECATED"], "c_flags", 0, None),
    ("-deprecated", -B["DEPRECATED"], "c_flags", 0, None),
    ("preferred", B["PREFERRED"], "c_flags", 0, "inet6"),
    ("-preferred", -B["PREFERRED"], "c_flags", 0, "inet6"),
    ("debug", 0, "c_noop", 0, None), ("verbose", 0, "c_noop", 0, None),
    ("netmask", NEXTARG, "c_netmask", 0, "inet"),
    ("metric", NEXTARG, "c_metric", 0, None), ("mtu", NEXTARG, "c_mtu", 0, None),
    ("index", NEXTARG, "c_index", 0, None),
    ("broadcast", NEXTARG, "c_broadcast", 0, "inet"),
    ("auto-revarp", 0, "c_unsupported", 1, "inet"),
    ("plumb", 0, "c_plumb", 1, None), ("unplumb", 0, "c_unplumb", 0, None),
    ("subnet", NEXTARG, "c_unsupported", 0, None), ("token", NEXTARG, "c_unsupported", 0, "inet6"),
    ("tsrc", NEXTARG, "c_unsupported", 0, None), ("tdst", NEXTARG, "c_unsupported", 0, None),
    ("encr_auth_algs", NEXTARG, "c_unsupported", 0, None),
    ("encr_algs", NEXTARG, "c_unsupported", 0, None),
    ("auth_algs", NEXTARG, "c_unsupported", 0, None),
    ("addif", NEXTARG, "c_addif", 1, None), ("removeif", NEXTARG, "c_removeif", 1, None),
    ("modlist", 0, "c_unsupported", 1, None), ("modinsert", NEXTARG, "c_unsupported", 1, None),
    ("modremove", NEXTARG, "c_unsupported", 1, None),
    ("failover", -B["NOFAILOVER"], "c_flags", 1, None),
    ("-failover", B["NOFAILOVER"], "c_flags", 1, None),
    ("standby", B["STANDBY"], "c_flags", 1, None), ("-standby", -B["STANDBY"], "c_flags", 1, None),
    ("failed", B["FAILED"], "c_flags", 1, None), ("-failed", -B["FAILED"], "c_flags", 1, None),
    ("group", NEXTARG, "c_group", 1, None), ("configinfo", 0, "c_unsupported", 1, None),
    ("encaplimit", NEXTARG, "c_unsupported", 0, None),
    ("-encaplimit", 0, "c_unsupported", 0, None),
    ("thoplimit", NEXTARG, "c_unsupported", 0, None),
    ("set", NEXTARG, "c_addr", 0, None), ("destination", NEXTARG, "c_dstaddr", 0, None),
    ("zone", NEXTARG, "c_zone", 0, None), ("-zone", 0, "c_zone", 0, None),
    ("all-zones", 0, "c_allzones", 0, None), ("ether", OPTARG, "c_ether", 0, None),
    ("usesrc", NEXTARG, "c_unsupported", 0, None),
    (None, 0, "c_addr", 0, None), (None, 0, "c_dstaddr", 0, None),
)
ADDR_ENTRY, DST_ENTRY = CMDS[-2], CMDS[-1]


class Ifconfig(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.st = ctx.state
        self.name = self.origname = ""
        self.af = "inet"        # address family of the socket / commands
        self.afp = None         # address family given on the command line
        self.fam = "inet"       # family of the interface being worked on
        self.setaddr = 0
        self.netmask_state, self.g_netmask = NIL, 0
        self.scanned_netmask = False

    # ------------------------------------------------------------ errors
    def perror0(self, cmd, errno, name=None):
        name = self.name if name is None else name
        if errno == ENXIO:
            self.ctx.error("ifconfig: %s: %s: no such interface\n" % (cmd, name))
        elif errno == EPERM:
            self.ctx.error("ifconfig: %s: %s: permission denied\n" % (cmd, name))
        elif errno == EEXIST:
            self.ctx.error("ifconfig: %s: %s: already exists\n" % (cmd, name))
        else:
            self.ctx.error("ifconfig: %s: %s: %s\n" % (cmd, name, K.STRERROR[errno]))

    def perror0_exit(self, cmd, errno, name=None):
        self.perror0(cmd, errno, name)
        raise Exit(1)

    def perror2_exit(self, cmd, text, errno):
        if errno == ENXIO:
            self.ctx.error("ifconfig: %s: %s: no such interface\n" % (cmd, text))
        else:
            self.ctx.error("ifconfig: %s: %s: %s\n" % (cmd, text, K.STRERROR[errno]))
        raise Exit(1)

    def lookup(self, cmd, name=None):
        name = self.name if name is None else name
        try:
            return K.lookup(self.st, name, self.fam)
        except K.KErr as exc:
            self.perror0_exit(cmd, exc.errno, name)

    def kcall(self, cmd, func, *args):
        try:
            result = func(self.st, *args)
        except K.KErr as exc:
            self.perror0_exit(cmd, exc.errno)
        self.ctx.dirty = True
        return result

    # ------------------------------------------------------------ main()
    def main(self, argv):
        if not argv:
            self.ctx.error(USAGE)
            raise Exit(1)
        name, rest = argv[0], list(argv[1:])
        if len(name) > 31:
            self.ctx.fail("%s: interface name too long\n" % name)
        self.name = self.origname = name
        if rest:
            self.afp = "inet"
            if rest[0] in ("inet", "inet6"):
                self.afp = rest.pop(0)
            self.af = self.afp
        self.fam = self.af
        if name.startswith("-"):
            return self.main_all(name, rest)
        self.ifconfig(rest, None)
        return 0

    def main_all(self, option, rest):
        everything, onflags, offflags = False, 0, 0
        letters = option[1:] if option not in ("-", "--") else ""
        for letter in letters:
            if letter == "a":
                everything = True
            elif letter == "u":
                onflags |= F.UP
            elif letter == "d":
                offflags |= F.UP
            elif letter == "D":
                offflags |= F.BIT["DHCP"]
            elif letter == "4":
                onflags |= F.IPV4
            elif letter == "6":
                onflags |= F.IPV6
            elif letter not in "XZv":
                self.ctx.error("ifconfig: illegal option -- %s\n" % letter)
                self.ctx.error(USAGE)
                raise Exit(1)
        if not everything:
            self.ctx.fail("ifconfig: %s: no such interface\n" % option)
        if rest and rest[0] == "plumb":
            self.plumb_all(rest, onflags, offflags)
            return 0
        lifreqs = []
        for fam in K.FAMS:
            for phys in K.by_index(self.st):
                il = K.ill(self.st, phys, fam)
                if il:
                    lifreqs.extend((K.lifname(phys, lun), fam) for lun, _ in K.ipifs(il))
        for name, fam in lifreqs:
            try:
                pi, il, ip = K.lookup(self.st, name, fam)
            except K.KErr:
                continue
            shown = K.shown_flags(pi, il, ip)
            if shown & onflags != onflags or ~shown & offflags != offflags:
                continue
            self.fam, self.setaddr = fam, 0
            self.name = self.origname = name
            self.ifconfig(rest, fam)
        return 0

    def plumb_all(self, rest, onflags, offflags):
        """ifconfig -a plumb: every network device in the devinfo tree."""
        devices = [n for n, nic in self.st["nics"].items() if nic["type"] != "vlan"]
        for name in devices:
            self.name = self.origname = name
            self.fam, self.setaddr = self.af, 0
            if onflags or offflags:
                try:
                    pi, il, ip = K.lookup(self.st, name, self.fam)
                except K.KErr as exc:
                    self.perror0_exit("foreachinterface: SIOCGLIFFLAGS", exc.errno)
                shown = K.shown_flags(pi, il, ip)
                if shown & onflags != onflags or ~shown & offflags != offflags:
                    continue
            self.ifconfig(rest, None)

    # ------------------------------------------------------------ ifconfig()
    def ifconfig(self, argv, lifr_fam):
        if not argv:
            self.status()
            return
        if argv[0] in ("auto-dhcp", "dhcp"):
            if self.af == "inet":
                self.ctx.fail("ifconfig: %s: DHCP is not simulated by the lab\n" % self.name, 2)
            self.ctx.error("ifconfig: dhcp not supported for inet6\n")
            return
        if not self.scanned_netmask and self.afp == "inet":
            self.scanned_netmask = True
            i = 0
            while i < len(argv):
                if argv[i] == "netmask":
                    if i + 1 == len(argv):
                        break
                    i += 1
                    if argv[i] == "+":
                        self.netmask_state = PENDING
                    else:
                        self.g_netmask = self.in_getaddr(argv[i], False)[0]
                        self.netmask_state = SET
                i += 1
        i = 0
        while i < len(argv):
            word = argv[i]
            found, entry = False, None
            for cand in CMDS:
                if cand[0] is not None:
                    if word == cand[0]:
                        found = True
                        if cand[4] is None or self.af == cand[4]:
                            entry = cand
                            break
                elif cand[4] is None or self.af == cand[4]:
                    entry = cand
                    break
            if found and entry[0] is None:
                self.ctx.fail("ifconfig: Operation %s not supported for %s\n" % (word, self.afp))
            if entry[0] is None and self.setaddr:
                entry = DST_ENTRY
            arg = word
            if entry[1] in (NEXTARG, OPTARG):
                i += 1
                if i == len(argv):
                    if entry[1] == NEXTARG:
                        self.ctx.fail("ifconfig: no argument for %s\n" % entry[0])
                    arg = None
                else:
                    arg = argv[i]
            if entry[4] is None or lifr_fam is None or lifr_fam == entry[4]:
                ret = getattr(self, entry[2])(arg, entry[1])
                if ret and entry[3]:
                    return
            i += 1

    # ------------------------------------------------------------ address parsing
    def in_getaddr(self, text, want_plen):
        """in_getaddr(): (value, prefixlen); exits on a bad address."""
        return self.getaddr(text, want_plen, "inet")

    def in6_getaddr(self, text, want_plen):
        return self.getaddr(text, want_plen, "inet6")

    def getaddr(self, text, want_plen, fam):
        """in_getaddr() / in6_getaddr(): only IPv4 knows the all-ones broadcast."""
        plen = A.NO_PREFIX
        host = text
        if want_plen:
            plen = A.prefixlen(text, 32 if fam == "inet" else 128)
            if plen == A.BAD_ADDR:
                return None, plen
            host = text.split("/", 1)[0]
        elif "/" in text:
            self.ctx.fail("ifconfig: %s: unexpected '/'\n" % text)
        if fam == "inet":
            value, _ = A.c_strtoul(host, 0)
            if host == "255.255.255.255" or (value is not None
                                             and value & 0xffffffff == 0xffffffff):
                return 0xffffffff, plen
        found = A.hosts_lookup(self.ctx.host.root, host, fam)
        if found is None:
            self.ctx.fail("ifconfig: %s: bad address\n" % text)
        return found, plen

    def af_getaddr(self, text, want_plen):
        if self.afp == "inet6":
            return self.in6_getaddr(text, want_plen)
        return self.in_getaddr(text, want_plen)

    def prefix_mask(self, text, plen):
        """Mask for an address/prefix argument (netmask int or IPv6 length)."""
        if plen == A.BAD_ADDR:
            self.ctx.fail("ifconfig: Bad prefix length in %s\n" % text)
        if plen == A.NO_PREFIX:
            return 0
        self.netmask_state = NIL
        return plen if self.afp == "inet6" else A.plen_to_mask(plen)

    def in_getmask(self, addr=None):
        """Netmask from the netmasks database for addr (or the interface's)."""
        if addr is None:
            try:
                _, _, ip = K.lookup(self.st, self.name, self.fam)
            except K.KErr:
                self.ctx.error("Need net number for mask\n")
                return None
            addr = K.v4(ip)
        return A.netmask_lookup(self.ctx.host.root, addr)

    def mask_for(self, addr, mask):
        """set_mask_lifreq(): the pending/explicit netmask wins over mask."""
        if self.netmask_state == SET:
            return self.g_netmask
        if self.netmask_state == PENDING:
            found = self.in_getmask(addr)
            if found is None:
                self.netmask_state = NIL
                return mask
            self.g_netmask, self.netmask_state = found, SET
            return found
        return mask

    # ------------------------------------------------------------ commands
    def c_noop(self, arg, param):
        return 0

    def c_unsupported(self, arg, param):
        self.ctx.fail("ifconfig: %s: this subcommand is not simulated by the lab\n" % self.name)

    def c_flags(self, arg, value):
        pi, il, ip = self.lookup("setifflags: SIOCGLIFFLAGS")
        if value == F.NOFAILOVER and self.name.split(":")[0] != self.origname.split(":")[0]:
            self.ctx.fail("ifconfig: can't set -failover on failed/standby/offlined "
                          "interface %s\n" % self.origname)
        flags = K.shown_flags(pi, il, ip)
        flags = flags & ~(-value) if value < 0 else flags | value
        self.kcall("setifflags: SIOCSLIFFLAGS", K.set_flags, self.name, self.fam, flags)
        return 0

    def c_addr(self, text, param):
        if text.startswith("/"):
            return self.set_prefixlen(text)
        value, plen = self.af_getaddr(text, True)
        mask = self.prefix_mask(text, plen)
        self.setaddr += 1
        _, _, ip = self.lookup("SIOCGLIFNETMASK")
        saved = dict(ip)
        self.kcall("SIOCSLIFNETMASK", K.set_netmask, self.name, self.fam,
                   self.mask_for(value, mask) if self.afp != "inet6" else mask)
        try:
            K.set_addr(self.st, self.name, self.fam, value)
        except K.KErr as exc:
            ip.clear()
            ip.update(saved)
            self.perror0_exit("SIOCSLIFADDR", exc.errno)
        return 0

    def set_prefixlen(self, text):
        bits = 128 if self.afp == "inet6" else 32
        plen = A.prefixlen(text, bits)
        if plen < 0:
            self.ctx.fail("ifconfig: Bad prefix length in %s\n" % text)
        mask = plen if bits == 128 else A.plen_to_mask(plen)
        self.kcall("SIOCSLIFNETMASK", K.set_netmask, self.name, self.fam, mask)
        return 0

    def c_dstaddr(self, text, param):
        self.af_getaddr(text, False)
        pi, il, ip = self.lookup("setifdstaddr: SIOCSLIFDSTADDR")
        if not K.shown_flags(pi, il, ip) & F.POINTOPOINT:
            self.perror0_exit("setifdstaddr: SIOCSLIFDSTADDR", EINVAL)
        return 0

    def c_netmask(self, text, param):
        if text == "+":
            mask = self.in_getmask()
            if mask is None:
                return 0
            self.ctx.write("Setting netmask of %s to %s\n" % (self.name, A.ntoa(mask)))
        else:
            mask = self.in_getaddr(text, False)[0]
        self.kcall("SIOCSLIFNETMASK", K.set_netmask, self.name, self.fam, mask)
        return 0

    def c_broadcast(self, text, param):
        if text == "+":
            _, _, ip = self.lookup("SIOCGLIFADDR")
            self.kcall("SIOCGLIFADDR", K.set_addr, self.name, self.fam, K.v4(ip))
            return 0
        value = self.in_getaddr(text, False)[0]
        self.kcall("SIOCSLIFBRDADDR", K.set_broadcast, self.name, value)
        return 0

    def c_plumb(self, arg, param):
        phys, sep, _ = self.name.partition(":")
        if sep or self.name == K.LOOPBACK:
            if self.name == K.LOOPBACK:
                if not K.ill(self.st, K.LOOPBACK, self.fam):
                    K.plumb_loopback(self.st, self.fam)
                    self.ctx.dirty = True
                return 0
            try:
                K.add_logical(self.st, self.name, self.fam)
                self.ctx.dirty = True
            except K.KErr as exc:
                if exc.errno != EEXIST:
                    self.perror2_exit("plumb: SIOCLIFADDIF", self.name, exc.errno)
            return 0
        if self.name not in self.st["nics"]:
            self.perror2_exit("plumb", self.name, ENXIO)
        try:
            K.plumb(self.st, self.name, self.afp or self.fam)
            self.ctx.dirty = True
        except K.KErr as exc:
            self.perror0("SIOCSLIFNAME for ip", exc.errno)
        return 0

    def c_unplumb(self, arg, param):
        phys, sep, lun = self.name.partition(":")
        if sep or self.name == K.LOOPBACK:
            if sep and lun == "0":
                self.ctx.fail("ifconfig: unplumb: Cannot unplumb %s: Invalid interface\n"
                              % self.name)
            self.kcall("unplumb: SIOCLIFREMOVEIF", K.remove_logical, self.name, self.fam)
            return 0
        fam = self.afp or self.fam
        if not K.ill(self.st, self.name, fam):
            self.perror0_exit("unplumb: SIOCGLIFFLAGS", ENXIO)
        self.kcall("unplumb: SIOCGLIFFLAGS", K.unplumb, self.name, fam)
        return 0

    def c_addif(self, text, param):
        self.name = self.origname
        if ":" in self.name:
            self.ctx.fail("ifconfig: addif: bad physical interface name %s\n" % self.name)
        self.setaddr = 0
        value, plen = self.af_getaddr(text, True)
        mask = self.prefix_mask(text, plen)
        newname = self.new_logical()
        self.ctx.write("Created new logical interface %s\n" % newname)
        self.name = newname
        if self.afp != "inet6":
            mask = self.mask_for(value, mask)
        if self.netmask_state == SET or plen >= 0:
            self.kcall("addif: SIOCSLIFNETMASK", K.set_netmask, self.name, self.fam, mask)
        self.kcall("SIOCSLIFADDR", K.set_addr, self.name, self.fam, value)
        self.setaddr += 1
        return 0

    def new_logical(self):
        """SIOCLIFADDIF for addif: the new logical interface's name."""
        return self.kcall("addif: SIOCLIFADDIF", K.addif, self.name, self.fam)

    def c_removeif(self, text, param):
        if ":" in self.name:
            self.ctx.fail("ifconfig: removeif: bad physical interface name %s\n" % self.name)
        value = self.af_getaddr(text, False)[0]
        try:
            K.removeif(self.st, self.name, self.fam, value)
            self.ctx.dirty = True
        except K.KErr as exc:
            if exc.errno == K.EBUSY:
                self.ctx.fail("ifconfig: removeif: can't remove interface: %s\n" % self.name)
            self.perror0_exit("removeif: SIOCLIFREMOVEIF", exc.errno)
        return 0

    def c_group(self, group, param):
        self.lookup("setifgroupname: SIOCSLIFGROUPNAME")
        self.kcall("setifgroupname: SIOCSLIFGROUPNAME", K.set_group,
                   self.name.split(":")[0], self.fam, group[:31])
        if "SUNW_NO_MPATHD" not in os.environ:
            from lab.mpathd import Daemon
            Daemon(self.ctx).start()
        return 0

    def c_mtu(self, text, param):
        self.lookup("setifmtu: SIOCSLIFMTU")
        self.kcall("setifmtu: SIOCSLIFMTU", K.set_mtu, self.name, self.fam, atoi(text))
        return 0

    def c_metric(self, text, param):
        _, _, ip = self.lookup("setifmetric: SIOCSLIFMETRIC")
        ip["metric"] = atoi(text)
        self.ctx.dirty = True
        return 0

    def c_index(self, text, param):
        pi, _, _ = self.lookup("setifindex: SIOCSLIFINDEX")
        index = atoi(text)
        if index <= 0:
            self.perror0_exit("setifindex: SIOCSLIFINDEX", EINVAL)
        if any(o is not pi and o["index"] == index for o in self.st["phyints"].values()):
            self.perror0_exit("setifindex: SIOCSLIFINDEX", EEXIST)
        pi["index"] = index
        self.ctx.dirty = True
        return 0

    def c_zone(self, zone, param):
        if param == NEXTARG and zone != "global":
            self.ctx.fail("ifconfig: unknown zone '%s'\n" % zone)
        _, _, ip = self.lookup("SIOCSLIFZONE")
        ip["zone"] = "global"
        self.ctx.dirty = True
        return 0

    def c_allzones(self, arg, param):
        _, _, ip = self.lookup("SIOCSLIFZONE")
        ip["zone"] = "all"
        self.ctx.dirty = True
        return 0

    def c_ether(self, text, param):
        if text is None:
            self.ifstatus(self.name)
            self.print_ether(self.name)
            return 0
        if ":" in self.name:
            self.ctx.fail("ifconfig: cannot change ethernet address of a logical interface\n")
        mac = A.parse_mac(text)
        if mac is None or mac.count(":") != 5:
            self.ctx.fail("ifconfig: %s: bad address\n" % text)
        if not K.ill(self.st, self.name, "inet"):
            self.ctx.fail("ifconfig: interface %s not found\n" % self.name)
        self.st["nics"][self.name]["mac"] = mac
        self.ctx.dirty = True
        return 0

    # ------------------------------------------------------------ status
    def status(self):
        pi, il, ip = self.lookup("status: SIOCGLIFFLAGS")
        flags = K.shown_flags(pi, il, ip)
        if self.afp is not None and ((self.afp == "inet6" and flags & F.IPV4)
                                     or (self.afp == "inet" and flags & F.IPV6)):
            return
        self.ifstatus(self.name)
        if self.afp == "inet":
            self.in_status(pi, il, ip, flags)
        elif self.afp == "inet6":
            self.in6_status(pi, il, ip, flags)
        else:
            self.in_status(pi, il, ip, flags)
            self.in6_status(pi, il, ip, flags)
            self.print_ether(self.name)

    def ifstatus(self, name):
        pi, il, ip = self.lookup("status: SIOCGLIFFLAGS", name)
        text = "%s: %s" % (name, F.render(K.shown_flags(pi, il, ip)))
        if ip["metric"]:
            text += " metric %d" % ip["metric"]
        text += " mtu %d index %d" % (il["mtu"] if ip["mtu"] is None else ip["mtu"], pi["index"])
        if ip["zone"] == "all":
            text += "\n\tall-zones"
        self.ctx.write(text + "\n")

    def groupname(self, il):
        if ":" not in self.name and il["group"]:
            return "\n\tgroupname %s" % il["group"]
        return ""

    def in_status(self, pi, il, ip, flags):
        if not flags & F.IPV4:
            return
        addr, mask = K.v4(ip), K.v4(ip, "mask")
        if flags & F.NOLOCAL:
            text = "\tinet subnet %s/%d " % (A.ntoa(addr & mask), A.mask_to_plen(mask))
        else:
            text = "\tinet %s " % ip["addr"]
        text += "netmask %x " % mask
        if flags & F.BROADCAST and K.v4(ip, "brd"):
            text += "broadcast %s" % ip["brd"]
        self.ctx.write(text + self.groupname(il) + "\n")

    def in6_status(self, pi, il, ip, flags):
        if not flags & F.IPV6:
            return
        if flags & F.NOLOCAL:
            value, plen = K.v6(ip), ip["plen"]
            subnet = value & A.plen_to_mask(plen, 128)
            text = "\tinet6 subnet %s/%d " % (A.fmt6(subnet), plen)
        else:
            text = "\tinet6 %s/%d " % (ip["addr"], ip["plen"])
        self.ctx.write(text + self.groupname(il) + "\n")

    def print_ether(self, name):
        """print_ifether(): only for physical non-virtual interfaces (DLPI opens)."""
        if ":" in name:
            return
        pi = K.phyint(self.st, name)
        nic = self.st["nics"].get(name)
        if not pi or not nic or pi["flags"] & F.VIRTUAL:
            return
        self.ctx.write("\tether %s \n" % A.mac_short(nic["mac"]))


def atoi(text):
    value, _ = A.c_strtoul(text, 10)
    return value or 0


def main(ctx, argv):
    return Ifconfig(ctx).main(argv)
