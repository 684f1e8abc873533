"""Stand-in for /usr/sbin/ipadm on the 5.11 lab hosts (Solaris 11.4 and illumos).

IP interfaces, IPMP interfaces and static addresses, with ipadm's persistent
store in ``etc/ipadm/ipadm.conf`` (JSON; docs/lab.md): every change made
without ``-t``/``--temporary`` is written there too, so the PERSISTENT
columns are right and a reboot can rebuild the host from it.

Release differences (solaris11-illumos-facts.md §1-§5): Solaris 11 prints
lower-case classes, ACTIVE and OVER in show-if, accepts ``-t`` on the
*-ipmp subcommands, ``delete-ipmp -f`` and a bare interface as create-addr
operand; illumos prints upper-case classes and CURRENT/PERSISTENT, knows
``create-if``/``delete-if`` and rejects ``-t`` on the *-ipmp subcommands
(their short options are ``:i:``), only ``--temporary`` works there.

ASSUMPTION: where the Solaris 11 error text is unconfirmed, the lab prints
``ipadm: cannot <verb> ...: <libipadm status>`` in lower case (the one
confirmed S11 form, "cannot create address: Persistent operation on
temporary object", and "cannot add <if> to <ipmp>: <reason>").
"""
import re

from lab import addr as A
from lab import clearview as CV
from lab import flags as F
from lab import kernel as K
from lab import ofmt
from lab.options import getopt_long
from lab.state import Exit

# libipadm status strings (illumos libipadm.c).
EEXIST = "Interface already exists"
ENXIO = "Interface does not exist"
ENOTEMPTY = "IPMP group is not empty"
EINVAL = "Invalid argument provided"
EBUSY = "Interface already in use"
ENOENT = "Object not found"
EADDROBJ = "Address object already exists"
ETEMPORARY = "Persistent operation on temporary object"
ENOTSUP = "Operation not supported"

USAGE = {
    "create-ip": "create-ip\t[-t] <interface>",
    "create-if": "create-if\t[-t] <interface>",
    "delete-ip": "delete-ip\t<interface>",
    "delete-if": "delete-if\t<interface>",
    "create-ipmp": "create-ipmp\t[-t] [-i <interface>[,<interface>]...] <ipmp-interface>",
    "delete-ipmp": "delete-ipmp\t<ipmp-interface>",
    "add-ipmp": "add-ipmp\t[-t] -i <interface>[,<interface>]... <ipmp-interface>",
    "remove-ipmp": "remove-ipmp\t[-t] -i <interface>[,<interface>]... <ipmp-interface>",
    "create-addr": "create-addr\t[-t] -T static [-d] -a{local|remote}=addr[/prefixlen]\n"
                   "\t\t\t<addrobj>",
    "delete-addr": "delete-addr\t[-r] <addrobj>",
    "show-if": "show-if\t\t[[-p] -o <field>,...] [<interface>]",
    "show-addr": "show-addr\t[[-p] -o <field>,...] [<addrobj>]",
    "set-ifprop": "set-ifprop\t[-t] -p <prop>=<value[,...]> -m <protocol> <interface>",
    "show-ifprop": "show-ifprop\t[[-c] -o <field>,...] [-p <prop>,...] [-m <protocol>]\n"
                   "\t\t\t[interface]",
}
USAGE_S11 = dict(USAGE)
USAGE_S11.update({
    "delete-ipmp": "delete-ipmp\t[-f] <IPMP-interface>",
    "create-ipmp": "create-ipmp\t[-t] [-i <interface>[,<interface>]...] <IPMP-interface>",
    "create-addr": "create-addr\t[-t] [-T static] [-d] -a{local|remote}=addr[/prefixlen]\n"
                   "\t\t\t<addrobj> | <interface>",
})
ORDER = ("create-ip", "create-if", "delete-ip", "delete-if", "create-ipmp", "delete-ipmp",
         "add-ipmp", "remove-ipmp", "create-addr", "delete-addr", "show-if", "show-addr",
         "set-ifprop", "show-ifprop")

