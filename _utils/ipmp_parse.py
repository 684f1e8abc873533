# -*- coding: utf-8 -*-
"""
Pure parsers for the text that Solaris 10 (and illumos) network tools print.

Nothing here runs a command or imports Salt: the execution modules run the
tools through ``ipmp_cmd`` and hand the text to these functions, so that the
parsing can be tested without a Solaris host.  The layouts follow the format
strings of the tools' sources (``ifconfig.c``, ``dladm.c``, libofmt, libcmd
``deflt.c`` and in.mpathd ``mpd_main.c``), not screen-scraping heuristics.

Shipped to minions through ``_utils``: Python 3.6 compatible, standard
library only, no relative imports.
"""

import re

__virtualname__ = "ipmp_parse"


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


# ---------------------------------------------------------------------------
# Interface flags (net/if.h; printing order from ifconfig.c if_flags_tbl[])
# ---------------------------------------------------------------------------

#: name -> bit for every flag name ifconfig can print.  MIP (Solaris 10) and
#: NOACCEPT (illumos) share bit 0x4000000.  NOLINKLOCAL has no printed name.
FLAG_BITS = {
    "UP": 0x1,
    "BROADCAST": 0x2,
    "DEBUG": 0x4,
    "LOOPBACK": 0x8,
    "POINTOPOINT": 0x10,
    "NOTRAILERS": 0x20,
    "RUNNING": 0x40,
    "NOARP": 0x80,
    "PROMISC": 0x100,
    "ALLMULTI": 0x200,
    "INTELLIGENT": 0x400,
    "MULTICAST": 0x800,
    "MULTI_BCAST": 0x1000,
    "UNNUMBERED": 0x2000,
    "DHCP": 0x4000,
    "PRIVATE": 0x8000,
    "NOXMIT": 0x10000,
    "NOLOCAL": 0x20000,
    "DEPRECATED": 0x40000,
    "ADDRCONF": 0x80000,
    "ROUTER": 0x100000,
    "NONUD": 0x200000,
    "ANYCAST": 0x400000,
    "NORTEXCH": 0x800000,
    "IPv4": 0x1000000,
    "IPv6": 0x2000000,
    "MIP": 0x4000000,
    "NOACCEPT": 0x4000000,
    "NOFAILOVER": 0x8000000,
    "FAILED": 0x10000000,
    "STANDBY": 0x20000000,
    "INACTIVE": 0x40000000,
    "OFFLINE": 0x80000000,
    "XRESOLV": 0x100000000,
    "CoS": 0x200000000,
    "PREFERRED": 0x400000000,
    "TEMPORARY": 0x800000000,
    "FIXEDMTU": 0x1000000000,
    "VIRTUAL": 0x2000000000,
    "DUPLICATE": 0x4000000000,
    "IPMP": 0x8000000000,
    "VRRP": 0x10000000000,
    "L3PROTECT": 0x40000000000,
}

_COMMON_ORDER = (
    "UP BROADCAST DEBUG LOOPBACK POINTOPOINT NOTRAILERS RUNNING NOARP PROMISC "
    "ALLMULTI INTELLIGENT MULTICAST MULTI_BCAST UNNUMBERED DHCP PRIVATE NOXMIT "
    "NOLOCAL DEPRECATED ADDRCONF ROUTER NONUD ANYCAST NORTEXCH IPv4 IPv6"
).split()
_TAIL_ORDER = (
    "NOFAILOVER FAILED STANDBY INACTIVE OFFLINE XRESOLV CoS PREFERRED TEMPORARY "
    "FIXEDMTU VIRTUAL DUPLICATE"
).split()

#: printing order of ifconfig's flag table per code line
FLAG_ORDER = {
    "solaris10": tuple(_COMMON_ORDER + ["MIP"] + _TAIL_ORDER),
    "illumos": tuple(
        _COMMON_ORDER + _TAIL_ORDER + ["IPMP", "VRRP", "NOACCEPT", "L3PROTECT"]
    ),
}

