"""Stand-in for the SunOS 5.11 /usr/sbin/ifconfig (Clearview IPMP).

The Solaris 10 lab ifconfig with what Clearview changes (solaris-ipmp-facts.md
§3, solaris11-illumos-facts.md §7): the illumos flag table (IPMP, no MIP),
``ifconfig <ipmp-if> ipmp`` creating an IPMP interface, ``group`` joining the
IPMP interface of that group (both address families), no address migration
(``addif`` on a failed member stays there), no ether line for IPMP
interfaces, a ``groupname`` line for the IPMP interface and its members.
Test addresses on illumos: ``ifconfig net0 addif -failover 192.168.1.11/24 up``
or ``ifconfig net0 -failover`` on an existing address.

ASSUMPTION: ``group <name>`` with no IPMP interface for that group creates
one named ``ipmpN`` (the first free N), as the illumos kernel does implicitly.
ASSUMPTION: in.mpathd runs as an SMF service on 5.11, so ``group`` does not
start it.
"""
from lab import clearview as CV
from lab import kernel as K
from lab.ifconfig import Ifconfig


class Ifconfig11(Ifconfig):
    def main(self, argv):
        if len(argv) >= 2 and not argv[0].startswith("-"):
            rest = list(argv[1:])
            fam_word = rest[0] if rest[0] in ("inet", "inet6") else None
            at = 1 if fam_word else 0
            if len(rest) > at and rest[at] == "ipmp":
                self.make_ipmp(argv[0])
                del rest[at]
                if not rest or rest == [fam_word]:
                    return 0
                argv = [argv[0]] + rest
        return Ifconfig.main(self, argv)

    def make_ipmp(self, name):
        if name in self.st["phyints"]:
            self.ctx.fail("ifconfig: SIOCSLIFNAME for ip: %s: already exists\n" % name)
        if name in self.st["nics"] or ":" in name:
            self.ctx.fail("ifconfig: %s: cannot create IPMP interface: Invalid argument\n"
                          % name)
        CV.create_ipmp(self.st, name)
        self.st["ipadm"]["ifs"][name] = {"class": "ipmp", "temporary": True}
        self.ctx.dirty = True

    def ifstatus(self, name):
        pi, il, ip = self.lookup("status: SIOCGLIFFLAGS", name)
        text = "%s: %s" % (name, CV.render_flags(K.shown_flags(pi, il, ip)))
        if ip["metric"]:
            text += " metric %d" % ip["metric"]
        text += " mtu %d index %d" % (il["mtu"] if ip["mtu"] is None else ip["mtu"], pi["index"])
        self.ctx.write(text + "\n")

    def c_group(self, group, param):
        self.lookup("setifgroupname: SIOCSLIFGROUPNAME")
        phys = self.name.split(":")[0]
        if CV.is_ipmp(self.st, phys):
            for fam in K.FAMS:
                if self.st["phyints"][phys][fam]:
                    self.st["phyints"][phys][fam]["group"] = group[:31]
            self.ctx.dirty = True
            return 0
        group = group[:31]
        if group and not CV.ipmp_of_group(self.st, group):
            number = 0
            while "ipmp%d" % number in self.st["phyints"]:
                number += 1
            name = "ipmp%d" % number
            CV.create_ipmp(self.st, name)
            for fam in K.FAMS:
                self.st["phyints"][name][fam]["group"] = group
            self.st["ipadm"]["ifs"][name] = {"class": "ipmp", "temporary": True}
        CV.set_member(self.st, phys, group, self.st["release"] == "solaris11")
        self.ctx.dirty = True
        return 0

    def new_logical(self):
        """addif's new unit stays on the named interface, failed or not."""
        il = K.ill(self.st, self.name, self.fam)
        if not il:
            self.perror0_exit("addif: SIOCLIFADDIF", K.ENXIO)
        lun = 1
        while str(lun) in il["ipifs"]:
            lun += 1
        il["ipifs"][str(lun)] = K.new_ipif(self.fam)
        self.ctx.dirty = True
        return K.lifname(self.name, lun)

    def print_ether(self, name):
        if ":" in name or CV.is_ipmp(self.st, name):
            return
        Ifconfig.print_ether(self, name)


def main(ctx, argv):
    return Ifconfig11(ctx).main(argv)
