#!/usr/bin/env python3
"""How many commands each public dladm / ifconfig / ipmp function runs.

Builds a lab Solaris 10 host with two IPMP groups on six NICs, configured
through the execution modules themselves:

- ``ipmp0`` (link-based): bge0 and bge1 active, bge2 standby;
- ``ipmp1`` (probe-based): e1000g0 and e1000g1 with test addresses and data
  addresses on logical interfaces, e1000g2 a standby with a test address;

then calls every public function through Salt's loader (no daemons) and
counts the commands the lab host logged (``var/lab/argv.log``). "cold" is the
first call of a job (empty ``__context__``); "warm" the same call again in
that job, where read-only results come from the cache.

Run from the checkout: ``.venv/bin/python bench/commands_per_function.py``
(``--json`` for machine-readable output, ``--keep`` to keep the lab host).
"""

import argparse
import json
import os
import pathlib
import shutil
import sys
import tempfile

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from lab import fleet as rig  # noqa: E402  (the checkout, put on sys.path above)

NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1", "e1000g2")


def loader(root, workdir):
    """The lab's loader (lab/loaders.py) for minion ``bench1`` on lab host ``root``."""
    from lab import loaders

    loaders.release_salt_log_buffer()
    loaded = loaders.load(loaders.minion_opts(workdir, host=root, minion_id="bench1"))
    return loaded.modules, loaded.context


def build(mods, root):
    """Configure both groups through the modules (as an admin or a state would)."""
    (root / "etc" / "hostname.bge0").write_text("192.168.10.10 group ipmp0\n")
    mods["ifconfig.apply_hostname_file"]("bge0")
    mods["ifconfig.plumb"]("bge1")
    mods["ifconfig.configure"]("bge1", ["192.168.10.11", "netmask", "+", "broadcast", "+",
                                        "group", "ipmp0", "up"])
    mods["ifconfig.plumb"]("bge2")
    mods["ifconfig.set_group"]("bge2", "ipmp0")
    mods["ifconfig.standby"]("bge2")
    mods["ifconfig.up"]("bge2")
    (root / "etc" / "hostname.e1000g0").write_text(
        "10.20.0.11 netmask + broadcast + group ipmp1 deprecated -failover up\n"
        "addif 10.20.0.10 netmask + broadcast + failover up\n"
    )
    mods["ifconfig.apply_hostname_file"]("e1000g0")
    mods["ifconfig.plumb"]("e1000g1")
    mods["ifconfig.configure"]("e1000g1", ["10.20.0.12", "netmask", "+", "broadcast", "+",
                                           "group", "ipmp1", "deprecated", "-failover", "up"])
    mods["ifconfig.addif"]("e1000g1", "10.20.0.20")
    mods["ifconfig.plumb"]("e1000g2")
    mods["ifconfig.configure"]("e1000g2", ["10.20.0.13", "netmask", "+", "broadcast", "+",
                                           "group", "ipmp1", "deprecated", "-failover",
                                           "standby", "up"])


