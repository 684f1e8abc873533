"""
Validation of everything salt-ipmp is given: interface, group and host
names, addresses, netmasks, tunables, paths, and the words of ifconfig's
own grammar (for pillar ``extra`` words, hostname files and live commands).

One place, one rule set: the execution modules, the states, the pillar
check and the alert runner all validate through these functions, so a
value is accepted or refused the same way wherever it comes in.  Every
refusal is an :class:`Invalid`, which is both a ``SaltInvocationError``
(what Salt reports for bad arguments) and a ``ValueError`` (what the pure
file helpers raise), and its message names the value.

Pure functions; reached as ``__utils__['ipmp_validate.<fn>']``.

:platform: Solaris 10 (old IPMP); the validators also fit illumos names.
"""

import ipaddress
import os
import re

from salt.exceptions import SaltInvocationError

__virtualname__ = "ipmp_validate"

# LIFNAMSIZ is 32 on Solaris: 31 characters plus the NUL.
MAX_IFNAME = 31
# LIFGRNAMSIZ is 32 as well.
MAX_GROUP = 31

_IFNAME_RE = re.compile(
    r"^(?P<driver>[a-z][a-z0-9_.]*[a-z_.])(?P<ppa>0|[1-9][0-9]*)"
    r"(?::(?P<unit>0|[1-9][0-9]*))?\Z"
)
_GROUP_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:+-]*\Z")
_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")
# One to four numbers (decimal, 0x hex, 0 octal) joined by dots: what
# inet_aton(3) reads as an IPv4 address (``0x7f000001`` is 127.0.0.1).
_INET_ATON_RE = re.compile(r"^(?:0[xX][0-9A-Fa-f]*|[0-9]+)(?:\.(?:0[xX][0-9A-Fa-f]*|[0-9]+)){0,3}\Z")
_IPV4_RE = re.compile(r"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}\Z")
_MAC_RE = re.compile(r"^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}\Z")
_ZONE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
_ALGS_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.,-]{0,63}\Z")
_MODPOS_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}@[0-9]{1,3}\Z")


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


class Invalid(SaltInvocationError, ValueError):
    """A value salt-ipmp refuses; the message says which and why."""


FAMILIES = ("inet", "inet6")


