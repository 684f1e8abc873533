"""svcprop, svccfg and svcadm (Solaris 11 hosts) for svc:/network/ipmp
config/transitive-probing.

Only that one property is simulated (solaris11-illumos-facts.md §9): read with
``svcprop -p config/transitive-probing svc:/network/ipmp:default``, set with
``svccfg -s svc:/network/ipmp setprop config/transitive-probing=true``.  As in
SMF, ``setprop`` changes the repository only: ``svcprop`` of the instance
shows the running snapshot, which takes the new value at ``svcadm refresh``
(``svcprop -c`` shows the repository's composed value at once).
ASSUMPTION: error texts and the ``listprop`` layout follow the public
svcprop(1)/svccfg(8) man pages, not a capture; every other FMRI or property
is reported as not found.
"""
PROP = "config/transitive-probing"
FMRIS = ("svc:/network/ipmp:default", "svc:/network/ipmp", "network/ipmp:default",
         "network/ipmp", "ipmp")


def _configured(ctx):
    """The repository's value: set by svccfg, not yet refreshed, else running."""
    svc = ctx.state["svc"]
    pending = svc.get("pending")
    return svc["transitive-probing"] if pending is None else pending


def svcprop(ctx, argv):
    props, rest, i, composed = [], [], 0, False
    while i < len(argv):
        if argv[i] == "-c":
            composed = True
            i += 1
            continue
        if argv[i] == "-p" and i + 1 < len(argv):
            props.append(argv[i + 1])
            i += 2
            continue
        rest.append(argv[i])
        i += 1
    if len(rest) != 1:
        ctx.fail("Usage: svcprop [-fqtv] [-C | -c | -s snapshot] [-p [name/]name]... "
                 "{FMRI | pattern}...\n", 2)
    if rest[0] not in FMRIS:
        ctx.fail("svcprop: Pattern '%s' doesn't match any entities\n" % rest[0])
    running = _configured(ctx) if composed else ctx.state["svc"]["transitive-probing"]
    value = "true" if running else "false"
    if not props:
        ctx.write("%s boolean %s\n" % (PROP, value))
        return 0
    for prop in props:
        if prop == PROP:
            ctx.write("%s\n" % value)
        elif prop == "config":
            ctx.write("%s boolean %s\n" % (PROP, value))
        else:
            ctx.fail("svcprop: Couldn't find property `%s' for instance "
                     "`svc:/network/ipmp:default'.\n" % prop)
    return 0


def svccfg(ctx, argv):
    if len(argv) < 3 or argv[0] != "-s":
        ctx.fail("svccfg: the lab simulates only 'svccfg -s svc:/network/ipmp "
                 "setprop|listprop config/transitive-probing'\n", 2)
    fmri, sub, args = argv[1], argv[2], argv[3:]
    if fmri not in FMRIS:
        ctx.fail('svccfg: Pattern "%s" doesn\'t match any instances or services\n' % fmri)
    if sub == "setprop":
        text = " ".join(args)
        name, _, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if value.startswith("boolean:"):
            value = value[len("boolean:"):].strip()
        if name != PROP:
            ctx.fail("svccfg: the lab simulates only %s\n" % PROP, 2)
        if value not in ("true", "false"):
            ctx.fail('svccfg: Invalid boolean value "%s".\n' % value)
        ctx.state["svc"]["pending"] = value == "true"
        ctx.dirty = True
        return 0
    if sub == "listprop":
        value = "true" if _configured(ctx) else "false"
        if not args or args[0] in (PROP, "config"):
            ctx.write("%-*s  %-*s  %s\n" % (len(PROP), PROP, 7, "boolean", value))
        return 0
    ctx.fail("svccfg: the lab does not simulate '%s'\n" % sub, 2)


def svcadm(ctx, argv):
    """``svcadm refresh FMRI``: the running snapshot takes the repository's values.
    ASSUMPTION: the usage and no-match texts follow the svcadm(8) man page."""
    if len(argv) != 2 or argv[0] != "refresh":
        ctx.fail("Usage: svcadm [-v] refresh FMRI...\n"
                 "(the lab simulates only 'svcadm refresh svc:/network/ipmp')\n", 2)
    if argv[1] not in FMRIS:
        ctx.fail("svcadm: Pattern '%s' doesn't match any instances\n" % argv[1], 1)
    svc = ctx.state["svc"]
    svc["transitive-probing"] = _configured(ctx)
    svc["pending"] = None
    ctx.dirty = True
    return 0


def main(ctx, argv):
    tool = (getattr(ctx, "progname", "") or "").rsplit("/", 1)[-1]
    return {"svccfg": svccfg, "svcadm": svcadm}.get(tool, svcprop)(ctx, argv)
