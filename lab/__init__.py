"""A simulated Solaris 10 host for tests and the demo (never shipped to minions).

A lab host is a directory holding the files Solaris keeps in ``/etc`` and
``/var/adm`` plus ``var/lab/state.json``, the state of its simulated kernel
and in.mpathd.  ``HOST_DIR/bin`` holds stand-in ``dladm``, ``ifconfig``,
``if_mpadm`` and ``pkill`` commands that print and exit as Solaris 10 does.
Run ``python -m lab --help`` for the control commands.
"""
