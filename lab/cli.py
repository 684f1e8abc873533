"""Command line: ``python -m lab ...`` control commands and the bin/ dispatcher.

``tool_main`` is what HOST_DIR/bin/{dladm,ifconfig,if_mpadm,pkill} call; it
imports only what the one tool needs, so each stand-in starts fast.
"""
import json
import os
import sys
import time

TOOL_MODULES = {"dladm": "dladm", "ifconfig": "ifconfig", "if_mpadm": "ifmpadm",
                "pkill": "pkill"}
# SunOS 5.11 (Solaris 11.4, illumos) hosts: Clearview IPMP stand-ins.
TOOL_MODULES_511 = {"dladm": "dladm11", "ifconfig": "ifconfig11", "if_mpadm": "ifmpadm11",
                    "pkill": "pkill", "ipadm": "ipadm", "ipmpstat": "ipmpstat",
                    "svcprop": "svc", "svccfg": "svc",
                    "svcadm": "svc"}


def _log_argv(host, tool, argv, started, rc):
    record = json.dumps({"argv": [tool] + list(argv), "time": started, "rc": rc})
    fd = os.open(host.argv_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (record + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def tool_main(tool, host_root, argv):
    """Run one stand-in command against a host; returns its exit status."""
    from lab.state import Exit, Host, HostError, Session
    started = time.time()
    host = Host(host_root)
    args = list(argv[1:])
    rc = 0
    try:
        with Session(host) as ctx:
            ctx.progname = argv[0] if argv else tool
            table = TOOL_MODULES if ctx.state.get("release", "solaris10") == "solaris10" \
                else TOOL_MODULES_511
            module = __import__("lab." + table[tool], fromlist=["main"])
            try:
                rc = module.main(ctx, args) or 0
            except Exit as exc:
                rc = exc.code
            except Exception:       # a lab bug: say so loudly, keep the log
                import traceback
                traceback.print_exc()
                rc = 70
            finally:
                if ctx.dirty and ctx.state["mpathd"]["running"]:
                    from lab.mpathd import daemon_for
                    daemon_for(ctx).sync()
    except HostError as exc:
        sys.stderr.write("%s: %s\n" % (tool, exc))
        return 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    _log_argv(host, tool, args, started, rc)
    return rc


def _session(root):
    from lab.state import Host, Session
    return Session(Host(root))


def cmd_create(opts):
    from lab.host import CreateError, create
    from lab.host import DEFAULT_NICS_511
    default = "bge0,bge1,bge2" if opts.os == "solaris10" else ",".join(DEFAULT_NICS_511)
    nics = [n for n in (opts.nics or default).split(",") if n]
    legacy = [n for n in (opts.legacy or "").split(",") if n]
    try:
        host = create(opts.host_dir, opts.hostname, nics, legacy, opts.force, opts.os)
    except CreateError as exc:
        sys.stderr.write("lab create: %s\n" % exc)
        return 1
    print(host.root)
    return 0


def _check_nic(ctx, nic):
    if nic not in ctx.state["nics"]:
        sys.stderr.write("lab: %s: no such NIC on %s\n" % (nic, ctx.state["hostname"]))
        return False
    return True


def cmd_link(opts):
    from lab import kernel
    from lab.mpathd import daemon_for
    with _session(opts.host_dir) as ctx:
        if not _check_nic(ctx, opts.nic):
            return 2
        changed = kernel.set_link(ctx.state, opts.nic, opts.state == "up")
        ctx.dirty = True
        daemon = daemon_for(ctx)
        for name in changed:
            daemon.link_changed(name, opts.state == "up")
        daemon.sync()
    return 0


def cmd_probe(opts):
    from lab.mpathd import daemon_for
    with _session(opts.host_dir) as ctx:
        if not _check_nic(ctx, opts.nic):
            return 2
        ctx.state["nics"][opts.nic]["probe"] = "ok" if opts.state == "ok" else "fail"
        ctx.dirty = True
        daemon_for(ctx).sync()
    return 0


def cmd_reboot(opts):
    """Boot the host again from its persistent configuration (lab/boot.py)."""
    from lab.boot import reboot
    with _session(opts.host_dir) as ctx:
        return reboot(ctx, sys.stdout, sys.stderr)


def cmd_show(opts):
    with _session(opts.host_dir) as ctx:
        json.dump(ctx.state, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


def cmd_argv(opts):
    from lab.state import Host
    with open(Host(opts.host_dir).argv_log) as handle:
        sys.stdout.write(handle.read())
    return 0


def parser():
    import argparse
    top = argparse.ArgumentParser(prog="python -m lab",
                                  description="Simulated Solaris hosts for salt-ipmp tests.")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    create = sub.add_parser("create", help="make a new lab host directory")
    create.add_argument("host_dir")
    create.add_argument("--hostname", help="node name (default: the directory's name)")
    create.add_argument("--nics", default=None,
                        help="comma separated NICs; VLANs as driver+vid*1000+ppa (e1000g876000); "
                             "on 5.11 the datalink names (default: bge0,bge1,bge2 on Solaris 10, "
                             "net0,net1,net2 on 5.11)")
    create.add_argument("--os", default="solaris10", choices=("solaris10", "solaris11", "illumos"),
                        help="release: Solaris 10, Solaris 11.4 or illumos (OmniOS)")
    create.add_argument("--legacy", default="", help="comma separated non-GLDv3 NICs (type legacy)")
    create.add_argument("--force", action="store_true", help="replace an existing lab host")
    create.set_defaults(func=cmd_create)
    for name, states, func, text in (
            ("link", ("down", "up"), cmd_link, "pull or plug a NIC's cable"),
            ("probe", ("fail", "ok"), cmd_probe, "make probe targets behind a NIC stop/start answering")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("host_dir")
        cmd.add_argument("nic")
        cmd.add_argument("state", choices=states)
        cmd.set_defaults(func=func)
    reboot = sub.add_parser("reboot", help="reboot: bring the host up from its persistent "
                                           "configuration only (hostname files, ipadm's store)")
    reboot.add_argument("host_dir")
    reboot.set_defaults(func=cmd_reboot)
    show = sub.add_parser("show", help="print the host's simulated state as JSON")
    show.add_argument("host_dir")
    show.set_defaults(func=cmd_show)
    argv = sub.add_parser("argv", help="print the host's command log (JSON lines)")
    argv.add_argument("host_dir")
    argv.set_defaults(func=cmd_argv)
    return top


def main(argv):
    if argv and argv[0] == "_timer":
        from lab import timer
        return timer.run(*argv[1:4])
    opts = parser().parse_args(argv)
    from lab.state import HostError
    try:
        return opts.func(opts)
    except HostError as exc:
        sys.stderr.write("lab: %s\n" % exc)
        return 2
