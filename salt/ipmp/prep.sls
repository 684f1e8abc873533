# -*- coding: utf-8 -*-
# vim: ft=sls
#
# /etc/inet/hosts and /etc/inet/netmasks entries that the hostname files
# name: `myhost netmask + broadcast +` is resolved through them at boot.
{%- from tpldir ~ "/map.jinja" import ipmp without context %}
{%- set live_interfaces = [] %}
{%- for group_name, group in ipmp.groups | dictsort %}
{%-   for if_name, iface in group.interfaces | dictsort %}
{%-     if iface.live %}{%- do live_interfaces.append(if_name) %}{%- endif %}
{%-   endfor %}
{%- endfor %}
{%- if live_interfaces %}

# Runs first and stops the whole run when an interface to manage live is
# missing (not plumbed, not in dladm show-link): nothing is written then.
ipmp-interfaces-exist:
  ipmp_group.interfaces_exist:
    - interfaces: {{ live_interfaces | json }}
    - order: 1
    - failhard: true
{%- endif %}

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