def _describe(value):
    """Show a rejected value safely in an error message (no raw newlines)."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def _require_str(value, what):
    if not isinstance(value, str):
        raise Invalid(
            "{} must be a string, not {}".format(what, type(value).__name__)
        )
    if not value:
        raise Invalid("{} must not be empty".format(what))
    return value


# ---------------------------------------------------------------- validators


def interface(name, logical=True):
    """
    Validate an interface name as Solaris spells it and return it.

    A driver name (``[a-z][a-z0-9_.]*`` not ending in a digit), the PPA
    (``bge0``, ``e1000g876000``) and, when ``logical`` is true, an optional
    logical unit (``bge0:1``); at most 31 characters.
    """
    what = "interface name" if logical else "physical interface name"
    _require_str(name, what)
    if len(name) > MAX_IFNAME:
        raise Invalid(
            "{} {} is longer than {} characters".format(
                what, _describe(name), MAX_IFNAME
            )
        )
    match = _IFNAME_RE.match(name)
    if not match:
        raise Invalid(
            "{} is not a valid {}: expected a driver name and a "
            "number such as bge0{}".format(
                _describe(name), what, " or bge0:1" if logical else ""
            )
        )
    if match.group("unit") is not None and not logical:
        raise Invalid(
            "{} is a logical interface; a physical interface such as {} "
            "is needed here".format(_describe(name), name.split(":")[0])
        )
    # ``inet6`` looks like a driver and a PPA; ifconfig reads it as the family
    not_keyword(name, what)
    return name


def physical(name):
    """Return the physical interface a (validated) name belongs to."""
    return name.split(":", 1)[0]


def group(name):
    """
    Validate an IPMP group name: 1 to 31 printable characters, no whitespace,
    no shell metacharacters, not starting with ``-`` or ``.``.
    """
    _require_str(name, "IPMP group name")
    if len(name) > MAX_GROUP:
        raise Invalid(
            "IPMP group name {} is longer than {} characters".format(
                _describe(name), MAX_GROUP
            )
        )
    if not _GROUP_RE.match(name):
        raise Invalid(
            "{} is not a valid IPMP group name: use letters, digits and "
            "_ . : + - (not first)".format(_describe(name))
        )
    not_keyword(name, "IPMP group name")
    return name


# ipadm (Solaris 11, illumos): address object tags, interface properties.
MAX_ADDROBJ_TAG = 32
_ADDROBJ_TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*\Z")
_IFPROP_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}\Z")
_IFPROP_VALUE_RE = re.compile(r"^[A-Za-z0-9_.:+-]+(?:,[A-Za-z0-9_.:+-]+)*\Z")
PROTOCOLS = ("ip", "ipv4", "ipv6")
MAX_MEMBERS = 64


def addrobj(name, bare=False):
    """
    Validate an ipadm address object name ``<interface>/<tag>`` and return
    it: a physical interface name, then a tag of 1 to 32 letters and digits
    whose first character is a letter (ipadm(8)).  ``bare=True`` also takes
    an interface name alone (Solaris 11 ``create-addr`` then makes up the
    tag).
    """
    _require_str(name, "address object")
    if "/" not in name:
        if bare:
            return interface(name, logical=False)
        raise Invalid(
            "{} is not an address object: expected <interface>/<tag> such as "
            "ipmp0/v4".format(_describe(name))
        )
    iface, tag = name.split("/", 1)
    try:
        interface(iface, logical=False)
    except Invalid as exc:
        raise Invalid("address object {}: {}".format(_describe(name), exc))
    if not tag or len(tag) > MAX_ADDROBJ_TAG or not _ADDROBJ_TAG_RE.match(tag):
        raise Invalid(
            "{} has a bad address object tag: 1 to {} letters and digits, the "
            "first a letter (such as v4 or test0)".format(_describe(name), MAX_ADDROBJ_TAG)
        )
    return name


def interfaces(names, what="interfaces"):
    """
    Validate a non-empty list of physical interface names that may join an
    IPMP group (a list, or one comma-separated string; not the loopback)
    without repeats and return it as a list.
    """
    if isinstance(names, str):
        names = [part.strip() for part in names.split(",")]
    if not isinstance(names, (list, tuple)) or not names:
        raise Invalid("{} must be a non-empty list of interface names".format(what))
    if len(names) > MAX_MEMBERS:
        raise Invalid("{}: at most {} interfaces".format(what, MAX_MEMBERS))
    seen = []
    for name in names:
        member(name, what)
        if name in seen:
            raise Invalid("{}: {} is named twice".format(what, _describe(name)))
        seen.append(name)
    return seen


def ifprop(name):
    """Validate an ipadm interface property name (``standby``, ``mtu``,
    ``exchange-routes``, ``exchange_routes``)."""
    _require_str(name, "property name")
    if not _IFPROP_RE.match(name):
        raise Invalid(
            "{} is not a valid property name: lower-case letters, digits, "
            "_ and -, starting with a letter".format(_describe(name))
        )
    return name


def _onoff(value, what):
    if value not in ("on", "off"):
        raise Invalid("{} must be on or off (or true/false), not {}".format(what, _describe(value)))


def _number(value, what):
    if not re.match(r"^[0-9]{1,10}\Z", value):
        raise Invalid("{} must be a whole number, not {}".format(what, _describe(value)))


def _usesrc(value, what):
    if value != "none":
        try:
            interface(value, logical=False)
        except Invalid as exc:
            raise Invalid("{}: {}".format(what, exc))


# The interface properties ipadm(8) sets (set-ifprop), by release: each
# with the check of its value.  Not here: Solaris 11's read-only ``group``
# (membership is add_ipmp/remove_ipmp), the other release's spelling of
# exchange-routes, and address properties (set-addrprop).
_IFPROPS_COMMON = {
    "arp": _onoff,
    "forwarding": _onoff,
    "nud": _onoff,
    "standby": _onoff,
    "metric": _number,
    "mtu": _number,
    "hoplimit": _number,
    "usesrc": _usesrc,
}
IFPROPS = {
    "solaris11": dict(_IFPROPS_COMMON, **{"exchange-routes": _onoff, "allow-xprobe": None}),
    "illumos": dict(_IFPROPS_COMMON, exchange_routes=_onoff),
}
_IFPROP_WHY = {
    "group": "IPMP membership is changed with ipadm add-ipmp/remove-ipmp",
    "exchange-routes": "illumos spells it exchange_routes",
    "exchange_routes": "Solaris 11 spells it exchange-routes",
}


def settable_ifprop(name, value, platform):  # pylint: disable=redefined-outer-name
    """
    Validate ``ipadm set-ifprop -p <name>=<value>`` for ``platform``
    (``solaris11``, ``illumos``) and return the value as ipadm takes it: the
    name must be one of that release's interface properties
    (:data:`IFPROPS`) and the value of its shape (``on``/``off``, a number,
    an interface).
    """
    ifprop(name)
    known = IFPROPS.get(platform, {})
    if name not in known:
        why = _IFPROP_WHY.get(name) or "not one of {}".format(", ".join(sorted(known)))
        raise Invalid(
            "property {} cannot be set with set-ifprop here: {}".format(_describe(name), why)
        )
    value = ifprop_value(value, "value of {}".format(name))
    if known[name] is not None:
        known[name](value, "value of {}".format(name))
    return value


def ifprop_value(value, what="property value"):
    """
    Validate an ipadm property value and return it as ipadm takes it: a
    bool becomes ``on``/``off``, an int its digits; a string must be one or
    more comma-separated words of letters, digits and ``_ . : + -``.
    """
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    _require_str(value, what)
    if len(value) > 255 or not _IFPROP_VALUE_RE.match(value):
        raise Invalid(
            "{} {} is not valid: comma-separated words of letters, digits and "
            "_ . : + -".format(what, _describe(value))
        )
    return value


def protocol(name):
    """Validate an ipadm protocol name (``ip``, ``ipv4``, ``ipv6``)."""
    if name not in PROTOCOLS:
        raise Invalid(
            "protocol must be one of {}, not {}".format(", ".join(PROTOCOLS), _describe(name))
        )
    return name


def family(name):
    """Validate an address family keyword (``inet`` or ``inet6``)."""
    if name not in FAMILIES:
        raise Invalid(
            "family must be 'inet' or 'inet6', not {}".format(_describe(name))
        )
    return name


_check_family = family


def _split_prefix(addr, what):
    if addr.count("/") > 1:
        raise Invalid("{} {} is malformed".format(what, _describe(addr)))
    if "/" in addr:
        base, prefix = addr.split("/", 1)
        if not prefix.isdigit() or len(prefix) > 3:
            raise Invalid(
                "{} {} has a bad prefix length".format(what, _describe(addr))
            )
        return base, int(prefix)
    return addr, None


def _is_ipv4(text):
    if not _IPV4_RE.match(text):
        return False
    return all(int(part) <= 255 for part in text.split("."))


def _is_ipv6(text):
    if ":" not in text or not re.match(r"^[0-9A-Fa-f:.]+\Z", text):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def address(addr, family=None):  # pylint: disable=redefined-outer-name
    """
    Validate an IPv4 or IPv6 address literal, with an optional ``/prefix``,
    and return it unchanged. ``family`` (``inet``/``inet6``) restricts it.
    """
    _require_str(addr, "address")
    if family is not None and family not in FAMILIES:
        raise Invalid(
            "family must be 'inet' or 'inet6', not {}".format(_describe(family))
        )
    base, prefix = _split_prefix(addr, "address")
    if _is_ipv4(base):
        found, limit = "inet", 32
    elif _is_ipv6(base):
        found, limit = "inet6", 128
    else:
        raise Invalid(
            "{} is not an IPv4 or IPv6 address".format(_describe(addr))
        )
    if prefix is not None and prefix > limit:
        raise Invalid(
            "prefix length of {} is larger than {}".format(_describe(addr), limit)
        )
    if family is not None and family != found:
        raise Invalid(
            "{} is an {} address; an {} address is needed here".format(
                _describe(addr),
                "IPv4" if found == "inet" else "IPv6",
                "IPv4" if family == "inet" else "IPv6",
            )
        )
    return addr


def is_address(text):
    """True when ``text`` is an address literal (no prefix)."""
    return isinstance(text, str) and (_is_ipv4(text) or _is_ipv6(text))


def hostname(name):
    """Validate an RFC 1123 host name (labels of letters, digits, ``-``)."""
    _require_str(name, "host name")
    if len(name) > 253:
        raise Invalid(
            "host name {} is longer than 253 characters".format(_describe(name))
        )
    labels = name.split(".")
    if not all(_LABEL_RE.match(label) for label in labels):
        raise Invalid(
            "{} is not a valid host name or address".format(_describe(name))
        )
    if re.match(r"^[0-9.]+\Z", name):
        # all-numeric dotted names are read as (bad) IPv4 addresses
        raise Invalid(
            "{} is not a valid IPv4 address".format(_describe(name))
        )
    if _INET_ATON_RE.match(name):
        raise Invalid(
            "{} is not a valid host name: resolvers that accept inet_aton's "
            "hex and octal forms read it as an IPv4 address".format(_describe(name))
        )
    not_keyword(name, "host name")
    return name


def host(name_or_addr, family=None):  # pylint: disable=redefined-outer-name
    """
    Validate an address literal or an RFC 1123 host name (which ifconfig
    resolves through ``/etc/inet/hosts``) and return it.
    """
    _require_str(name_or_addr, "host")
    if is_address(name_or_addr):
        return address(name_or_addr, family)
    if ":" in name_or_addr:
        raise Invalid(
            "{} is not a valid IPv6 address".format(_describe(name_or_addr))
        )
    return hostname(name_or_addr)


def host_prefix(value, family=None):  # pylint: disable=redefined-outer-name
    """A host or address with an optional ``/prefix`` (ifconfig accepts both)."""
    _require_str(value, "address")
    base, prefix = _split_prefix(value, "address")
    host(base, family)
    if prefix is not None:
        limit = 128 if (_is_ipv6(base) or family == "inet6") else 32
        if prefix > limit:
            raise Invalid(
                "prefix length of {} is larger than {}".format(
                    _describe(value), limit
                )
            )
    return value


def netmask(mask):
    """Validate a netmask: a contiguous dotted quad or ``+`` (look it up)."""
    _require_str(mask, "netmask")
    if mask == "+":
        return mask
    if not _is_ipv4(mask):
        raise Invalid(
            "netmask {} must be a dotted quad such as 255.255.255.0 or "
            "'+'".format(_describe(mask))
        )
    value = int(ipaddress.IPv4Address(mask))
    inverted = (~value) & 0xFFFFFFFF
    if inverted & (inverted + 1):
        raise Invalid(
            "netmask {} is not contiguous".format(_describe(mask))
        )
    if not value:
        raise Invalid(
            "netmask {} would put every address on this link".format(_describe(mask))
        )
    return mask


def broadcast(value):
    """Validate a broadcast address: an IPv4 literal or ``+``."""
    _require_str(value, "broadcast")
    if value == "+":
        return value
    if "/" in value:
        raise Invalid(
            "broadcast {} must be an IPv4 address without a /prefix".format(_describe(value))
        )
    return address(value, "inet")


def boolean(value, what):
    """Accept a real boolean (or 0/1) and return it as bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise Invalid(
        "{} must be True or False, not {}".format(what, _describe(value))
    )


