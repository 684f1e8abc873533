"""
Files the IPMP states manage: where they live, how they are written and how
they are rendered or edited.

Everything here is pure text work or plain file I/O, so the state modules can
compute a change (and its diff) the same way under ``test=True`` and in a real
run, and unit tests can import this file on its own.

Paths are relative to ``ipmp.root`` (``/`` normally, ``/a`` for an alternate
boot environment, a lab host directory in tests).  On Solaris ``/etc/hosts``
and ``/etc/netmasks`` are symbolic links into ``/etc/inet/``: the real files
are written, never the links.
"""

import difflib
import ipaddress
import os
import re
import stat
import tempfile

__virtualname__ = "ipmp_files"

# Logical file name -> path under ipmp.root.  /etc/hosts and /etc/netmasks are
# links to ./inet/... on Solaris, so the real files are named here.
PATHS = {
    "hosts": "/etc/inet/hosts",
    "netmasks": "/etc/inet/netmasks",
    "mpathd": "/etc/default/mpathd",
}

MPATHD_KEYS = (
    "FAILURE_DETECTION_TIME",
    "FAILBACK",
    "TRACK_INTERFACES_ONLY_WITH_GROUPS",
)
MIN_FAILURE_DETECTION_TIME = 100
MAX_FAILURE_DETECTION_TIME = 2147483647

NEW_FILE_MODE = 0o644

def __virtual__():
    return __virtualname__


class FileError(OSError):
    """A managed file cannot be read or written; the message says which and why."""


# --------------------------------------------------------------------------
# paths and I/O
# --------------------------------------------------------------------------
def relpath(kind, interface=None):
    """Path (under ipmp.root) of a managed file: hosts, netmasks, mpathd,
    hostname (needs interface) or hostname6 (needs interface)."""
    if kind in ("hostname", "hostname6"):
        if not interface:
            raise ValueError("{} needs an interface name".format(kind))
        return "/etc/{}.{}".format(kind, interface)
    return PATHS[kind]


def hostname_kind(family):
    """``inet`` -> ``hostname``, ``inet6`` -> ``hostname6``."""
    if family == "inet":
        return "hostname"
    if family == "inet6":
        return "hostname6"
    raise ValueError("family must be 'inet' or 'inet6', not {!r}".format(family))


def _check_regular(path):
    """Refuse what is at ``path`` (through a link) when it exists and is not
    a regular file: a FIFO would block the run, a device or a directory is
    never a configuration file."""
    try:
        found = os.stat(path)
    except OSError:
        return
    if not stat.S_ISREG(found.st_mode):
        kind = (
            "a directory" if stat.S_ISDIR(found.st_mode)
            else "a FIFO" if stat.S_ISFIFO(found.st_mode)
            else "a device" if stat.S_ISCHR(found.st_mode) or stat.S_ISBLK(found.st_mode)
            else "a socket" if stat.S_ISSOCK(found.st_mode)
            else "not a regular file"
        )
        raise FileError(
            "{} is {}, not a regular file; salt-ipmp manages regular files only "
            "and changed nothing".format(path, kind)
        )


def confine(root, path):
    """Return ``path`` (already joined under ``root``) when its directories
    stay under ``root`` once symbolic links are followed; otherwise refuse.
    The file itself may be a link (it is replaced, never written through)."""
    root = root or "/"
    real_root = os.path.realpath(root)
    real_dir = os.path.realpath(os.path.dirname(path) or ".")
    if real_root != os.sep and not (
        real_dir == real_root or real_dir.startswith(real_root.rstrip(os.sep) + os.sep)
    ):
        raise FileError(
            "{}: its directory resolves to {} through a symbolic link, outside "
            "ipmp.root {}; nothing was changed".format(path, real_dir, root)
        )
    return path


def read(path):
    """Text of ``path`` (through a link), or None when it does not exist.

    Read as bytes and decoded as UTF-8 (ASCII in practice); a file that is
    not a regular file, or whose bytes do not decode, is refused with a
    :class:`FileError` naming the path and the offending byte, so no
    undecodable text ever reaches a state's return."""
    _check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        if not os.path.exists(path):
            return None
        raise FileError("cannot read {}: {}".format(path, exc))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(
            "{} is not UTF-8 text (byte 0x{:02x} at offset {}); fix or remove it, "
            "salt-ipmp changed nothing".format(path, data[exc.start], exc.start)
        )


def describe(path):
    """What is at ``path`` now: ``missing``, ``file`` or ``symlink -> target``."""
    if os.path.islink(path):
        return "symlink -> {}".format(os.readlink(path))
    if os.path.exists(path):
        return "file"
    return "missing"


