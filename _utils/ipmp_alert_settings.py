"""
The master settings of the ipmp alert runner (``ipmp.alert_*``).

One reader, so that every part of an alert reads a setting the same way: a
number that is not a number, or is negative, falls back to its default with
a warning. A typo in the master config changes how alerts are timed, never
whether they are written.
"""

import logging

log = logging.getLogger(__name__)

__virtualname__ = "ipmp_alert_settings"

#: The numeric settings and their defaults (seconds). Other keys, such as
#: the targets of the alert sinks, have no default: unset is unset.
DEFAULTS = {
    "ipmp.alert_window": 2.0,
    "ipmp.alert_window_max": 60.0,
    "ipmp.alert_status_timeout": 10.0,
    "ipmp.alert_webhook_timeout": 5.0,
    "ipmp.alert_settle": 0.2,
    "ipmp.alert_mine_max_age": 600.0,
    "ipmp.alert_sink_timeout": 5.0,
    "ipmp.report_stale": 900.0,
}


def __virtual__():
    """Pure functions: always loadable."""
    return __virtualname__


def setting(opts, key):
    """The value of master setting ``key`` in ``opts``, defaulted and
    checked when it is one of :data:`DEFAULTS`."""
    val = opts.get(key)
    if key in DEFAULTS:
        try:
            val = float(val) if val is not None else DEFAULTS[key]
        except (TypeError, ValueError):
            log.warning("ipmp: %s must be a number; using %s", key, DEFAULTS[key])
            val = DEFAULTS[key]
        if val < 0:
            val = DEFAULTS[key]
    return val
