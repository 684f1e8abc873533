"""Stand-in for Solaris 10 /usr/bin/pkill, enough for ``pkill -HUP [-x] in.mpathd``.

The only process a lab host simulates is in.mpathd (pr_fname "in.mpathd",
args "/usr/lib/inet/in.mpathd"), running as root in the global zone.
Exit status as pgrep.c: 0 matched, 1 no match, 2 usage error.
"""
import re

from lab.mpathd import daemon_for

E_MATCH, E_NOMATCH, E_USAGE = 0, 1, 2
USAGE = ("Usage: %s [-signal] [-fnovx] [-P ppidlist] [-g pgrplist] [-s sidlist]\n"
         "\t[-u euidlist] [-U uidlist] [-G gidlist] [-J projidlist]\n"
         "\t[-T taskidlist] [-t termlist] [-z zonelist] [-c ctidlist] [pattern]\n")
OPTS = "fnovVxc:D:u:U:G:P:g:s:t:z:J:T:"
SIGNALS = ("HUP INT QUIT ILL TRAP ABRT EMT FPE KILL BUS SEGV SYS PIPE ALRM TERM USR1 USR2 "
           "CLD PWR WINCH URG POLL STOP TSTP CONT TTIN TTOU VTALRM PROF XCPU XFSZ WAITING "
           "LWP FREEZE THAW CANCEL LOST").split()
ALIASES = {"CHLD": "CLD", "IOT": "ABRT", "IO": "POLL"}
IGNORED = {0, 18, 19, 20, 21, 25, 32, 33, 34, 35, 36, 37, 14, 16}   # default ignore / handled
STOPPING = {23, 24, 26, 27}
FNAME, PSARGS = "in.mpathd", "/usr/lib/inet/in.mpathd"
PSARGS_511 = "/lib/inet/in.mpathd"      # MPATHD_PATH of Clearview libipmp


def str2sig(text):
    if text.isdigit():
        number = int(text)
        return number if number <= len(SIGNALS) else None
    text = ALIASES.get(text, text)
    return SIGNALS.index(text) + 1 if text in SIGNALS else None


class Pkill(object):
    def __init__(self, ctx):
        self.ctx = ctx
        self.prog = "pkill"

    def warn(self, text):
        self.ctx.error("%s: %s" % (self.prog, text))

    def usage(self):
        self.ctx.error(USAGE % self.prog)
        return E_USAGE

    def main(self, argv):
        signal = 15
        if argv and argv[0].startswith("-") and str2sig(argv[0][1:]) is not None:
            signal = str2sig(argv[0][1:])
            argv = argv[1:]
        flags, criteria, pattern = set(), {}, None
        i = 0
        while i < len(argv):
            arg = argv[i]
            if arg.startswith("-") and arg != "-" and arg != "--":
                j = 1
                while j < len(arg):
                    letter = arg[j]
                    if letter not in OPTS.replace(":", ""):
                        self.warn("illegal option -- %s\n" % letter)
                        return self.usage()
                    if letter + ":" in OPTS:
                        value = arg[j + 1:]
                        if not value:
                            i += 1
                            if i == len(argv):
                                self.warn("illegal option -- %s\n" % letter)
                                return self.usage()
                            value = argv[i]
                        criteria[letter] = value
                        break
                    flags.add(letter)
                    j += 1
                i += 1
                continue
            if arg == "--":
                i += 1
                if i == len(argv):
                    break
                arg = argv[i]
            if pattern is not None:
                self.warn("illegal argument -- %s\n" % arg)
                return self.usage()
            pattern = arg
            i += 1
        if "n" in flags and "o" in flags:
            self.warn("-n and -o are mutually exclusive\n")
            return self.usage()
        if pattern is None and not (set(criteria) - {"D"}) and "V" not in flags:
            self.warn("No matching criteria specified\n")
            return self.usage()
        if "V" in flags:
            pattern, flags = "vold", flags | {"x"}
        try:
            regex = re.compile(pattern) if pattern is not None else None
        except re.error:
            self.warn("invalid pattern '%s'\n" % pattern)
            return E_USAGE
        daemon = daemon_for(self.ctx)
        if not self.ctx.state["mpathd"]["running"] or not self.matches(regex, flags, criteria):
            return E_NOMATCH
        self.deliver(daemon, signal)
        return E_MATCH

    def matches(self, regex, flags, criteria):
        hit = True
        if regex is not None:
            psargs = PSARGS if self.ctx.state.get("release", "solaris10") == "solaris10" \
                else PSARGS_511
            subject = psargs if "f" in flags else FNAME
            found = regex.fullmatch(subject) if "x" in flags else regex.search(subject)
            hit = found is not None
        for letter, value in criteria.items():
            items = [v for v in re.split(r"[,\t ]", value) if v]
            if letter in "uU":
                hit = hit and any(v in ("0", "root") for v in items)
            elif letter == "z":
                hit = hit and "global" in items
            elif letter != "D":
                hit = False
        return hit != ("v" in flags)

    def deliver(self, daemon, signal):
        if signal == 1:
            daemon.hup()
        elif signal in IGNORED or signal in STOPPING:
            return
        else:
            daemon.stop()


def main(ctx, argv):
    return Pkill(ctx).main(argv)
