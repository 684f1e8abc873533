#!py
"""
Reactor: hand every IPMP event to the ``ipmp.alert`` runner.

Map it in the master config (docs/master-reactor.conf.example)::

    reactor:
      - 'salt/beacon/*/ipmp/*':
        - salt://reactor/ipmp/ipmp_alert.sls

Pure Python on purpose: the event's tag and data reach the runner as
objects. The usual ``{{ data | json }}`` in a Jinja/YAML reactor would paste
minion-supplied text into a template and re-parse it; here nothing from the
event is ever rendered into YAML, a command line or a target. The minion id
is read from the tag by a strict pattern and the runner checks it again
against the sender Salt recorded; anything that does not fit is dropped.
"""

import re

_TAG = re.compile(r"^salt/beacon/([A-Za-z0-9_][A-Za-z0-9_.@-]{0,254})/ipmp/[^/]+/[a-z][a-z0-9_]*$")


def run():
    # ``tag`` and ``data`` are set by Salt's reactor before run() is called.
    match = _TAG.match(tag) if isinstance(tag, str) else None  # noqa: F821
    if match is None or not isinstance(data, dict):  # noqa: F821
        return {}
    return {
        "ipmp_alert": {
            "runner.ipmp.alert": [
                {"args": [{"tag": tag}, {"data": data}, {"minion": match.group(1)}]}  # noqa: F821
            ]
        }
    }
