"""
/etc/hostname.<interface> and /etc/hostname6.<interface> for Solaris 10 IPMP.

These files are what the boot scripts feed to ``ifconfig`` for each interface,
so they decide whether a group comes back after a reboot.  The state renders
the one line from structured arguments in the token order Solaris documents
(``-failover`` before ``standby``, ``standby`` before ``up``; see
``ipmp_files.hostname_tokens``), writes it atomically with mode 0644 (an
existing file keeps its mode and owner), replaces a symbolic link instead of
writing through it, and shows a unified diff in ``changes``.

Files live under the ``ipmp.root`` config key (``/`` by default; ``/a`` for an
alternate boot environment).

.. code-block:: yaml

    bge0-hostname:
      ipmp_hostname.managed:
        - name: bge0
        - address: myhost
        - group: ipmp0

    e1000g1-hostname:
      ipmp_hostname.managed:
        - name: e1000g1
        - test_address: web-e1000g1
        - group: ipmp1
        - standby: true
"""

import ipaddress

from salt.exceptions import CommandExecutionError, SaltInvocationError

__virtualname__ = "ipmp_hostname"


def __virtual__():
    """Only on Solaris: IPMP exists nowhere else."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__, "state")


def _path(root, rel):
    root = __utils__["ipmp_stateret.root"](root, __salt__["config.get"])
    return __utils__["ipmp_files.confine"](root, __utils__["ipmp_validate.root_path"](root, rel))


def _arg(what, func, *args):
    """Run one validator; a refusal names the argument (``address: ...``)."""
    try:
        return func(*args)
    except (SaltInvocationError, ValueError) as exc:
        raise SaltInvocationError("{}: {}".format(what, exc))


def _validate(name, family, address, netmask, broadcast, group, test_address, extra,
              standby, probe, check_link):
    """Check every argument with the command layer's validators; return the
    extra tokens as a list.  Raises SaltInvocationError naming the argument."""
    cmd = "ipmp_validate."
    _arg("name", __utils__[cmd + "member"], name)
    _arg("family", __utils__[cmd + "family"], family)
    _arg("standby", __utils__[cmd + "strict_boolean"], standby, "standby")
    _arg("probe", __utils__[cmd + "strict_boolean"], probe, "probe")
    _arg("check_link", __utils__[cmd + "strict_boolean"], check_link, "check_link")
    if group is not None:
        _arg("group", __utils__[cmd + "group"], group)
    if address is not None:
        if family == "inet":
            _arg("address", __utils__[cmd + "host"], address, "inet")
        else:
            _arg("address", __utils__[cmd + "host_prefix"], address, "inet6")
        # an IPv6 data address is never link-local (test addresses are)
        _arg("address", __utils__[cmd + "usable_address"], address, "data address",
             family == "inet")
    if test_address is True and family == "inet":
        raise SaltInvocationError(
            "test_address: true (probe from the link-local address) is for family inet6; "
            "give an IPv4 test address"
        )
    if test_address is not None and test_address == address:
        raise SaltInvocationError(
            "test_address: {} is the data address too; a test address must be an address "
            "of its own".format(test_address)
        )
    if test_address is not None and test_address is not True:
        if family == "inet":
            _arg("test_address", __utils__[cmd + "host"], test_address, "inet")
            _arg("test_address", __utils__[cmd + "usable_address"], test_address, "test address")
        else:
            _arg("test_address", __utils__[cmd + "address"], test_address, "inet6")
            if not ipaddress.ip_address(test_address.split("/", 1)[0]).is_link_local:
                raise SaltInvocationError(
                    "test_address: IPv6 test address {} is not link-local; in.mpathd only "
                    "accepts link-local test addresses".format(test_address)
                )
    if family == "inet6" and (netmask != "+" or broadcast != "+"):
        raise SaltInvocationError(
            "netmask and broadcast are IPv4 only; give IPv6 addresses a /prefix"
        )
    _arg("netmask", __utils__[cmd + "netmask"], netmask)
    _arg("broadcast", __utils__[cmd + "broadcast"], broadcast)
    return __utils__[cmd + "extra"](extra, "extra")


def _missing_link(name):
    """A refusal when NIC ``name`` is not a datalink of this host (``dladm
    show-link``), or None (also when dladm gives no answer)."""
    try:
        missing = __salt__["ifconfig.missing_links"]([name])
    except (KeyError, CommandExecutionError):
        return None
    if missing:
        return (
            "name: {} does not exist on this host (not in dladm show-link); "
            "its hostname file was not written".format(name)
        )
    return None


def managed(
    name,
    family="inet",
    address=None,
    netmask="+",
    broadcast="+",
    group=None,
    standby=False,
    test_address=None,
    probe=False,
    extra=None,
    root=None,
    check_link=True,
):
    """
    Manage ``/etc/hostname.<name>`` (family ``inet``) or
    ``/etc/hostname6.<name>`` (family ``inet6``).

    name
        The physical interface, e.g. ``bge0``.
    family
        ``inet`` (IPv4, default) or ``inet6``.
    address
        Data address: hostname or address (IPv6: ``ADDR[/prefix]``, /64 when
        no prefix is given).  With ``test_address`` it becomes a logical
        interface (``addif ... failover up``).
    netmask, broadcast
        ``+`` (default: look up /etc/netmasks) or explicit values (IPv4).
    group
        IPMP group name.
    standby
        Make the interface a standby interface.
    test_address
        IPv4: the test hostname/address (``deprecated -failover``).  IPv6:
        ``True`` to probe from the link-local address, or a link-local
        address.
    probe
        IPv6 only: the group is probe-based, so mark the link-local test
        address ``-failover`` even without ``test_address``.
    extra
        More ifconfig tokens for the physical interface (list).
    root
        Directory the files live under; default the ``ipmp.root`` config key.
    check_link
        Before writing, refuse a NIC that ``dladm show-link`` does not list
        (default True; False for a file prepared ahead of the hardware).
    """
    ret = __utils__["ipmp_stateret.new"](name)
    try:
        extra = _validate(
            name, family, address, netmask, broadcast, group, test_address, extra, standby,
            probe, check_link,
        )
        tokens = __utils__["ipmp_files.hostname_tokens"](
            family=family,
            address=address,
            netmask=netmask,
            broadcast=broadcast,
            group=group,
            standby=standby,
            test_address=test_address,
            probe=probe,
            extra=extra,
        )
        kind = __utils__["ipmp_files.hostname_kind"](family)
        path = _path(root, __utils__["ipmp_files.relpath"](kind, name))
        text = __utils__["ipmp_files.render_hostname"](tokens)
        if check_link and __utils__["ipmp_files.plan_write"](path, text) is not None:
            missing = _missing_link(name)
            if missing:
                return __utils__["ipmp_stateret.failed"](ret, missing)
        changes = __utils__["ipmp_files.manage"](path, text, test=bool(__opts__["test"]))
    except (SaltInvocationError, ValueError, IOError, OSError) as exc:
        return __utils__["ipmp_stateret.error"](
            ret, exc, "Invalid arguments for {}".format(name)
        )
    return __utils__["ipmp_stateret.report"](
        ret,
        changes,
        __opts__["test"],
        "{} is already correct".format(path),
        "{} would be written".format(path),
        "{} written".format(path),
    )
