# -*- coding: utf-8 -*-
# vim: ft=yaml
#
# Pillar top file: give the ipmp pillar to the Solaris 10 minions that have
# these NICs. Copy ipmp.sls next to it in the pillar root and adapt both.
---
base:
  'G@kernel:SunOS and G@kernelrelease:5.10':
    - match: compound
    - ipmp