def write_atomic(path, text, new_mode=NEW_FILE_MODE):
    """Replace ``path`` with ``text`` so a reader sees the old or the new file,
    never a half-written one: temp file in the same directory, fsync, rename,
    fsync of the directory.

    An existing file keeps its owner, group and mode.  A symbolic link is
    replaced by a regular file (it keeps the mode and owner of what it pointed
    to, if that exists); the file it pointed to is left alone.  A new file
    gets ``new_mode``.
    """
    directory = os.path.dirname(path) or "."
    _check_regular(path)
    if not os.path.isdir(directory):
        raise FileError("cannot write {}: directory {} does not exist".format(path, directory))
    try:
        old = os.stat(path)  # follows a link: keep what it pointed to
    except OSError:
        old = None
    fd, tmp = tempfile.mkstemp(prefix=".{}.".format(os.path.basename(path)), dir=directory)
    try:
        try:
            os.write(fd, text.encode("utf-8"))
            if old is not None:
                os.fchmod(fd, old.st_mode & 0o7777)
                try:
                    os.fchown(fd, old.st_uid, old.st_gid)
                except OSError:
                    pass  # not root: the file stays ours, mode is still kept
            else:
                os.fchmod(fd, new_mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, path)
    except (IOError, OSError) as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise FileError("cannot write {}: {}".format(path, exc))
    try:
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename is done


