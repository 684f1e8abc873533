"""``python -m lab create``: lay out a fresh Solaris 10, 11.4 or illumos host directory.

Only lo0 is plumbed, as on any freshly booted Solaris host; the NICs exist
with their cables plugged in.  The /etc files are the ones Solaris ships
(OpenSolaris 2006 sources, SCCS keywords expanded).
"""
import os
import re
import shutil
import sys
import time

from lab import addr as A
from lab import flags as F
from lab import kernel as K
from lab.mpathd import initial_state
from lab.state import Host, save

TOOLS = ("dladm", "ifconfig", "if_mpadm", "pkill")
# Commands per release; the 5.11 ones beyond TOOLS are Clearview only.
RELEASE_TOOLS = {
    "solaris10": TOOLS,
    "solaris11": TOOLS + ("ipadm", "ipmpstat", "svcprop", "svccfg", "svcadm"),
    "illumos": TOOLS + ("ipadm", "ipmpstat"),
}
RELEASES = tuple(RELEASE_TOOLS)
# /etc/release first line per release (the grains in lab.GRAINS follow from it).
RELEASE_LINE = {
    "solaris10": "                    Oracle Solaris 10 1/13 s10x_u11wos_24a X86\n",
    "solaris11": "                             Oracle Solaris 11.4 X86\n",
    "illumos": "  OmniOS v11 r151046\n",
}
DEFAULT_NICS_511 = ("net0", "net1", "net2")
RELEASE_NAME = {"solaris10": "Solaris 10", "solaris11": "Solaris 11.4", "illumos": "illumos"}
NIC_RE = re.compile(r"^([a-z][a-z0-9_.]*[a-z_.])([0-9]+)$")
SLOW_DRIVERS = {"hme": 100, "qfe": 100, "eri": 100, "dmfe": 100, "le": 10}

HOSTS = """\
# CDDL HEADER START
#
# The contents of this file are subject to the terms of the
# Common Development and Distribution License (the "License").
# You may not use this file except in compliance with the License.
#
# You can obtain a copy of the license at usr/src/OPENSOLARIS.LICENSE
# or http://www.opensolaris.org/os/licensing.
# See the License for the specific language governing permissions
# and limitations under the License.
#
# When distributing Covered Code, include this CDDL HEADER in each
# file and include the License file at usr/src/OPENSOLARIS.LICENSE.
# If applicable, add the following below this CDDL HEADER, with the
# fields enclosed by brackets "[]" replaced with your own identifying
# information: Portions Copyright [yyyy] [name of copyright owner]
#
# CDDL HEADER END
#
# Copyright 2006 Sun Microsystems, Inc.  All rights reserved.
# Use is subject to license terms.
#
# ident\t"@(#)hosts\t1.7\t06/08/01 SMI"
#
# Internet host table
#
::1\t\tlocalhost
127.0.0.1\tlocalhost
"""

NETMASKS = """\
#
# CDDL HEADER START
#
# The contents of this file are subject to the terms of the
# Common Development and Distribution License, Version 1.0 only
# (the "License").  You may not use this file except in compliance
# with the License.
#
# You can obtain a copy of the license at usr/src/OPENSOLARIS.LICENSE
# or http://www.opensolaris.org/os/licensing.
# See the License for the specific language governing permissions
# and limitations under the License.
#
# When distributing Covered Code, include this CDDL HEADER in each
# file and include the License file at usr/src/OPENSOLARIS.LICENSE.
# If applicable, add the following below this CDDL HEADER, with the
# fields enclosed by brackets "[]" replaced with your own identifying
# information: Portions Copyright [yyyy] [name of copyright owner]
#
# CDDL HEADER END
#
# Copyright 2000 Sun Microsystems, Inc.  All rights reserved.
# Use is subject to license terms.
#
# ident\t"@(#)netmasks\t1.5\t05/06/10 SMI"

#
# The netmasks file associates Internet Protocol (IP) address
# masks with IP network numbers.
# 
# \tnetwork-number\tnetmask
#
# The term network-number refers to a number obtained from the Internet Network
# Information Center.
#
# Both the network-number and the netmasks are specified in
# "decimal dot" notation, e.g:
#
# \t\t128.32.0.0 255.255.255.0
#
"""

