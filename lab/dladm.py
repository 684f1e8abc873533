"""Stand-in for Solaris 10 /usr/sbin/dladm (show-link, show-dev; no aggregations).

Formats from the S10 dladm.c: show-link prints GLDv3 links (VLANs as
``vlan <vid>``) and legacy DLPI devices; show-dev walks GLDv3 MAC devices
only, so VLANs and legacy devices are not listed there.
"""
from lab.options import getopt_long
from lab.state import Exit

USAGE = (
    "usage: dladm create-aggr [-t] [-R <root-dir>] [-P <policy>]\n"
    "                    [-l <mode>] [-T <time>]\n"
    "                    [-u <address>] -d <dev> ... <key>\n"
    "             delete-aggr [-t] [-R <root-dir>] <key>\n"
    "             add-aggr    [-t] [-R <root-dir>] -d <dev> ... <key>\n"
    "             remove-aggr [-t] [-R <root-dir>] -d <dev> ... <key>\n"
    "             modify-aggr [-t] [-R <root-dir>] [-P <policy>]\n"
    "                    [-l <mode>] [-T <time>] [-u <address>] <key>\n"
    "             show-aggr [-L] [-s] [-i <interval>] [-p] [<key>]\n"
    "             show-dev [-s] [-i <interval>] [-p] [<dev>]\n"
    "             show-link [-s] [-i <interval>] [-p] [<name>]\n"
)
LONG = {"parseable": "p", "statistics": "s", "interval": "i"}
OPT_ERRORS = {"unknown": "unrecognized option '-%s'", "missing": "option requires a value '-%s'"}
STATS_HEADER = "\t\tipackets  rbytes\t ierrors opackets\t obytes\t     oerrors\n"


class Dladm(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.st = ctx.state
        self.prog = getattr(ctx, "progname", "dladm")

    def usage(self):
        self.ctx.error(USAGE)
        raise Exit(1)

    def die(self, fmt, *args):
        self.ctx.error(fmt % ((self.prog,) + args))
        raise Exit(1)

    def main(self, argv):
        if not argv:
            self.usage()
        sub, args = argv[0], argv[1:]
        if sub == "show-link":
            return self.show_link(args)
        if sub == "show-dev":
            return self.show_dev(args)
        if sub == "show-aggr":
            return self.show_aggr(args)
        if sub in ("create-aggr", "delete-aggr", "add-aggr", "remove-aggr", "modify-aggr",
                   "up-aggr", "down-aggr"):
            self.usage()
        self.ctx.error("%s: unknown subcommand '%s'\n" % (self.prog, sub))
        self.usage()

    def getopt(self, args, optstring):
        """getopt_long(':psi:') with opterr = 0 as dladm uses it."""
        def error(why, option, letter):
            self.die("%s: " + OPT_ERRORS[why] + "\n", letter or "?")

        longs = dict((name, letter) for name, letter in LONG.items() if letter in optstring)
        return getopt_long(args, optstring, longs, error)

    def common_opts(self, args):
        opts, rest = self.getopt(args, "psi:")
        seen = {}
        for letter, value in opts:
            if letter in "si" and letter in seen:
                self.ctx.error("%s: the option -%s cannot be specified more than once\n"
                               % (self.prog, letter))
                self.usage()
            seen[letter] = value
            if letter == "i":
                number, used = _strtol(value)
                if number is None or number == 0 or used != len(value):
                    self.die("%s: invalid interval value '%d'\n", number or 0)
        if "i" in seen and "s" not in seen:
            self.ctx.error("%s: the option -i can be used only with -s\n" % self.prog)
            self.usage()
        if len(rest) > 1:
            self.usage()
        return "p" in seen, "s" in seen, (rest[0] if rest else None)

    def show_stats(self, names):
        """-s: the counters of each link or device (the lab moves no packets)."""
        self.ctx.write(STATS_HEADER)
        for name in names:
            self.ctx.write("%s\t\t%-10d%-12d%-8d%-10d%-12d%-8d\n" % (name, 0, 0, 0, 0, 0, 0))
        return 0

    def links(self):
        return list(self.st["nics"])

    def show_link(self, args):
        parseable, stats, name = self.common_opts(args)
        if name is not None and name not in self.st["nics"]:
            self.die("%s: invalid device '%s'\n", name)
        names = [name] if name else self.links()
        if stats:
            return self.show_stats(names)
        for link in names:
            nic = self.st["nics"][link]
            if nic["type"] == "legacy":
                fmt = ("%s type=legacy mtu=%d device=%s\n" if parseable
                       else "%-9s\ttype: legacy\tmtu: %d\tdevice: %s\n")
                self.ctx.write(fmt % (link, nic["mtu"], link))
                continue
            kind = "vlan %d" % nic["vid"] if nic["type"] == "vlan" else "non-vlan"
            fmt = ("%s type=%s mtu=%d device=%s\n" if parseable
                   else "%-9s\ttype: %s\tmtu: %d\tdevice: %s\n")
            self.ctx.write(fmt % (link, kind, nic["mtu"], nic["device"]))
        return 0

    def devices(self):
        return [n for n, nic in self.st["nics"].items() if nic["type"] == "non-vlan"]

    def show_dev(self, args):
        parseable, stats, dev = self.common_opts(args)
        if dev is not None:
            nic = self.st["nics"].get(dev)
            if dev.startswith("aggr") or nic is None or nic["type"] == "vlan":
                self.die("%s: invalid device '%s'\n", dev)
        names = [dev] if dev else self.devices()
        if stats:
            return self.show_stats(names)
        for name in names:
            nic = self.st["nics"][name]
            up = nic["link"] == "up"
            state = "up" if up else "down"
            speed = nic["speed"] if up else 0
            duplex = nic["duplex"] if up else "unknown"
            if parseable:
                self.ctx.write("%s link=%s speed=%d duplex=%s\n" % (name, state, speed, duplex))
            else:
                self.ctx.write("%s\t\tlink: %s\tspeed: %-5d Mbps\tduplex: %s\n"
                               % (name, state, speed, duplex))
        return 0

    def show_aggr(self, args):
        opts, rest = self.getopt(args, "Lpsi:")
        if len(rest) > 1:
            self.usage()
        if rest:
            key, used = _strtol(rest[0])
            if key is None or key < 1 or used != len(rest[0]):
                self.die("%s: illegal key value '%d'\n", key or 0)
            self.die("%s: non-existent aggregation key '%u'\n", key)
        return 0


def _strtol(text):
    from lab.addr import c_strtoul
    return c_strtoul(text or "", 10)


def main(ctx, argv):
    return Dladm(ctx).main(argv)