_NOLINKLOCAL = 0x20000000000
_ILLUMOS_ONLY_BITS = (
    FLAG_BITS["IPMP"] | FLAG_BITS["VRRP"] | FLAG_BITS["L3PROTECT"] | _NOLINKLOCAL
)


def decode_flags(value, flavor=None):
    """
    Names of the flags set in ``value``, in the order ifconfig prints them.

    ``flavor`` is ``"solaris10"`` (bit 0x4000000 is MIP) or ``"illumos"``
    (it is NOACCEPT; IPMP, VRRP, L3PROTECT exist).  Without it, the value is
    taken as illumos only when it carries a bit Solaris 10 does not have.
    """
    value = int(value)
    if flavor is None:
        flavor = "illumos" if value & _ILLUMOS_ONLY_BITS else "solaris10"
    if flavor not in FLAG_ORDER:
        raise ValueError("unknown flavor {!r}".format(flavor))
    return [name for name in FLAG_ORDER[flavor] if value & FLAG_BITS[name]]


def encode_flags(names):
    """OR of the bits of the given flag names (unknown names raise KeyError)."""
    value = 0
    for name in names:
        value |= FLAG_BITS[name]
    return value


# ---------------------------------------------------------------------------
# Small value helpers
# ---------------------------------------------------------------------------


def hex_to_netmask(text):
    """``ffffff00`` (ifconfig's ``netmask %x``) -> ``255.255.255.0``."""
    value = int(text, 16)
    if value < 0 or value > 0xFFFFFFFF:
        raise ValueError("netmask out of range: {}".format(text))
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def normalize_mac(text):
    """``0:14:4f:9:c2:c8`` (leading zeros dropped by Solaris) -> ``00:14:4f:09:c2:c8``."""
    parts = text.strip().split(":")
    try:
        octets = [int(part, 16) for part in parts]
    except ValueError:
        return text.strip().lower()
    if any(octet < 0 or octet > 0xFF for octet in octets):
        return text.strip().lower()
    return ":".join("{:02x}".format(octet) for octet in octets)


def _to_int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _as_text(text):
    if text is None:
        return ""
    if isinstance(text, bytes):
        return text.decode("utf-8", "replace")
    return text


# ---------------------------------------------------------------------------
# ifconfig -a
# ---------------------------------------------------------------------------

# A stanza starts with "name: flags=HEX" (name may be logical, "bge0:1"); the
# <NAMES> list is printed only when a named flag is set.  Stanzas are found
# anywhere in the text so that scrapes with collapsed whitespace still parse.
_STANZA_RE = re.compile(
    r"(?:^|(?<=\s))(?P<name>[^\s:][^\s]*?):[ \t]*flags=(?P<hex>[0-9A-Fa-f]+)"
    r"(?:<(?P<names>[^<>\s]*)>)?"
)

# Words that start a field; a value token is never one of these.
_IFCONFIG_KEYWORDS = frozenset(
    (
        "inet", "inet6", "subnet", "-->", "netmask", "broadcast", "groupname",
        "ether", "ipib", "zone", "all-zones", "srcof", "usesrc", "mtu", "index",
        "metric", "tunnel", "token",
    )
)
_INT_FIELDS = ("mtu", "index", "metric")


def _value_after(tokens, i):
    """The token after position i unless it is missing or a keyword."""
    if i + 1 < len(tokens) and tokens[i + 1] not in _IFCONFIG_KEYWORDS:
        return tokens[i + 1]
    return None


# Stanza keywords whose one value is stored as printed, under this key.
_VALUE_KEYS = {
    "-->": "destination",
    "subnet": "subnet",
    "broadcast": "broadcast",
    "groupname": "groupname",
    "zone": "zone",
}


