# -*- coding: utf-8 -*-
# vim: ft=sls
#
# Per group: on Solaris 10 /etc/hostname.<if> (and hostname6.<if>) for every
# interface (Solaris 11 and illumos keep the group in ipadm's store instead),
# then the live membership (plumb, group, standby, addresses, up) for the
# interfaces that differ, one at a time. The hosts, netmasks and mpathd
# states run first. Every name is rendered through `| json`, so a group or
# host called null, yes, on, 123, 0x1F or 1.5 stays a string.
{%- set tplroot = tpldir.split("/")[0] %}
{%- from tpldir ~ "/map.jinja" import ipmp without context %}

include:
  - .prep
  - .mpathd

{#- Solaris 10 persists a group in hostname files; Solaris 11 and illumos
    in ipadm's store, which the group state writes itself. #}
{%- set platform = salt["ipmp.platform"]() %}
{%- set hostname_files = platform == "solaris10" %}
{#- illumos with ipmp:persist: hostname_files keeps each group in its own
    boot files (ipmp_group.hostname_files) and changes the running system
    with ipadm -t. #}
{%- set clearview_files = platform == "illumos" and ipmp.persist == "hostname_files" %}

{%- for group_name, group in ipmp.groups | dictsort %}
{%-   set probe = group.failure_detection == "probe" %}
{%-   for if_name, iface in group.interfaces | dictsort if hostname_files %}

ipmp-hostname-{{ if_name }}:
  ipmp_hostname.managed:
    - name: {{ if_name | json }}
    - family: inet
    - group: {{ group_name | json }}
    - address: {{ iface.address | json }}
    - netmask: {{ iface.netmask | json }}
    - standby: {{ iface.standby | json }}
    - test_address: {{ iface.test_address | json }}
    - extra: {{ iface.extra | json }}
    - check_link: {{ iface.live | json }}
    - require_in:
      - ipmp_group: ipmp-group-{{ group_name }}
{%-     if iface.ipv6 %}

ipmp-hostname6-{{ if_name }}:
  ipmp_hostname.managed:
    - name: {{ if_name | json }}
    - family: inet6
    - group: {{ group_name | json }}
    - address: {{ iface.address6 | json }}
    - standby: {{ iface.standby | json }}
    - test_address: {{ iface.test_address6 | json }}
    - probe: {{ probe | json }}
    - check_link: {{ iface.live | json }}
    - require_in:
      - ipmp_group: ipmp-group-{{ group_name }}
{%-     endif %}
{%-   endfor %}

{%-   if clearview_files %}

ipmp-hostname-files-{{ group_name }}:
  ipmp_group.hostname_files:
    - name: {{ group_name | json }}
    - failure_detection: {{ group.failure_detection | json }}
    - hosts: {{ ipmp.hosts | json }}
    - netmasks: {{ ipmp.netmasks | json }}
    - interfaces: {{ group.interfaces | json }}
    - require_in:
      - ipmp_group: ipmp-group-{{ group_name }}
{%-   endif %}

ipmp-group-{{ group_name }}:
  ipmp_group.present:
    - name: {{ group_name | json }}
    - failure_detection: {{ group.failure_detection | json }}
    - live: {{ group.live | json }}
    - hosts: {{ ipmp.hosts | json }}
    - netmasks: {{ ipmp.netmasks | json }}
    - persist: {{ ipmp.persist | json }}
    - interfaces: {{ group.interfaces | json }}
{%-   if ipmp.hosts or ipmp.netmasks or ipmp.mpathd %}
    - require:
{%-     for name in ipmp.hosts | sort %}
      - ipmp_inet: ipmp-host-{{ name }}
{%-     endfor %}
{%-     for network in ipmp.netmasks | sort %}
      - ipmp_inet: ipmp-netmask-{{ network }}
{%-     endfor %}
{%-     if ipmp.mpathd %}
      - ipmp_mpathd: ipmp-mpathd
{%-     endif %}
{%-   endif %}
{%- else %}

ipmp-no-groups:
  test.nop:
    - name: no IPMP group declared in pillar ipmp:groups
{%- endfor %}
