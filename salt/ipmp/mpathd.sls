# -*- coding: utf-8 -*-
# vim: ft=sls
#
# /etc/default/mpathd tunables; in.mpathd is sent SIGHUP when an effective
# value changes. Tunables the pillar leaves out are left alone.
{%- from tpldir ~ "/map.jinja" import ipmp without context %}
{%- if ipmp.mpathd %}

ipmp-mpathd:
  ipmp_mpathd.managed:
    - name: /etc/default/mpathd
{%-   for key, value in ipmp.mpathd | dictsort %}
    - {{ key }}: {{ value | json }}
{%-   endfor %}
{%- endif %}