def integer(value, what, minimum=None, maximum=None):
    """Accept an int (or a string of digits) within bounds and return it."""
    if isinstance(value, bool):
        raise Invalid("{} must be a number".format(what))
    if isinstance(value, str) and re.match(r"^[0-9]{1,9}\Z", value):
        value = int(value)
    if not isinstance(value, int):
        raise Invalid(
            "{} must be a whole number, not {}".format(what, _describe(value))
        )
    if minimum is not None and value < minimum:
        raise Invalid("{} must be at least {}".format(what, minimum))
    if maximum is not None and value > maximum:
        raise Invalid("{} must be at most {}".format(what, maximum))
    return value


def _int_token(minimum, maximum):
    def check(value, fam):  # pylint: disable=unused-argument
        if not re.match(r"^[0-9]{1,10}\Z", value):
            raise Invalid("expected a number")
        integer(int(value), "value", minimum, maximum)

    return check


def _pattern_token(regex, what):
    def check(value, fam):  # pylint: disable=unused-argument
        if not regex.match(value):
            raise Invalid("expected {}".format(what))

    return check


def _netmask_token(value, fam):  # pylint: disable=unused-argument
    netmask(value)


def _broadcast_token(value, fam):  # pylint: disable=unused-argument
    broadcast(value)


def _host_token(value, fam):
    host_prefix(value, fam)