# (NAME, width, shown by default)
SHOW_IF_S11 = [("IFNAME", 11, True), ("CLASS", 9, True), ("STATE", 9, True),
               ("ACTIVE", 7, True), ("CURRENT", 13, False), ("PERSISTENT", 11, False),
               ("OVER", 30, True)]
SHOW_IF_ILLUMOS = [("IFNAME", 11, True), ("CLASS", 10, True), ("STATE", 9, True),
                   ("CURRENT", 13, True), ("PERSISTENT", 11, True)]
SHOW_ADDR = [("ADDROBJ", 18, True), ("TYPE", 9, True), ("STATE", 13, True),
             ("CURRENT", 8, False), ("PERSISTENT", 11, False), ("ADDR", 26, True)]
SHOW_IFPROP = [("IFNAME", 12, True), ("PROPERTY", 16, True), ("PROTO", 6, True),
               ("PERM", 5, True), ("CURRENT", 11, True), ("PERSISTENT", 11, True),
               ("DEFAULT", 11, True), ("POSSIBLE", 16, True)]
# ASSUMPTION: the human column widths of show-if (Solaris 11), show-addr and
# show-ifprop are not in the public sources; the lab uses widths that reproduce
# the commonly published outputs ("lo0/v4            static   ok           127.0.0.1/8").

OPT_ERRORS = {"unknown": "unrecognized option '%s'", "missing": "option requires a value '%s'"}
TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,31}$")
IFNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*[0-9]$")


