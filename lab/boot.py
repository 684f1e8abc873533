"""``python -m lab reboot HOST_DIR``: bring a lab host up from its persistent configuration.

A reboot keeps what survives a real one: the host's files, the NICs with
their cables (``lab link``) and the probe targets behind them (``lab
probe``).  Everything else is runtime state and goes: every plumbed
interface and address, ``if_mpadm`` offlines, ``ifconfig ether`` MAC
changes, ipadm's temporary objects and in.mpathd with its timers.  Then the
host boots the way its release does:

* Solaris 10 (net-loopback, net-physical, net-init of the OpenSolaris 2006
  sources): lo0; every ``etc/hostname.<if>`` then ``etc/hostname6.<if>``
  plumbed; the files' lines run as ``ifconfig <if> inet|inet6 <line>``
  (a one-line IPv4 file gets ``netmask + broadcast + up``, IPv6 ends with
  ``ifconfig <if> inet6 up``); the addresses of an interface that failed to
  plumb move to another member of its group (``ifparse``); then in.mpathd
  starts in adopt mode and stays only if it has an interface to track.
* Solaris 11.4: ipadm's persistent store only (hostname files are not read):
  interfaces, their addresses, then IPMP memberships and ``standby``; then
  in.mpathd (svc:/network/ipmp).
* illumos (net-physical of illumos-omnios): IPMP interfaces named by a
  hostname file whose first word is ``ipmp``, the other hostname files'
  interfaces plumbed, then ipadm's store for the interfaces still disabled
  (``ipadm enable-if -t``) except those with a hostname file, then the IPMP
  hostname files' lines, the other hostname files' lines, address moves
  for missing interfaces; then in.mpathd.

The stand-in ``ifconfig`` runs each hostname-file line in this process (its
command handling, its messages), so nothing is added to ``var/lab/argv.log``:
the boot is not an admin or Salt command.  What the boot scripts print on
their standard output (``configuring IPv4 interfaces: bge0 bge1.``) and the
commands' error messages go to this command's stdout and stderr, as they go
to the SMF service log on the host; what they write to ``/dev/msglog`` (the
console) goes to ``var/adm/messages`` as the bare text line, the lab having
no console.

ASSUMPTION: the lab's in.mpathd starts after the interfaces are configured
on every release (net-init on Solaris 10; on 5.11 svc:/network/ipmp is taken
to start after network/physical), so a boot logs no group state changes.
"""
import io
import os
import re

from lab import addr as A
from lab import flags as F
from lab import kernel as K
from lab import syslog
from lab.state import Context, Exit

ONELINE_EPILOGUE = ["netmask", "+", "broadcast", "+", "up"]
RELEASE_NAME = {"solaris10": "Solaris 10", "solaris11": "Solaris 11.4", "illumos": "illumos"}


# ---------------------------------------------------------------- the files, read as sh does

def sh_read_lines(text):
    """The lines ``while read line`` yields: backslash-newline joins lines, a
    backslash quotes the next character, blanks around the line go, and a
    last line without its newline is never read (read fails at end of file)."""
    lines = []
    current, i, escaped = [], 0, False
    while i < len(text):
        char = text[i]
        if escaped:
            if char != "\n":
                current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "\n":
            lines.append("".join(current).strip(" \t"))
            current = []
        else:
            current.append(char)
        i += 1
    return lines


def words(line):
    """An unquoted ``$ifcmds``: split on blanks (the lab does not glob)."""
    return line.split()


def first_and_rest(line):
    """``read one rest``: the first word and the remainder."""
    parts = line.split(None, 1)
    if not parts:
        return "", ""
    return parts[0], (parts[1] if len(parts) > 1 else "")


# ---------------------------------------------------------------- ifparse(1M)

