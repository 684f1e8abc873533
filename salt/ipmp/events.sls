{#-
  salt-ipmp: send in.mpathd's events to the master, as pillar ipmp:events asks.

    ipmp:
      events:
        enabled: true
        method: engine        # engine (default: sub-second) | beacon
        interval: <seconds>   # engine: between file checks
                              # beacon: Salt's beacon interval (default: every minion loop)
        status_interval: <seconds>  # between ipmp.status polls that catch state
                              # changes syslog does not log; 0 turns them off

  Nothing at all is declared unless ipmp:events:enabled is true.

  The settings come checked, with their defaults filled in, from map.jinja
  (ipmp.check_pillar): the defaults and the checks live in
  _utils/ipmp_options.py, none here (examples: pillar.example/ipmp.sls).

  engine: writes <config dir>/minion.d/ipmp_events.conf and restarts the
          minion in the background when that file changed (engines start
          only with the minion); removes an ipmp beacon set up earlier.
  beacon: configures the ipmp beacon (saved to beacons.conf, active at once)
          and removes the engine file.
-#}
{%- from tpldir ~ "/map.jinja" import ipmp without context %}
{%- set events = ipmp.events %}
{%- if events.enabled is sameas true %}
{%-   set method = events.method %}
{%-   set status_interval = events.status_interval %}
{%-   set confdir = salt['file.dirname'](opts['conf_file']) %}
{%-   set incdir = salt['file.dirname'](opts.get('default_include') or 'minion.d/*.conf') %}
{%-   set engine_file = confdir ~ '/' ~ incdir ~ '/ipmp_events.conf' %}
{%-   set engine = {'interval': events.get('interval')} %}
{%-   if status_interval %}
{%-     do engine.update({'status': True, 'status_interval': status_interval}) %}
{%-   endif %}

{%-   if method == 'engine' %}
ipmp-events-engine-config:
  file.serialize:
    - name: {{ engine_file | json }}
    - serializer: yaml
    - makedirs: true
    - dataset:
        engines:
          - ipmp_events: {{ engine | json }}

ipmp-events-engine-restart-minion:
  cmd.run:
    - name: salt-call --local service.restart salt-minion
    - bg: true
    - onchanges:
      - file: ipmp-events-engine-config

ipmp-events-beacon-absent:
  beacon.absent:
    - name: ipmp
    - save: true

{%-   else %}
ipmp-events-beacon:
  beacon.present:
    - name: ipmp
    - save: true
{%-     if events.get('interval') %}
    - interval: {{ events['interval'] | json }}
{%-     endif %}
{%-     if status_interval %}
    - status: true
    - status_interval: {{ status_interval | json }}
{%-     endif %}

ipmp-events-engine-absent:
  file.absent:
    - name: {{ engine_file | json }}

ipmp-events-engine-stop-restart-minion:
  cmd.run:
    - name: salt-call --local service.restart salt-minion
    - bg: true
    - onchanges:
      - file: ipmp-events-engine-absent
{%-   endif %}
{%- endif %}