def _host_only_token(value, fam):
    host(value, fam)


def _v6prefix_token(value, fam):  # pylint: disable=unused-argument
    base, prefix = _split_prefix(value, "token")
    address(base, "inet6")
    if prefix is None or prefix > 128:
        raise Invalid("expected an IPv6 token with a /prefix")


def _group_token(value, fam):  # pylint: disable=unused-argument
    if value != "":
        group(value)


def _usesrc_token(value, fam):  # pylint: disable=unused-argument
    if value != "none":
        interface(value, logical=False)


# ifconfig's Solaris 10 subcommands (the cmds[] table) that take no argument.
TOKENS_NOARG = frozenset(
    """up down trailers -trailers arp -arp router -router private -private
    xmit -xmit -nud nud anycast -anycast local -local deprecated -deprecated
    preferred -preferred debug verbose plumb unplumb auto-revarp failover
    -failover standby -standby failed -failed configinfo -encaplimit -zone
    all-zones modlist""".split()
)

# ... and those taking one argument, with the check for it.
TOKENS_ARG = {
    "metric": _int_token(0, 2147483647),
    "mtu": _int_token(1, 2147483647),
    "index": _int_token(1, 2147483647),
    "netmask": _netmask_token,
    "broadcast": _broadcast_token,
    "subnet": _host_token,
    "token": _v6prefix_token,
    "tsrc": _host_only_token,
    "tdst": _host_only_token,
    "encr_auth_algs": _pattern_token(_ALGS_RE, "an algorithm name"),
    "encr_algs": _pattern_token(_ALGS_RE, "an algorithm name"),
    "auth_algs": _pattern_token(_ALGS_RE, "an algorithm name"),
    "addif": _host_token,
    "removeif": _host_token,
    "modinsert": _pattern_token(_MODPOS_RE, "module@position"),
    "modremove": _pattern_token(_MODPOS_RE, "module@position"),
    "group": _group_token,
    "encaplimit": _int_token(0, 255),
    "thoplimit": _int_token(0, 255),
    "set": _host_token,
    "destination": _host_only_token,
    "zone": _pattern_token(_ZONE_RE, "a zone name"),
    "ether": _pattern_token(_MAC_RE, "a MAC address such as 0:14:4f:69:c2:c8"),
    "usesrc": _usesrc_token,
}

