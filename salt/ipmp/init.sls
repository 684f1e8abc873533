# -*- coding: utf-8 -*-
# vim: ft=sls
#
# Everything the ipmp pillar declares: /etc/inet/hosts and netmasks entries,
# /etc/default/mpathd tunables, hostname files and live group membership,
# and in.mpathd events when ipmp:events:enabled is true (events.sls guards
# itself and does nothing otherwise); the ipmp grains and the mine are
# refreshed after any group change (mine.sls, ipmp:mine:interval).
---
include:
  - .prep
  - .mpathd
  - .groups
  - .events
  - .mine