def _parse_stanza_line(tokens, fam, iface):
    """Fold one line's tokens into the family dict ``fam`` / interface ``iface``."""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        value = _value_after(tokens, i)
        if tok in _INT_FIELDS:
            number = _to_int(value)
            if number is not None:
                fam[tok] = number
                i += 1
        elif tok == "inet" or tok == "inet6":
            if value is not None:
                if tok == "inet6" and "/" in value:
                    address, _, prefix = value.partition("/")
                    fam["address"] = address
                    if _to_int(prefix) is not None:
                        fam["prefixlen"] = int(prefix)
                else:
                    fam["address"] = value
                i += 1
        elif tok in _VALUE_KEYS:
            if value is not None:
                fam[_VALUE_KEYS[tok]] = value
                i += 1
        elif tok == "netmask":
            if value is not None:
                try:
                    fam["netmask"] = (
                        value if "." in value else hex_to_netmask(value)
                    )
                except ValueError:
                    fam["netmask"] = value
                i += 1
        elif tok == "all-zones":
            fam["all_zones"] = True
        elif tok == "srcof":
            names = []
            while i + 1 < len(tokens) and tokens[i + 1] not in _IFCONFIG_KEYWORDS:
                names.append(tokens[i + 1])
                i += 1
            if names:
                fam["srcof"] = names
        elif tok == "usesrc":
            if value == "ifIndex" and i + 2 < len(tokens):
                number = _to_int(tokens[i + 2])
                if number is not None:
                    fam["usesrc_index"] = number
                i += 2
            elif value is not None:
                fam["usesrc"] = value
                i += 1
        elif tok in ("ether", "ipib"):
            if value is not None:
                iface[tok] = normalize_mac(value)
                i += 1
        elif tok == "tunnel":
            # "inet tunnel src A tunnel dst B", "tunnel hop limit N", ...
            if value in ("src", "dst") and i + 2 < len(tokens):
                fam["tunnel_" + value] = tokens[i + 2]
                i += 2
            else:
                return
        elif tok == "token":
            # only printed with -v; the rest of that line is diagnostics
            return
        i += 1


def ifconfig(text):
    """
    Parse ``ifconfig -a`` (or ``ifconfig <if>`` / ``ifconfig <if> inet6``).

    Returns ``{name: {"inet": {...}, "inet6": {...}, "ether": mac}}`` with one
    entry per interface name as printed (``bge0``, ``bge0:1``).  The IPv4 and
    IPv6 stanzas of a name merge into one entry.  Keys with no value on the
    host are absent; ints are ints; netmasks dotted quads; MACs two-digit
    lower case.  Any whitespace run is accepted where Solaris prints a TAB.
    """
    text = _as_text(text)
    result = {}
    matches = list(_STANZA_RE.finditer(text))
    for pos, match in enumerate(matches):
        end = matches[pos + 1].start() if pos + 1 < len(matches) else len(text)
        body = text[match.end():end]
        name = match.group("name")
        flags_value = int(match.group("hex"), 16)
        if match.group("names") is not None:
            flags = [f for f in match.group("names").split(",") if f]
        else:
            flags = decode_flags(flags_value)
        if flags_value & FLAG_BITS["IPv6"]:
            family = "inet6"
        elif flags_value & FLAG_BITS["IPv4"]:
            family = "inet"
        else:
            # v4-compat output drops IPv4; fall back on the address line
            family = "inet6" if re.search(r"(?:^|\s)inet6\s", body) else "inet"
        fam = {"flags": flags}
        iface = result.setdefault(name, {})
        for line in body.splitlines():
            _parse_stanza_line(line.split(), fam, iface)
        iface[family] = fam
    return result


# ---------------------------------------------------------------------------
# dladm, Solaris 10 (old dladm.c)
# ---------------------------------------------------------------------------

