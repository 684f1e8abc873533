"""Stand-in for /usr/sbin/ipmpstat (Solaris 11.4, illumos): -a, -g, -i, -t.

Fields, widths and values as illumos ipmpstat.c (solaris-ipmp-facts.md §7),
printed through libofmt (``lab.ofmt``): human tables, or ``-P -o`` parsable
lines with ``:`` escaping.  Addresses are shown by name (etc/inet/hosts)
unless ``-n``.  The state comes from the lab's Clearview in.mpathd.

ASSUMPTION: both releases print the daemon error with the man section of
their era, ``in.mpathd(8)`` (illumos renamed (1M) to (8) before r151046;
Solaris 11.4 cites (8)); the Solaris 11 text itself is unconfirmed.
ASSUMPTION: ``-p`` (probe statistics, runs until killed) is not simulated.
"""
from lab import clearview as CV
from lab import ofmt

USAGE = "usage: ipmpstat [-n] [-o <field> [-P]] -a|-g|-i|-p|-t\n"
NO_DAEMON = "ipmpstat: cannot contact in.mpathd(8) -- is IPMP in use?\n"
FIELDS = {
    "a": [("ADDRESS", 26, True), ("STATE", 7, True), ("GROUP", 12, True),
          ("INBOUND", 12, True), ("OUTBOUND", 23, True)],
    "g": [("GROUP", 12, True), ("GROUPNAME", 12, True), ("STATE", 10, True),
          ("FDT", 10, True), ("INTERFACES", 30, True)],
    "i": [("INTERFACE", 12, True), ("ACTIVE", 8, True), ("GROUP", 12, True),
          ("FLAGS", 10, True), ("LINK", 10, True), ("PROBE", 10, True), ("STATE", 10, True)],
    "t": [("INTERFACE", 12, True), ("MODE", 10, True), ("TESTADDR", 20, True),
          ("TARGETS", 38, True)],
}


def main(ctx, argv):
    numeric = parsable = False
    spec, mode, i = None, None, 0
    args = list(argv)
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        j = 1
        while j < len(arg):
            letter = arg[j]
            if letter == "o":
                value = arg[j + 1:]
                if not value:
                    i += 1
                    if i == len(args):
                        ctx.fail(USAGE)
                    value = args[i]
                spec = value
                break
            if letter in "agipt":
                if mode is not None:
                    ctx.fail("ipmpstat: only one output format may be specified\n")
                mode = letter
            elif letter == "n":
                numeric = True
            elif letter == "P":
                parsable = True
            elif letter != "L":
                ctx.fail(USAGE)
            j += 1
        i += 1
    if i < len(args) or mode is None:
        ctx.fail(USAGE)
    if parsable and spec is None:
        ctx.fail("ipmpstat: output fields must be specified in parsable mode\n")
    if not ctx.state["mpathd"]["running"]:
        ctx.fail(NO_DAEMON)
    if mode == "p":
        ctx.fail("ipmpstat: -p is not simulated by the lab\n", 2)
    try:
        chosen = ofmt.select(FIELDS[mode], spec, parsable)
    except ofmt.OfmtError as exc:
        ctx.fail("ipmpstat: %s\n" % exc)
    if not parsable:
        warn = ofmt.warning(FIELDS[mode], spec)
        if warn:
            ctx.error("ipmpstat: %s\n" % warn)
    groups, ifaces, addrs, targets = CV.ipmp_snapshot(ctx)
    rows = {"g": groups, "i": ifaces, "a": addrs, "t": targets}[mode]
    if not numeric:
        root = ctx.host.root
        for row in rows:
            fam = row.get("fam", "inet")
            for key in ("ADDRESS", "TESTADDR"):
                if row.get(key):
                    row[key] = CV.reverse_lookup(root, fam, row[key])
            if row.get("TARGETS"):
                row["TARGETS"] = " ".join(CV.reverse_lookup(root, fam, t)
                                          for t in row["TARGETS"].split())
    ctx.write(ofmt.render(chosen, rows, parsable))
    return 0
