"""
The return dict every ``ipmp_*`` state builds, and its comments.

Salt states report ``{"name", "changes", "result", "comment"}``; these
helpers keep the wording and the ``test=True`` convention (result None when
something would change) the same across the states.
"""

__virtualname__ = "ipmp_stateret"


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def new(name):
    """The return dict every state starts from."""
    return {"name": name, "changes": {}, "result": True, "comment": ""}


def root(given, config_get):
    """``given`` when set, else the ``ipmp.root`` config key (``/`` by
    default); ``config_get`` is the state's ``__salt__['config.get']``."""
    if given is None:
        given = config_get("ipmp.root", "/")
    return given


def failed(ret, comment):
    """Mark ``ret`` failed with ``comment`` and return it."""
    ret["result"] = False
    ret["comment"] = comment
    return ret


def error(ret, exc, invalid):
    """Mark ``ret`` failed for ``exc``: a file error (OSError) says itself,
    anything else (bad arguments) is prefixed ``invalid: ``."""
    if isinstance(exc, (IOError, OSError)):
        return failed(ret, str(exc))
    return failed(ret, "{}: {}".format(invalid, exc))


def report(ret, changes, test, unchanged, would, done):
    """Fill ``ret`` from the changes dict :func:`ipmp_files.manage` returned: comment
    ``unchanged`` when it is None, else the changes with comment ``would``
    (result None) under test or ``done``."""
    if changes is None:
        ret["comment"] = unchanged
        return ret
    ret["changes"] = changes
    if test:
        ret["result"] = None
        ret["comment"] = would
    else:
        ret["comment"] = done
    return ret
