"""
IPMP: group status, administrative offline and online of NICs
(``if_mpadm``), in.mpathd's tunables and its log, and (Solaris 11)
transitive probing.

:platform: Solaris 10 (SunOS 5.10), Solaris 11.4 and illumos (SunOS 5.11)

On Solaris 10 group status is derived from one ``ifconfig -a``: the flags
in.mpathd sets (FAILED, STANDBY, INACTIVE, OFFLINE, NOFAILOVER) say
everything ``ipmpstat`` would on newer releases. On Solaris 11 and illumos
it comes from ``ipmpstat -P -o`` (``-g``, ``-i``, and for ``status`` also
``-a`` and ``-t``), never from ``ifconfig``. Every read is cached in
``__context__`` for the run and dropped after any change. Files are read
under the ``ipmp.root`` config key (default ``/``); the log is
``ipmp.messages`` (default ``/var/adm/messages``) under it.
"""

import logging
import os

from salt.exceptions import CommandExecutionError

log = logging.getLogger(__name__)

__virtualname__ = "ipmp"

MPATHD_FILE = "/etc/default/mpathd"

# events(): read the log backwards in blocks, and give up after this much.
TAIL_BLOCK = 64 * 1024
TAIL_MAX_BYTES = 16 * 1024 * 1024
MAX_EVENTS = 10000


