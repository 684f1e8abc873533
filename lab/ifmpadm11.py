"""Stand-in for the Clearview /usr/sbin/if_mpadm (Solaris 11.4, illumos).

Messages and exit codes of illumos if_mpadm.c@e11c3f44 (solaris-ipmp-facts.md
§6.2): ``if_mpadm: fatal: ...`` on stderr and exit 1; success is silent.
ASSUMPTION: Solaris 11.4 prints the same texts (its own are unconfirmed), and
an offlined interface keeps its test addresses up (the Clearview kernel stops
using it; the lab does not model if_mpadm's address bring-down).
"""
from lab import clearview as CV
from lab import flags as F
from lab import kernel as K

ERRMSG = {CV.IPMP_EUNKIF: "not a physical interface or not in an IPMP group",
          CV.IPMP_EMINRED: "no other functioning interfaces are in its IPMP group"}


def main(ctx, argv):
    prog = (getattr(ctx, "progname", "if_mpadm") or "if_mpadm").rsplit("/", 1)[-1]
    usage = "Usage: %s [-d | -r] <interface>\n" % prog
    if len(argv) == 1 and argv[0][:2] in ("-d", "-r") and len(argv[0]) > 2:
        argv = [argv[0][:2], argv[0][2:]]
    if len(argv) != 2 or argv[0] not in ("-d", "-r"):
        ctx.fail(usage)
    offline, name = argv[0] == "-d", argv[1]
    st = ctx.state
    pi = st["phyints"].get(name.split(":")[0]) if ":" not in name else None
    if pi is None:
        ctx.fail("%s: fatal: cannot get interface flags on %s: %s\n"
                 % (prog, name, K.STRERROR[K.ENXIO]))
    if offline and pi["flags"] & F.OFFLINE:
        ctx.fail("%s: fatal: interface %s is already offline\n" % (prog, name))
    if not offline and not pi["flags"] & F.OFFLINE:
        ctx.fail("%s: fatal: interface %s is not offline\n" % (prog, name))
    verb = "offline" if offline else "undo-offline"
    if not st["mpathd"]["running"]:
        ctx.fail("%s: fatal: cannot %s %s: cannot contact in.mpathd\n" % (prog, verb, name))
    daemon = CV.Clearview(ctx)
    error = daemon.offline(name) if offline else daemon.undo_offline(name)
    ctx.dirty = True
    if error != CV.IPMP_SUCCESS:
        ctx.fail("%s: fatal: cannot %s %s: %s\n" % (prog, verb, name, ERRMSG[error]))
    return 0
