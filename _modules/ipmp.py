"""
Solaris 10 IPMP (old in.mpathd): group status, administrative offline and
online of NICs (``if_mpadm``), in.mpathd's tunables and its log.

:platform: Solaris 10 (SunOS 5.10)

Group status is derived from one ``ifconfig -a`` (cached in ``__context__``
for the run, dropped after any change): the flags in.mpathd sets (FAILED,
STANDBY, INACTIVE, OFFLINE, NOFAILOVER) say everything ``ipmpstat`` would on
newer releases. Files are read under the ``ipmp.root`` config key (default
``/``); the log is ``ipmp.messages`` (default ``/var/adm/messages``) under it.
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



def _observed(refresh=False):
    """What ``ifconfig -a`` says about the groups, as the one model sees it."""
    return _model("observe_ifconfig")(_ifconfig_all(refresh))


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
    when a NIC has a test address); each NIC's state (``active``,
    ``standby``, ``inactive``, ``failed``, ``offline``) with its test
    address (``test_address``; ``test_address6`` for IPv6, an extra key);
    and the group's data addresses, IPv4 then IPv6. A group that does not
    exist gives ``{}``.

    group
        Only this group.
    refresh
        Re-read ``ifconfig -a`` even if this run already did.

    CLI Example:

    .. code-block:: bash

        salt '*' ipmp.status
        salt '*' ipmp.status ipmp0
    """
    if group is not None:
        __utils__["ipmp_validate.group"](group)
    return __utils__["ipmp_parse.only"](_model("status")(_observed(refresh)), group)


def _locate(interface, refresh):
    """Validate a physical interface name and return (the model's view of
    the host, the interface's group member record), or refuse."""
    __utils__["ipmp_validate.interface"](interface, logical=False)
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


def _mpadm(option, interface):
    __utils__["ipmp_cmd.run"]("if_mpadm", [option, interface], context=__context__, mutate=True)
    return True


def offline(interface, refresh=False):
    """
    Take a NIC out of service (``if_mpadm -d``): in.mpathd moves its data
    addresses to another NIC of the group. Refused, with nothing run, when
    the NIC is not in a group, is already offline, or is the last working
    (not failed, not offline) NIC of its group.

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
                if event:
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
