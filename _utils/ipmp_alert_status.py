"""
Ask the minion an IPMP event came from for its group's status right now.

The request targets exactly that one minion id, as a list, never a target
expression. Each reactor worker thread keeps one LocalClient for the life of
the process (in ``sys.modules``: the reactor reloads runners and utils):
building one loads the master's execution modules and returners, which
would add tens of milliseconds to every alert.
"""

import copy
import sys
import threading
import types

import salt.client

__virtualname__ = "ipmp_alert_status"

#: The tag's group for an event that names none: ask for every group.
NO_GROUP = "-"
_SHARED = "_salt_ipmp_alert_status_shared"


def __virtual__():
    """Needs only Salt itself: always loadable on a master."""
    return __virtualname__


def _clients():
    """Per-thread LocalClients kept for the master process (see
    ``ipmp_alert_fold._process_lock`` for why not module globals)."""
    holder = sys.modules.setdefault(_SHARED, types.ModuleType(_SHARED))
    return holder.__dict__.setdefault("clients", threading.local())


def _local_client(opts):
    tls = _clients()
    client = getattr(tls, "client", None)
    if client is None:
        client = salt.client.get_local_client(mopts=copy.copy(opts))
        tls.client = client
    return client


def _drop_local_client():
    tls = _clients()
    client = getattr(tls, "client", None)
    tls.client = None
    destroy = getattr(client, "destroy", None)
    if destroy is not None:
        try:
            destroy()
        except Exception:  # pylint: disable=broad-except
            pass


def fetch(opts, minion, group, timeout):
    """``ipmp.status`` of ``group`` (every group for ``-``) from exactly this
    minion, waiting ``timeout`` seconds; ``(status, None)`` or ``(None, why)``."""
    args = [] if group == NO_GROUP else [group]
    try:
        ret = _local_client(opts).cmd(
            [minion],
            "ipmp.status",
            arg=args,
            kwarg={"refresh": True},
            tgt_type="list",
            timeout=timeout,
            full_return=True,
        )
    except Exception as exc:  # pylint: disable=broad-except
        _drop_local_client()
        return None, "status request failed: {}".format(exc)
    answer = (ret or {}).get(minion)
    if not isinstance(answer, dict):
        return None, "no answer from {} within {}s".format(minion, timeout)
    value = answer.get("ret")
    if answer.get("retcode", 0) != 0 or not isinstance(value, dict):
        return None, "ipmp.status failed: {}".format(str(value)[:500])
    return value, None


def refresh_mine(opts, minion):
    """Ask exactly this minion to send ``ipmp.status`` to the mine again
    (``mine.send``), without waiting for it; False when the publish failed."""
    try:
        _local_client(opts).cmd_async([minion], "mine.send", arg=["ipmp.status"], tgt_type="list")
    except Exception:  # pylint: disable=broad-except
        _drop_local_client()
        return False
    return True