def calls(root):
    """(label, function, args, kwargs, expect_error) in the order they run."""
    (root / "etc" / "hostname6.bge1").write_text("")
    return [
        ("dladm.show_link", "dladm.show_link", (), {}, False),
        ("dladm.show_link bge0", "dladm.show_link", ("bge0",), {}, False),
        ("dladm.show_dev", "dladm.show_dev", (), {}, False),
        ("dladm.gldv3", "dladm.gldv3", (), {}, False),
        ("dladm.show_phys (S10: refused)", "dladm.show_phys", (), {}, True),
        ("ifconfig.show", "ifconfig.show", (), {}, False),
        ("ifconfig.show e1000g0", "ifconfig.show", ("e1000g0",), {}, False),
        ("ipmp.groups", "ipmp.groups", (), {}, False),
        ("ipmp.status", "ipmp.status", (), {}, False),
        ("ipmp.status ipmp1", "ipmp.status", ("ipmp1",), {}, False),
        ("ipmp.mpathd", "ipmp.mpathd", (), {}, False),
        ("ipmp.events", "ipmp.events", (), {}, False),
        ("ipmp.check_pillar", "ipmp.check_pillar", ({},), {}, False),
        ("ipmp.offline bge0", "ipmp.offline", ("bge0",), {}, False),
        ("ipmp.online bge0", "ipmp.online", ("bge0",), {}, False),
        ("ipmp.offline e1000g1", "ipmp.offline", ("e1000g1",), {}, False),
        ("ipmp.offline e1000g2", "ipmp.offline", ("e1000g2",), {}, False),
        ("ipmp.offline e1000g0 (last working: refused)", "ipmp.offline", ("e1000g0",), {}, True),
        ("ipmp.online e1000g1", "ipmp.online", ("e1000g1",), {}, False),
        ("ipmp.online e1000g2", "ipmp.online", ("e1000g2",), {}, False),
        ("ipmp.online bge0 (not offline: refused)", "ipmp.online", ("bge0",), {}, True),
        ("ipmp.offline 'bge0; reboot' (invalid)", "ipmp.offline", ("bge0; reboot",), {}, True),
        ("ipmp.reload_mpathd", "ipmp.reload_mpathd", (), {}, False),
        ("ifconfig.addif bge0 192.168.10.20", "ifconfig.addif", ("bge0", "192.168.10.20"), {}, False),
        ("ifconfig.down bge0:N", "ifconfig.down", (None,), {}, False),
        ("ifconfig.up bge0:N", "ifconfig.up", (None,), {}, False),
        ("ifconfig.removeif bge0 192.168.10.20", "ifconfig.removeif", ("bge0", "192.168.10.20"), {}, False),
        ("ifconfig.set_group bge2 ipmp0", "ifconfig.set_group", ("bge2", "ipmp0"), {}, False),
        ("ifconfig.standby bge2", "ifconfig.standby", ("bge2",), {}, False),
        ("ifconfig.configure bge1 [mtu 1500]", "ifconfig.configure", ("bge1", ["mtu", "1500"]), {}, False),
        ("ifconfig.plumb bge1 inet6", "ifconfig.plumb", ("bge1",), {"family": "inet6"}, False),
        ("ifconfig.unplumb bge1 inet6", "ifconfig.unplumb", ("bge1",), {"family": "inet6"}, False),
        ("ifconfig.apply_hostname_file bge1 inet6 (empty file)", "ifconfig.apply_hostname_file",
         ("bge1",), {"family": "inet6"}, False),
        ("ifconfig.apply_hostname_file e1000g0 test=True", "ifconfig.apply_hostname_file",
         ("e1000g0",), {"test": True}, False),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--keep", action="store_true", help="keep the lab host directory")
    args = parser.parse_args()

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="ipmp-bench-"))
    root = workdir / "bench1"
    try:
        rig.create_host(root, "bench1", NICS)
        os.environ["PATH"] = rig.host_environ(root)["PATH"]
        mods, context = loader(root, workdir)
        mark = len(rig.host_commands(root))
        build(mods, root)
        build_commands = rig.host_commands(root, since=mark)
        status = mods["ipmp.status"](refresh=True)
        groups = {g: sorted(v["interfaces"]) for g, v in status.items()}
        rows = []
        logical = None
        for label, function, fargs, kwargs, expect_error in calls(root):
            if fargs == (None,):
                fargs = (logical,)
            results = []
            for phase in ("cold", "warm"):
                if phase == "cold":
                    context.clear()  # a new job starts with an empty __context__
                mark = len(rig.host_commands(root))
                error = None
                try:
                    value = mods[function](*fargs, **kwargs)
                except Exception as exc:  # pylint: disable=broad-except
                    value, error = None, "{}: {}".format(type(exc).__name__, exc)
                ran = rig.host_commands(root, since=mark)
                results.append((ran, error))
                if function == "ifconfig.addif" and value:
                    logical = value
                if error is None and not function.split(".")[1].startswith(
                    ("show", "groups", "status", "mpathd", "events", "check", "gldv3")
                ):
                    break  # mutators run once
            (cold, cold_error) = results[0]
            warm = results[1][0] if len(results) > 1 else None
            if bool(cold_error) != expect_error:
                raise SystemExit("{}: unexpected result {}".format(label, cold_error))
            rows.append(
                {
                    "call": label,
                    "cold": len(cold),
                    "warm": None if warm is None else len(warm),
                    "commands": [" ".join(a) for a in cold],
                    "error": cold_error,
                }
            )
    finally:
        if not args.keep:
            shutil.rmtree(str(workdir), ignore_errors=True)
        else:
            print("lab host kept in {}".format(root), file=sys.stderr)

    if args.json:
        print(json.dumps({"groups": groups, "build_commands": len(build_commands), "rows": rows},
                         indent=2))
        return
    print("lab host: 2 groups, 6 NICs: {}".format(
        "; ".join("{}: {}".format(g, ", ".join(m)) for g, m in sorted(groups.items()))))
    print("configuring it through the modules ran {} commands".format(len(build_commands)))
    print()
    width = max(len(r["call"]) for r in rows)
    print("{:<{w}}  {:>4}  {:>4}  {}".format("call", "cold", "warm", "commands run (cold)", w=width))
    print("{}  ----  ----  {}".format("-" * width, "-" * 40))
    for row in rows:
        warm = "-" if row["warm"] is None else str(row["warm"])
        print("{:<{w}}  {:>4}  {:>4}  {}".format(
            row["call"], row["cold"], warm, "; ".join(row["commands"]) or "(none)", w=width))
    print()
    print("cold: first call in a job (empty __context__); warm: the same call again in that "
          "job ('-': mutators are called once).")


if __name__ == "__main__":
    main()
