{#-
  salt-ipmp: keep the ipmp grains and the mine in step with the groups.

    ipmp:
      mine:
        interval: <seconds>   # publish ipmp.status to the mine this often
                              # (a schedule job running mine.send); 0 (the
                              # default) publishes nothing and, where groups
                              # are declared, removes the job

  After any change to a group's live membership (the ipmp_group states of
  groups.sls) the grains are refreshed (ipmp_groups, ipmp_platform: target
  with salt -G 'ipmp_groups:ipmp0' ...), and, when the mine is on, the
  minion sends ipmp.status to the mine at once. salt-run ipmp.report reads
  the mine on the master without asking any minion (docs/fleet.md).
-#}
{%- from tpldir ~ "/map.jinja" import ipmp without context %}
{%- set interval = (ipmp.get("mine") or {}).get("interval") or 0 %}
{#- The mine lives on a master: a masterless run (file_client local, such
    as salt-call --local on a boot environment) has none and no schedule. #}
{%- set with_master = opts.get("file_client") != "local" %}
{%- set groups = ipmp.groups | dictsort | map(attribute=0) | list %}

include:
  - .groups

{%- if groups and interval and with_master %}

ipmp-grains-refresh:
  module.run:
    - saltutil.refresh_grains: []
    - onchanges:
{%-   for group_name in groups %}
      - ipmp_group: ipmp-group-{{ group_name }}
{%-   endfor %}
{%- endif %}

{%- if interval and with_master %}

ipmp-mine-schedule:
  schedule.present:
    - name: ipmp_mine
    - function: mine.send
    - job_args:
      - ipmp.status
    - seconds: {{ interval | int }}
    - return_job: false
    - persist: true

ipmp-mine-send:
  module.run:
    - mine.send:
      - ipmp.status
    - onchanges:
      - schedule: ipmp-mine-schedule
{%-   for group_name in groups %}
      - ipmp_group: ipmp-group-{{ group_name }}
{%-   endfor %}
{%-   if groups %}
    - require:
      - module: ipmp-grains-refresh
{%-   endif %}
{%- elif groups and with_master %}

ipmp-mine-schedule-absent:
  schedule.absent:
    - name: ipmp_mine
    - persist: true
{%- endif %}