class Ipadm(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.st = ctx.state
        self.s11 = self.st["release"] == "solaris11"
        self.meta = self.st["ipadm"]
        self._store = None

    # ------------------------------------------------------------ helpers
    def die(self, msg):
        self.ctx.error("ipadm: %s\n" % msg)
        raise Exit(1)

    def usage_of(self, sub):
        return (USAGE_S11 if self.s11 else USAGE)[sub]

    def die_opterr(self, sub, text):
        self.ctx.error("ipadm: %s\nusage: %s\n" % (text, self.usage_of(sub)))
        raise Exit(1)

    def usage(self):
        table = USAGE_S11 if self.s11 else USAGE
        lines = ["usage:  ipadm <subcommand> <args> ...\n"]
        for sub in ORDER:
            if sub in ("create-if", "delete-if") and self.s11:
                continue
            lines.append("\t%s\n" % table[sub])
        self.ctx.error("".join(lines))
        raise Exit(1)

    @property
    def store(self):
        if self._store is None:
            self._store = CV.load_store(self.ctx.host)
        return self._store

    def save(self):
        if self._store is not None:
            CV.save_store(self.ctx.host, self._store)

    def getopt(self, sub, args, short, longs=None):
        """getopt_long() with a leading ':' (ipadm reports its own errors)."""
        def error(why, option, letter):
            self.die_opterr(sub, OPT_ERRORS[why] % option)

        return getopt_long(args, short, longs or {}, error)

    def one_operand(self, sub, rest):
        if len(rest) != 1:
            self.die_opterr(sub, "wrong number of arguments")
        return rest[0]

    def klass(self, name):
        info = self.meta["ifs"].get(name)
        return info["class"] if info else ("ipmp" if CV.is_ipmp(self.st, name) else "ip")

    def temporary(self, name):
        info = self.meta["ifs"].get(name)
        return bool(info and info["temporary"])

    # ------------------------------------------------------------ main
    def main(self, argv):
        if not argv:
            if self.s11:
                self.ctx.fail("ipadm: the combined interface/address view of Solaris 11 is "
                              "not simulated by the lab; use show-if and show-addr\n", 2)
            return self.show_addr("show-addr", [])
        sub, args = argv[0], argv[1:]
        handlers = {
            "create-ip": self.create_ip, "delete-ip": self.delete_ip,
            "create-ipmp": self.create_ipmp, "delete-ipmp": self.delete_ipmp,
            "add-ipmp": self.add_ipmp, "remove-ipmp": self.remove_ipmp,
            "create-addr": self.create_addr, "delete-addr": self.delete_addr,
            "show-if": self.show_if, "show-addr": self.show_addr,
            "set-ifprop": self.set_ifprop, "show-ifprop": self.show_ifprop,
        }
        if not self.s11:
            handlers.update({"create-if": self.create_ip, "delete-if": self.delete_ip})
        if sub not in handlers:
            self.ctx.error("ipadm: unknown subcommand '%s'\n" % sub)
            self.usage()
        return handlers[sub](sub, args) or 0

    # ------------------------------------------------------------ interfaces
    def if_error(self, verb, name, status):
        if self.s11:
            self.die("cannot %s interface %s: %s" % (verb, name, status))
        self.die("Could not %s %s%s: %s" % (verb, name, " " if verb == "create" else "", status))

    def create_ip(self, sub, args):
        opts, rest = self.getopt(sub, args, "t", {"temporary": "t"})
        name = self.one_operand(sub, rest)
        temporary = any(o == "t" for o, _ in opts)
        if name in self.st["phyints"] or name in self.meta["ifs"]:
            self.if_error("create", name, EEXIST)
        if name not in self.st["nics"]:
            self.if_error("create", name, ENXIO)
        CV.plumb_ip(self.st, name)
        self.register(name, "ip", temporary)
        return 0

    def register(self, name, klass, temporary):
        """ipadm's record of a new interface (in the store too unless temporary)."""
        self.meta["ifs"][name] = {"class": klass, "temporary": temporary}
        if not temporary:
            self.store["interfaces"][name] = {"class": klass, "families": ["inet", "inet6"]}
            self.save()
        self.ctx.dirty = True

    def drop_addresses(self, name):
        for aobj in [a for a, v in self.meta["addrs"].items() if v["if"] == name]:
            del self.meta["addrs"][aobj]
        for aobj in [a for a, v in self.store["addresses"].items() if v["interface"] == name]:
            del self.store["addresses"][aobj]

    def delete_disabled(self, name):
        """An interface only in the persistent store (disabled): delete it there.
        False when the store does not know it either."""
        if name not in self.store["interfaces"]:
            return False
        del self.store["interfaces"][name]
        self.drop_addresses(name)
        self.save()
        return True

    def destroy(self, name):
        """Unplumb an interface with its addresses, actively and persistently."""
        self.drop_addresses(name)
        CV.remove_if(self.st, name)
        self.meta["ifs"].pop(name, None)
        self.store["interfaces"].pop(name, None)
        self.save()
        self.ctx.dirty = True

    def resync(self):
        """The kernel changed: in.mpathd takes note."""
        self.ctx.dirty = True
        CV.Clearview(self.ctx).sync()

    def delete_ip(self, sub, args):
        opts, rest = self.getopt(sub, args, "")
        name = self.one_operand(sub, rest)
        if name not in self.st["phyints"]:
            if self.delete_disabled(name):
                return 0
            self.if_error("delete", name, ENXIO)
        if CV.is_ipmp(self.st, name):
            return self.delete_ipmp(sub, args)
        if CV.ipmp_of(self.st, name):
            CV.set_member(self.st, name, "", False)
        self.destroy(name)
        return 0

    def member_lists(self, values):
        names = []
        for value in values:
            names.extend(n for n in value.split(",") if n)
        return names

    def ipmp_opts(self, sub, args, extra=""):
        """-i lists and -t: illumos getopt ':i:' only knows -i (long --temporary works)."""
        short = ("ti:" if self.s11 else "i:") + extra
        opts, rest = self.getopt(sub, args, short,
                                 {"temporary": "t", "interface": "i", "force": "f"})
        temporary = any(o == "t" for o, _ in opts)
        members = self.member_lists(v for o, v in opts if o == "i")
        return opts, rest, temporary, members

    def create_ipmp(self, sub, args):
        opts, rest, temporary, members = self.ipmp_opts(sub, args)
        name = self.one_operand(sub, rest)
        daemon = CV.Clearview(self.ctx)
        if not self.st["mpathd"]["running"]:
            if self.s11:
                # ASSUMPTION: on Solaris 11 ipadm gets svc:/network/ipmp going itself.
                daemon.start()
            else:
                self.die("Cannot ping in.mpathd: cannot contact in.mpathd")
        if name in self.st["phyints"] or name in self.meta["ifs"]:
            self.if_error("create", name, EEXIST)
        if not IFNAME_RE.match(name) or len(name) > 31 or name in self.st["nics"]:
            self.if_error("create", name, EINVAL)
        CV.create_ipmp(self.st, name)
        self.register(name, "ipmp", temporary)
        for member in members:
            self.add_member(name, member, temporary)
        return 0

    def member_error(self, verb, member, ipmp_name, status):
        prep = "to" if verb == "add" else "from"
        if self.s11:
            self.die("cannot %s %s %s %s: %s" % (verb, member, prep, ipmp_name, status))
        self.die("Cannot %s interface '%s' %s IPMP interface '%s': %s" % (
            verb, member, prep, ipmp_name, status))

    def add_member(self, ipmp_name, member, temporary):
        if ipmp_name not in self.st["phyints"] or not CV.is_ipmp(self.st, ipmp_name):
            self.member_error("add", member, ipmp_name,
                              ENXIO if ipmp_name not in self.st["phyints"] else EINVAL)
        if member not in self.st["phyints"]:
            self.member_error("add", member, ipmp_name, ENXIO)
        if CV.is_ipmp(self.st, member) or member == K.LOOPBACK:
            self.member_error("add", member, ipmp_name, EINVAL)
        if CV.group_name(self.st, member):
            self.member_error("add", member, ipmp_name, EBUSY)
        if not temporary and (self.temporary(member) or self.temporary(ipmp_name)):
            self.member_error("add", member, ipmp_name, ETEMPORARY)
        # Both releases turn the member's existing addresses into test addresses
        # after add-ipmp (illumos ipadm.c calls ipadm_mark_testaddrs() once the
        # interface is added; Solaris 11: in.mpathd(8)).
        CV.set_member(self.st, member, CV.group_name(self.st, ipmp_name), True)
        if not temporary:
            self.store["interfaces"][member]["ipmp"] = ipmp_name
            self.save()
        self.resync()

    def for_members(self, sub, args, change):
        """add-ipmp / remove-ipmp: change(ipmp, member, temporary) for each -i member."""
        opts, rest, temporary, members = self.ipmp_opts(sub, args)
        name = self.one_operand(sub, rest)
        if not members:
            self.die_opterr(sub, "at least one interface must be specified with -i")
        for member in members:
            change(name, member, temporary)
        return 0

    def add_ipmp(self, sub, args):
        return self.for_members(sub, args, self.add_member)

    def remove_ipmp(self, sub, args):
        return self.for_members(sub, args, self.remove_member)

    def remove_member(self, ipmp_name, member, temporary):
        if ipmp_name not in self.st["phyints"]:
            self.member_error("remove", member, ipmp_name, ENXIO)
        if member not in self.st["phyints"]:
            self.member_error("remove", member, ipmp_name, ENXIO)
        if not CV.is_ipmp(self.st, ipmp_name) or CV.ipmp_of(self.st, member) != ipmp_name:
            self.member_error("remove", member, ipmp_name, EINVAL)
        CV.set_member(self.st, member, "", False)
        if not temporary and member in self.store["interfaces"]:
            self.store["interfaces"][member].pop("ipmp", None)
            self.save()
        self.resync()

    def delete_ipmp(self, sub, args):
        opts, rest, temporary, members = self.ipmp_opts(sub, args, "f" if self.s11 else "")
        if not self.s11 and (temporary or members):
            self.die_opterr(sub, "unrecognized option '-%s'" % ("t" if temporary else "i"))
        force = any(o == "f" for o, _ in opts)
        name = self.one_operand(sub, rest)
        if name not in self.st["phyints"]:
            if self.delete_disabled(name):
                return 0
            self.if_error("delete", name, ENXIO)
        if not CV.is_ipmp(self.st, name):
            self.if_error("delete", name, EINVAL)
        inside = CV.members(self.st, name)
        if inside and not force:
            if self.s11:
                self.die("cannot delete IPMP interface %s: %s" % (name, ENOTEMPTY))
            self.die("Could not delete %s: %s" % (name, ENOTEMPTY))
        # ASSUMPTION: delete-ipmp -f (Solaris 11) first removes every member, as the
        # documented procedure does by hand (remove-ipmp, then delete-ipmp).
        for member in inside:
            CV.set_member(self.st, member, "", False)
            if member in self.store["interfaces"]:
                self.store["interfaces"][member].pop("ipmp", None)
        self.destroy(name)
        CV.Clearview(self.ctx).sync()
        return 0

    # ------------------------------------------------------------ addresses
    def addr_error(self, verb, status):
        if self.s11:
            self.die("cannot %s address: %s" % (verb, status))
        self.die("Could not %s address: %s" % (verb, status))

    def parse_address(self, text):
        """[local=]addr[/plen] -> (fam, value, plen), hostnames via etc/inet/hosts."""
        if text.startswith("local="):
            text = text[len("local="):]
        host, _, plen_text = text.partition("/")
        fam = "inet6" if ":" in host else "inet"
        value = A.hosts_lookup(self.ctx.host.root, host, fam)
        if value is None and fam == "inet":
            value = A.hosts_lookup(self.ctx.host.root, host, "inet6")
            fam = "inet6" if value is not None else fam
        if value is None:
            self.addr_error("create", EINVAL)
        bits = 32 if fam == "inet" else 128
        if plen_text:
            if not plen_text.isdigit() or int(plen_text) > bits:
                self.addr_error("create", EINVAL)
            plen = int(plen_text)
        elif fam == "inet":
            mask = A.netmask_lookup(self.ctx.host.root, value) or A.class_mask(value)
            plen = A.mask_to_plen(mask)
        else:
            plen = 64
        return fam, value, plen

    def generated_name(self, ifname, fam):
        base = "%s/%s" % (ifname, "v4" if fam == "inet" else "v6")
        if base not in self.meta["addrs"] and base not in self.store["addresses"]:
            return base
        for letter in "abcdefghijklmnopqrstuvwxyz":
            if base + letter not in self.meta["addrs"] and base + letter not in self.store[
                    "addresses"]:
                return base + letter
        self.addr_error("create", EADDROBJ)

    def create_addr(self, sub, args):
        opts, rest = self.getopt(sub, args, "tT:a:d", {"temporary": "t", "address": "a"})
        temporary = any(o == "t" for o, _ in opts)
        kinds = [v for o, v in opts if o == "T"]
        addrs = [v for o, v in opts if o == "a"]
        if kinds and kinds[-1] != "static":
            self.ctx.fail("ipadm: address type %s is not simulated by the lab\n" % kinds[-1], 2)
        if not addrs:
            self.die_opterr(sub, "-a must be specified")
        # ASSUMPTION: illumos without -T behaves as -T static.
        target = self.one_operand(sub, rest)
        ifname, slash, tag = target.partition("/")
        if not slash:
            if not self.s11:
                self.ctx.error("ipadm: invalid address object name: %s\nusage: %s\n"
                               % (target, self.usage_of(sub)))
                raise Exit(1)
        elif not TAG_RE.match(tag):
            if not self.s11:
                self.ctx.error("ipadm: invalid address object name: %s\nusage: %s\n"
                               % (target, self.usage_of(sub)))
                raise Exit(1)
            self.addr_error("create", EINVAL)
        fam, value, plen = self.parse_address(addrs[-1])
        if ifname not in self.st["phyints"]:
            self.addr_error("create", ENXIO)
        if not temporary and self.temporary(ifname):
            self.addr_error("create", ETEMPORARY)
        aobj = target if slash else self.generated_name(ifname, fam)
        if aobj in self.meta["addrs"] or aobj in self.store["addresses"]:
            self.addr_error("create", EADDROBJ)
        flags = 0
        if self.s11 and CV.ipmp_of(self.st, ifname):
            flags = F.NOFAILOVER | F.DEPRECATED     # test address (in.mpathd(8), 11.4)
        lun = CV.add_address(self.st, ifname, fam, value, plen, flags)
        self.meta["addrs"][aobj] = {"if": ifname, "fam": fam, "lun": lun,
                                    "temporary": temporary}
        if not temporary:
            self.store["addresses"][aobj] = {
                "interface": ifname, "family": fam, "type": "static",
                "address": A.ntoa(value) if fam == "inet" else A.fmt6(value),
                "prefixlen": plen}
            self.save()
        if not slash:
            self.ctx.write("ipadm: %s\n" % aobj)
        self.ctx.dirty = True
        return 0

    def delete_addr(self, sub, args):
        opts, rest = self.getopt(sub, args, "r", {"release": "r"})
        aobj = self.one_operand(sub, rest)
        info = self.meta["addrs"].get(aobj)
        if info is None:
            if aobj in self.store["addresses"]:
                del self.store["addresses"][aobj]
                self.save()
                return 0
            if self.s11:
                self.die("cannot delete address object %s: %s" % (aobj, ENOENT))
            self.die("could not delete address: %s" % ENOENT)
        CV.remove_address(self.st, info["if"], info["fam"], info["lun"])
        del self.meta["addrs"][aobj]
        self.store["addresses"].pop(aobj, None)
        self.save()
        self.ctx.dirty = True
        return 0

    # ------------------------------------------------------------ show
    def output_opts(self, sub, args, parsable_letter, more=""):
        long = {"output": "o", "parsable": parsable_letter, "parseable": parsable_letter}
        opts, rest = self.getopt(sub, args, parsable_letter + "o:" + more, long)
        parsable = any(o == parsable_letter for o, _ in opts)
        spec = None
        for letter, value in opts:
            if letter == "o":
                spec = value
        return opts, rest, parsable, spec

    def emit(self, fields, spec, parsable, rows):
        try:
            chosen = ofmt.select(fields, spec, parsable)
        except ofmt.OfmtError as exc:
            self.die(str(exc))
        if not parsable:
            warn = ofmt.warning(fields, spec)
            if warn:
                self.ctx.error("ipadm: %s\n" % warn)
        self.ctx.write(ofmt.render(chosen, rows, parsable))

    def current_if_flags(self, name):
        pi = self.st["phyints"][name]
        il4, il6 = pi["inet"], pi["inet6"]
        ill = (il4["flags"] if il4 else 0) | (il6["flags"] if il6 else 0)
        flags = pi["flags"] | ill
        letters = [("b", flags & F.BROADCAST), ("m", flags & F.MULTICAST),
                   ("p", flags & F.POINTOPOINT), ("v", flags & F.VIRTUAL),
                   ("I", flags & CV.IPMP), ("s", flags & F.STANDBY), ("i", flags & F.INACTIVE),
                   ("V", flags & CV.VRRP), ("a", 0)]
        if not self.s11:
            letters.append(("Z", 0))
        letters += [("4", il4), ("6", il6)]
        return "".join(c if on else "-" for c, on in letters)

    def persistent_if_flags(self, name):
        entry = self.store["interfaces"].get(name)
        fams = entry.get("families", []) if entry else []
        standby = bool(entry and entry.get("standby"))
        if self.s11:
            # ASSUMPTION: the third position of the 4-character S11 field is 's' (standby).
            return "".join([("4" if "inet" in fams else "-"), ("6" if "inet6" in fams else "-"),
                            ("s" if standby else "-"),
                            ("l" if entry and entry.get("ipmp") else "-")])
        return "".join([("s" if standby else "-"), ("4" if "inet" in fams else "-"),
                        ("6" if "inet6" in fams else "-")])

    def if_state(self, name):
        flags = self.st["phyints"][name]["flags"]
        if not flags & F.RUNNING or flags & F.FAILED:
            return "failed"
        if flags & F.OFFLINE:
            return "offline"
        if not CV.has_up_address(self.st, name):
            return "down"
        return "ok"

    def show_if(self, sub, args):
        opts, rest, parsable, spec = self.output_opts(sub, args, "p")
        if len(rest) > 1:
            self.die_opterr(sub, "wrong number of arguments")
        names = [n for n in K.by_index(self.st)]
        names += [n for n in self.store["interfaces"] if n not in self.st["phyints"]]
        if rest:
            if rest[0] not in names:
                self.die("Could not get interface(s): %s" % ENXIO)
            names = rest
        rows = []
        for name in names:
            klass = self.klass(name) if name in self.st["phyints"] else \
                self.store["interfaces"][name]["class"]
            shown = klass if self.s11 else {"loopback": "VIRTUAL", "ip": "IP",
                                            "ipmp": "IPMP"}.get(klass, "UNKNOWN")
            if name in self.st["phyints"]:
                flags = self.st["phyints"][name]["flags"]
                state = self.if_state(name)
                active = "no" if flags & (F.FAILED | F.INACTIVE | F.OFFLINE) or not (
                    flags & F.RUNNING) else "yes"
                current = self.current_if_flags(name)
                over = " ".join(CV.members(self.st, name)) if klass == "ipmp" else ""
            else:
                state, active, over = "disabled", "no", ""
                current = "-" * (11 if self.s11 else 12)
            persistent = self.persistent_if_flags(name) if not self.temporary(name) else (
                "-" * (4 if self.s11 else 3))
            rows.append({"IFNAME": name, "CLASS": shown, "STATE": state, "ACTIVE": active,
                         "CURRENT": current, "PERSISTENT": persistent, "OVER": over})
        self.emit(SHOW_IF_S11 if self.s11 else SHOW_IF_ILLUMOS, spec, parsable, rows)
        return 0

    def addr_rows(self):
        names = dict(((v["if"], v["fam"], v["lun"]), a) for a, v in self.meta["addrs"].items())
        rows = []
        for fam in K.FAMS:
            for ifname in K.by_index(self.st):
                il = K.ill(self.st, ifname, fam)
                if not il:
                    continue
                pi = self.st["phyints"][ifname]
                for lun, ip in K.ipifs(il):
                    aobj = names.get((ifname, fam, lun))
                    if aobj is None and (not ip["flags"] & F.UP or K.is_unspecified(ip, fam)):
                        continue
                    # ASSUMPTION: addresses without an address object (made with ifconfig)
                    # are listed only while up, as "<if>/?".
                    aobj = aobj or "%s/?" % ifname
                    temporary = self.meta["addrs"].get(aobj, {}).get("temporary", True)
                    if not ip["flags"] & F.UP:
                        state = "down"
                    elif pi["flags"] & F.FAILED or not pi["flags"] & F.RUNNING:
                        state = "inaccessible"
                    else:
                        state = "ok"
                    plen = A.mask_to_plen(K.v4(ip, "mask")) if fam == "inet" else ip["plen"]
                    current = "".join([("U" if ip["flags"] & F.UP else "-"), "-",
                                       ("p" if ip["flags"] & F.BIT["PRIVATE"] else "-"), "-",
                                       ("d" if ip["flags"] & F.DEPRECATED else "-")])
                    rows.append({"ADDROBJ": aobj, "TYPE": "static", "STATE": state,
                                 "CURRENT": current,
                                 "PERSISTENT": "---" if temporary or aobj.endswith("/?")
                                 else "U--",
                                 "ADDR": "%s/%d" % (ip["addr"], plen), "_if": ifname})
        for aobj, entry in self.store["addresses"].items():
            if aobj not in self.meta["addrs"]:
                rows.append({"ADDROBJ": aobj, "TYPE": entry["type"], "STATE": "disabled",
                             "CURRENT": "-----", "PERSISTENT": "U--",
                             "ADDR": entry["address"] + "/%d" % entry["prefixlen"],
                             "_if": entry["interface"]})
        return rows

    def show_addr(self, sub, args):
        opts, rest, parsable, spec = self.output_opts(sub, args, "p", "d")
        if parsable and spec is None:
            self.die("-p requires -o")
        if len(rest) > 1:
            self.die_opterr(sub, "wrong number of arguments")
        rows = self.addr_rows()
        if rest:
            want = rest[0]
            if "/" not in want:
                if not self.s11:
                    self.die("Invalid address object name provided")
                rows = [r for r in rows if r["_if"] == want]
            elif want.endswith("/"):
                rows = [r for r in rows if r["_if"] == want[:-1]]
            else:
                rows = [r for r in rows if r["ADDROBJ"] == want]
            if not rows:
                self.die("Could not get address: %s" % ENOENT)
        self.emit(SHOW_ADDR, spec, parsable, rows)
        return 0

    def properties(self):
        # ASSUMPTION: the lab knows only the IPMP-related ip properties: standby on both
        # releases, plus Solaris 11's read-only group property (PUP fixture).
        return ["group", "standby"] if self.s11 else ["standby"]

    def set_ifprop(self, sub, args):
        opts, rest = self.getopt(sub, args, "tp:m:", {"temporary": "t", "prop": "p",
                                                      "module": "m"})
        name = self.one_operand(sub, rest)
        temporary = any(o == "t" for o, _ in opts)
        props = [v for o, v in opts if o == "p"]
        proto = [v for o, v in opts if o == "m"]
        if not props or not proto:
            self.die_opterr(sub, "-p and -m must be specified")
        prop, _, value = props[-1].partition("=")
        if proto[-1] not in ("ip", "ipv4", "ipv6"):
            self.die("Invalid protocol '%s' specified" % proto[-1])
        if prop != "standby" or value not in ("on", "off"):
            self.die("set-ifprop: %s: %s" % (prop, EINVAL if prop == "standby" else
                                               "Unknown property"))
        if name not in self.st["phyints"] or CV.is_ipmp(self.st, name) or name == K.LOOPBACK:
            self.die("set-ifprop: %s: %s" % (name, ENXIO if name not in self.st["phyints"]
                                             else ENOTSUP))
        if not temporary and self.temporary(name):
            self.die("set-ifprop: %s: %s" % (name, ETEMPORARY))
        pi = self.st["phyints"][name]
        if value == "on":
            pi["flags"] |= F.STANDBY
        else:
            pi["flags"] &= ~(F.STANDBY | F.INACTIVE)
        if not temporary:
            self.store["interfaces"][name]["standby"] = value == "on"
            self.save()
        self.resync()
        return 0

    def show_ifprop(self, sub, args):
        opts, rest, parsable, spec = self.output_opts(sub, args, "c", "p:m:")
        props = []
        for letter, value in opts:
            if letter == "p":
                props.extend(p for p in value.split(",") if p)
        protos = [v for o, v in opts if o == "m"]
        if protos and protos[-1] not in ("ip", "ipv4", "ipv6"):
            self.die("Invalid protocol '%s' specified" % protos[-1])
        if len(rest) > 1:
            self.die_opterr(sub, "wrong number of arguments")
        names = [n for n in K.by_index(self.st) if n != K.LOOPBACK]
        if rest:
            if rest[0] not in self.st["phyints"]:
                self.die("Could not get interface(s): %s" % ENXIO)
            names = rest
        for prop in props:
            if prop not in self.properties():
                self.die("Unknown property '%s' specified" % prop)
        rows = []
        for name in names:
            entry = self.store["interfaces"].get(name, {})
            pi = self.st["phyints"][name]
            for prop in props or self.properties():
                if prop == "group":
                    current = CV.group_name(self.st, name) if not CV.is_ipmp(
                        self.st, name) else ""
                    persistent = entry.get("ipmp", "")
                    rows.append({"IFNAME": name, "PROPERTY": "group", "PROTO": "ip",
                                 "PERM": "r-", "CURRENT": current, "PERSISTENT": persistent,
                                 "DEFAULT": "", "POSSIBLE": ""})
                else:
                    current = "on" if pi["flags"] & F.STANDBY else "off"
                    persistent = ("on" if entry.get("standby") else "off") \
                        if "standby" in entry else ""
                    rows.append({"IFNAME": name, "PROPERTY": "standby", "PROTO": "ip",
                                 "PERM": "rw", "CURRENT": current, "PERSISTENT": persistent,
                                 "DEFAULT": "off", "POSSIBLE": "on,off"})
        self.emit(SHOW_IFPROP, spec, parsable, rows)
        return 0


def main(ctx, argv):
    return Ipadm(ctx).main(argv)
