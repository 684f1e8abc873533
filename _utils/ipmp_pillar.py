"""
Validation and normalisation of the ``ipmp`` pillar (the formula's contract
with admins, see pillar.example/ipmp.sls).

The formula calls this while it renders (through ``ipmp.check_pillar``), so a
wrong pillar stops the run before any state changes anything.  Every problem
is reported with the pillar key path it sits at, e.g.
``ipmp:groups:ipmp0:interfaces:bge0:stanbdy: unknown key; did you mean
'standby'?``.

Names, addresses and ``extra`` words are checked by ``ipmp_validate``, the
tunables and netmasks by ``ipmp_files``, the event options by
``ipmp_options``, so the pillar accepts exactly what
the states and the execution modules accept.  Salt's utils loader gives
utils no ``__utils__``: the caller passes its own in as ``utils``, and it
must pass the loader itself (``__utils__.value()``), since inside this
util's call Salt's ``__utils__`` proxy resolves against the utils loader.

Validated once per run: :func:`validate` records each group it normalised
in ``memo`` (the caller's ``__context__``), and :func:`validate_group`,
which ``ipmp_group.present`` calls on its arguments, skips a group the
pillar check already normalised in the same run.
"""

import ipaddress
import json
import logging

from salt.exceptions import SaltInvocationError

__virtualname__ = "ipmp_pillar"

log = logging.getLogger(__name__)

TOP_KEYS = ("hosts", "netmasks", "mpathd", "groups", "live", "events", "mine", "persist")
#: ``ipmp:persist``: where a Clearview group is kept for the next boot.
PERSIST = ("ipadm", "hostname_files")
MPATHD_KEYS = ("failure_detection_time", "failback", "track_interfaces_only_with_groups")
GROUP_KEYS = ("failure_detection", "live", "interfaces")
DETECTION = ("link", "probe")
INTERFACE_KEYS = (
    "address",
    "address6",
    "netmask",
    "test_address",
    "test_address6",
    "standby",
    "live",
    "ipv6",
    "extra",
)
LINK_LOCAL = ("link-local", "linklocal")


def __virtual__():
    return __virtualname__


class _Lib(object):
    """The functions of one util, looked up in the caller's ``__utils__``
    (Salt's utils loader gives utils no ``__utils__`` of their own, so the
    caller passes its mapping in)."""

    def __init__(self, utils, module):
        self._utils = utils
        self._module = module

    def __getattr__(self, name):
        return self._utils["{}.{}".format(self._module, name)]


class _Problems(object):
    """Collects problems as (key path, message), and reaches the validators
    (``ipmp_validate``) and file formats (``ipmp_files``) through ``utils``."""

    def __init__(self, utils):
        self.items = []
        self.names = _Lib(utils, "ipmp_validate")
        self.files = _Lib(utils, "ipmp_files")
        self.options = _Lib(utils, "ipmp_options")
        self.kind = self.options.kind
        self.suggest = self.options.suggest

    def add(self, path, message):
        self.items.append((":".join(str(p) for p in path), message))

    def check(self, path, func, *args, **kwargs):
        """Run a validator; on failure record its message under ``path``."""
        try:
            return func(*args, **kwargs)
        except (SaltInvocationError, ValueError, TypeError) as exc:
            self.add(path, _message(exc))
            return None


def _message(exc):
    text = getattr(exc, "strerror", None) or str(exc)
    return text.strip() or exc.__class__.__name__


def _mapping(problems, path, value, what):
    """A dict (None counts as empty); anything else is a problem."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(path, "{} must be a mapping, not {}".format(what, problems.kind(value)))
        return None
    return value


def _unknown(problems, path, data, allowed, hints=None):
    for key in data:
        if key in allowed:
            continue
        hint = problems.suggest(key, allowed)
        if not hint and hints:
            hint = hints(key, data[key]) or ""
        problems.add(
            path + [key],
            "unknown key (allowed: {}){}".format(", ".join(allowed), hint),
        )


def _bool(problems, path, value, default):
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.add(path, "must be true or false, not {}".format(problems.kind(value)))
        return default
    return value


def _is_ip(value):
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _host_or_ip(problems, path, value, family):
    """Hostname, or an address literal of the given family ("inet"/"inet6")."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str):
        problems.add(path, "must be a hostname or an address, not {}".format(problems.kind(value)))
        return None
    cmd = problems.names
    literal = value.split("/", 1)[0]
    if _is_ip(literal):
        version = ipaddress.ip_address(literal).version
        if family == "inet" and (version != 4 or "/" in value):
            problems.add(
                path,
                "{!r} is not an IPv4 address{}".format(
                    value, " (IPv6 goes under address6)" if version == 6 else ""
                ),
            )
            return None
        if family == "inet6" and version != 6:
            problems.add(
                path, "{!r} is not an IPv6 address (IPv4 goes under address)".format(value)
            )
            return None
        if not _checked_ok(cmd.address, value):
            problems.check(path, cmd.address, value)
            return None
        # an IPv6 data address is never link-local (test addresses are)
        link_local = family != "inet6"
        if not _checked_ok(cmd.usable_address, value, "address", link_local):
            problems.check(path, cmd.usable_address, value, "address", link_local)
            return None
        return value
    if "/" in value:
        problems.add(path, "{!r} is neither an address nor a hostname".format(value))
        return None
    if not _checked_ok(cmd.host, value):
        problems.check(path, cmd.host, value)
        return None
    return value


