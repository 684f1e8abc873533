"""Lines as Solaris 10 syslogd writes in.mpathd's messages to /var/adm/messages.

Shape: ``Mmm dd hh:mm:ss HOST in.mpathd[PID]: [ID n daemon.error] text``.
The ID is STRLOG_MAKE_MSGID() over the printf format (not the expanded
text), which is why callers pass the C format string and its arguments.
The file is opened for each line (O_APPEND), so a rotated or truncated
messages file simply receives the next line, as with syslogd after a HUP.
"""
import os
import time

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def msgid(fmt):
    """STRLOG_MAKE_MSGID (sys/strlog.h) over a C format string."""
    value = 0
    for char in fmt.encode("latin-1"):
        if char >= 0x20:
            value = ((value >> 5) + (value << 27) + char) & 0xffffffff
    return value % 899981 + 100000


def stamp(when):
    """ctime()+4 truncated to 15 characters: 'Nov  4 09:05:01'."""
    tm = time.localtime(when)
    return "%s %2d %02d:%02d:%02d" % (MONTHS[tm.tm_mon - 1], tm.tm_mday,
                                      tm.tm_hour, tm.tm_min, tm.tm_sec)


def line(when, hostname, pid, fmt, args, level="error"):
    text = (fmt % args) if args else fmt
    return "%s %s in.mpathd[%d]: [ID %d daemon.%s] %s\n" % (
        stamp(when), hostname, pid, msgid(fmt), level, text.rstrip("\n"))


def append(path, text):
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