_S10_LINK_P_RE = re.compile(
    r"(?P<name>\S+)[ \t]+type=(?P<type>non-vlan|legacy|vlan[ \t]+\d+)[ \t]+"
    r"mtu=(?P<mtu>\d+)[ \t]+(?:device=(?P<device>\S+)|key=(?P<key>\d+))"
)
_S10_LINK_H_RE = re.compile(
    r"(?P<name>\S+)[ \t]+type:[ \t]+(?P<type>non-vlan|legacy|vlan[ \t]+\d+)[ \t]+"
    r"mtu:[ \t]+(?P<mtu>\d+)[ \t]+"
    r"(?:device:[ \t]+(?P<device>\S+)|aggregation:[ \t]+key[ \t]+(?P<key>\d+))"
)
_S10_DEV_P_RE = re.compile(
    r"(?P<name>\S+)[ \t]+link=(?P<link>\S+)[ \t]+speed=(?P<speed>\d+)[ \t]+"
    r"duplex=(?P<duplex>\S+)"
)
_S10_DEV_H_RE = re.compile(
    r"(?P<name>\S+)[ \t]+link:[ \t]+(?P<link>\S+)[ \t]+speed:[ \t]+(?P<speed>\d+)"
    r"[ \t]+Mbps[ \t]+duplex:[ \t]+(?P<duplex>\S+)"
)


def dladm_show_link(text):
    """
    Parse Solaris 10 ``dladm show-link -p`` (``name type=vlan 876 mtu=1500
    device=e1000g0``); the human TAB layout is accepted too.

    Returns ``{link: {"type": "non-vlan"|"vlan"|"legacy"|"aggr", "mtu": int,
    "device": str, "vid": int (VLANs), "key": int (over an aggregation),
    "gldv3": bool}}``.  A VLAN over an aggregation keeps type ``vlan`` and
    carries ``key``; ``gldv3`` is false only for ``legacy``.
    """
    text = _as_text(text)
    result = {}
    for line in text.splitlines():
        found = list(_S10_LINK_P_RE.finditer(line)) or list(
            _S10_LINK_H_RE.finditer(line)
        )
        for match in found:
            kind = match.group("type")
            entry = {"mtu": int(match.group("mtu"))}
            if kind.startswith("vlan"):
                entry["type"] = "vlan"
                entry["vid"] = int(kind.split()[1])
            elif match.group("key") is not None:
                entry["type"] = "aggr"
            else:
                entry["type"] = kind
            if match.group("device") is not None:
                entry["device"] = match.group("device")
            if match.group("key") is not None:
                entry["key"] = int(match.group("key"))
            entry["gldv3"] = kind != "legacy"
            result[match.group("name")] = entry
    return result


def dladm_show_dev(text):
    """
    Parse Solaris 10 ``dladm show-dev -p`` (``e1000g0 link=up speed=1000
    duplex=full``); the human layout (``speed: 1000  Mbps``) is accepted too.

    Returns ``{dev: {"link": "up"|"down"|"unknown", "speed": int (Mb/s),
    "duplex": "full"|"half"|"unknown"}}``.
    """
    text = _as_text(text)
    result = {}
    for line in text.splitlines():
        found = list(_S10_DEV_P_RE.finditer(line)) or list(
            _S10_DEV_H_RE.finditer(line)
        )
        for match in found:
            result[match.group("name")] = {
                "link": match.group("link"),
                "speed": int(match.group("speed")),
                "duplex": match.group("duplex"),
            }
    return result


# ---------------------------------------------------------------------------
# illumos / Solaris 11: libofmt parsable output (-p -o) and human tables
# ---------------------------------------------------------------------------


def ofmt_split(line):
    """
    Split one libofmt parsable line: fields are separated by ``:``; a ``:``
    or ``\\`` inside a field is printed as ``\\:`` / ``\\\\``.
    """
    line = _as_text(line).rstrip("\r\n")
    fields = []
    current = []
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line) and line[i + 1] in ":\\":
            current.append(line[i + 1])
            i += 2
            continue
        if char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    fields.append("".join(current))
    return fields


def _field_list(fields):
    if isinstance(fields, str):
        fields = fields.split(",")
    names = [str(f).strip().lower() for f in fields if str(f).strip()]
    if not names:
        raise ValueError("no output fields given")
    return names


