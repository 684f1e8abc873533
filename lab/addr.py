"""Address arithmetic and name lookups done the way Solaris 10 libc does them.

Kept free of ``socket``/``ipaddress`` so the stand-in commands start fast, and
because Solaris semantics differ from Python's (inet_addr() accepts ``0x``
and short forms, inet_ntop() never compresses a single zero word).
"""
import os

BAD_ADDR = -2   # ifconfig's defs.h values for in_getprefixlen()
NO_PREFIX = -1


def c_strtoul(text, base=0):
    """C strtoul/strtol prefix parse: (value, consumed_chars); value None if no digits."""
    i, n = 0, len(text)
    while i < n and text[i] in " \t\n\r\f\v":
        i += 1
    neg = False
    if i < n and text[i] in "+-":
        neg = text[i] == "-"
        i += 1
    if base == 0:
        if text[i:i + 2].lower() == "0x" and i + 2 < n and text[i + 2] in "0123456789abcdefABCDEF":
            base, i = 16, i + 2
        elif text[i:i + 1] == "0":
            base = 8
        else:
            base = 10
    elif base == 16 and text[i:i + 2].lower() == "0x":
        i += 2
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    start, value = i, 0
    while i < n and text[i].lower() in digits:
        value = value * base + digits.index(text[i].lower())
        i += 1
    if i == start:
        return None, 0
    return (-value if neg else value), i


def inet_aton(text):
    """inet_addr()/inet_aton(): 1-4 parts, each decimal, octal or hex. int or None."""
    if not text or text.endswith("."):
        return None
    parts = []
    for part in text.split("."):
        value, used = c_strtoul(part, 0)
        if value is None or used != len(part) or part[0] in " +-":
            return None
        parts.append(value)
    if len(parts) > 4:
        return None
    limits = {1: [0xffffffff], 2: [0xff, 0xffffff], 3: [0xff, 0xff, 0xffff], 4: [0xff] * 4}
    if any(p > lim for p, lim in zip(parts, limits[len(parts)])):
        return None
    result = 0
    for shift, part in zip((24, 16, 8), parts[:-1]):
        result |= part << shift
    return result | parts[-1]


def ntoa(value):
    """Dotted quad of a host-order IPv4 integer."""
    return "%d.%d.%d.%d" % ((value >> 24) & 255, (value >> 16) & 255, (value >> 8) & 255, value & 255)


def parse6(text):
    """inet_pton(AF_INET6): 128-bit int or None."""
    if not text or text.count("::") > 1 or ":::" in text:
        return None
    tail_v4 = None
    if "." in text:
        head, _, last = text.rpartition(":")
        tail_v4 = _strict_v4(last)
        if tail_v4 is None or not head:
            return None
        text = text[:len(text) - len(last)] + "0:0"
    if "::" in text:
        left, right = text.split("::")
        lparts = left.split(":") if left else []
        rparts = right.split(":") if right else []
        missing = 8 - len(lparts) - len(rparts)
        if missing < 1:
            return None
        words = lparts + ["0"] * missing + rparts
    else:
        words = text.split(":")
    if len(words) != 8:
        return None
    value = 0
    for word in words:
        if not 1 <= len(word) <= 4 or any(c not in "0123456789abcdefABCDEF" for c in word):
            return None
        value = (value << 16) | int(word, 16)
    if tail_v4 is not None:
        value = (value & ~0xffffffff) | tail_v4
    return value


def _strict_v4(text):
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and len(p) <= 3 and int(p) < 256 for p in parts):
        return None
    return (int(parts[0]) << 24) | (int(parts[1]) << 16) | (int(parts[2]) << 8) | int(parts[3])


def fmt6(value):
    """inet_ntop(AF_INET6) as BIND/Solaris prints it."""
    words = [(value >> (112 - 16 * i)) & 0xffff for i in range(8)]
    best_base, best_len, cur_base, cur_len = -1, 0, -1, 0
    for i, word in enumerate(words):
        if word:
            cur_base, cur_len = -1, 0
            continue
        if cur_base == -1:
            cur_base, cur_len = i, 0
        cur_len += 1
        if cur_len > best_len:
            best_base, best_len = cur_base, cur_len
    if best_len < 2:
        best_base = -1
    out = []
    for i in range(8):
        if best_base != -1 and best_base <= i < best_base + best_len:
            if i == best_base:
                out.append(":")
            continue
        if i:
            out.append(":")
        if i == 6 and best_base == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xffff)):
            out.append(ntoa(value & 0xffffffff))
            return "".join(out)
        out.append("%x" % words[i])
    if best_base != -1 and best_base + best_len == 8:
        out.append(":")
    return "".join(out)


def is_linklocal6(value):
    return (value >> 118) == 0x3fa  # fe80::/10


def plen_to_mask(plen, bits=32):
    return ((1 << bits) - 1) ^ ((1 << (bits - plen)) - 1) if plen else 0