FIXED, MOVABLE, NOW, ADD, SET, LOG0 = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
NEXT = "NEXTARG"
# ifparse's command table: word -> (takes an argument, family or None, flags).
IFPARSE = {
    "up": (False, None, 0), "down": (False, None, 0),
    "trailers": (False, None, NOW), "-trailers": (False, None, NOW),
    "arp": (False, "inet", NOW), "-arp": (False, "inet", NOW),
    "private": (False, None, 0), "-private": (False, None, 0),
    "router": (False, None, LOG0), "-router": (False, None, LOG0),
    "xmit": (False, None, 0), "-xmit": (False, None, 0),
    "-nud": (False, "inet6", NOW), "nud": (False, "inet6", NOW),
    "anycast": (False, None, 0), "-anycast": (False, None, 0),
    "local": (False, None, 0), "-local": (False, None, 0),
    "deprecated": (False, None, 0), "-deprecated": (False, None, 0),
    "preferred": (False, "inet6", 0), "-preferred": (False, "inet6", 0),
    "debug": (False, None, NOW), "verbose": (False, None, NOW),
    "netmask": (True, "inet", 0), "metric": (True, None, 0), "mtu": (True, None, 0),
    "index": (True, None, LOG0), "broadcast": (True, "inet", 0),
    "auto-revarp": (False, "inet", FIXED),
    "plumb": (False, None, NOW), "unplumb": (False, None, NOW),
    "subnet": (True, None, 0), "token": (True, "inet6", LOG0),
    "tsrc": (True, None, LOG0), "tdst": (True, None, LOG0),
    "encr_auth_algs": (True, None, LOG0), "encr_algs": (True, None, LOG0),
    "auth_algs": (True, None, LOG0),
    "addif": (True, None, ADD), "removeif": (True, None, LOG0),
    "modlist": (False, None, NOW), "modinsert": (True, None, NOW),
    "modremove": (True, None, NOW),
    "failover": (False, None, MOVABLE), "-failover": (False, None, FIXED),
    "standby": (False, None, NOW), "-standby": (False, None, NOW),
    "failed": (False, None, NOW), "-failed": (False, None, NOW),
    "group": (True, None, LOG0), "configinfo": (False, None, NOW),
    "encaplimit": (True, None, LOG0), "-encaplimit": (False, None, LOG0),
    "thoplimit": (True, None, LOG0),
    "set": (True, None, SET), "destination": (True, None, 0),
}


def ifparse(argv, fam, mode=FIXED | MOVABLE):
    """``ifparse [-f|-s] <fam> <argv>``: the ifconfig arguments split per logical
    interface; ``mode`` MOVABLE (-f) keeps the failover addresses' parts, FIXED
    (-s) the rest.  Returns the output lines as word lists (None on a parse
    error, when ifparse prints its error and exits 1)."""
    out = []
    state = {"buf": [], "type": FIXED | MOVABLE, "setaddr": False, "addint": False}

    def dump():
        kind = state["type"]
        if (not (mode == FIXED and kind & MOVABLE) and mode & kind and state["buf"]):
            out.append(list(state["buf"]))
        state["buf"], state["type"] = [], FIXED | MOVABLE

    def put(name, has_arg, flags, arg):
        if flags & LOG0:
            if state["addint"]:
                return
            flags |= NOW
        if flags & ADD:
            flags |= SET
            state["addint"] = True
        if flags & NOW:
            flags |= FIXED
        if name is None:
            if flags & SET:
                name = "set"
            elif state["setaddr"]:
                name, state["setaddr"] = "destination", False
            else:
                name = ""
            item = [name, arg]
        else:
            item = [name, arg] if has_arg else [name]
        if flags & SET:
            state["setaddr"] = True
        if flags & NOW:
            if mode & flags:
                out.append([w for w in item if w != ""])
            return
        if flags & ADD:
            dump()
        if flags & FIXED:
            state["type"] &= ~MOVABLE
        if flags & MOVABLE:
            state["type"] &= ~FIXED
        state["type"] |= flags & (FIXED | MOVABLE)
        state["buf"].extend(w for w in item if w != "")

    i = 0
    while i < len(argv):
        word = argv[i]
        entry = IFPARSE.get(word)
        if entry is not None and entry[1] not in (None, fam):
            return None             # "ifparse: Operation %s not supported for %s"
        if entry is None:
            name, has_arg, flags = None, False, SET
            if state["setaddr"]:
                flags = 0           # the second bare address is the destination
            arg = word
        else:
            name, (has_arg, _fam, flags) = word, entry
            arg = None
            if has_arg:
                i += 1
                if i == len(argv):
                    return None     # "ifparse: no argument for %s"
                arg = argv[i]
        put(name, has_arg, flags, arg)
        i += 1
    dump()
    return out