def ofmt(text, fields):
    """
    Parse libofmt parsable output (``dladm ... -p -o``, ``ipmpstat -P -o``)
    into a list of ``{field: value}`` dicts, one per line.

    ``fields`` is the ``-o`` list (list or comma string, case-insensitive).
    With a single field libofmt does not escape, so the line is taken whole.
    Fields missing at the end of a short line are absent.
    """
    names = _field_list(fields)
    rows = []
    for line in _as_text(text).splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            continue
        values = [line] if len(names) == 1 else ofmt_split(line)
        rows.append(dict(zip(names, values)))
    return rows


def _blank(value):
    """ofmt prints undefined values as '' (parsable) or '--' (human)."""
    return value is None or value.strip() in ("", "--", "?")


def _over_list(value):
    if _blank(value):
        return []
    return [part for part in re.split(r"[,\s]+", value) if part and part != "--"]


def _link_entry(row):
    entry = {}
    for key in ("class", "state", "bridge"):
        if key in row and not _blank(row[key]):
            entry[key] = row[key].strip()
    if "mtu" in row and _to_int(row["mtu"]) is not None:
        entry["mtu"] = int(row["mtu"])
    if "over" in row:
        entry["over"] = _over_list(row["over"])
    entry["gldv3"] = True
    return entry


def _phys_entry(row):
    entry = {}
    for key in ("media", "state", "duplex", "device", "flags"):
        if key in row and not _blank(row[key]):
            entry[key] = row[key].strip()
    if "state" in entry:
        # same key as Solaris 10 show-dev, so callers need not care
        entry["link"] = entry["state"]
    if "speed" in row and _to_int(row["speed"]) is not None:
        entry["speed"] = int(row["speed"])
    return entry


def _keyed(rows, builder, key="link"):
    result = {}
    for row in rows:
        name = row.get(key)
        if _blank(name):
            continue
        result[name.strip()] = builder(row)
    return result


def _need_link_field(fields):
    names = _field_list(fields)
    if "link" not in names:
        raise ValueError("the -o field list must include 'link'")
    return names


def dladm_show_link_ofmt(text, fields):
    """
    Parse illumos ``dladm show-link -p -o <fields>`` (fields must include
    ``link``).  Returns ``{link: {"class": str, "mtu": int, "state": str,
    "bridge": str, "over": [links], "gldv3": True}}`` for the fields asked;
    ``over`` is a list (split on ``,`` or blanks), empty when nothing.
    """
    names = _need_link_field(fields)
    return _keyed(ofmt(text, names), _link_entry)


def dladm_show_phys_ofmt(text, fields):
    """
    Parse illumos ``dladm show-phys -p -o <fields>`` (fields must include
    ``link``).  Returns ``{link: {"media": str, "state": str, "link": state,
    "speed": int (Mb/s), "duplex": str, "device": str, "flags": str}}``.
    """
    names = _need_link_field(fields)
    return _keyed(ofmt(text, names), _phys_entry)


def table(text):
    """
    Parse a human column table (dladm, ipmpstat without -p): the first
    non-blank line is the upper-case header; each row is split on
    whitespace, the last column taking the rest of the line (OVER,
    INTERFACES, TARGETS hold blank-separated lists).  Repeated headers are
    skipped, rows indented under the previous one (ofmt wrap) are joined to
    its last column, and missing trailing values are absent.  Values are raw
    (``--`` kept).  Returns a list of ``{lower-case column: value}``.
    """
    header = None
    rows = []
    for line in _as_text(text).splitlines():
        if not line.strip():
            continue
        tokens = line.split()
        if header is None:
            header = tokens
            continue
        if tokens == header:
            continue
        if line[:1].isspace() and rows:
            last_key = header[len(rows[-1]) - 1].lower()
            previous = rows[-1][last_key]
            glue = "" if previous.endswith(",") else " "
            rows[-1][last_key] = previous + glue + line.strip()
            continue
        values = line.strip().split(None, len(header) - 1)
        rows.append(dict(zip([h.lower() for h in header], values)))
    return rows


