# -*- coding: utf-8 -*-
# vim: ft=sls
#
# /etc/inet/hosts and /etc/inet/netmasks entries that the hostname files
# name: `myhost netmask + broadcast +` is resolved through them at boot.
{%- from tpldir ~ "/map.jinja" import ipmp without context %}

{%- for name, addresses in ipmp.hosts | dictsort %}

ipmp-host-{{ name }}:
  ipmp_inet.host:
    - name: {{ name | json }}
    - ip: {{ addresses | json }}
{%- endfor %}

{%- for network, mask in ipmp.netmasks | dictsort %}

ipmp-netmask-{{ network }}:
  ipmp_inet.netmask:
    - name: {{ network | json }}
    - mask: {{ mask | json }}
{%- endfor %}