def diff(old, new, path):
    """Unified diff of two texts (``old`` None means a new file)."""
    fromfile = path if old is not None else "/dev/null"
    lines = difflib.unified_diff(
        (old or "").splitlines(True),
        new.splitlines(True),
        fromfile=fromfile,
        tofile=path,
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def plan_write(path, new, pending=None):
    """What writing ``new`` to ``path`` would change: None if nothing, else a
    changes dict (``diff`` and, where a link is replaced, ``replaced``).

    ``pending``: see :func:`manage`."""
    if pending is not None and path in pending:
        symlink, old = False, pending[path]
    else:
        symlink, old = os.path.islink(path), read(path)
    if old == new and not symlink:
        return None
    changes = {}
    if old != new:
        changes["diff"] = diff(old, new, path)
    if symlink:
        changes["replaced"] = describe(path)
    return changes


def current(path, pending=None):
    """Text of ``path`` as this run left it (see :func:`manage`)."""
    if pending is not None and path in pending:
        return pending[path]
    return read(path)


def manage(path, new, test=False, new_mode=NEW_FILE_MODE, pending=None):
    """Make ``path`` hold ``new``.  Returns the changes dict (None when the
    file is already right); writes only when ``test`` is false, so the dict
    is the same in both modes.

    ``pending`` (a dict kept for the run, e.g. in the state's ``__context__``)
    records what a test run would have written, so that several states
    editing one file (hosts entries) predict the same diffs as a real run.
    """
    changes = plan_write(path, new, pending if test else None)
    if changes is not None:
        if test:
            if pending is not None:
                pending[path] = new
        else:
            write_atomic(path, new, new_mode)
    return changes


# --------------------------------------------------------------------------
# /etc/hostname.<if> and /etc/hostname6.<if>
# --------------------------------------------------------------------------
def _with_prefix(address, default=64):
    return address if "/" in address else "{}/{}".format(address, default)


def hostname_tokens(
    family="inet",
    address=None,
    netmask="+",
    broadcast="+",
    group=None,
    standby=False,
    test_address=None,
    probe=False,
    extra=None,
):
    """Tokens of the one line written to /etc/hostname.<if> (``inet``) or
    /etc/hostname6.<if> (``inet6``), in the order Solaris 10 documents.

    ``inet``, no test address (link-based)::

        ADDR netmask + broadcast + [EXTRA] group G [standby] up

    ``inet`` with a test address (probe-based): the test address sits on the
    physical interface and never fails over, the data address is a logical
    interface that does::

        TEST netmask + broadcast + [EXTRA] group G deprecated -failover [standby] up
            addif ADDR netmask + broadcast + failover up

    The boot script appends ``netmask + broadcast + up`` to a file of exactly
    one line; every line here already ends in ``up`` with the netmask and
    broadcast set, so the appended words change nothing.  ``-failover`` comes
    before ``standby`` and ``standby`` before ``up``, as ifconfig requires.

    ``inet6``: the link-local address is the test address (in.mpathd accepts
    no other), so probe-based groups mark the physical ``-failover``; data
    addresses are logical interfaces::

        [TEST6] [EXTRA] [-failover] group G [standby] up  addif ADDR6/64 up
    """
    extra = [str(word) for word in (extra or [])]
    tokens = []
    if family == "inet":
        first = test_address or address
        if first:
            tokens += [first, "netmask", netmask or "+", "broadcast", broadcast or "+"]
        tokens += extra
        if group:
            tokens += ["group", group]
        if test_address:
            tokens += ["deprecated", "-failover"]
        if standby:
            tokens.append("standby")
        if first or group or standby:
            tokens.append("up")
        if test_address and address:
            tokens += [
                "addif",
                address,
                "netmask",
                netmask or "+",
                "broadcast",
                broadcast or "+",
                "failover",
                "up",
            ]
        return tokens
    if family == "inet6":
        if test_address and test_address is not True:
            tokens.append(str(test_address))
        tokens += extra
        if probe or test_address:
            tokens.append("-failover")
        if group:
            tokens += ["group", group]
        if standby:
            tokens.append("standby")
        if tokens:
            tokens.append("up")
        if address:
            tokens += ["addif", _with_prefix(address), "up"]
        return tokens
    raise ValueError("family must be 'inet' or 'inet6', not {!r}".format(family))


def render_hostname(tokens):
    """File text for a token list: one line, or an empty file (plumb only)."""
    return " ".join(tokens) + "\n" if tokens else ""


# --------------------------------------------------------------------------
# /etc/default/mpathd
# --------------------------------------------------------------------------
def mpathd_value(key, value):
    """Validate one tunable and return the text written after ``KEY=``.

    FAILURE_DETECTION_TIME: whole milliseconds, at least 100 (in.mpathd would
    silently raise anything smaller to 100 and treat 0 or less as 10000).
    FAILBACK, TRACK_INTERFACES_ONLY_WITH_GROUPS: booleans -> ``yes``/``no``.
    """
    if key == "FAILURE_DETECTION_TIME":
        if isinstance(value, bool):
            raise ValueError(
                "failure_detection_time must be a whole number of milliseconds, not {!r}".format(
                    value
                )
            )
        if isinstance(value, str) and re.match(r"^\s*\d+\s*$", value):
            value = int(value)
        if not isinstance(value, int):
            raise ValueError(
                "failure_detection_time must be a whole number of milliseconds, not {!r}".format(
                    value
                )
            )
        if value < MIN_FAILURE_DETECTION_TIME:
            raise ValueError(
                "failure_detection_time must be at least {} ms (in.mpathd raises "
                "smaller values to {}), not {}".format(
                    MIN_FAILURE_DETECTION_TIME, MIN_FAILURE_DETECTION_TIME, value
                )
            )
        if value > MAX_FAILURE_DETECTION_TIME:
            raise ValueError(
                "failure_detection_time {} is too large (at most {} ms)".format(
                    value, MAX_FAILURE_DETECTION_TIME
                )
            )
        return str(value)
    if key in ("FAILBACK", "TRACK_INTERFACES_ONLY_WITH_GROUPS"):
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            value = value.strip().lower() == "yes"
        if not isinstance(value, bool):
            raise ValueError(
                "{} must be true or false (written as yes/no), not {!r}".format(key.lower(), value)
            )
        return "yes" if value else "no"
    raise ValueError("unknown mpathd tunable {!r}".format(key))


def _mpathd_key_of(line, strict):
    """Which tunable a line sets.

    strict: as in.mpathd's defread() reads it (leading spaces only, then
    ``KEY=`` at once, any case); otherwise any non-comment line that looks like
    an attempt (tabs, spaces around ``=``).
    """
    if strict:
        body = line.lstrip(" ")
        upper = body.upper()
        for key in MPATHD_KEYS:
            if upper.startswith(key + "="):
                return key
        return None
    body = line.strip()
    if body.startswith("#"):
        return None
    match = re.match(r"^([A-Za-z_]+)\s*=", body)
    if match and match.group(1).upper() in MPATHD_KEYS:
        return match.group(1).upper()
    return None


def edit_mpathd(text, settings):
    """Return ``text`` with the tunables in ``settings`` (KEY -> value as
    given to :func:`mpathd_value`) set.

    Comments and unrelated lines stay as they are.  For each key, the line
    in.mpathd reads (the first effective one) and every other line that sets
    the same key - effective or not, such as ``FAILBACK = no`` which in.mpathd
    ignores - becomes ``KEY=value``, so what an admin reads is what in.mpathd
    uses.  A key with no line is appended.
    """
    wanted = {}
    for key, value in settings.items():
        key = key.upper()
        if value is None:
            continue
        wanted[key] = "{}={}".format(key, mpathd_value(key, value))
    text = text or ""
    lines = text.splitlines(True)
    seen = set()
    out = []
    for line in lines:
        bare = line.rstrip("\r\n")
        ending = line[len(bare) :]
        key = _mpathd_key_of(bare, strict=True) or _mpathd_key_of(bare, strict=False)
        if key in wanted:
            seen.add(key)
            out.append(wanted[key] + (ending or "\n"))
        else:
            out.append(line)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    for key in MPATHD_KEYS:
        if key in wanted and key not in seen:
            out.append(wanted[key] + "\n")
    return "".join(out)


# --------------------------------------------------------------------------
# /etc/inet/hosts and /etc/inet/netmasks
# --------------------------------------------------------------------------
def _split_comment(line):
    body, sep, comment = line.partition("#")
    return body, (sep + comment) if sep else ""


def _same_ip(one, two):
    try:
        return ipaddress.ip_address(one) == ipaddress.ip_address(two)
    except ValueError:
        return one == two


def _family(addr):
    try:
        return ipaddress.ip_address(addr).version
    except ValueError:
        return None


def _host_line(addr, names, comment):
    line = "{}\t{}".format(addr, " ".join(names))
    if comment:
        line += "\t" + comment
    return line


def edit_hosts(text, name, addresses):
    """Return ``text`` (an /etc/inet/hosts) with ``name`` resolving to the
    ``addresses`` (one or a list) and to nothing else of the same family.

    A line that already carries the address gets the name added as an alias;
    otherwise a line ``ADDR<TAB>NAME`` is appended.  The name is taken off
    other lines of the same address family (a line left with no name goes).
    Every other line, comments included, is kept byte for byte.
    """
    if isinstance(addresses, str):
        addresses = [addresses]
    addresses = [str(ipaddress.ip_address(a)) for a in addresses]
    families = set(_family(a) for a in addresses)
    lines = (text or "").splitlines(True)
    out = []
    present = set()
    for line in lines:
        bare = line.rstrip("\r\n")
        ending = line[len(bare) :] or "\n"
        body, comment = _split_comment(bare)
        fields = body.split()
        if len(fields) < 1 or bare.lstrip().startswith("#"):
            out.append(line)
            continue
        addr, names = fields[0], fields[1:]
        match = [a for a in addresses if _same_ip(a, addr)]
        if match:
            present.add(match[0])
            if name in names:
                out.append(line)
            else:
                out.append(_host_line(addr, names + [name], comment) + ending)
            continue
        if name in names and _family(addr) in families:
            names = [n for n in names if n != name]
            if names:
                out.append(_host_line(addr, names, comment) + ending)
            continue
        out.append(line)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    for addr in addresses:
        if addr not in present:
            out.append("{}\t{}\n".format(addr, name))
    return "".join(out)


def edit_netmasks(text, network, mask):
    """Return ``text`` (an /etc/inet/netmasks) with ``network`` using ``mask``.

    Lines for the network get the new mask (a trailing comment stays); if
    there is none, ``NETWORK<TAB>MASK`` is appended.
    """
    lines = (text or "").splitlines(True)
    out = []
    found = False
    for line in lines:
        bare = line.rstrip("\r\n")
        ending = line[len(bare) :] or "\n"
        body, comment = _split_comment(bare)
        fields = body.split()
        if len(fields) >= 2 and _same_ip(fields[0], network):
            found = True
            if fields[1] == mask and len(fields) == 2:
                out.append(line)
            else:
                new = "{}\t{}".format(fields[0], mask)
                if comment:
                    new += "\t" + comment
                out.append(new + ending)
            continue
        out.append(line)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    if not found:
        out.append("{}\t{}\n".format(network, mask))
    return "".join(out)


def lookup_host(text, name):
    """Addresses a hosts file text gives for ``name`` (in file order)."""
    found = []
    for line in (text or "").splitlines():
        body, _ = _split_comment(line)
        fields = body.split()
        if len(fields) >= 2 and name in fields[1:]:
            found.append(fields[0])
    return found


def check_network(network, mask):
    """Validate a netmasks entry; return (network, mask) as strings.

    The network number must be a dotted-quad IPv4 address (not 0.0.0.0)
    with no host bits set under the mask, and the mask a contiguous dotted
    quad (not 0.0.0.0)."""
    try:
        net = ipaddress.IPv4Address(str(network))
        if net.is_unspecified:
            raise ValueError(network)
    except ValueError:
        raise ValueError(
            "netmasks: {!r} is not an IPv4 network number (dotted quad)".format(network)
        )
    try:
        iface = ipaddress.IPv4Network("0.0.0.0/{}".format(mask))
        if str(iface.netmask) != str(mask):
            raise ValueError(mask)
    except ValueError:
        raise ValueError("netmasks: {!r} is not a contiguous dotted-quad netmask".format(mask))
    if not iface.prefixlen:
        raise ValueError("netmasks: netmask {!r} would make every address one network".format(mask))
    if int(net) & ~int(iface.netmask) & 0xFFFFFFFF:
        raise ValueError(
            "netmasks: {} has host bits set under {} (network {})".format(
                network,
                mask,
                ipaddress.IPv4Address(int(net) & int(iface.netmask)),
            )
        )
    return str(net), str(mask)
