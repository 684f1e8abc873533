# -*- coding: utf-8 -*-
# vim: ft=sls
#
# /etc/default/mpathd tunables; in.mpathd is sent SIGHUP when an effective
# value changes, unless ipmp:live is false (files only: a reboot window, or
# an alternate boot environment under ipmp.root /a, whose file the running
# in.mpathd does not read). Tunables the pillar leaves out are left alone.
{%- from tpldir ~ "/map.jinja" import ipmp without context %}
{%- if ipmp.mpathd %}

ipmp-mpathd:
  ipmp_mpathd.managed:
    - name: /etc/default/mpathd
    - reload: {{ ipmp.live | json }}
{%-   for key, value in ipmp.mpathd | dictsort %}
    - {{ key }}: {{ value | json }}
{%-   endfor %}
{%- endif %}