def dladm_show_link_table(text):
    """Human ``dladm show-link`` (illumos / Solaris 11) -> same shape as the -p -o form."""
    return _keyed(table(text), _link_entry)


def dladm_show_phys_table(text):
    """Human ``dladm show-phys`` (illumos / Solaris 11) -> same shape as the -p -o form."""
    return _keyed(table(text), _phys_entry)


def ipmpstat_interfaces(value):
    """
    Split ipmpstat's INTERFACES column (``fops0 fops3 (fops2) [fops1]``) into
    ``{"active": [...], "inactive": [...], "unusable": [...]}``.
    """
    result = {"active": [], "inactive": [], "unusable": []}
    if _blank(value):
        return result
    for part in re.findall(r"\([^)]*\)|\[[^\]]*\]|[^\s()\[\]]+", value):
        if part.startswith("("):
            result["inactive"].extend(part[1:-1].split())
        elif part.startswith("["):
            result["unusable"].extend(part[1:-1].split())
        else:
            result["active"].append(part)
    return result


# ---------------------------------------------------------------------------
# /etc/default/mpathd, read exactly like in.mpathd (getdefault + defread)
# ---------------------------------------------------------------------------

MPATHD_DEFAULTS = {
    "FAILURE_DETECTION_TIME": 10000,
    "FAILBACK": True,
    "TRACK_INTERFACES_ONLY_WITH_GROUPS": True,
}
MIN_FAILURE_DETECTION_TIME = 100

# libcmd deflt.c reads with fgets() into a PATH_MAX buffer
_DEFREAD_BUFSIZE = 1024
# in.mpathd is a 32-bit program on Solaris 10: long and int are 32 bits
_LONG_MAX = 2 ** 31 - 1
_LONG_MIN = -(2 ** 31)

_MESSAGES = {
    "solaris10": {
        "fdt_invalid": "Invalid failure detection time {}, assuming default {}",
        "fdt_small": "Too small failure detection time of {}, assuming minimum {}",
    },
    "illumos": {
        "fdt_invalid": "Invalid failure detection time {}, assuming default of {} ms",
        "fdt_small": "Too small failure detection time of {}, assuming minimum of {} ms",
    },
}


def _as_bytes(text):
    if text is None:
        return b""
    if isinstance(text, bytes):
        return text
    return text.encode("utf-8", "surrogateescape")


def _ascii_lower(data):
    """strncasecmp folds ASCII letters only; so does bytes.lower()."""
    return data.lower()


def _fgets_lines(data):
    """Chunks as fgets(buf, 1024) returns them: a line or 1023 bytes of it."""
    pos = 0
    limit = _DEFREAD_BUFSIZE - 1
    while pos < len(data):
        newline = data.find(b"\n", pos, pos + limit)
        end = pos + limit if newline < 0 else newline + 1
        yield data[pos:end]
        pos = end


def defread(text, name):
    """
    Value of ``name`` the way libcmd ``defread()`` finds it with case
    folding on: leading spaces (only spaces) skipped, the line must start
    with ``NAME=``, first match wins, the rest of the line is the value
    verbatim.  A line without a newline (too long, or the last line of a
    file that lacks one) stops the scan.  Returns bytes or None.
    """
    data = _as_bytes(text)
    pattern = _ascii_lower(name.encode("ascii") + b"=")
    for chunk in _fgets_lines(data):
        nul = chunk.find(b"\0")
        if nul >= 0:
            chunk = chunk[:nul]
        line = chunk.lstrip(b" ")
        if not line.endswith(b"\n"):
            return None
        line = line[:-1]
        if _ascii_lower(line[: len(pattern)]) == pattern:
            return line[len(pattern):]
    return None


