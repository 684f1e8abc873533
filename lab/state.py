"""A lab host's state file, its lock and the per-invocation context.

Every command takes an exclusive fcntl lock on ``var/lab/lock`` for its whole
run, so the simulated kernel sees one ioctl sequence at a time, exactly as the
stand-in commands would serialise on a real host's single IP stack; the state
is replaced atomically so a crash never leaves half a JSON file.
"""
import fcntl
import json
import os
import sys
import time


class HostError(Exception):
    """The directory is not a usable lab host."""


class Exit(Exception):
    """A command finished early with an exit status (its message is already out)."""

    def __init__(self, code):
        Exception.__init__(self, code)
        self.code = code


class Host(object):
    """Paths of one lab host directory."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    @property
    def state_file(self):
        return self.path("var", "lab", "state.json")

    @property
    def messages(self):
        return self.path("var", "adm", "messages")

    @property
    def argv_log(self):
        return self.path("var", "lab", "argv.log")

    def exists(self):
        return os.path.isfile(self.state_file)


class Context(object):
    """One locked session on a host: state, output streams and the clock."""

    def __init__(self, host, state, out=None, err=None):
        self.host = host
        self.state = state
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.dirty = False
        self.now = time.time()
        self.timers_to_start = []

    def write(self, text):
        self.out.write(text)

    def error(self, text):
        self.err.write(text)

    def fail(self, text, code=1):
        self.err.write(text)
        raise Exit(code)


class Session(object):
    """Context manager: lock the host, load state, save it if changed."""

    def __init__(self, host, out=None, err=None):
        self.host = host
        self.out, self.err = out, err
        self.fd = None
        self.ctx = None

    def __enter__(self):
        if not self.host.exists():
            raise HostError("%s: not a lab host (no var/lab/state.json)" % self.host.root)
        self.fd = os.open(self.host.path("var", "lab", "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with open(self.host.state_file) as handle:
            state = json.load(handle)
        self.ctx = Context(self.host, state, self.out, self.err)
        return self.ctx

    def __exit__(self, *exc):
        try:
            if self.ctx is not None and self.ctx.dirty:
                save(self.host, self.ctx.state)
            if self.ctx is not None and self.ctx.timers_to_start:
                from lab import timer
                for token, due in self.ctx.timers_to_start:
                    timer.spawn(self.host, token, due)
        finally:
            os.close(self.fd)
        return False


def save(host, state):
    tmp = host.state_file + ".%d.tmp" % os.getpid()
    with open(tmp, "w") as handle:
        json.dump(state, handle, indent=1, sort_keys=False)
        handle.write("\n")
    os.replace(tmp, host.state_file)