# Words that are not ifconfig subcommands in this grammar, with the reason.
TOKENS_REFUSED = {
    "inet": "the address family is given separately (family=)",
    "inet6": "the address family is given separately (family=)",
    "dhcp": "DHCP is configured with /etc/dhcp.<interface>, not here",
    "auto-dhcp": "DHCP is configured with /etc/dhcp.<interface>, not here",
    "ipmp": "IPMP interfaces (ipmpN) exist only on Solaris 11 and illumos",
}

# Every word ifconfig's grammar gives a meaning to (Solaris 10's cmds[], the
# address family words, and illumos's ``ipmp``), plus ``+``: none of them can
# be a host name, a group name or an address, or ifconfig would read it as a
# subcommand (``address: down`` would run ``ifconfig bge0 inet down ...``).
KEYWORDS = frozenset(
    set(TOKENS_NOARG) | set(TOKENS_ARG) | set(TOKENS_REFUSED) | {"+", "ipmp", "all-zones"}
)

# The words ``extra`` may carry: tunables that change neither the interface's
# membership (group, standby, failover), its state (up, down, failed,
# plumb), nor its identity (addresses, MAC, index, zone, family), and that
# leave in.mpathd able to probe and fail over (ARP on, transmit on).  Each
# maps to the check of its argument, or None for a word without one.
EXTRA_WORDS = {
    "mtu": _int_token(68, 65535),
    "metric": _int_token(0, 2147483647),
    "private": None,
    "-private": None,
    "router": None,
    "-router": None,
    "arp": None,
    "xmit": None,
    "trailers": None,
    "-trailers": None,
}

