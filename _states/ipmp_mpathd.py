"""
in.mpathd tunables in ``/etc/default/mpathd``.

in.mpathd reads the file only when it starts or gets SIGHUP, and reads it in
its own way (``defread``: a line counts only if it starts, after spaces, with
``KEY=``; the first such line wins; ``FAILBACK = no`` is silently ignored).
The state edits the file so that what in.mpathd reads is what was declared:
the effective line and every other line setting the same key become
``KEY=value``, comments and unrelated lines stay.  The result is checked with
the same parser ``ipmp.mpathd`` uses before it is written.  in.mpathd gets
SIGHUP (``ipmp.reload_mpathd``) only when an effective value changed.

.. code-block:: yaml

    mpathd:
      ipmp_mpathd.managed:
        - failure_detection_time: 10000
        - failback: true
        - track_interfaces_only_with_groups: true
"""

from salt.exceptions import CommandExecutionError, SaltInvocationError

__virtualname__ = "ipmp_mpathd"

KEYS = (
    ("failure_detection_time", "FAILURE_DETECTION_TIME"),
    ("failback", "FAILBACK"),
    ("track_interfaces_only_with_groups", "TRACK_INTERFACES_ONLY_WITH_GROUPS"),
)


def __virtual__():
    """Only on Solaris: IPMP exists nowhere else."""
    return __utils__["ipmp_platform.virtual"](__grains__, __virtualname__, "state")


def managed(
    name="/etc/default/mpathd",
    failure_detection_time=None,
    failback=None,
    track_interfaces_only_with_groups=None,
    reload=True,
    root=None,
):
    """
    Set in.mpathd tunables; tunables left at None are not managed.

    name
        Label only; the file is always ``<ipmp.root>/etc/default/mpathd``.
    failure_detection_time
        Milliseconds, a whole number of at least 100.
    failback
        true/false (written ``yes``/``no``).
    track_interfaces_only_with_groups
        true/false (written ``yes``/``no``).
    reload
        Send in.mpathd SIGHUP when an effective value changed (default true).
    root
        Directory the file lives under; default the ``ipmp.root`` config key.
    """
    ret = __utils__["ipmp_stateret.new"](name)
    declared = {
        "failure_detection_time": failure_detection_time,
        "failback": failback,
        "track_interfaces_only_with_groups": track_interfaces_only_with_groups,
    }
    settings = {}
    try:
        __utils__["ipmp_validate.strict_boolean"](reload, "reload")
        for arg, key in KEYS:
            if declared[arg] is None:
                continue
            text = __utils__["ipmp_files.mpathd_value"](key, declared[arg])
            settings[key] = int(text) if arg == "failure_detection_time" else text == "yes"
        if not settings:
            ret["comment"] = "No mpathd tunable declared; nothing to manage"
            return ret
        root = __utils__["ipmp_stateret.root"](root, __salt__["config.get"])
        path = __utils__["ipmp_validate.root_path"](root, __utils__["ipmp_files.relpath"]("mpathd"))
        path = __utils__["ipmp_files.confine"](root, path)
        old = __utils__["ipmp_files.read"](path)
        new = __utils__["ipmp_files.edit_mpathd"](old or "", settings)
        before = __utils__["ipmp_parse.mpathd"](old or "")
        after = __utils__["ipmp_parse.mpathd"](new)
        wrong = [k for k, v in settings.items() if after.get(k) != v]
        if wrong:
            raise SaltInvocationError(
                "after editing {} in.mpathd would still not read {} as declared; "
                "file left unchanged".format(path, ", ".join(sorted(wrong)))
            )
        changes = __utils__["ipmp_files.manage"](path, new, test=bool(__opts__["test"]))
    except (SaltInvocationError, ValueError, IOError, OSError) as exc:
        return __utils__["ipmp_stateret.error"](ret, exc, "Invalid mpathd settings")
    if changes is None:
        ret["comment"] = "{} already sets {}".format(
            path, ", ".join("{}={}".format(k, _show(settings[k])) for k in sorted(settings))
        )
        return ret
    effective = [key for _, key in KEYS if before.get(key) != after.get(key)]
    for key in effective:
        changes[key] = {"old": before.get(key), "new": after.get(key)}
    ret["changes"] = changes
    if __opts__["test"]:
        ret["result"] = None
        ret["comment"] = "{} would be updated{}".format(
            path, "; in.mpathd would be told to reread it" if effective and reload else ""
        )
        return ret
    comment = ["{} updated".format(path)]
    if effective and reload:
        try:
            if __salt__["ipmp.reload_mpathd"]():
                comment.append("in.mpathd told to reread it (SIGHUP)")
            else:
                # in.mpathd starts on demand (ifconfig ... group) and reads
                # the file then.
                comment.append("in.mpathd is not running; it reads the file when it starts")
        except CommandExecutionError as exc:
            ret["result"] = False
            comment.append("in.mpathd could not be told to reread it: {}".format(exc))
    ret["comment"] = "; ".join(comment)
    return ret


def _show(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