def mask_to_plen(mask, bits=32):
    return bin(mask & ((1 << bits) - 1)).count("1")


def class_mask(addr):
    """The classful default mask the kernel uses when no netmask was given."""
    if addr >> 31 == 0:
        return 0xff000000
    if addr >> 30 == 2:
        return 0xffff0000
    if addr >> 29 == 6:
        return 0xffffff00
    return 0


def prefixlen(text, bits):
    """ifconfig in_getprefixlen(..., slash=True): NO_PREFIX, BAD_ADDR or the length."""
    if "/" not in text:
        return NO_PREFIX
    tail = text.split("/", 1)[1]
    value, used = c_strtoul(tail, 10)
    if value is None or value < 0 or value > bits:
        return BAD_ADDR
    return value


def _etc(host_dir, name):
    return os.path.join(host_dir, "etc", "inet", name)


def _db_lines(path):
    try:
        with open(path, encoding="latin-1") as handle:
            for line in handle:
                fields = line.split("#", 1)[0].split()
                if fields:
                    yield fields
    except OSError:
        return


def hosts_lookup(host_dir, name, family):
    """getipnodebyname(name, af, 0) against the host's files backend. int or None."""
    if family == "inet":
        literal = inet_aton(name)
        if literal is not None:
            return literal
    else:
        literal = parse6(name)
        if literal is not None:
            return literal
    wanted = name.lower()
    files = ["hosts"] if family == "inet" else ["hosts", "ipnodes"]
    for fname in files:
        for fields in _db_lines(_etc(host_dir, fname)):
            if len(fields) < 2 or wanted not in (f.lower() for f in fields[1:]):
                continue
            value = inet_aton(fields[0]) if family == "inet" else parse6(fields[0])
            if family == "inet" and ":" in fields[0]:
                value = None
            if value is not None:
                return value
    return None


def _net_key(value):
    """inet_nettoa(): drop leading zero bytes, then inet_addr() of the result."""
    octets = [(value >> s) & 255 for s in (24, 16, 8, 0)]
    while len(octets) > 1 and octets[0] == 0:
        octets.pop(0)
    return inet_aton(".".join(str(o) for o in octets))


def _netmask_by_key(entries, key):
    for net, mask in entries:
        if net == key:
            return mask
    return None


def netmask_lookup(host_dir, addr):
    """getnetmaskbyaddr(): VLSM search, then the classful fallback. int or None."""
    entries = []
    for fields in _db_lines(_etc(host_dir, "netmasks")):
        if len(fields) < 2:
            continue
        net, mask = inet_aton(fields[0]), inet_aton(fields[1])
        if net is None or mask is None or net == 0xffffffff or mask == 0xffffffff:
            continue
        entries.append((net, mask))
    prevnet, found = 0, 0
    maskoff = 0xffffffff
    while maskoff:
        net = addr & maskoff
        if net != prevnet:
            found = _netmask_by_key(entries, _net_key(net)) or 0
        if found == maskoff:
            return found
        prevnet = net
        maskoff = (maskoff << 1) & 0xffffffff
    if addr >> 31 == 0:
        net1, net2 = addr & 0xff000000, addr >> 24
    elif addr >> 30 == 2:
        net1, net2 = addr & 0xffff0000, addr >> 16
    else:
        net1, net2 = addr & 0xffffff00, addr >> 8
    for key in (_net_key(net1), net2):
        mask = _netmask_by_key(entries, key)
        if mask is not None:
            return mask
    return None


def make_mac(hostname, nic):
    """Deterministic Sun-OUI MAC (00:14:4f:xx:xx:xx) from host and NIC names."""
    import hashlib
    digest = hashlib.sha1(("%s/%s" % (hostname, nic)).encode()).digest()
    return "00:14:4f:%02x:%02x:%02x" % (digest[0], digest[1], digest[2])


def mac_short(mac):
    """_link_ntoa() style: hex octets without leading zeros (0:14:4f:6:a:b)."""
    return ":".join("%x" % int(octet, 16) for octet in mac.split(":"))


def parse_mac(text):
    """_link_aton(): colon separated hex octets. bytes-like list or None."""
    parts = text.split(":")
    try:
        octets = [int(p, 16) for p in parts]
    except ValueError:
        return None
    if not parts or any(not p or len(p) > 2 for p in parts) or any(o > 255 for o in octets):
        return None
    return ":".join("%02x" % o for o in octets)


def linklocal(mac):
    """fe80::/10 EUI-64 link-local address for a 48-bit MAC."""
    octets = [int(o, 16) for o in mac.split(":")]
    octets[0] ^= 0x02
    iid = 0
    for octet in octets[:3] + [0xff, 0xfe] + octets[3:]:
        iid = (iid << 8) | octet
    return (0xfe80 << 112) | iid