def _checked_ok(func, *args):
    try:
        func(*args)
        return True
    except (SaltInvocationError, ValueError, TypeError):
        return False


def _section(problems, data, key, entry):
    """Validate the mapping ``ipmp:<key>`` entry by entry: ``entry(path,
    name, value)`` returns the normalised ``(name, value)`` or None."""
    out = {}
    section = _mapping(problems, ["ipmp", key], data, key)
    for name in sorted(section or {}, key=str):
        found = entry(["ipmp", key, name], name, section[name])
        if found is not None:
            out[found[0]] = found[1]
    return out


def _hosts(problems, data):
    """``ipmp:hosts``: host name -> list of addresses (``ipmp_validate.hosts_entry``:
    no address or ifconfig keyword as a name, not ``localhost``, usable
    addresses only)."""

    def entry(path, name, value):
        found = problems.check(path, problems.names.hosts_entry, name, value, "hosts entry")
        return tuple(found) if found else None

    return _section(problems, data, "hosts", entry)


def validate_hosts(data, utils, path=None):
    """Validate a ``hosts`` mapping outside the pillar (``ipmp_group.present``'s
    ``hosts`` argument); return it normalised.  Raises SaltInvocationError
    naming the key path."""
    problems = _Problems(utils)
    out = {}
    section = _mapping(problems, path or ["hosts"], data, "hosts")
    for name in sorted(section or {}, key=str):
        found = problems.check(
            (path or ["hosts"]) + [name], problems.names.hosts_entry, name, section[name],
            "hosts entry",
        )
        if found:
            out[found[0]] = found[1]
    _raise(problems, "Invalid hosts: ")
    return out


def _netmasks(problems, data):
    """``ipmp:netmasks``: network -> mask, checked as the netmasks file needs."""

    def entry(path, network, mask):
        return problems.check(path, problems.files.check_network, network, mask)

    return _section(problems, data, "netmasks", entry)


def _mpathd(problems, data):
    out = {}
    mpathd = _mapping(problems, ["ipmp", "mpathd"], data, "mpathd")
    if not mpathd:
        return out
    _unknown(problems, ["ipmp", "mpathd"], mpathd, MPATHD_KEYS)
    files = problems.files
    for key in MPATHD_KEYS:
        if mpathd.get(key) is None:
            continue
        text = problems.check(["ipmp", "mpathd", key], files.mpathd_value, key.upper(), mpathd[key])
        if text is None:
            continue
        out[key] = int(text) if key == "failure_detection_time" else text == "yes"
    return out


def _events(problems, data):
    """``ipmp:events``: the options and their defaults live in ``ipmp_options``."""
    events, found = problems.options.check_pillar_events(data)
    for path, message in found:
        problems.add(path, message)
    return events


def _mine(problems, data):
    """``ipmp:mine``: the keys and their defaults live in ``ipmp_options``."""
    mine, found = problems.options.check_pillar_mine(data)
    for path, message in found:
        problems.add(path, message)
    return mine


def _test_address6(problems, path, value):
    if value is None or value is False:
        return None
    if value is True or (isinstance(value, str) and value.lower() in LINK_LOCAL):
        return True
    if isinstance(value, str):
        literal = value.split("/", 1)[0]
        if _is_ip(literal) and ipaddress.ip_address(literal).version == 6:
            if not _checked_ok(problems.names.address, value, "inet6"):
                problems.check(path, problems.names.address, value, "inet6")
                return None
            if ipaddress.ip_address(literal).is_link_local:
                return value
            problems.add(
                path,
                "{!r} is not link-local; in.mpathd only accepts a link-local IPv6 "
                "test address (use true to probe from the interface's own)".format(value),
            )
            return None
    problems.add(
        path,
        "must be true (probe from the link-local address) or a link-local IPv6 "
        "address, not {}".format(problems.kind(value)),
    )
    return None