#: Why a grammar word is refused in ``extra``, by kind.
_EXTRA_WHY = (
    (("group", "standby", "-standby", "failover", "-failover"),
     "it changes the interface's IPMP membership; use the group, standby and "
     "test_address keys"),
    (("failed", "-failed", "down", "up", "plumb", "unplumb", "offline"),
     "it changes the interface's state, which salt-ipmp and in.mpathd manage"),
    (("ether", "addif", "removeif", "dhcp", "auto-dhcp", "auto-revarp", "inet",
      "inet6", "set", "destination", "index", "zone", "-zone", "all-zones",
      "subnet", "token", "deprecated", "-deprecated", "ipmp", "usesrc",
      "anycast", "-anycast", "local", "-local", "tsrc", "tdst"),
     "it changes the interface's identity (address, MAC, index, zone or family)"),
    (("netmask", "broadcast"), "use the netmask key"),
    (("-arp", "-xmit"),
     "in.mpathd needs ARP and transmission on a group member to probe and fail over"),
)


def extra_refusal(word):
    """Why ``word`` may not be an ``extra`` word, or None when it may."""
    if word in EXTRA_WORDS:
        return None
    for words, why in _EXTRA_WHY:
        if word in words:
            return why
    if word in KEYWORDS:
        return "only {} are accepted there".format(", ".join(sorted(EXTRA_WORDS)))
    return "it is not one of the ifconfig words accepted there ({})".format(
        ", ".join(sorted(EXTRA_WORDS))
    )


def not_keyword(name, what):
    """Refuse ``name`` when ifconfig would read it as a keyword."""
    if isinstance(name, str) and name.lower() in KEYWORDS:
        raise Invalid(
            "{} {} is an ifconfig keyword; ifconfig would read it as a "
            "subcommand, not as a name".format(what, _describe(name))
        )
    return name


MAX_TOKENS = 256
MAX_TOKEN_LEN = 255


def tokens(words, family="inet"):  # pylint: disable=redefined-outer-name
    """
    Validate a list of ``ifconfig`` arguments against the Solaris 10
    subcommand grammar (what may follow ``ifconfig <if> <family>``) and
    return it as a new list. Used for hostname files and ``configure``.

    Each word must be a known subcommand with a valid argument, or an
    address / host name (ifconfig reads any other word as one).
    """
    fam = _check_family(family)
    if isinstance(words, (str, bytes)) or not isinstance(words, (list, tuple)):
        raise Invalid(
            "ifconfig tokens must be a list of strings, not {}".format(
                type(words).__name__
            )
        )
    if len(words) > MAX_TOKENS:
        raise Invalid("too many ifconfig tokens ({})".format(len(words)))
    for word in words:
        if not isinstance(word, str):
            raise Invalid(
                "ifconfig token {} is not a string".format(_describe(word))
            )
        if len(word) > MAX_TOKEN_LEN:
            raise Invalid(
                "ifconfig token {} is too long".format(_describe(word))
            )
        if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in word):
            raise Invalid(
                "ifconfig token {} contains whitespace or a control character "
                "(CRLF line endings?)".format(_describe(word))
            )
    result = []
    pos = 0
    while pos < len(words):
        word = words[pos]
        if word in TOKENS_NOARG:
            result.append(word)
            pos += 1
            continue
        if word in TOKENS_ARG:
            if pos + 1 >= len(words):
                raise Invalid(
                    "ifconfig '{}' needs an argument".format(word)
                )
            value = words[pos + 1]
            try:
                TOKENS_ARG[word](value, fam)
            except Invalid as exc:
                raise Invalid(
                    "bad argument {} for ifconfig '{}': {}".format(
                        _describe(value), word, exc
                    )
                )
            result.extend([word, value])
            pos += 2
            continue
        if word in TOKENS_REFUSED:
            raise Invalid(
                "ifconfig token '{}' is not accepted: {}".format(
                    word, TOKENS_REFUSED[word]
                )
            )
        if word.startswith("-"):
            raise Invalid(
                "{} is not an ifconfig subcommand".format(_describe(word))
            )
        try:
            host_prefix(word, fam)
        except Invalid as exc:
            raise Invalid(
                "{} is neither an ifconfig subcommand nor an address: {}".format(
                    _describe(word), exc
                )
            )
        result.append(word)
        pos += 1
    return result


def split_hostname_file(text):
    """
    Split the text of ``/etc/hostname.<if>`` into lines of words the way the
    Solaris 10 boot script's ``while read line`` does: a trailing backslash
    continues a line, words are separated by blanks and tabs. Returns a list
    of lists; blank lines are kept as empty lists (the one-line rule counts
    them). Characters a shell would treat specially are left in place for
    :func:`tokens` to refuse.
    """
    if not isinstance(text, str):
        raise Invalid("hostname file text must be a string")
    if "\x00" in text:
        raise Invalid("hostname file contains a NUL byte")
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    lines = []
    pending = ""
    for line in raw:
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending += line[:-1]
            continue
        lines.append(pending + line)
        pending = ""
    if pending:
        lines.append(pending)
    return [[w for w in re.split(r"[ \t]+", line) if w] for line in lines]