# ---------------------------------------------------------------- the boot

class Boot(object):
    """One reboot of a locked host (``ctx`` is the session's context)."""

    def __init__(self, ctx, out, err):
        self.ctx = ctx
        self.st = ctx.state
        self.host = ctx.host
        self.release = self.st.get("release", "solaris10")
        self.out, self.err = out, err
        self.failed = []            # interfaces the boot could not bring up (summary)
        self.disabled = []          # 5.11: persistent interfaces left disabled (summary)

    # ------------------------------------------------------------ helpers
    def path(self, *parts):
        return self.host.path(*parts)

    def etc(self, name):
        return self.path("etc", name)

    def read(self, name):
        try:
            with open(self.etc(name), "rb") as handle:
                return handle.read().decode("latin-1")
        except OSError:
            return ""

    def say(self, text):
        """The boot script's standard output (the SMF service log on a host)."""
        self.out.write(text + "\n")

    def console(self, text):
        """``echo ... >/dev/msglog``: the lab has no console, so var/adm/messages."""
        syslog.append(self.host.messages, text + "\n")

    def run(self, tool, argv, quiet=False):
        """Run a stand-in in this process (no argv.log entry).  Its stdout goes
        nowhere (the scripts send it to /dev/null), its stderr to ours unless
        ``quiet`` (2>/dev/null).  Returns the exit status."""
        if tool == "ifconfig":
            name = "ifconfig" if self.release == "solaris10" else "ifconfig11"
        else:
            name = tool
        module = __import__("lab." + name, fromlist=["main"])
        sub = Context(self.host, self.st, io.StringIO(), io.StringIO() if quiet else self.err)
        sub.now = self.ctx.now
        sub.progname = tool
        try:
            rc = module.main(sub, list(argv)) or 0
        except Exit as exc:
            rc = exc.code
        if sub.dirty:
            self.ctx.dirty = True
        self.ctx.timers_to_start.extend(sub.timers_to_start)
        return rc

    def ifconfig(self, *argv, **kwargs):
        return self.run("ifconfig", argv, **kwargs)

    def exists(self, name, fam):
        """``ifconfig <if> inet|inet6 >/dev/null 2>&1`` succeeds."""
        try:
            K.lookup(self.st, name, fam)
        except K.KErr:
            return False
        return True

    # ------------------------------------------------------------ runtime state
    def wipe(self, lo0_inet6):
        """Forget everything that lives in memory; keep the physical world."""
        from lab import host as H
        from lab.mpathd import initial_state
        st = self.st
        fresh = H.initial(st["hostname"], st["nics"])   # lo0 exactly as `lab create` makes it
        if not lo0_inet6:
            fresh["phyints"][K.LOOPBACK]["inet6"] = None
        st["phyints"], st["last_index"] = fresh["phyints"], fresh["last_index"]
        st["kernel"] = fresh["kernel"]
        for nic in st["nics"].values():
            nic["mac"] = A.make_mac(st["hostname"], nic["device"])  # `ifconfig ether` is runtime
        # Timer tokens stay unique across the reboot: a timer process started
        # before it finds its token gone and does nothing.
        seq = st["mpathd"]["seq"]
        st["mpathd"] = initial_state()
        st["mpathd"]["seq"] = seq
        if self.release != "solaris10":
            # As clearview.init_host: lo0's objects from the store, nothing else.
            st["ipadm"] = {"ifs": {"lo0": {"class": "loopback", "temporary": False}},
                           "addrs": {"lo0/v4": {"if": "lo0", "fam": "inet", "lun": 0,
                                                "temporary": False},
                                     "lo0/v6": {"if": "lo0", "fam": "inet6", "lun": 0,
                                                "temporary": False}}}
        self.ctx.dirty = True

    def start_mpathd(self):
        from lab.mpathd import daemon_for
        daemon = daemon_for(self.ctx)
        daemon.start()
        if self.release == "solaris10" and not daemon.tracked():
            # in.mpathd -a: "if there are no interfaces it needs to manage, it
            # will automatically exit" (net-init).
            daemon.stop()
            return
        daemon.sync()

    # ------------------------------------------------------------ hostname files
    def hostname_files(self, prefix):
        """Interface names of etc/<prefix>.*[0-9], in glob order, as the release's
        net-physical splits them (on "." as a shell separator)."""
        try:
            entries = sorted(os.listdir(self.path("etc")))
        except OSError:
            return []
        names = []
        for entry in entries:
            if not entry.startswith(prefix + ".") or not entry[-1:].isdigit():
                continue
            if not os.path.isfile(self.etc(entry)):
                continue
            name = entry[len(prefix) + 1:]
            if self.release == "solaris10":
                if "." in name:
                    continue        # dotted names are tunnels (hostname.ip.tun0), net-init's
                if name == "xx0" and prefix == "hostname":
                    continue        # "for some unknown historical reason"
            elif re.match(r"^ip6?\.[^.]+$", name) and name not in self.st["nics"]:
                continue            # is_iptun: an implicit IP tunnel
            names.append(name)
        return names

    def file_name(self, name, fam):
        return ("hostname." if fam == "inet" else "hostname6.") + name

    def ifcmds(self, line):
        """A hostname-file line as ifconfig's arguments: on 5.11 the leading
        ``ipmp`` word only marks an IPMP interface's file and is dropped."""
        if self.release == "solaris10":
            return line
        one, rest = first_and_rest(line)
        return ("" if one == "ipmp" else one) + " " + rest

    def inet_commands(self, text):
        """inet_process_hostname: the argument lists, in the order they run."""
        cmds, multiple, pending = [], False, None
        for line in sh_read_lines(text):
            ifcmds = self.ifcmds(line)
            if pending:
                cmds.append(words(pending))
                multiple = True
            pending = ifcmds
        if not pending:
            return cmds
        last = words(pending)
        if not multiple:
            last += ONELINE_EPILOGUE
        cmds.append(last)
        return cmds

    def inet6_commands(self, text):
        cmds = []
        for line in sh_read_lines(text):
            ifcmds = self.ifcmds(line)
            if ifcmds:
                cmds.append(words(ifcmds))
        return cmds

    def process(self, name, fam):
        """``<fam>_process_hostname /sbin/ifconfig <if> <fam> </etc/hostname.<if>``:
        True when every line succeeded."""
        text = self.read(self.file_name(name, fam))
        cmds = self.inet_commands(text) if fam == "inet" else self.inet6_commands(text)
        ok = True
        for argv in cmds:
            if self.ifconfig(name, fam, *argv) != 0:
                ok = False
        return ok

    def warn_failed(self, what, names):
        """warn_failed_ifs: Solaris 10 passes the list unquoted, so only its
        first interface is printed; illumos quotes it."""
        if self.release == "solaris10":
            self.console("Failed to %s interface(s): %s" % (what, names[0]))
        else:
            self.console("Failed to %s interface(s):%s" % (what, "".join(" " + n for n in names)))

    def plumb(self, names, fam):
        plumbed, failed = [], []
        for name in names:
            if fam == "inet":
                self.ifconfig(name, "plumb")
            else:
                self.ifconfig(name, "inet6", "plumb")
            (plumbed if self.exists(name, fam) else failed).append(name)
        if failed:
            self.warn_failed("plumb %s" % ("IPv4" if fam == "inet" else "IPv6"), failed)
        self.failed.extend(n for n in failed if n not in self.failed)
        return plumbed, failed

    def configure(self, fam, names, klass=""):
        """net-physical's configure loop (if_configure on illumos)."""
        desc = "IPv4" if fam == "inet" else "IPv6"
        if klass:
            desc = "%s %s" % (klass, desc)
        line, fail = "configuring %s interfaces:" % desc, []
        for name in names:
            ok = self.process(name, fam)
            if ok and fam == "inet6":
                ok = self.ifconfig(name, "inet6", "up") == 0
            if not ok:
                fail.append(name)
            line += " " + name
        self.say(line + ".")
        if fail:
            self.warn_failed("configure %s" % desc, fail)

    # ------------------------------------------------------------ addresses of missing interfaces
    def groups_in(self, name, fam, names):
        """get_group_for_type: the last ``group`` of the hostname files of the
        physical interface (or its unit 0) among ``names``."""
        physical = name.split(":")[0]
        group = ""
        for item in names:
            if item.split(":")[0] != physical or (item.split(":") + ["0"])[1] != "0":
                continue
            for line in sh_read_lines(self.read(self.file_name(item, fam))):
                if not line:
                    continue
                for out in ifparse(words(line), fam, FIXED) or []:
                    if out[0] == "group" and len(out) > 1:
                        group = out[1]
        return group

    def group_of(self, name, inet6_names, inet_names):
        """get_group: the IPv6 files win (IPv6 is configured after IPv4)."""
        return self.groups_in(name, "inet6", inet6_names) or \
            self.groups_in(name, "inet", inet_names)

    def standby_in(self, name, fam, names):
        physical = name.split(":")[0]
        final = ""
        for item in names:
            if item.split(":")[0] != physical:
                continue
            for line in sh_read_lines(self.read(self.file_name(item, fam))):
                if not line:
                    continue
                for out in ifparse(words(line), fam, FIXED) or []:
                    if out[0] in ("standby", "-standby"):
                        final = out[0]
        return final

    def failover_words(self, name, fam, names):
        """Pass 1 of move_addresses: the non-addif commands of the files of this
        very interface, run through ``ifparse -f``."""
        joined = []
        for item in names:
            if item.split(":")[0] != name.split(":")[0]:
                continue
            if (item.split(":") + ["0"])[1] != (name.split(":") + ["0"])[1]:
                continue
            text = self.read(self.file_name(item, fam))
            cmds = self.inet_commands(text) if fam == "inet" else self.inet6_commands(text)
            for argv in cmds:
                for out in ifparse(argv, fam) or []:
                    if out and out[0] != "addif":
                        joined.extend(out)
        return [out for out in ifparse(joined, fam, MOVABLE) or [] if out]

    def addif_words(self, name, fam):
        """Pass 2: the ``addif`` commands of a physical interface's file, ``ifparse -f``."""
        if ":" in name:
            return []
        text = self.read(self.file_name(name, fam))
        cmds = self.inet_commands(text) if fam == "inet" else self.inet6_commands(text)
        found = []
        for argv in cmds:
            for out in ifparse(argv, fam, MOVABLE) or []:
                if out and out[0] == "addif":
                    found.append(out[1:])
        return found

    def move_addresses(self, fam, failed, plumbed, lists):
        """Solaris 10 move_addresses: the failover addresses of interfaces that
        failed to plumb go to a plumbed member of their group, a standby first
        (made -standby); its progress on stdout."""
        zaddr = "0.0.0.0" if fam == "inet" else "::"
        line = "moving addresses from failed %s interfaces:" % (
            "IPv4" if fam == "inet" else "IPv6")
        processed = []
        plumbed6, plumbed4 = lists["inet6_plumbed"], lists["inet_plumbed"]
        for name in failed:
            if name in processed:
                continue
            mine = self.group_of(name, lists["inet6"], lists["inet"])
            alternate = None
            if mine:
                maybe = None
                for other in plumbed:
                    if self.group_of(other, plumbed6, plumbed4) != mine:
                        continue
                    standby = self.standby_in(other, "inet6", plumbed6) or \
                        self.standby_in(other, "inet", plumbed4)
                    if standby == "standby":
                        alternate = other.split(":")[0]
                        break
                    maybe = maybe or other
                if alternate is None and maybe:
                    alternate = maybe.split(":")[0]
            physical_seen = any(p.split(":")[0] == name.split(":")[0] for p in processed)
            if not alternate:
                if not physical_seen:
                    line += " %s (couldn't move, no alternative interface)" % name
                    processed.append(name)
                continue
            for argv in self.failover_words(name, fam, lists[fam]):
                self.ifconfig(alternate, fam, "-standby", "addif", zaddr, *argv)
            for argv in self.addif_words(name, fam):
                self.ifconfig(alternate, fam, "-standby", "addif", *argv)
            if not physical_seen:
                line += " %s (moved to %s)" % (name, alternate)
                processed.append(name)
        self.say(line + ".")

    def move_addresses_illumos(self, fam, failed, lists):
        """illumos move_addresses: to the group's IPMP interface (created as
        ipmpN if none exists); the progress line goes to the console."""
        from lab import clearview as CV
        zaddr = "0.0.0.0" if fam == "inet" else "::"
        line = "Moving addresses from missing %s interface(s):" % (
            "IPv4" if fam == "inet" else "IPv6")
        processed = []
        for name in failed:
            if name in processed:
                continue
            physical_seen = any(p.split(":")[0] == name.split(":")[0] for p in processed)
            group = self.group_of(name, lists["inet6"], lists["inet"])
            if not group:
                if not physical_seen:
                    line += " %s (not moved -- not in an IPMP group)" % name
                    processed.append(name)
                continue
            # ASSUMPTION: get_groupifname asks ipmpstat; the lab reads the kernel.
            grifname = CV.ipmp_of_group(self.st, group)
            if not grifname:
                grifname = self.create_groupifname(group, fam)
            if grifname:
                for argv in self.failover_words(name, fam, lists[fam]):
                    if argv != ONELINE_EPILOGUE:
                        self.ifconfig(grifname, fam, "addif", zaddr, *argv)
                for argv in self.addif_words(name, fam):
                    self.ifconfig(grifname, fam, "addif", *argv)
            if not physical_seen:
                processed.append(name)
                line += " %s (moved to %s)" % (name, grifname or "")
        self.console(line + ".")

    def create_groupifname(self, group, fam):
        for number in range(1000):
            name = "ipmp%d" % number
            if self.exists(name, "inet") or self.exists(name, "inet6"):
                continue
            if self.ifconfig(name, fam, "ipmp", "group", group, quiet=True) == 0:
                return name
        return None

    # ------------------------------------------------------------ ipadm's store
    def enable_from_store(self, names, store):
        """``ipadm enable-if -t`` for each of ``names`` (store order): the
        interfaces, their addresses, then IPMP memberships and ``standby``.
        A membership is made by the ipadm stand-in's own add-ipmp code (as a
        temporary change: the store already holds it), so the member's
        addresses become test addresses exactly as they did when the group
        was built."""
        from lab import clearview as CV
        from lab.ipadm import Ipadm
        meta = self.st["ipadm"]
        enabled = []
        for name in names:
            entry = store["interfaces"][name]
            klass = entry.get("class", "ip")
            if klass == "ipmp" and name not in self.st["phyints"]:
                CV.create_ipmp(self.st, name)
            elif klass != "ipmp" and name in self.st["nics"] and name not in self.st["phyints"]:
                for fam in K.FAMS:
                    if fam in entry.get("families", list(K.FAMS)):
                        K.plumb(self.st, name, fam)
            else:
                # ASSUMPTION: an interface whose datalink is gone stays disabled
                # (show-if), with its addresses; ipadm's message for it is not
                # public, the lab's summary names it.
                self.disabled.append(name)
                continue
            meta["ifs"][name] = {"class": klass, "temporary": False}
            enabled.append(name)
        ready = set(enabled) | {K.LOOPBACK}
        for aobj, entry in store["addresses"].items():
            ifname = entry["interface"]
            if ifname not in ready or aobj in meta["addrs"] or entry.get("type") != "static":
                continue
            fam = entry["family"]
            if not K.ill(self.st, ifname, fam):
                continue
            value = A.inet_aton(entry["address"]) if fam == "inet" else A.parse6(entry["address"])
            lun = CV.add_address(self.st, ifname, fam, value, entry["prefixlen"], 0)
            meta["addrs"][aobj] = {"if": ifname, "fam": fam, "lun": lun, "temporary": False}
        sub = Context(self.host, self.st, io.StringIO(), self.err)
        sub.now = self.ctx.now
        ipadm = Ipadm(sub)
        for name in enabled:
            entry = store["interfaces"][name]
            if entry.get("ipmp"):
                try:
                    ipadm.add_member(entry["ipmp"], name, True)
                except Exit:
                    pass                # its message is out, as enable-if's would be
            if entry.get("standby"):
                self.st["phyints"][name]["flags"] |= F.STANDBY
        self.ctx.dirty = True
        return enabled

    def store(self):
        from lab import clearview as CV
        try:
            return CV.load_store(self.host)
        except (OSError, ValueError) as exc:
            self.err.write("lab reboot: cannot read ipadm's store: %s\n" % exc)
            return {"interfaces": {}, "addresses": {}}

    # ------------------------------------------------------------ per release
    def boot_solaris10(self):
        inet_list = self.hostname_files("hostname")
        inet6_list = self.hostname_files("hostname6")
        self.wipe(lo0_inet6=bool(inet6_list))     # net-loopback
        inet_plumbed, inet_failed = self.plumb(inet_list, "inet") if inet_list else ([], [])
        inet6_plumbed, inet6_failed = (self.plumb(inet6_list, "inet6") if inet6_list
                                       else ([], []))
        if inet_plumbed:
            self.configure("inet", inet_plumbed)
        if inet6_plumbed:
            self.configure("inet6", inet6_plumbed)
        lists = {"inet": inet_list, "inet6": inet6_list, "inet_plumbed": inet_plumbed,
                 "inet6_plumbed": inet6_plumbed}
        if inet_failed:
            self.move_addresses("inet", inet_failed, inet_plumbed, lists)
        if inet6_failed:
            self.move_addresses("inet6", inet6_failed, inet6_plumbed, lists)
        self.start_mpathd()                     # net-init: in.mpathd -a

    def boot_solaris11(self):
        self.wipe(lo0_inet6=True)
        store = self.store()
        names = [n for n in store["interfaces"] if n != K.LOOPBACK]
        self.enable_from_store(names, store)
        self.start_mpathd()

    def illumos_lists(self, prefix):
        ipmp, other = [], []
        for name in self.hostname_files(prefix):
            lines = self.read("%s.%s" % (prefix, name)).split("\n", 1)
            one, _rest = first_and_rest(lines[0])
            (ipmp if one == "ipmp" else other).append(name)
        return ipmp, other

    def boot_illumos(self):
        ipmp_list, inet_list = self.illumos_lists("hostname")
        ipmp6_list, inet6_list = self.illumos_lists("hostname6")
        self.wipe(lo0_inet6=True)
        ipmp_created = self.create_ipmp(ipmp_list, "inet")
        inet_plumbed, inet_failed = self.plumb(inet_list, "inet") if inet_list else ([], [])
        inet6_plumbed, inet6_failed = (self.plumb(inet6_list, "inet6") if inet6_list
                                       else ([], []))
        ipmp6_created = self.create_ipmp(ipmp6_list, "inet6")
        # ipadm show-if -p -o ifname,state,current: the persistent interfaces
        # not active yet are "disabled"; a hostname file wins over them.
        store = self.store()
        enable = []
        for name in store["interfaces"]:
            if name in self.st["phyints"]:
                continue
            if os.path.isfile(self.etc("hostname." + name)) or \
                    os.path.isfile(self.etc("hostname6." + name)):
                self.console("found /etc/hostname.%s or /etc/hostname6.%s, "
                             "ignoring ipadm configuration" % (name, name))
                continue
            enable.append(name)
        self.enable_from_store(enable, store)
        if ipmp_created:
            self.configure("inet", ipmp_created, "IPMP")
        if ipmp6_created:
            self.configure("inet6", ipmp6_created, "IPMP")
        if inet_plumbed:
            self.configure("inet", inet_plumbed)
        if inet6_plumbed:
            self.configure("inet6", inet6_plumbed)
        lists = {"inet": inet_list, "inet6": inet6_list}
        if inet_failed:
            self.move_addresses_illumos("inet", inet_failed, lists)
        if inet6_failed:
            self.move_addresses_illumos("inet6", inet6_failed, lists)
        self.start_mpathd()

    def create_ipmp(self, names, fam):
        from lab import clearview as CV
        created, failed = [], []
        for name in names:
            if fam == "inet6" and CV.is_ipmp(self.st, name) and K.ill(self.st, name, fam):
                # ASSUMPTION: the lab makes an IPMP interface's IPv4 and IPv6 parts
                # together, so hostname6.<ipmp-if> finds its IPv6 part there.
                created.append(name)
                continue
            argv = (name, "ipmp") if fam == "inet" else (name, "inet6", "ipmp")
            (created if self.ifconfig(*argv) == 0 else failed).append(name)
        if failed:
            self.warn_failed("create %s IPMP" % ("IPv4" if fam == "inet" else "IPv6"), failed)
            self.failed.extend(n for n in failed if n not in self.failed)
        return created

    # ------------------------------------------------------------ main
    def boot(self):
        saved = os.environ.get("SUNW_NO_MPATHD")
        # net-physical: "Cause ifconfig to not automatically start in.mpathd".
        os.environ["SUNW_NO_MPATHD"] = ""
        try:
            {"solaris10": self.boot_solaris10, "solaris11": self.boot_solaris11,
             "illumos": self.boot_illumos}[self.release]()
        finally:
            if saved is None:
                del os.environ["SUNW_NO_MPATHD"]
            else:
                os.environ["SUNW_NO_MPATHD"] = saved
        self.summary()

    def summary(self):
        st = self.st
        tag = "reboot: %s" % st["hostname"]
        self.out.write("%s (%s): interfaces %s\n" % (
            tag, RELEASE_NAME.get(self.release, self.release), " ".join(K.by_index(st))))
        failed = [n for n in self.failed if n not in st["phyints"]]
        if failed:
            self.out.write("%s: not configured: %s (see var/adm/messages)\n"
                           % (tag, " ".join(failed)))
        if self.disabled:
            self.out.write("%s: left disabled: %s\n" % (tag, " ".join(self.disabled)))
        mp = st["mpathd"]
        if mp["running"]:
            self.out.write("%s: in.mpathd running (pid %d)\n" % (tag, mp["pid"]))
        else:
            self.out.write("%s: in.mpathd not running\n" % tag)


def reboot(ctx, out, err):
    """Reboot the host of a locked session; returns the exit status."""
    Boot(ctx, out, err).boot()
    return 0
