# -*- coding: utf-8 -*-
# vim: ft=yaml
#
# Pillar for the ipmp formula (salt/ipmp): Solaris 10 IPMP groups.
#
# The formula checks this pillar while it renders (ipmp.check_pillar): an
# unknown key, a bad name or address, an interface in two groups or a group
# with no active interface stops the run, before anything changes, with one
# message naming the key, e.g.
#   ipmp:groups:ipmp0:interfaces:bge0:stanbdy: unknown key (...);
#   did you mean 'standby'?
#
# Files are written under the minion config key `ipmp.root` (default `/`;
# `/a` prepares an alternate boot environment); that key lives in the minion
# config, not in this pillar.
---
ipmp:
  # Make live changes (plumb, group, standby, addresses, up) as well as
  # writing the files. false: files only, they take effect at the next boot.
  # Default true; each group and interface can override it (key `live`).
  live: true

  # /etc/inet/hosts entries (name: address, or name: [addresses]) that the
  # hostname files below refer to. The name is taken off other lines of the
  # same address family so that it resolves to these addresses only.
  hosts:
    myhost: 192.168.10.10
    web: 192.168.20.10
    web-e1000g0: 192.168.20.11
    web-e1000g1: 192.168.20.12

  # /etc/inet/netmasks entries (network number: netmask), which
  # `netmask +` in the hostname files looks up.
  netmasks:
    192.168.10.0: 255.255.255.0
    192.168.20.0: 255.255.255.0

  # /etc/default/mpathd tunables; leave a key out to leave it alone.
  # in.mpathd is sent SIGHUP when an effective value changes.
  mpathd:
    # milliseconds, at least 100 (Solaris default 10000)
    failure_detection_time: 10000
    # move addresses back to a repaired interface (default true)
    failback: true
    # track only interfaces that are in a group (default true)
    track_interfaces_only_with_groups: true

  # Solaris 11 and illumos: keep the groups in ipadm's store (ipadm, the
  # default) or, on illumos only, in /etc/hostname.* files (hostname_files).
  # Solaris 10 always uses its hostname files.
  # persist: ipadm

  # IPMP groups: name (1-31 characters) -> settings.
  groups:
    # Link-based active/standby pair: bge0 carries myhost, bge2 waits.
    # /etc/hostname.bge0: myhost netmask + broadcast + group ipmp0 up
    # /etc/hostname.bge2: group ipmp0 standby up
    ipmp0:
      # link (default): in.mpathd watches the NIC's link state only.
      # probe: it also pings targets from each interface's test address.
      failure_detection: link
      # live: true           # default: ipmp:live
      interfaces:
        bge0:
          # data address: host name (from hosts above) or IPv4 address
          address: myhost
        bge2:
          # standby: carries traffic only when an active interface fails;
          # every group needs at least one interface that is not standby
          standby: true

    # Probe-based group with test addresses, IPv4 and IPv6.
    # /etc/hostname.e1000g0:
    #   web-e1000g0 netmask + broadcast + group ipmp1 deprecated -failover up
    #   addif web netmask + broadcast + failover up          (one line)
    # /etc/hostname6.e1000g0:
    #   -failover group ipmp1 up addif 2001:db8:20::10/64 up
    ipmp1:
      failure_detection: probe
      interfaces:
        e1000g0:
          address: web
          # test address: on the physical interface, `deprecated -failover`,
          # never moves; probe groups need one on every interface
          test_address: web-e1000g0
          # netmask: '+'        # default: look up /etc/inet/netmasks
          # IPv6 data address (ADDR or ADDR/prefix; /64 when none given);
          # setting it implies ipv6: true
          address6: '2001:db8:20::10'
          # IPv6 test address: true means the interface's own link-local
          # address (the only kind in.mpathd accepts); in probe groups that
          # is the default for every interface with ipv6
          test_address6: true
          # more ifconfig words for the physical interface (IPv4):
          # extra: [mtu, '1500']
          # live: true            # default: the group's live
        e1000g1:
          test_address: web-e1000g1
          standby: true
          # plumb IPv6 too (link-local test address only, no data address)
          ipv6: true

  # in.mpathd events (failure, failover, repair, ...) on the Salt event bus,
  # tagged salt/beacon/<minion>/ipmp/<group>/<event>; applied by
  # salt/ipmp/events.sls, which declares nothing unless enabled is true.
  events:
    enabled: false
    # engine (default): the ipmp_events engine, sub-second alerts;
    # beacon: the ipmp beacon, checked every minion loop
    method: engine
    # engine: seconds between checks of the log (default 0.05);
    # beacon: Salt's beacon interval
    interval: 0.05
    # seconds between ipmp.status polls that catch state changes syslog
    # does not log (the OFFLINE flag if_mpadm -d sets, for one: only the
    # failover that follows it is logged); 0 turns them off
    status_interval: 10

  # ipmp.status in the Salt mine, for an instant fleet report
  # (salt-run ipmp.report reads it on the master; docs/fleet.md), applied
  # by salt/ipmp/mine.sls: seconds between two mine.send ipmp.status of a
  # schedule job, 0 (the default) for none. Whatever the interval, the
  # grains and (when on) the mine are refreshed after every group change.
  # mine:
  #   interval: 300