def _interface(problems, path, name, data, group_live, probe):
    iface = _mapping(problems, path, data, "an interface")
    if iface is None:
        return None
    _unknown(problems, path, iface, INTERFACE_KEYS)
    out = {
        "address": _host_or_ip(problems, path + ["address"], iface.get("address"), "inet"),
        "address6": _host_or_ip(problems, path + ["address6"], iface.get("address6"), "inet6"),
        "test_address": _host_or_ip(
            problems, path + ["test_address"], iface.get("test_address"), "inet"
        ),
        "test_address6": _test_address6(
            problems, path + ["test_address6"], iface.get("test_address6")
        ),
        "standby": _bool(problems, path + ["standby"], iface.get("standby"), False),
        "live": _bool(problems, path + ["live"], iface.get("live"), group_live),
        "netmask": "+",
        "extra": [],
    }
    netmask = iface.get("netmask")
    if netmask is not None:
        if not isinstance(netmask, str) or not _checked_ok(problems.names.netmask, netmask):
            problems.add(
                path + ["netmask"],
                "{!r} is not '+' or a contiguous dotted-quad netmask".format(netmask),
            )
        else:
            out["netmask"] = netmask
    if iface.get("extra") is not None:
        extra = problems.check(
            path + ["extra"], problems.names.extra, iface["extra"]
        )
        out["extra"] = extra or []
    has6 = bool(out["address6"] or out["test_address6"])
    ipv6 = iface.get("ipv6")
    if ipv6 is False and has6:
        problems.add(path + ["ipv6"], "is false but address6/test_address6 are set")
    out["ipv6"] = _bool(problems, path + ["ipv6"], ipv6, False) or has6
    if out["test_address"] and out["test_address"] == out["address"]:
        problems.add(
            path + ["test_address"],
            "is the data address too; a test address must be an address of its own",
        )
    if probe and not out["test_address"] and not problems_at(problems, path + ["test_address"]):
        problems.add(
            path + ["test_address"],
            "missing: failure_detection probe needs a test address on every interface",
        )
    if not probe and out["test_address"]:
        problems.add(
            path + ["test_address"],
            "is set but the group's failure_detection is link; set failure_detection: probe",
        )
    if not probe and out["test_address6"]:
        problems.add(
            path + ["test_address6"],
            "is set but the group's failure_detection is link; set failure_detection: probe",
        )
    return out


def problems_at(problems, path):
    key = ":".join(str(p) for p in path)
    return any(p == key for p, _ in problems.items)


def _group_hint(key, value):
    if isinstance(value, dict) and ("interfaces" in value or "failure_detection" in value):
        return "; groups go under ipmp:groups"
    return None


def _interface_hint(key, value):
    if isinstance(value, (dict, type(None))) and isinstance(key, str) and key[-1:].isdigit():
        return "; interfaces go under the group's interfaces key"
    return None


