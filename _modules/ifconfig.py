"""
Solaris 10 ``ifconfig``: read interfaces and change them one step at a time.

:platform: Solaris 10 (SunOS 5.10)

Thin wrappers over ``ifconfig``: every argument is validated before anything
runs, commands run as argument lists through the ``ipmp_cmd`` utility, and
``ifconfig -a`` is read once per run (cached in ``__context__``, dropped after
any change). Files are read under the ``ipmp.root`` config key (default
``/``), so ``/a`` works for an alternate boot environment.
"""

import logging

from salt.exceptions import CommandExecutionError, SaltInvocationError

log = logging.getLogger(__name__)

__virtualname__ = "ifconfig"


def __virtual__():
    """Only on Solaris: the output formats and flags are Solaris's own."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__)


def _cmd(name):
    return __utils__["ipmp_cmd.{}".format(name)]


def _valid(name):
    return __utils__["ipmp_validate.{}".format(name)]


def _run(args, mutate=True, cache=False):
    return _cmd("run")("ifconfig", args, context=__context__, cache=cache, mutate=mutate)


def _root():
    return __salt__["config.get"]("ipmp.root", "/") or "/"


def _check_interface(interface, logical=True):
    return _valid("interface")(interface, logical=logical)


def _check_family(family):
    return _valid("family")(family)


def _all(refresh=False):
    """Parsed ``ifconfig -a`` (cached for the run unless ``refresh``)."""
    text = _cmd("read")("ifconfig", ["-a"], __context__, refresh)
    return __utils__["ipmp_parse.ifconfig"](text)


def show(interface=None, refresh=False):
    """
    Show plumbed interfaces as ``ifconfig -a`` reports them, logical ones
    included. With a physical name, that interface and its logical
    interfaces; with a logical name (``bge0:1``), just that one. An interface
    that is not plumbed gives ``{}``.

    interface
        ``bge0`` or ``bge0:1``; all interfaces when omitted.
    refresh
        Re-read ``ifconfig -a`` even if this run already did.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.show
        salt '*' ifconfig.show bge0
    """
    if interface is not None:
        _check_interface(interface)
    _valid("boolean")(refresh, "refresh")
    data = _all(refresh=refresh)
    if interface is None or ":" in interface:
        return __utils__["ipmp_parse.only"](data, interface)
    return {
        name: value
        for name, value in data.items()
        if name.split(":", 1)[0] == interface
    }


def _simple(interface, family, words, logical=True):
    _check_interface(interface, logical=logical)
    _check_family(family)
    _run([interface, family] + words)
    return True


def plumb(interface, family="inet"):
    """
    Plumb an interface for IPv4 (``inet``) or IPv6 (``inet6``):
    ``ifconfig <if> <family> plumb``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.plumb bge1
        salt '*' ifconfig.plumb bge1 family=inet6
    """
    return _simple(interface, family, ["plumb"])


def unplumb(interface, family="inet"):
    """
    Unplumb an interface (or remove a logical interface such as ``bge0:1``):
    ``ifconfig <if> <family> unplumb``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.unplumb bge1
    """
    return _simple(interface, family, ["unplumb"])


def up(interface, family="inet"):  # pylint: disable=invalid-name
    """
    Mark an interface up: ``ifconfig <if> <family> up``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.up bge0:1
    """
    return _simple(interface, family, ["up"])


def down(interface, family="inet"):
    """
    Mark an interface down: ``ifconfig <if> <family> down``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.down bge0:1
    """
    return _simple(interface, family, ["down"])


def set_group(interface, group, family="inet"):
    """
    Put a physical interface into an IPMP group (``ifconfig <if> group
    <name>``); an empty group name takes it out of its group.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.set_group bge0 ipmp0
        salt '*' ifconfig.set_group bge0 ''
    """
    _check_interface(interface, logical=False)
    if group != "":
        _valid("group")(group)
    _check_family(family)
    _run([interface, family, "group", group])
    return True


def standby(interface, enable=True, family="inet"):
    """
    Make a physical interface a standby of its group (``standby``), or an
    ordinary member again (``-standby``).

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.standby bge2
        salt '*' ifconfig.standby bge2 enable=False
    """
    _check_interface(interface, logical=False)
    enable = _valid("boolean")(enable, "enable")
    _check_family(family)
    _run([interface, family, "standby" if enable else "-standby"])
    return True


def addif(
    interface,
    address,
    netmask="+",
    broadcast="+",
    deprecated=False,
    failover=True,
    up=True,  # pylint: disable=redefined-outer-name,invalid-name
    family="inet",
):
    """
    Add a logical interface with ``address`` to a physical interface and
    return its name (``bge0:1``), as ``ifconfig <if> addif`` reports it.

    address
        IP address (optionally ``/prefix``) or a host name from /etc/inet/hosts;
        not one no interface can use (``0.0.0.0``, loopback, multicast, ...).
    netmask, broadcast
        ``+`` (the default) looks them up in /etc/inet/netmasks; IPv4 only.
    deprecated
        Mark the address deprecated (test addresses usually are).
    failover
        False adds ``-failover``: a test address that stays on this NIC.
    up
        Bring the new logical interface up.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.addif bge0 192.168.1.10
        salt '*' ifconfig.addif bge0 myhost-bge0 deprecated=True failover=False
    """
    _check_interface(interface, logical=False)
    family = _check_family(family)
    _valid("host_prefix")(address, family)
    _valid("usable_address")(address, "address")
    deprecated = _valid("boolean")(deprecated, "deprecated")
    failover = _valid("boolean")(failover, "failover")
    up = _valid("boolean")(up, "up")
    words = [interface, family, "addif", address]
    if family == "inet":
        words += ["netmask", _valid("netmask")(netmask)]
        words += ["broadcast", _valid("broadcast")(broadcast)]
    elif netmask not in ("+", None) or broadcast not in ("+", None):
        raise SaltInvocationError(
            "netmask and broadcast apply to IPv4 only; give IPv6 addresses "
            "a /prefix"
        )
    if deprecated:
        words.append("deprecated")
    if not failover:
        words.append("-failover")
    if up:
        words.append("up")
    stdout = _run(words)
    return _cmd("parse_addif")(stdout)


def removeif(interface, address, family="inet"):
    """
    Remove the logical interface that holds ``address`` from a physical
    interface: ``ifconfig <if> <family> removeif <address>``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.removeif bge0 192.168.1.10
    """
    _check_interface(interface, logical=False)
    family = _check_family(family)
    _valid("host_prefix")(address, family)
    _run([interface, family, "removeif", address])
    return True


def configure(interface, tokens, family="inet"):
    """
    Run ``ifconfig <if> <family> <tokens...>`` after checking every token
    against ifconfig's subcommand grammar (the same check hostname files
    get). Used by the state modules for changes that need several words.

    tokens
        A list such as ``["group", "ipmp0", "standby", "up"]``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.configure bge1 '["myhost-bge1", "netmask", "+", "broadcast", "+", "deprecated", "-failover", "group", "ipmp0", "up"]'
    """
    _check_interface(interface)
    family = _check_family(family)
    words = _valid("tokens")(tokens, family)
    if not words:
        raise SaltInvocationError("no ifconfig tokens given")
    _run([interface, family] + words)
    return True


def missing_links(names):
    """
    The physical interfaces of ``names`` this host does not have: neither
    plumbed (``ifconfig -a``, cached for the run) nor a datalink in ``dladm
    show-link``, which is read only when a name is not plumbed.  An empty
    list when dladm gives no answer (ifconfig plumb then says it itself).

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.missing_links '["bge0", "bge9"]'
    """
    if isinstance(names, str):
        names = [names]
    for name in names:
        _check_interface(name, logical=False)
    try:
        plumbed = set(n.split(":", 1)[0] for n in _all())
    except CommandExecutionError:
        plumbed = set()
    rest = [n for n in names if n not in plumbed]
    if not rest:
        return []
    try:
        links = __salt__["dladm.show_link"]()
    except (KeyError, CommandExecutionError):
        return []
    return [n for n in rest if n not in links]


def _hostname_file(interface, family):
    name = "hostname.{}" if family == "inet" else "hostname6.{}"
    path = _valid("root_path")(_root(), "/etc/" + name.format(interface))
    return __utils__["ipmp_files.confine"](_root(), path)


def apply_hostname_file(interface, family="inet", plumb=True, test=False):  # pylint: disable=redefined-outer-name
    """
    Apply ``/etc/hostname.<if>`` (``family=inet6``: ``/etc/hostname6.<if>``)
    now, the way Solaris 10's boot script does: each line is passed to
    ``ifconfig <if> <family>`` as arguments (never through a shell), a
    one-line IPv4 file gets ``netmask + broadcast + up`` appended, and IPv6
    ends with ``ifconfig <if> inet6 up``. Every word of every line is checked
    before anything runs. Meant for an interface that is not configured yet;
    ``addif`` lines run again would add addresses again.

    plumb
        Plumb the interface first if ``ifconfig -a`` does not show it for
        this family (the boot script plumbs every interface with a file).
    test
        Only return the commands that would run.

    Returns ``{"file": path, "commands": [[ "ifconfig", ...], ...]}``.

    CLI Example:

    .. code-block:: bash

        salt '*' ifconfig.apply_hostname_file bge0
        salt '*' ifconfig.apply_hostname_file bge0 family=inet6 test=True
    """
    _check_interface(interface)
    family = _check_family(family)
    plumb = _valid("boolean")(plumb, "plumb")
    test = _valid("boolean")(test, "test")
    path = _hostname_file(interface, family)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(1024 * 1024 + 1)
    except (IOError, OSError) as exc:
        raise CommandExecutionError("Cannot read {}: {}".format(path, exc))
    if len(raw) > 1024 * 1024:
        raise CommandExecutionError("{} is larger than 1 MiB".format(path))
    text = raw.decode("utf-8", "replace")
    if text and not text.endswith("\n"):
        log.warning(
            "%s does not end with a newline; Solaris's boot script may "
            "ignore its last line",
            path,
        )
    try:
        lines = _valid("hostname_file_commands")(text, family)
    except SaltInvocationError as exc:
        raise SaltInvocationError("{}: {}".format(path, exc))
    commands = []
    if plumb and not _is_plumbed(interface, family):
        commands.append([interface, family, "plumb"])
    commands.extend([interface, family] + words for words in lines)
    ret = {"file": path, "commands": [["ifconfig"] + argv for argv in commands]}
    if test:
        return ret
    errors = []
    for number, argv in enumerate(commands, 1):
        if errors and family == "inet6" and number == len(commands):
            # net-physical: "... < hostname6.$1 && ifconfig $1 inet6 up"
            break
        try:
            _run(argv)
        except CommandExecutionError as exc:
            errors.append(str(exc))
            if argv[2:3] == ["plumb"]:
                break
    if errors:
        raise CommandExecutionError(
            "Applying {} failed: {}".format(path, "; ".join(errors)), info=ret
        )
    return ret


def _is_plumbed(interface, family):
    entry = _all().get(interface, {})
    return family in entry