def hostname_file_commands(text, family="inet"):  # pylint: disable=redefined-outer-name
    """
    Turn hostname-file text into the ifconfig argument lists (after
    ``<if> <family>``) that Solaris 10's boot scripts would run, validating
    every word first.

    IPv4 (``inet_process_hostname``): each non-blank line is one call; if no
    line ran before the last one (the traditional one-line file),
    ``netmask + broadcast + up`` is appended to it. A blank line counts, so a
    one-line file followed by a blank line gets nothing appended.
    IPv6 (``inet6_process_hostname``): each non-blank line is one call, then
    ``up``.
    """
    fam = _check_family(family)
    lines = split_hostname_file(text)
    for number, words in enumerate(lines, 1):
        try:
            tokens(words, fam)
        except Invalid as exc:
            raise Invalid("line {}: {}".format(number, exc))
    commands = []
    if fam == "inet6":
        commands = [list(words) for words in lines if words]
        commands.append(["up"])
        return commands
    pending = []
    multiple = False
    for words in lines:
        if pending:
            commands.append(pending)
            multiple = True
        pending = list(words)
    if not pending:
        return commands
    if not multiple:
        pending = pending + ["netmask", "+", "broadcast", "+", "up"]
    commands.append(pending)
    return commands

def extra(words, what="extra"):
    """
    Validate extra ifconfig words (pillar ``extra``, ``ipmp_hostname``'s
    ``extra``) and return them as a list of words (a string is split on
    blanks; numbers become words).

    Only the words of :data:`EXTRA_WORDS` are accepted, each with the
    argument shape ifconfig's grammar gives it (``mtu 9000``): tunables that
    change neither membership, state nor identity.  Everything else the
    grammar knows (``group``, ``standby``, ``-failover``, ``failed``,
    ``down``, ``unplumb``, ``ether``, ``addif``, ...) and any bare host name
    or address is refused, saying why.
    """
    if words is None:
        return []
    if isinstance(words, str):
        words = words.split()
    if not isinstance(words, (list, tuple)):
        raise Invalid("{} must be a list of ifconfig words".format(what))
    out = []
    for word in words:
        if isinstance(word, bool) or not isinstance(word, (str, int)):
            raise Invalid("{}: {} is not an ifconfig word".format(what, _describe(word)))
        out.append(str(word))
    try:
        checked = tokens(out, "inet")
    except Invalid as exc:
        raise Invalid("{}: {}".format(what, exc))
    pos = 0
    while pos < len(checked):
        word = checked[pos]
        why = extra_refusal(word)
        if why:
            raise Invalid("{}: {} is not accepted: {}".format(what, _describe(word), why))
        check = EXTRA_WORDS[word]
        if check is not None:
            value = checked[pos + 1]
            try:
                check(value, "inet")
            except Invalid as exc:
                raise Invalid(
                    "{}: bad argument {} for {!r}: {}".format(what, _describe(value), word, exc)
                )
            pos += 2
        else:
            pos += 1
    return checked


def strict_boolean(value, what):
    """A real boolean (``True``/``False``), nothing else: ``"no"`` is a
    string, and ``bool("no")`` is True."""
    if isinstance(value, bool):
        return value
    raise Invalid(
        "{} must be true or false, not {}".format(what, _describe(value))
    )


def member(name, what="interface name"):
    """Validate a physical interface that may join an IPMP group: not the
    loopback (``lo0``)."""
    try:
        interface(name, logical=False)
    except Invalid as exc:
        if what == "interface name":
            raise
        raise Invalid("{}: {}".format(what, exc))
    if re.match(r"^lo[0-9]", name):
        raise Invalid(
            "{} {} is the loopback interface; it cannot be an IPMP group member".format(
                what, _describe(name)
            )
        )
    return name


