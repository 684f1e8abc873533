"""
Command layer for the Solaris IPMP modules: one place that finds a command,
runs it as an argument list (never through a shell) with ``LC_ALL=C`` and a
timeout, turns a failure into ``CommandExecutionError`` carrying the tool's
own message, and caches read-only output in ``__context__`` for the run,
dropping the cache after any change.

Arguments are validated by the callers (``ipmp_validate``) before they get
here; this layer only refuses what is not an argument list at all.

Reached from execution modules as ``__utils__['ipmp_cmd.<fn>']``. Utility
modules get ``__context__`` and ``__opts__`` but not ``__salt__``, so commands
run through :mod:`subprocess` here.
"""

import logging
import os
import re
import subprocess
import time

from salt.exceptions import CommandExecutionError, SaltInvocationError

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_cmd"

# Where commands are looked for after PATH (Solaris keeps ifconfig, dladm and
# if_mpadm in /usr/sbin, with /sbin copies for early boot).
FALLBACK_DIRS = ("/usr/sbin", "/sbin")

# Seconds a cached read-only result may be served. A minion's main process
# (beacons, threaded jobs) keeps __context__ between runs, so "for the run"
# needs an upper bound there; forked jobs never get near it.
DEFAULT_CACHE_TTL = 10.0

# Seconds any one command may run before it is killed.
DEFAULT_TIMEOUT = 120

CACHE_KEY = "ipmp_cmd.cache"

_CMD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*\Z")
_ADDIF_RE = re.compile(r"Created new logical interface (\S+)")


def __virtual__():
    """Loadable everywhere; the modules that use it check the kernel."""
    return __virtualname__


def _describe(value):
    """Show a value safely in an error message (no raw newlines)."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def _opts():
    try:
        return __opts__  # pylint: disable=undefined-variable
    except NameError:
        return {}


def _default_context():
    try:
        return __context__  # pylint: disable=undefined-variable
    except NameError:
        return None


def which(cmd):
    """
    Return the full path of ``cmd``: the first hit on the minion's PATH, then
    ``/usr/sbin`` and ``/sbin``. Raises ``CommandExecutionError`` naming the
    command when it is nowhere.
    """
    if not isinstance(cmd, str) or not _CMD_RE.match(cmd):
        raise SaltInvocationError("bad command name {}".format(_describe(cmd)))
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    dirs.extend(FALLBACK_DIRS)
    for directory in dirs:
        candidate = os.path.join(directory, cmd)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise CommandExecutionError(
        "Command '{}' was not found on PATH or in {}".format(
            cmd, " or ".join(FALLBACK_DIRS)
        )
    )


def _cache(context):
    """The cache dict for this process, reset when the pid changed (fork)."""
    if context is None:
        return None
    pid = os.getpid()
    store = context.get(CACHE_KEY)
    if not isinstance(store, dict) or store.get("pid") != pid:
        store = {"pid": pid, "entries": {}}
        context[CACHE_KEY] = store
    return store["entries"]


def clear_cache(context=None):
    """Drop every cached command result (after anything changed the host)."""
    if context is None:
        context = _default_context()
    if context is not None and CACHE_KEY in context:
        context.pop(CACHE_KEY, None)


def _ttl():
    try:
        return float(_opts().get("ipmp.cache_ttl", DEFAULT_CACHE_TTL))
    except (TypeError, ValueError):
        return DEFAULT_CACHE_TTL


def _check_args(args):
    if isinstance(args, (str, bytes)) or not isinstance(args, (list, tuple)):
        raise SaltInvocationError("command arguments must be a list")
    for arg in args:
        if not isinstance(arg, str) or "\x00" in arg:
            raise SaltInvocationError("bad command argument {}".format(_describe(arg)))
    return list(args)


def run_all(cmd, args, context=None, mutate=False, timeout=DEFAULT_TIMEOUT):
    """
    Run ``cmd`` with ``args`` (a list; validated by the caller) and return
    ``{"retcode", "stdout", "stderr", "argv"}`` whatever the exit status.
    ``mutate=True`` drops the read cache afterwards, even on failure.
    """
    args = _check_args(args)
    path = which(cmd)
    argv = [path] + args
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    log.debug("ipmp_cmd: running %s", argv)
    if context is None:
        context = _default_context()
    try:
        try:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                close_fds=True,
                shell=False,
            )
        except OSError as exc:
            raise CommandExecutionError("Cannot run {}: {}".format(cmd, exc))
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise CommandExecutionError(
                "{} {} did not finish within {} seconds".format(
                    cmd, " ".join(args), timeout
                )
            )
    finally:
        if mutate:
            clear_cache(context)
    return {
        "retcode": proc.returncode,
        "stdout": out.decode("utf-8", "replace"),
        "stderr": err.decode("utf-8", "replace"),
        "argv": [cmd] + args,
    }


def error_message(result):
    """Build the error text for a failed command: the tool's own words first."""
    said = result["stderr"].strip() or result["stdout"].strip()
    text = " ".join(result["argv"])
    if said:
        return "{} failed: {}".format(text, said)
    return "{} failed with exit status {}".format(text, result["retcode"])


def run(cmd, args, context=None, cache=False, mutate=False, timeout=DEFAULT_TIMEOUT):
    """
    Run ``cmd`` with ``args`` and return its stdout. A nonzero exit raises
    ``CommandExecutionError`` carrying the tool's stderr.

    ``cache=True`` (read-only commands) serves and stores the result in
    ``context`` for this process; ``mutate=True`` clears the cache after
    the command, whether it succeeded or not.
    """
    if cache and mutate:
        raise SaltInvocationError("a command cannot be both cached and mutating")
    args = _check_args(args)
    if context is None:
        context = _default_context()
    key = None
    entries = None
    if cache and context is not None:
        key = (which(cmd), tuple(args))
        entries = _cache(context)
        hit = entries.get(key)
        if hit is not None and time.time() - hit[0] <= _ttl():
            log.debug("ipmp_cmd: cached %s %s", cmd, args)
            return hit[1]
    result = run_all(cmd, args, context=context, mutate=mutate, timeout=timeout)
    if result["retcode"] != 0:
        raise CommandExecutionError(error_message(result), info=result)
    if result["stderr"].strip():
        # e.g. "ifconfig: SIOCSLIFNAME for ip: bge0: already exists", exit 0
        log.warning("%s: %s", " ".join(result["argv"]), result["stderr"].strip())
    if entries is not None:
        entries[key] = (time.time(), result["stdout"])
    return result["stdout"]


def read(cmd, args, context=None, refresh=False):
    """A read-only command's output, served from the job's cache unless
    ``refresh`` (then re-read and cached again)."""
    if refresh:
        clear_cache(context)
    return run(cmd, args, context=context, cache=True)


def parse_addif(stdout):
    """Return the logical interface named in ``Created new logical interface bge0:1``."""
    match = _ADDIF_RE.search(stdout or "")
    if not match:
        raise CommandExecutionError(
            "ifconfig addif did not report the new logical interface "
            "(output: {})".format(_describe(stdout))
        )
    return match.group(1)
