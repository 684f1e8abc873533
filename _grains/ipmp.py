"""
Grains of the IPMP formula: ``ipmp_platform`` (``solaris10``, ``solaris11``
or ``illumos``) and ``ipmp_groups`` (the sorted names of the host's IPMP
groups, ``[]`` when it has none), for targeting:

.. code-block:: bash

    salt -G 'ipmp_groups:ipmp0' ipmp.status
    salt -G 'ipmp_platform:solaris10' test.ping

One read command per grains refresh: ``ifconfig -a`` on Solaris 10,
``ipmpstat -gP -o group`` on Solaris 11 and illumos, run by the command
layer (``ipmp_cmd``) and read by the project's parsers and model. Nothing
is run, and neither grain is set, on a minion that is not Solaris. The
formula refreshes the grains after it changed a group (``salt/ipmp/mine.sls``);
``salt '*' saltutil.refresh_grains`` does it by hand.
"""

import logging

log = logging.getLogger(__name__)

__virtualname__ = "ipmp"


def __virtual__():
    """Loadable everywhere; :func:`ipmp` returns nothing off Solaris."""
    return __virtualname__


def _utils():
    """The utils loader: the one Salt packs into grains, else a new one."""
    try:
        return __utils__  # pylint: disable=undefined-variable
    except NameError:  # pragma: no cover - every supported Salt packs it
        import salt.loader  # pylint: disable=import-outside-toplevel

        return salt.loader.utils(__opts__)


def _groups(utils, name):
    """Sorted group names, read with one command."""
    run = utils["ipmp_cmd.run"]
    if name == "solaris10":
        parsed = utils["ipmp_parse.ifconfig"](run("ifconfig", ["-a"], context={}))
        observed = utils["ipmp_model.observe_ifconfig"](parsed)
        return sorted(utils["ipmp_model.groups"](observed))
    text = run("ipmpstat", ["-gP", "-o", "group"], context={})
    rows = utils["ipmp_parse.ofmt"](text, ["group"])
    return sorted(set(row["group"] for row in rows if row.get("group")))


def ipmp(grains=None):
    """``{"ipmp_platform": ..., "ipmp_groups": [...]}`` on Solaris, ``{}`` elsewhere."""
    found = dict(grains or {})
    # Static grains of the minion config win over the core grains at the end
    # of the refresh; they are not merged yet when this runs.
    found.update((__opts__ or {}).get("grains") or {})
    if found.get("kernel") != "SunOS":
        return {}
    try:
        utils = _utils()
        name = utils["ipmp_platform.platform"](found, (__opts__ or {}).get("ipmp.platform"))
    except Exception as exc:  # pylint: disable=broad-except
        log.warning("ipmp grains: cannot tell the release: %s", exc)
        return {}
    try:
        groups = _groups(utils, name)
    except Exception as exc:  # pylint: disable=broad-except
        log.warning("ipmp grains: cannot read the IPMP groups: %s", exc)
        groups = []
    return {"ipmp_platform": name, "ipmp_groups": groups}