MPATHD = """\
# CDDL HEADER START
#
# The contents of this file are subject to the terms of the
# Common Development and Distribution License, Version 1.0 only
# (the "License").  You may not use this file except in compliance
# with the License.
#
# You can obtain a copy of the license at usr/src/OPENSOLARIS.LICENSE
# or http://www.opensolaris.org/os/licensing.
# See the License for the specific language governing permissions
# and limitations under the License.
#
# When distributing Covered Code, include this CDDL HEADER in each
# file and include the License file at usr/src/OPENSOLARIS.LICENSE.
# If applicable, add the following below this CDDL HEADER, with the
# fields enclosed by brackets "[]" replaced with your own identifying
# information: Portions Copyright [yyyy] [name of copyright owner]
#
# CDDL HEADER END
#
# Copyright 2000 Sun Microsystems, Inc.  All rights reserved.
# Use is subject to license terms.
#
# ident\t"@(#)mpathd.dfl\t1.4\t05/06/10 SMI"
#
# Time taken by mpathd to detect a NIC failure in ms. The minimum time
# that can be specified is 100 ms.
# 
FAILURE_DETECTION_TIME=10000
#
# Failback is enabled by default. To disable failback turn off this option
#
FAILBACK=yes
#
# By default only interfaces configured as part of multipathing groups 
# are tracked. Turn off this option to track all network interfaces 
# on the system
#
TRACK_INTERFACES_ONLY_WITH_GROUPS=yes
"""

# illumos-gate mpathd.dfl (samples/etc-default-mpathd.illumos.txt): the same
# text with the SCCS keywords left unexpanded.
# ASSUMPTION: Solaris 11.4 ships the same /etc/default/mpathd as illumos (no
# public copy of the 11.4 file; its docs still configure these three keys there).
MPATHD_511 = MPATHD.replace('# ident\t"@(#)mpathd.dfl\t1.4\t05/06/10 SMI"',
                            '# ident\t"%Z%%M%\t%I%\t%E% SMI"')

SCRIPT = """\
#!{python} -S
# Lab stand-in for {release} {tool}; generated by `python -m lab create`.
import sys
sys.path.insert(0, {checkout!r})
from lab.cli import tool_main
sys.exit(tool_main({tool!r}, {host!r}, sys.argv))
"""


class CreateError(Exception):
    pass


def parse_links(links, hostname):
    """5.11 datalinks: each link name (net0..) over a physical device e1000g0.."""
    table = {}
    for number, name in enumerate(links):
        if not NIC_RE.match(name) or len(name) > 31:
            raise CreateError("bad link name %r (letters then a number, e.g. net0)" % name)
        if name in table:
            raise CreateError("link %s given twice" % name)
        device = "e1000g%d" % number
        table[name] = {"mac": A.make_mac(hostname, device), "link": "up", "mtu": 1500,
                       "speed": 1000, "duplex": "full", "type": "non-vlan", "vid": 0,
                       "device": device, "probe": "ok"}
    return table


