"""Stand-in for Solaris 10 /usr/sbin/if_mpadm (old IPMP, talks to in.mpathd).

Flow of the S10 if_mpadm.c: check IFF_OFFLINE, send MI_OFFLINE or
MI_UNDO_OFFLINE to in.mpathd, then mark the interface's addresses down (or
its test addresses up again).  All messages go to stderr; failures exit 1.
"""
from lab import flags as F
from lab import kernel as K
from lab.mpathd import Daemon, IPMP_EMINRED, IPMP_FAILURE, IPMP_SUCCESS
from lab.state import Exit

USAGE = "Usage : if_mpadm [-d | -r] <interface_name>\n"
MIN_RED = ("Offline failed as there is no other functional interface available in the "
           "multipathing group for failing over the network access.\n")
PARTIAL = ("Offline cannot be undone because multipathing configuration is not consistent "
           "across all the interfaces in the group.\n")
ENXIO = 6
OFFLINE, UNDO = "MI_OFFLINE", "MI_UNDO_OFFLINE"


class IfMpadm(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.st = ctx.state
        self.prog = getattr(ctx, "progname", "if_mpadm")

    def usage(self):
        self.ctx.error(USAGE)
        raise Exit(1)

    def main(self, argv):
        cmd, ifname, i = None, None, 0
        while i < len(argv):
            arg = argv[i]
            if arg == "--":
                break
            if not arg.startswith("-") or arg == "-":
                break
            letter = arg[1]
            if letter not in "dr":
                self.ctx.error("%s: illegal option -- %s\n" % (self.prog, letter))
                self.usage()
            value = arg[2:]
            if not value:
                i += 1
                if i == len(argv):
                    self.ctx.error("%s: option requires an argument -- %s\n" % (self.prog, letter))
                    self.usage()
                value = argv[i]
            ifname = value
            if letter == "d":
                cmd = OFFLINE
                if self.offline_set(ifname):
                    self.ctx.fail("Interface already offlined\n")
            else:
                cmd = UNDO
                if not self.offline_set(ifname):
                    self.ctx.fail("Interface not offlined\n")
            i += 1
        if cmd is None:
            self.usage()
        self.send_cmd(cmd, ifname)
        if cmd == OFFLINE:
            self.do_offline(ifname)
        else:
            self.undo_offline(ifname)
        return 0

    def flags_of(self, ifname):
        for fam in K.FAMS:
            try:
                pi, il, ip = K.lookup(self.st, ifname, fam)
                return K.shown_flags(pi, il, ip)
            except K.KErr:
                continue
        return None

    def offline_set(self, ifname):
        flags = self.flags_of(ifname)
        if flags is None:
            self.ctx.fail("ioctl: SIOCGLIFFLAGS: %s\n" % K.STRERROR[ENXIO])
        return bool(flags & F.OFFLINE)

    def send_cmd(self, cmd, ifname):
        daemon = Daemon(self.ctx)
        if not self.st["mpathd"]["running"]:
            self.ctx.error("connect: Connection refused\n")
            self.ctx.error("connect: Connection refused\n")
            self.ctx.fail("Cannot establish communication with in.mpathd.\n")
        if cmd == OFFLINE:
            error, errno = daemon.offline(ifname)
        else:
            error, errno = daemon.undo_offline(ifname)
        self.ctx.dirty = True
        if error == IPMP_SUCCESS:
            return
        if error == IPMP_FAILURE:
            self.ctx.fail("if_mpadm: %s\n" % K.STRERROR[errno])
        if error == IPMP_EMINRED:
            self.ctx.fail(MIN_RED)
        if error == 4:
            self.ctx.fail(PARTIAL)
        self.ctx.fail("Operation returned an unrecognized error: %u\n" % error)

    def logicals(self, ifname):
        for fam in K.FAMS:
            for phys in K.by_index(self.st):
                il = K.ill(self.st, phys, fam)
                if phys == ifname and il:
                    for lun, ip in K.ipifs(il):
                        yield K.lifname(phys, lun), fam, ip

    def do_offline(self, ifname):
        if not self.offline_set(ifname):
            self.ctx.fail("Operation failed : in.mpathd has not set IFF_OFFLINE on %s\n" % ifname)
        for name, fam, ip in list(self.logicals(ifname)):
            ip["flags"] &= ~F.UP
        self.ctx.dirty = True

    def undo_offline(self, ifname):
        if self.offline_set(ifname):
            self.ctx.fail("Operation failed : in.mpathd has not cleared IFF_OFFLINE on %s\n"
                          % ifname)
        for name, fam, ip in list(self.logicals(ifname)):
            if not ip["flags"] & F.NOFAILOVER or K.is_unspecified(ip, fam):
                continue
            ip["flags"] |= F.UP
        self.ctx.dirty = True


def main(ctx, argv):
    return IfMpadm(ctx).main(argv)
