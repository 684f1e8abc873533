"""
``/etc/inet/hosts`` and ``/etc/inet/netmasks`` entries that IPMP needs.

``ifconfig ... myhost netmask + broadcast +`` in a hostname file resolves the
host name through /etc/inet/hosts and the netmask through /etc/inet/netmasks,
before any name service is up, so these entries have to be in the files.

Why not Salt's own ``host`` state: it edits the file named by the
minion-wide ``hosts.file`` option, not the one under ``ipmp.root`` (an
alternate boot environment mounted on ``/a``, or a lab host), so it cannot
prepare a boot environment and every other hosts-file user would be moved
with it; it rewrites the whole file in place (not atomically: a reader can
see it half written), re-formats every line and drops blank lines; and its
``changes`` hold no diff.  Salt has no netmasks state at all.  These states
touch only the lines of the entry they manage, write the real file under
``/etc/inet`` (``/etc/hosts`` and ``/etc/netmasks`` are links to it on
Solaris) atomically, keep its owner and mode, and report a unified diff.

.. code-block:: yaml

    myhost:
      ipmp_inet.host:
        - ip: 192.168.10.10

    192.168.10.0:
      ipmp_inet.netmask:
        - mask: 255.255.255.0
"""


from salt.exceptions import SaltInvocationError

__virtualname__ = "ipmp_inet"


def __virtual__():
    """Only on Solaris: IPMP exists nowhere else."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__, "state")


def _path(kind, root):
    root = __utils__["ipmp_stateret.root"](root, __salt__["config.get"])
    path = __utils__["ipmp_validate.root_path"](root, __utils__["ipmp_files.relpath"](kind))
    return __utils__["ipmp_files.confine"](root, path)


def _apply(ret, kind, root, edit):
    """Read the file, edit its text, write it unless test; fill ``ret``."""
    try:
        path = _path(kind, root)
        # Several states edit one file: under test=True remember what each
        # would have written so the next one predicts from that.
        pending = __context__.setdefault("ipmp_inet.pending", {}) if __opts__["test"] else None
        old = __utils__["ipmp_files.current"](path, pending)
        if old is None:
            raise SaltInvocationError(
                "{} does not exist; is ipmp.root ({}) a Solaris root?".format(
                    path, root or __salt__["config.get"]("ipmp.root", "/")
                )
            )
        new = edit(old)
        changes = __utils__["ipmp_files.manage"](
            path, new, test=bool(__opts__["test"]), pending=pending
        )
    except (SaltInvocationError, ValueError, IOError, OSError) as exc:
        return __utils__["ipmp_stateret.failed"](ret, str(exc))
    entry = "{} entry for {}".format(path, ret["name"])
    return __utils__["ipmp_stateret.report"](
        ret,
        changes,
        __opts__["test"],
        entry + " is already correct",
        entry + " would be written",
        entry + " written",
    )


def host(name, ip, root=None):
    """
    Make ``name`` resolve to ``ip`` in ``<ipmp.root>/etc/inet/hosts``.

    name
        Host name (canonical name or alias), e.g. ``myhost``.
    ip
        An address or a list of addresses (IPv4 and/or IPv6).  The name is
        removed from other lines of the same address family, so lookups give
        only these addresses.
    root
        Directory the files live under; default the ``ipmp.root`` config key.
    """
    ret = __utils__["ipmp_stateret.new"](name)
    addrs = ip if isinstance(ip, list) else [ip]
    try:
        if not addrs:
            raise SaltInvocationError("ip: at least one address is needed")
        name, addrs = __utils__["ipmp_validate.hosts_entry"](name, addrs, "name", "ip")
    except (SaltInvocationError, ValueError) as exc:
        return __utils__["ipmp_stateret.error"](
            ret, exc, "Invalid arguments for host {}".format(name)
        )
    return _apply(
        ret, "hosts", root, lambda text: __utils__["ipmp_files.edit_hosts"](text, name, addrs)
    )


def netmask(name, mask, root=None):
    """
    Give network ``name`` the netmask ``mask`` in
    ``<ipmp.root>/etc/inet/netmasks`` (used by ``netmask +``).

    name
        Network number, dotted quad with no host bits, e.g. ``192.168.10.0``.
    mask
        Contiguous dotted-quad netmask, e.g. ``255.255.255.0``.
    root
        Directory the files live under; default the ``ipmp.root`` config key.
    """
    ret = __utils__["ipmp_stateret.new"](name)
    try:
        network, mask = __utils__["ipmp_files.check_network"](name, mask)
    except ValueError as exc:
        return __utils__["ipmp_stateret.error"](
            ret, exc, "Invalid arguments for netmask {}".format(name)
        )
    return _apply(
        ret,
        "netmasks",
        root,
        lambda text: __utils__["ipmp_files.edit_netmasks"](text, network, mask),
    )