def strtol(value, base=0):
    """
    C ``strtol(value, NULL, base)`` on bytes/str: leading white space, a
    sign, ``0x`` (hex) or ``0`` (octal) prefixes with base 0, digits up to
    the first invalid one, 0 when none; clamped to a 32-bit long.
    """
    data = _as_bytes(value)
    i = 0
    while i < len(data) and data[i] in b" \t\n\v\f\r":
        i += 1
    negative = False
    if i < len(data) and data[i] in b"+-":
        negative = data[i:i + 1] == b"-"
        i += 1
    hexdigits = b"0123456789abcdefABCDEF"
    if base in (0, 16) and data[i:i + 2] in (b"0x", b"0X") and \
            i + 2 < len(data) and data[i + 2] in hexdigits:
        base = 16
        i += 2
    elif base == 0:
        base = 8 if data[i:i + 1] == b"0" else 10
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    number = 0
    while i < len(data):
        char = chr(data[i]).lower()
        if char not in digits:
            break
        number = number * base + digits.index(char)
        i += 1
    if negative:
        number = -number
    return max(_LONG_MIN, min(_LONG_MAX, number))


def _yes_no(value, flavor):
    """True/False for yes/no as in.mpathd tests it, None when invalid."""
    if flavor == "illumos":
        folded = _ascii_lower(value)
        if folded == b"yes":
            return True
        if folded == b"no":
            return False
        return None
    # Solaris 10: strncasecmp(value, "yes", 3) / strncasecmp(value, "no", 2)
    if _ascii_lower(value[:3]) == b"yes":
        return True
    if _ascii_lower(value[:2]) == b"no":
        return False
    return None


def _mpathd_read(text, flavor):
    if flavor not in _MESSAGES:
        raise ValueError("unknown flavor {!r}".format(flavor))
    settings = dict(MPATHD_DEFAULTS)
    problems = []
    messages = _MESSAGES[flavor]

    raw = defread(text, "FAILURE_DETECTION_TIME")
    if raw is not None:
        shown = raw.decode("utf-8", "replace")
        fdt = strtol(raw)
        if fdt <= 0:
            fdt = MPATHD_DEFAULTS["FAILURE_DETECTION_TIME"]
            problems.append(messages["fdt_invalid"].format(shown, fdt))
        elif fdt < MIN_FAILURE_DETECTION_TIME:
            fdt = MIN_FAILURE_DETECTION_TIME
            problems.append(messages["fdt_small"].format(shown, fdt))
        settings["FAILURE_DETECTION_TIME"] = fdt

    for key in ("FAILBACK", "TRACK_INTERFACES_ONLY_WITH_GROUPS"):
        raw = defread(text, key)
        if raw is None:
            continue
        answer = _yes_no(raw, flavor)
        if answer is None:
            problems.append(
                "Invalid value for {} {}".format(key, raw.decode("utf-8", "replace"))
            )
        else:
            settings[key] = answer
    return settings, problems


def mpathd(text, flavor="solaris10"):
    """
    Effective in.mpathd tunables from the text of ``/etc/default/mpathd``:
    ``{"FAILURE_DETECTION_TIME": int, "FAILBACK": bool,
    "TRACK_INTERFACES_ONLY_WITH_GROUPS": bool}``.  Follows Solaris 10
    in.mpathd (``flavor="illumos"`` for exact yes/no matching): ``KEY = v``
    with blanks is not seen, values go through strtol(…, 0), <= 0 means
    10000, < 100 means 100, bad yes/no leaves the default.  ``None`` or
    empty text (no file) gives the defaults.
    """
    return _mpathd_read(text, flavor)[0]


def mpathd_problems(text, flavor="solaris10"):
    """The messages in.mpathd would log (without newline) reading this file."""
    return _mpathd_read(text, flavor)[1]


# ---------------------------------------------------------------- return shaping

def only(data, name):
    """``data`` (a dict keyed by name) when ``name`` is None, else just its
    ``name`` entry (``{}`` when there is none)."""
    if name is None:
        return data
    return {key: value for key, value in data.items() if key == name}