def usable_address(addr, what="data address", link_local=True):
    """Refuse an address no host can use as its own data or test address:
    unspecified (0.0.0.0, ::), loopback (127/8, ::1), limited broadcast
    (255.255.255.255), multicast, an IPv6 address that only carries an
    IPv4 one (``::ffff:a.b.c.d``, ``::a.b.c.d``), a ``/0`` prefix and,
    with ``link_local=False`` (IPv6 data addresses: in.mpathd moves them
    between interfaces, a link-local one belongs to its own), a link-local
    address.  ``addr`` is a literal; host names pass (their address is
    checked once resolved).  Returns ``addr``."""
    if not isinstance(addr, str):
        return addr
    base, _, prefix = addr.partition("/")
    try:
        parsed = ipaddress.ip_address(base)
    except ValueError:
        return addr
    why = None
    if parsed.is_unspecified:
        why = "the unspecified address"
    elif parsed.is_loopback:
        why = "a loopback address"
    elif parsed.version == 4 and int(parsed) == 0xFFFFFFFF:
        why = "the broadcast address"
    elif parsed.is_multicast:
        why = "a multicast address"
    elif parsed.version == 6 and (parsed.ipv4_mapped or int(parsed) >> 32 == 0):
        why = "an IPv4 address written as IPv6 (use the IPv4 address)"
    elif parsed.version == 6 and parsed.is_link_local and not link_local:
        why = "a link-local address (each interface has its own; only test addresses may be one)"
    elif prefix.strip("0") == "" and prefix:
        why = "given a /0 prefix (every address on this link)"
    if why:
        raise Invalid(
            "{} {} is {}; it cannot be an interface's address".format(what, _describe(addr), why)
        )
    return addr


#: Names /etc/inet/hosts must keep for the loopback (``127.0.0.1 localhost``).
RESERVED_HOSTS = ("localhost", "loghost")


def hosts_entry(name, addresses, what="hosts", addresses_what=None):
    """Validate one ``/etc/inet/hosts`` entry salt-ipmp writes: a host name
    (not an address, not an ifconfig keyword, not ``localhost``) and one or
    more usable addresses.  Returns ``(name, [normalised addresses])``.
    Refusals start with ``what`` (``what:name`` for an address), or with
    ``addresses_what`` for an address when it is given (a state's ``ip``)."""
    if isinstance(name, bool) or not isinstance(name, str):
        raise Invalid("{}: {} is not a host name".format(what, _describe(name)))
    if is_address(name):
        raise Invalid("{}: {} is an address, not a host name".format(what, _describe(name)))
    try:
        hostname(name)
    except Invalid as exc:
        raise Invalid("{}: {}".format(what, exc))
    if name.lower() in RESERVED_HOSTS:
        raise Invalid(
            "{}: {} is the loopback's name in /etc/inet/hosts; salt-ipmp does not "
            "move it".format(what, _describe(name))
        )
    values = addresses if isinstance(addresses, (list, tuple)) else [addresses]
    where = addresses_what or "{}:{}".format(what, name)
    if not values:
        raise Invalid("{}: needs an address".format(where))
    out = []
    for addr in values:
        if isinstance(addr, bool) or not isinstance(addr, str) or not is_address(addr):
            raise Invalid(
                "{}: {} is not an IPv4 or IPv6 address".format(where, _describe(addr))
            )
        try:
            usable_address(addr, "address")
        except Invalid as exc:
            raise Invalid("{}: {}".format(where, exc))
        norm = str(ipaddress.ip_address(addr))
        if norm not in out:
            out.append(norm)
    return name, out


def root_path(root, path):
    """
    Return ``path`` (absolute, e.g. ``/etc/default/mpathd``) under ``root``
    (``ipmp.root``: ``/`` normally, ``/a`` for an alternate boot environment).
    Refuses relative roots and ``..`` anywhere.
    """
    root = "/" if root in (None, "") else root
    if not isinstance(root, str) or not os.path.isabs(root):
        raise Invalid(
            "ipmp.root must be an absolute path, not {}".format(_describe(root))
        )
    _require_str(path, "path")
    for what, part in (("ipmp.root", root), ("path", path)):
        if "\x00" in part or "\n" in part:
            raise Invalid("{} {} is not allowed".format(what, _describe(part)))
        if ".." in part.split("/"):
            raise Invalid(
                "{} {} must not contain '..'".format(what, _describe(part))
            )
    return os.path.join(root, path.lstrip("/"))
