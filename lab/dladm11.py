"""Stand-in for the SunOS 5.11 /usr/sbin/dladm: show-phys and show-link (datalinks).

Columns and widths as illumos dladm.c (solaris-ipmp-facts.md §5.3), through
libofmt.  Every NIC of a 5.11 lab host is a physical link (``net0``) over a
device (``e1000g0``).  Solaris 11 prints show-link without the BRIDGE column
(the 11.2 docs sample).

ASSUMPTION: Solaris 11 uses the illumos column widths for show-link and
show-phys; an unknown link prints ``dladm: invalid link name '<name>'``.
"""
from lab import ofmt

PHYS = [("LINK", 13, True), ("MEDIA", 21, True), ("STATE", 11, True), ("SPEED", 7, True),
        ("DUPLEX", 10, True), ("DEVICE", 13, True), ("FLAGS", 7, False)]
LINK_ILLUMOS = [("LINK", 12, True), ("CLASS", 10, True), ("MTU", 7, True), ("STATE", 9, True),
                ("BRIDGE", 11, True), ("OVER", 30, True)]
LINK_S11 = [f for f in LINK_ILLUMOS if f[0] != "BRIDGE"]
USAGE = ("usage:  dladm <subcommand> <args> ...\n"
         "    show-link       [-pP] [-o <field>,..] [-s [-i <interval>]] [<link>]\n"
         "    show-phys       [-pm] [-o <field>,..] [-H] [<link>]\n")


def fail(ctx, text):
    ctx.fail("dladm: %s\n" % text)


def main(ctx, argv):
    st = ctx.state
    if not argv or argv[0] not in ("show-phys", "show-link"):
        if argv:
            ctx.error("dladm: unknown subcommand '%s'\n" % argv[0])
        ctx.fail(USAGE)
    sub, args = argv[0], argv[1:]
    parsable, spec, rest, i = False, None, [], 0
    while i < len(args):
        arg = args[i]
        if arg in ("-p", "--parsable", "--parseable"):
            parsable = True
        elif arg in ("-o", "--output"):
            i += 1
            if i == len(args):
                fail(ctx, "option requires a value '-o'")
            spec = args[i]
        elif arg.startswith("-o") and len(arg) > 2:
            spec = arg[2:]
        elif arg.startswith("-") and arg != "-":
            fail(ctx, "unrecognized option '%s'" % arg)
        else:
            rest.append(arg)
        i += 1
    if parsable and spec is None:
        fail(ctx, "-p requires -o")
    if parsable and spec.lower() == "all":
        fail(ctx, '"-o all" is invalid with -p')
    names = list(st["nics"])
    if rest:
        if rest[0] not in st["nics"]:
            fail(ctx, "invalid link name '%s'" % rest[0])
        names = rest[:1]
    rows = []
    for name in names:
        nic = st["nics"][name]
        up = nic["link"] == "up"
        rows.append({"LINK": name, "MEDIA": "Ethernet", "STATE": "up" if up else "down",
                     "SPEED": str(nic["speed"] if up else 0),
                     "DUPLEX": nic["duplex"] if up else "unknown", "DEVICE": nic["device"],
                     "FLAGS": "-----", "CLASS": "phys", "MTU": str(nic["mtu"]),
                     "BRIDGE": "", "OVER": ""})
    fields = PHYS if sub == "show-phys" else (
        LINK_S11 if st["release"] == "solaris11" else LINK_ILLUMOS)
    try:
        chosen = ofmt.select(fields, spec, parsable)
    except ofmt.OfmtError as exc:
        fail(ctx, str(exc))
    ctx.write(ofmt.render(chosen, rows, parsable))
    return 0