def __virtual__():
    """Only on Solaris: IPMP and in.mpathd exist nowhere else."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__)


def _platform():
    return __utils__["ipmp_platform.platform"](
        __grains__, __salt__["config.get"]("ipmp.platform", None)
    )


def _root():
    return __salt__["config.get"]("ipmp.root", "/") or "/"


def _ifconfig_all(refresh=False):
    """Parsed ``ifconfig -a``, read once per job: the ``ifconfig`` module
    shares the cache.  Read here, not through ``__salt__``, so that ipmp
    works in a loader that has not (yet) loaded the ifconfig module, such
    as an engine started before the first sync."""
    __utils__["ipmp_validate.boolean"](refresh, "refresh")
    text = __utils__["ipmp_cmd.read"]("ifconfig", ["-a"], __context__, refresh)
    return __utils__["ipmp_parse.ifconfig"](text)


def _model(name):
    return __utils__["ipmp_model.{}".format(name)]


def _utils():
    """``__utils__`` as the loader itself, to pass to a util (see ipmp_pillar)."""
    return getattr(__utils__, "value", lambda: __utils__)()



def _ipmpstat(mode, refresh=False):
    """Parsed ``ipmpstat -<mode> -P -o <fields>`` (numeric for -a and -t),
    cached for the job like ``ifconfig -a``; the ``ipadm`` module asks the
    same reads with the same arguments, so they share the cache."""
    fields = __utils__["ipmp_parse_s11.ipmpstat_fields"](mode)
    args = ["-" + mode]
    if mode in ("a", "t"):
        args.append("-n")
    args += ["-P", "-o", ",".join(fields)]
    try:
        text = __utils__["ipmp_cmd.read"]("ipmpstat", args, __context__, refresh)
    except CommandExecutionError as exc:
        if "in.mpathd" in str(exc):
            raise CommandExecutionError(
                "{} (in.mpathd runs as svc:/network/ipmp:default; check it with "
                "svcs -x svc:/network/ipmp:default)".format(exc)
            )
        raise
    rows = __utils__["ipmp_parse.ofmt"](text, fields)
    return __utils__["ipmp_parse_s11.ipmpstat_" + mode](rows)


def _observed(refresh=False, full=False):
    """What the host says about its groups, as the one model sees it: one
    ``ifconfig -a`` on Solaris 10; on Solaris 11 and illumos ``ipmpstat``
    ``-g`` and ``-i``, plus ``-a`` and ``-t`` when ``full`` (status needs
    the addresses, membership and offline checks do not)."""
    __utils__["ipmp_validate.boolean"](refresh, "refresh")
    if _platform() == "solaris10":
        return _model("observe_ifconfig")(_ifconfig_all(refresh))
    if refresh:
        __utils__["ipmp_cmd.clear_cache"](__context__)
    groups_ = _ipmpstat("g")
    members = _ipmpstat("i")
    addresses = targets = None
    if full:
        addresses = _ipmpstat("a")
        targets = _ipmpstat("t")
    return _model("observe_ipmpstat")(groups_, members, addresses, targets)


def groups(refresh=False):
    """
    IPMP groups on this host and their member NICs:
    ``{"ipmp0": ["bge0", "bge2"]}``.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.groups
    """
    return _model("groups")(_observed(refresh))


def status(group=None, refresh=False):
    """
    State of each IPMP group: ``ok`` (every NIC usable), ``degraded`` or
    ``failed`` (none usable); link- or probe-based failure detection (probe
    when a NIC has a test address, or on 5.11 when in.mpathd probes the
    group); each NIC's state (``active``, ``standby``, ``inactive``,
    ``failed``, ``offline``) with its test address (``test_address``;
    ``test_address6`` for IPv6, an extra key); and the group's data
    addresses, IPv4 then IPv6. On Solaris 11 and illumos each group also
    names its IPMP interface (``interface``). A group that does not exist
    gives ``{}``.

    group
        Only this group.
    refresh
        Re-read ``ifconfig -a`` (5.11: ``ipmpstat``) even if this run
        already did.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.status
        salt '*' ipmp.status ipmp0
    """
    if group is not None:
        __utils__["ipmp_validate.group"](group)
    return __utils__["ipmp_parse.only"](_model("status")(_observed(refresh, full=True)), group)


def _locate(interface, refresh):
    """Validate a physical interface name and return (the model's view of
    the host, the interface's group member record), or refuse."""
    __utils__["ipmp_validate.interface"](interface, logical=False)
    if _platform() != "solaris10":
        return _locate_s11(interface, refresh)
    data = _ifconfig_all(refresh)
    if interface not in data:
        raise CommandExecutionError(
            "{} is not plumbed on this host".format(interface)
        )
    observed = _model("observe_ifconfig")(data)
    member = observed.members.get(interface)
    if member is None:
        raise CommandExecutionError(
            "{} is not in an IPMP group; in.mpathd does not manage it".format(interface)
        )
    return observed, member


def _locate_s11(interface, refresh):
    observed = _observed(refresh)
    member = observed.members.get(interface)
    if member is None:
        groups_ = dict((iface, name) for name, iface in observed.groups.items() if iface)
        if interface in groups_:
            raise CommandExecutionError(
                "{} is the IPMP interface of group {}, not a member; name one "
                "of its underlying interfaces".format(interface, groups_[interface])
            )
        raise CommandExecutionError(
            "{} is not in an IPMP group (ipmpstat -i does not list it in one); "
            "in.mpathd does not manage it".format(interface)
        )
    return observed, member


def _mpadm(option, interface):
    __utils__["ipmp_cmd.run"]("if_mpadm", [option, interface], context=__context__, mutate=True)
    return True


def offline(interface, refresh=False):
    """
    Take a NIC out of service (``if_mpadm -d``): in.mpathd moves its data
    addresses to another NIC of the group. Refused, with nothing run, when
    the NIC is not in a group, is already offline, or, in an address family
    it is plumbed for, no other NIC of its group plumbed for that family is
    working (not failed, not offline): the rule is per family.

    CLI Example:

    .. code-block:: bash

        salt 'host' ipmp.offline bge0
    """
    observed, _ = _locate(interface, refresh)
    refusal = _model("offline_refusal")(observed, interface)
    if refusal:
        raise CommandExecutionError(refusal)
    return _mpadm("-d", interface)


def online(interface, refresh=False):
    """
    Put an offline NIC back into service (``if_mpadm -r``); with FAILBACK
    on, in.mpathd moves its addresses back. Refused, with nothing run, when
    the NIC is not offline.

    CLI Example:

    .. code-block:: bash

        salt 'host' ipmp.online bge0
    """
    _, member = _locate(interface, refresh)
    if member.state != "offline":
        raise CommandExecutionError(
            "{} (group {}) is not offline; it is {}".format(
                interface, member.group, member.state
            )
        )
    return _mpadm("-r", interface)


XPROBE_SERVICE = "svc:/network/ipmp"
XPROBE_INSTANCE = "svc:/network/ipmp:default"
XPROBE_PROPERTY = "config/transitive-probing"


def transitive_probing(enable=None):
    """
    Transitive probing (Solaris 11.2 and later): in.mpathd probes through
    the group's other members, so a group needs no test addresses. Without
    ``enable``, whether it is on (``svcprop -p config/transitive-probing
    svc:/network/ipmp:default``); with it, set it (``svccfg -s
    svc:/network/ipmp setprop config/transitive-probing=true|false`` then
    ``svcadm refresh svc:/network/ipmp:default``) unless it already has
    that value, and return the value now in force (True or False). Any test address in a
    group turns it off for that group. Refused on Solaris 10 and illumos,
    whose in.mpathd has no transitive probing.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.transitive_probing
        salt 'sol11' ipmp.transitive_probing enable=True
    """
    if enable is not None:
        enable = __utils__["ipmp_validate.boolean"](enable, "enable")
    name = _platform()
    if name != "solaris11":
        raise CommandExecutionError(
            "Transitive probing is a Solaris 11 feature ({} {}); this host runs {}, "
            "whose in.mpathd has none: give the group test addresses for "
            "probe-based detection".format(
                XPROBE_SERVICE, XPROBE_PROPERTY,
                "Solaris 10" if name == "solaris10" else "illumos",
            )
        )
    current = _xprobe_read()
    if enable is None or enable == current:
        return current
    value = "true" if enable else "false"
    __utils__["ipmp_cmd.run"](
        "svccfg",
        ["-s", XPROBE_SERVICE, "setprop", "{}={}".format(XPROBE_PROPERTY, value)],
        context=__context__, mutate=True,
    )
    __utils__["ipmp_cmd.run"](
        "svcadm", ["refresh", XPROBE_INSTANCE], context=__context__, mutate=True
    )
    return enable


def _xprobe_read():
    text = __utils__["ipmp_cmd.read"](
        "svcprop", ["-p", XPROBE_PROPERTY, XPROBE_INSTANCE], __context__
    )
    word = text.strip().lower()
    if word not in ("true", "false"):
        raise CommandExecutionError(
            "svcprop printed {!r} for {} of {}; expected true or false".format(
                text.strip()[:60], XPROBE_PROPERTY, XPROBE_INSTANCE
            )
        )
    return word == "true"


def _read_file(path, limit=1024 * 1024):
    with open(path, "rb") as handle:
        return handle.read(limit).decode("utf-8", "replace")


def mpathd():
    """
    The tunables in.mpathd uses, read from ``/etc/default/mpathd`` exactly as
    in.mpathd reads it (``FAILBACK = no``, with spaces, is ignored; bad values
    fall back to the defaults). A missing file gives the defaults.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.mpathd
    """
    path = __utils__["ipmp_validate.root_path"](_root(), MPATHD_FILE)
    try:
        text = _read_file(path)
    except (IOError, OSError) as exc:
        if getattr(exc, "errno", None) != 2:
            raise CommandExecutionError("Cannot read {}: {}".format(path, exc))
        log.info("ipmp: %s does not exist; in.mpathd uses its defaults", path)
        text = ""
    flavor = __utils__["ipmp_platform.mpathd_flavor"](_platform())
    for problem in __utils__["ipmp_parse.mpathd_problems"](text, flavor):
        log.warning("ipmp: %s: %s", path, problem)
    return __utils__["ipmp_parse.mpathd"](text, flavor)


def reload_mpathd():
    """
    Make in.mpathd re-read ``/etc/default/mpathd`` (``pkill -HUP -x
    in.mpathd``, as on Solaris 10). Returns False, without an error, when
    in.mpathd is not running (it starts with the first ``ifconfig ... group``).

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.reload_mpathd
    """
    result = __utils__["ipmp_cmd.run_all"](
        "pkill", ["-HUP", "-x", "in.mpathd"], context=__context__, mutate=True
    )
    if result["retcode"] == 0:
        return True
    if result["retcode"] == 1:
        log.info("ipmp: in.mpathd is not running; nothing to reload")
        return False
    raise CommandExecutionError(__utils__["ipmp_cmd.error_message"](result), info=result)


def _messages_path():
    return __utils__["ipmp_watch.messages_path"](
        __salt__["config.get"],
        __utils__["ipmp_validate.root_path"],
        error=lambda name: CommandExecutionError(
            "ipmp.messages must be an absolute path, not {!r}".format(name)
        ),
    )


def _tail_events(path, limit):
    """The last ``limit`` in.mpathd events of a syslog file, oldest first."""
    parse = __utils__["ipmp_events.parse_line"]
    accept = __utils__["ipmp_watch.authenticity"](
        _utils(),
        __utils__["ipmp_watch.nodename"](__utils__["ipmp_validate.root_path"], _root()),
        __salt__["config.get"]("ipmp.events_untagged", False),
    )
    found = []
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        pos = handle.tell()
        carry = b""
        scanned = 0
        while pos > 0 and len(found) < limit:
            if scanned >= TAIL_MAX_BYTES:
                log.debug("ipmp: stopped reading %s after %d bytes", path, scanned)
                break
            size = min(TAIL_BLOCK, pos)
            pos -= size
            handle.seek(pos)
            chunk = handle.read(size) + carry
            scanned += size
            lines = chunk.split(b"\n")
            if pos > 0:
                carry = lines.pop(0)
            else:
                carry = b""
            for raw in reversed(lines):
                if b"in.mpathd" not in raw:
                    continue
                event = parse(raw.decode("utf-8", "replace").rstrip("\r"))
                if event and not accept(event):
                    found.append(event)
                    if len(found) >= limit:
                        break
    found.reverse()
    return found


def events(limit=50):
    """
    in.mpathd's most recent log lines as event dicts, oldest first:
    ``{"event": "failure", "interface": "bge0", "group": "ipmp0", "time": ...,
    "msgid": 594170, "message": "<raw line>"}``. Only the end of the log is
    read.

    limit
        How many events at most (1 to 10000).

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.events
        salt '*' ipmp.events limit=10
    """
    limit = __utils__["ipmp_validate.integer"](limit, "limit", 1, MAX_EVENTS)
    path = _messages_path()
    try:
        return _tail_events(path, limit)
    except (IOError, OSError) as exc:
        if getattr(exc, "errno", None) == 2:
            log.info("ipmp: %s does not exist; no events", path)
            return []
        raise CommandExecutionError("Cannot read {}: {}".format(path, exc))


def platform():
    """
    The IPMP implementation this host runs: ``solaris10`` (classic
    in.mpathd, hostname files), ``solaris11`` or ``illumos`` (Clearview:
    IPMP interfaces, ipadm). Chosen from the grains, or the ``ipmp.platform``
    config key when set.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.platform
    """
    return _platform()


def check_pillar(data=None):
    """
    Validate the ``ipmp`` pillar (or ``data``) against the formula's schema
    and return it normalised; a bad value raises an error naming its key.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.check_pillar
    """
    if data is None:
        data = __pillar__.get("ipmp", {})
    try:
        validate = __utils__["ipmp_pillar.validate"]
    except KeyError:
        raise CommandExecutionError(
            "The ipmp_pillar utility is missing; run saltutil.sync_utils"
        )
    return validate(data, _utils(), memo=__context__.setdefault("ipmp_pillar.checked", {}))