def parse_nics(nics, legacy, hostname):
    """NIC table: GLDv3 devices, VLANs (driver + vid*1000 + ppa) and legacy ones."""
    table = {}
    for name in nics:
        match = NIC_RE.match(name)
        if not match or len(name) > 31:
            raise CreateError("bad NIC name %r (driver name + PPA, e.g. bge0)" % name)
        driver, ppa = match.group(1), int(match.group(2))
        vid, device = divmod(ppa, 1000)
        entry = {"mac": None, "link": "up", "mtu": 1500, "speed": SLOW_DRIVERS.get(driver, 1000),
                 "duplex": "full", "type": "non-vlan", "vid": 0, "device": name, "probe": "ok"}
        if vid:
            if vid > 4094:
                raise CreateError("%s: VLAN id %d out of range" % (name, vid))
            entry.update(type="vlan", vid=vid, device="%s%d" % (driver, device))
        elif name in legacy:
            entry["type"] = "legacy"
        table[name] = entry
    for name, entry in table.items():
        if entry["type"] == "vlan":
            base = table.get(entry["device"])
            if base is None:
                raise CreateError("%s: its device %s is not in --nics" % (name, entry["device"]))
            if base["type"] == "legacy":
                raise CreateError("%s: VLANs need a GLDv3 device, %s is legacy"
                                  % (name, entry["device"]))
    for name, entry in table.items():
        entry["mac"] = A.make_mac(hostname, entry["device"])
    unknown = set(legacy) - set(table)
    if unknown:
        raise CreateError("--legacy names not in --nics: %s" % ", ".join(sorted(unknown)))
    return table


def initial(hostname, nics):
    st = {"version": 1, "hostname": hostname, "created": time.time(), "nics": nics,
          "last_index": 0, "phyints": {}, "kernel": {"ipmp_failback": True},
          "next_pid": 100 + sum(hostname.encode()) % 400, "mpathd": initial_state()}
    for fam, value, plen in (("inet", 0x7f000001, 8), ("inet6", 1, 128)):
        K.plumb_loopback(st, fam)
        ip = st["phyints"]["lo0"][fam]["ipifs"]["0"]
        if fam == "inet":
            ip.update(addr=A.ntoa(value), mask=A.ntoa(A.plen_to_mask(plen)))
        else:
            ip.update(addr=A.fmt6(value), plen=plen)
        ip["flags"] = F.UP
    return st


def _write(path, text, mode=0o644):
    with open(path, "w") as handle:
        handle.write(text)
    os.chmod(path, mode)


def create(root, hostname=None, nics=("bge0", "bge1", "bge2"), legacy=(), force=False,
           release="solaris10"):
    host = Host(root)
    hostname = hostname or os.path.basename(host.root.rstrip("/"))
    if not re.match(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})$", hostname or ""):
        raise CreateError("bad host name %r" % hostname)
    if release not in RELEASES:
        raise CreateError("unknown release %r (one of %s)" % (release, ", ".join(RELEASES)))
    clearview = release != "solaris10"
    if clearview:
        if legacy:
            raise CreateError("--legacy is for Solaris 10 only")
        table = parse_links(list(nics), hostname)
    else:
        table = parse_nics(list(nics), set(legacy), hostname)
    if os.path.lexists(host.root):
        if not force:
            raise CreateError("%s exists (use --force to recreate a lab host)" % host.root)
        if os.path.isdir(host.root) and (host.exists() or not os.listdir(host.root)):
            shutil.rmtree(host.root)
        else:
            raise CreateError("%s exists and is not a lab host; not removing it" % host.root)
    for sub in (("etc", "inet"), ("etc", "default"), ("var", "adm"), ("var", "lab"), ("bin",)):
        os.makedirs(host.path(*sub))
    _write(host.path("etc", "inet", "hosts"), HOSTS)
    _write(host.path("etc", "inet", "netmasks"), NETMASKS)
    os.symlink("./inet/hosts", host.path("etc", "hosts"))
    os.symlink("./inet/netmasks", host.path("etc", "netmasks"))
    _write(host.path("etc", "default", "mpathd"), MPATHD_511 if clearview else MPATHD)
    _write(host.path("etc", "release"), RELEASE_LINE[release])
    _write(host.path("etc", "nodename"), hostname + "\n")
    _write(host.messages, "")
    _write(host.argv_log, "")
    state = initial(hostname, table)
    if clearview:
        from lab import clearview as CV
        CV.init_host(host, state, release)
    save(host, state)
    checkout = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for tool in RELEASE_TOOLS[release]:
        _write(host.path("bin", tool),
               SCRIPT.format(python=sys.executable, tool=tool, checkout=checkout, host=host.root,
                             release=RELEASE_NAME[release]), 0o755)
    return host