def validate_group(name, data, utils, live=True, path=None, owners=None, problems=None, memo=None):
    """Validate and normalise one group.

    Returns ``{"failure_detection", "live", "interfaces": {if: {...}}}``.
    Raises SaltInvocationError naming the key path when ``problems`` is not
    given (the state modules call it that way).
    """
    own = problems is None
    if memo is not None and own and _memo_key(name, data) in memo:
        log.debug("ipmp_pillar: group %s was validated with the pillar in this run", name)
        return data
    problems = problems or _Problems(utils)
    path = path or ["ipmp", "groups", name]
    owners = owners if owners is not None else {}
    cmd = problems.names
    out = None
    group = _mapping(problems, path, data, "a group")
    if not isinstance(name, str):
        problems.add(path, "{!r} is not a group name".format(name))
    elif not _checked_ok(cmd.group, name):
        problems.check(path, cmd.group, name)
    elif group is not None:
        _unknown(problems, path, group, GROUP_KEYS, _interface_hint)
        detection = group.get("failure_detection", "link")
        if detection is None:
            detection = "link"
        if detection not in DETECTION:
            problems.add(
                path + ["failure_detection"],
                "must be link or probe, not {!r}{}".format(
                    detection, problems.suggest(detection, DETECTION)
                ),
            )
            detection = "link"
        group_live = _bool(problems, path + ["live"], group.get("live"), live)
        interfaces = _mapping(
            problems, path + ["interfaces"], group.get("interfaces"), "interfaces"
        )
        out = {"failure_detection": detection, "live": group_live, "interfaces": {}}
        if interfaces is not None and not interfaces:
            problems.add(path + ["interfaces"], "missing: a group needs at least one interface")
        for ifname in sorted(interfaces or {}, key=str):
            ipath = path + ["interfaces", ifname]
            if not isinstance(ifname, str):
                problems.add(ipath, "{!r} is not an interface name".format(ifname))
                continue
            if not _checked_ok(cmd.member, ifname):
                problems.check(ipath, cmd.member, ifname)
                continue
            if ifname in owners and owners[ifname] != name:
                problems.add(
                    ipath,
                    "{} is already in group {}; an interface belongs to one IPMP group".format(
                        ifname, owners[ifname]
                    ),
                )
                continue
            owners[ifname] = name
            iface = _interface(
                problems, ipath, ifname, interfaces[ifname], group_live, detection == "probe"
            )
            if iface is not None:
                out["interfaces"][ifname] = iface
        members = out["interfaces"]
        if members and all(i["standby"] for i in members.values()):
            problems.add(
                path + ["interfaces"],
                "every interface is standby; a group needs at least one active (non-standby) interface",
            )
        seen = {}
        for ifname in sorted(members):
            for key in ("address", "test_address", "address6"):
                value = members[ifname][key]
                if not value:
                    continue
                if value in seen:
                    problems.add(
                        path + ["interfaces", ifname, key],
                        "{} is already used by {}".format(value, seen[value]),
                    )
                else:
                    seen[value] = "{}:{}".format(ifname, key)
    if own:
        _raise(problems)
    if memo is not None and out is not None:
        key = _memo_key(name, out)
        if key is not None:
            memo[key] = True
    return out


def _raise(problems, prefix="Invalid ipmp pillar: "):
    if not problems.items:
        return
    first = "{}: {}".format(*problems.items[0])
    if len(problems.items) > 1:
        rest = "; ".join("{}: {}".format(p, m) for p, m in problems.items[1:])
        first += " (also: {})".format(rest)
    raise SaltInvocationError(prefix + first)


def _memo_key(name, group):
    try:
        return json.dumps([name, group], sort_keys=True)
    except (TypeError, ValueError):
        return None


def _persist(problems, value):
    """``ipmp:persist``: ``ipadm`` (default) or ``hostname_files`` (illumos
    only; Solaris 10 always keeps its hostname files)."""
    if value is None:
        return "ipadm"
    if not isinstance(value, str) or value not in PERSIST:
        problems.add(["ipmp", "persist"], "must be {}, not {}".format(
            " or ".join(PERSIST), problems.kind(value) if not isinstance(value, str) else repr(value)))
        return "ipadm"
    return value


def validate(data, utils, memo=None):
    """Validate the ``ipmp`` pillar; return it normalised.

    Normalised form: ``hosts`` {name: [addresses]}, ``netmasks`` {network:
    mask}, ``mpathd`` {key: int|bool} (only the keys given), ``live`` bool,
    ``persist`` (``ipadm`` or ``hostname_files``),
    ``events`` (``enabled`` bool plus the keys given), ``groups`` {name:
    {failure_detection, live, interfaces: {if: {address, address6, netmask,
    test_address, test_address6, standby, live, ipv6, extra}}}}.

    Raises SaltInvocationError naming the key path of the first problem (and
    listing any others) so that one message says what to fix.
    """
    problems = _Problems(utils)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add(["ipmp"], "must be a mapping, not {}".format(problems.kind(data)))
        _raise(problems)
    _unknown(problems, ["ipmp"], data, TOP_KEYS, _group_hint)
    live = _bool(problems, ["ipmp", "live"], data.get("live"), True)
    out = {
        "hosts": _hosts(problems, data.get("hosts")),
        "netmasks": _netmasks(problems, data.get("netmasks")),
        "mpathd": _mpathd(problems, data.get("mpathd")),
        "live": live,
        "events": _events(problems, data.get("events")),
        "mine": _mine(problems, data.get("mine")),
        "persist": _persist(problems, data.get("persist")),
        "groups": {},
    }
    groups = _mapping(problems, ["ipmp", "groups"], data.get("groups"), "groups")
    owners = {}
    for name in sorted(groups or {}, key=str):
        group = validate_group(
            name, groups[name], utils, live=live, owners=owners, problems=problems
        )
        if group is not None:
            out["groups"][name] = group
    _raise(problems)
    if memo is not None:
        for name, group in out["groups"].items():
            memo[_memo_key(name, group)] = True
    return out
