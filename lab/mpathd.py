"""A simulated Solaris 10 (pre-Clearview) in.mpathd.

Follows the OpenSolaris 2006 sources (mpd_main.c, mpd_probe.c): link
notifications, probe-based failure/repair, failover to a standby or the
least-loaded member, failback honouring FAILBACK, group failure and repair,
if_mpadm's offline/undo-offline, SIGHUP re-exec.  Probing is abstracted: a
NIC's probe targets either answer (``probe ok``) or not (``probe fail``); the
daemon notices FAILURE_DETECTION_TIME later via a detached timer process
(repair after NUM_PROBE_REPAIRS probe intervals, FDT * 10 / 7).

State lives in ``state["mpathd"]``; ``phyints`` holds in.mpathd's own view
(pi_state and message latches) of every interface it tracks.  ``DaemonBase``
and ``parse_defaults`` are what the Clearview in.mpathd (``lab.clearview``)
shares with this one; each keeps its own decisions and texts.
"""
from lab import addr as A
from lab import flags as F
from lab import kernel as K
from lab import syslog

# Format strings exactly as in the S10 sources: the syslog ID hashes them.
MSG_LINK_DOWN = "The link has gone down on %s\n"
MSG_LINK_UP = "The link has come up on %s\n"
MSG_FLAPPING = ("The link has come up on %s more than %d times in the last minute; "
                "disabling failback until it stabilizes\n")
MSG_FAILURE_GROUP = "NIC failure detected on %s of group %s\n"
MSG_FAILURE_ANON = "NIC failure detected on %s\n"
MSG_REPAIR_GROUP = "NIC repair detected on %s of group %s\n"
MSG_REPAIR_ANON = "NIC repair detected on %s\n"
MSG_FAILOVER = "Successfully failed over from NIC %s to NIC %s\n"
MSG_FAILBACK = "Successfully failed back to NIC %s\n"
MSG_GROUP_FAILED = "All Interfaces in group %s have failed\n"
MSG_GROUP_REPAIRED = "At least 1 interface (%s) of group %s has repaired\n"
MSG_NO_TEST_ADDR = ("No test address configured on interface %s; "
                    "disabling probe-based failure detection on it\n")
MSG_TEST_ADDR = ("Test address now configured on interface %s; "
                 "enabling probe-based failure detection on it\n")
MSG_NOT_PLUMBED = {
    "IPv4": "NIC %s of group %s is not plumbed for IPv4 and may affect failover capability\n",
    "IPv6": "NIC %s of group %s is not plumbed for IPv6 and may affect failover capability\n"}
MSG_CONSISTENT = "NIC %s is now consistent with group %s and failover capability is restored\n"
MSG_SIGHUP = "SIGHUP: restart and reread config file\n"
MSG_BAD_FDT = "Invalid failure detection time %s, assuming default %d\n"
MSG_SMALL_FDT = "Too small failure detection time of %s, assuming minimum %d\n"
MSG_BAD_FAILBACK = "Invalid value for FAILBACK %s\n"
MSG_BAD_TRACK = "Invalid value for TRACK_INTERFACES_ONLY_WITH_GROUPS %s\n"

FAILURE_DETECTION_TIME = 10000
MIN_FAILURE_DETECTION_TIME = 100
NUM_PROBE_FAILS, NUM_PROBE_REPAIRS = 5, 10
LINK_UP_PERMIN, MSEC_PERMIN = 2, 60000
IF_SCAN_INTERVAL = 20000

FAILOVER_NORMAL, FAILOVER_TO_NONSTANDBY, FAILOVER_TO_ANY = 0, 1, 2
IPMP_SUCCESS, IPMP_FAILURE, IPMP_EMINRED, IPMP_EFBDISABLED, IPMP_EFBPARTIAL = 0, 1, 2, 3, 4
PHYINT_OK, PHYINT_FAILURE, GROUP_FAILURE = 0, 1, 2
EINVAL = 22


def initial_state():
    return {"running": False, "pid": None, "fdt": FAILURE_DETECTION_TIME, "failback": True,
            "track_all": False, "phyints": {}, "groups": {}, "timers": {}, "seq": 0}


def parse_defaults(text, yes_no, msg_bad_fdt, msg_small_fdt):
    """getdefault() on etc/default/mpathd: (fdt, failback, track_all, logs).

    Both releases parse FAILURE_DETECTION_TIME the same way; ``yes_no`` reads
    a FAILBACK / TRACK_INTERFACES_ONLY_WITH_GROUPS value (True, False, or None
    when invalid) and ``msg_*`` are the release's FDT texts.  ``logs`` holds
    the (format, args) lines to log, in the daemon's order."""
    logs = []
    fdt = FAILURE_DETECTION_TIME
    value = defread(text, "FAILURE_DETECTION_TIME")
    if value is not None:
        parsed, _ = A.c_strtoul(value, 0)
        fdt = max(-2 ** 31, min(parsed or 0, 2 ** 31 - 1))
        if fdt <= 0:
            fdt = FAILURE_DETECTION_TIME
            logs.append((msg_bad_fdt, (value, fdt)))
        elif fdt < MIN_FAILURE_DETECTION_TIME:
            fdt = MIN_FAILURE_DETECTION_TIME
            logs.append((msg_small_fdt, (value, fdt)))
    answers = {"FAILBACK": True, "TRACK_INTERFACES_ONLY_WITH_GROUPS": True}
    for key, msg_bad in (("FAILBACK", MSG_BAD_FAILBACK),
                         ("TRACK_INTERFACES_ONLY_WITH_GROUPS", MSG_BAD_TRACK)):
        value = defread(text, key)
        if value is not None:
            answer = yes_no(value)
            if answer is None:
                logs.append((msg_bad, (value,)))
            else:
                answers[key] = answer
    return fdt, answers["FAILBACK"], not answers["TRACK_INTERFACES_ONLY_WITH_GROUPS"], logs


def s10_yes_no(value):
    """The S10 main(): a 'yes' / 'no' prefix, any case."""
    if value[:3].lower() == "yes":
        return True
    if value[:2].lower() == "no":
        return False
    return None


class DaemonBase(object):
    """What the Solaris 10 and the Clearview in.mpathd share, acting on one locked
    host context: syslog, the records, lifecycle, config, timers, link events.

    A subclass provides ``parse_config(text)`` -> (fdt, failback, track_all,
    logs), ``configure(fdt, failback, track_all)``, ``tracked()``,
    ``new_record(name, group)``, ``sync()``, ``probe_enabled(name)``,
    ``expired(timer)`` and ``link_went_down`` / ``link_came_up(name, rec)``."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.st = ctx.state
        self.mp = ctx.state["mpathd"]

    # ------------------------------------------------------------ plumbing
    def log(self, fmt, *args):
        text = syslog.line(self.ctx.now, self.st["hostname"], self.mp["pid"], fmt, args)
        syslog.append(self.ctx.host.messages, text)

    def rec(self, name):
        return self.mp["phyints"].get(name)

    def flags(self, name):
        return self.st["phyints"][name]["flags"]

    def link_up(self, name):
        return bool(self.flags(name) & F.RUNNING)

    def probes_failing(self, name):
        return self.st["nics"][name]["probe"] == "fail"

    # ------------------------------------------------------------ lifecycle
    def new_pid(self, forks):
        self.st["next_pid"] += forks
        return self.st["next_pid"]

    def start(self):
        """fork/exec in.mpathd, which daemonizes (two forks)."""
        if self.mp["running"]:
            return
        self.mp.update(running=True, pid=self.new_pid(3), phyints={}, groups={}, timers={})
        self.read_config()
        self.ctx.dirty = True

    def stop(self):
        self.mp.update(running=False, pid=None, phyints={}, groups={}, timers={})
        self.ctx.dirty = True

    def hup(self):
        """SIGHUP: log, clean up, execv() itself (and daemonize anew)."""
        self.log(MSG_SIGHUP)
        self.mp.update(pid=self.new_pid(2), phyints={}, groups={}, timers={})
        self.read_config()
        self.ctx.dirty = True
        self.sync()

    def read_config(self):
        fdt, failback, track_all, logs = self.parse_config(
            read_defaults(self.ctx.host.path("etc", "default", "mpathd")))
        for fmt, args in logs:
            self.log(fmt, *args)
        self.configure(fdt, failback, track_all)

    # ------------------------------------------------------------ tracking
    def update_records(self):
        """initifs(): forget interfaces no longer tracked (or in another group),
        record the new ones.  Returns the records."""
        current = self.tracked()
        records = self.mp["phyints"]
        for name in list(records):
            if current.get(name) != records[name]["group"]:
                del records[name]
                self.forget(name)
        for name, group in current.items():
            if name not in records:
                records[name] = self.new_record(name, group)
        return records

    def forget(self, name):
        """An interface in.mpathd stopped tracking."""

    # ------------------------------------------------------------ timers
    def wanted_timer(self, name, rec):
        """The detection timer a tracked interface needs now ("fail", "repair", None)."""
        if self.probe_enabled(name) and self.link_up(name):
            if rec["state"] == "running" and self.probes_failing(name):
                return "fail"
            if rec["state"] == "failed" and not self.probes_failing(name):
                return "repair"
        return None

    def schedule_timers(self):
        timers = self.mp["timers"]
        for name, rec in self.mp["phyints"].items():
            wanted = self.wanted_timer(name, rec)
            present = [t for t, v in timers.items() if v["nic"] == name]
            for token in present:
                if timers[token]["kind"] != wanted:
                    del timers[token]
            if wanted in ("fail", "repair") and not any(
                    timers.get(t, {}).get("kind") == wanted for t in present):
                interval = NUM_PROBE_FAILS + 2          # FDT / 7 per probe
                delay = self.mp["fdt"] if wanted == "fail" else (
                    -(-self.mp["fdt"] * NUM_PROBE_REPAIRS // interval))
                self.add_timer(name, wanted, self.ctx.now + delay / 1000.0)

    def add_timer(self, name, kind, due):
        self.mp["seq"] += 1
        token = "t%d" % self.mp["seq"]
        self.mp["timers"][token] = {"nic": name, "kind": kind, "due": due}
        self.ctx.timers_to_start.append((token, due))

    def fire(self, token):
        timer = self.mp["timers"].pop(token, None)
        self.ctx.dirty = True
        if timer is None or not self.mp["running"]:
            return
        self.expired(timer)
        self.sync()

    # ------------------------------------------------------------ events
    def link_changed(self, name, up):
        """process_link_state_changes() for one phyint."""
        rec = self.rec(name) if self.mp["running"] else None
        if rec is None:
            return
        if not up:
            self.log(MSG_LINK_DOWN, name)
            self.link_went_down(name, rec)
        else:
            self.log(MSG_LINK_UP, name)
            self.link_came_up(name, rec)
        self.ctx.dirty = True


class Daemon(DaemonBase):
    """The Solaris 10 in.mpathd."""

    def set_flag(self, name, bit, on):
        K.set_phyint_flag(self.st, name, bit, on)
        self.ctx.dirty = True

    def group_failed(self, group):
        return bool(group) and self.mp["groups"].get(group, {}).get("failed", False)

    def set_group_failed(self, group, value):
        if group:
            self.mp["groups"].setdefault(group, {})["failed"] = value

    def members(self, group):
        """Group members, newest first (in.mpathd inserts at the list head)."""
        names = [n for n, r in self.mp["phyints"].items() if r["group"] == group]
        return sorted(names, key=lambda n: -self.mp["phyints"][n]["seq"])

    def instance(self, name, fam):
        """Is the phyint's IPv4/IPv6 instance tracked (pi_v4 / pi_v6 != NULL)?"""
        il = K.ill(self.st, name, fam)
        return bool(il) and il["group"] == self.rec(name)["group"]

    def probe_enabled(self, name):
        rec = self.rec(name)
        if rec is None or rec["state"] == "offline" or self.flags(name) & F.OFFLINE:
            return False
        return any(self.instance(name, fam) and K.test_address(self.st, name, fam)
                   for fam in K.FAMS)

    # ------------------------------------------------------------ config
    @staticmethod
    def parse_config(text):
        """getdefault() on etc/default/mpathd exactly as the S10 main() parses it."""
        return parse_defaults(text, s10_yes_no, MSG_BAD_FDT, MSG_SMALL_FDT)

    def configure(self, fdt, failback, track_all):
        self.mp.update(fdt=fdt, failback=failback, track_all=track_all)
        self.st["kernel"]["ipmp_failback"] = failback   # SIOCSIPMPFAILBACK

    # ------------------------------------------------------------ initifs
    def tracked(self):
        result = {}
        for name in K.by_index(self.st):
            if self.flags(name) & (F.LOOPBACK | F.VIRTUAL):
                continue
            group = K.group_of(self.st, name)
            if group or self.mp["track_all"]:
                result[name] = group
        return result

    def new_record(self, name, group):
        self.mp["seq"] += 1
        flags = self.flags(name)
        state = "running"
        if flags & F.OFFLINE:
            state = "offline"
        elif flags & F.FAILED:
            state = "failed"
        elif not flags & F.RUNNING:
            state = "failed"
            K.set_phyint_flag(self.st, name, F.FAILED, True)
        return {"group": group, "state": state, "seq": self.mp["seq"], "taddr_msg": False,
                "lf_msg": False, "cfg_msg": False, "whenup": [0, 0], "whendx": 0}

    def sync(self):
        """What initifs() + check_config() do after the kernel changed."""
        if not self.mp["running"]:
            return
        records = self.update_records()
        groups = set(r["group"] for r in records.values())
        for group in list(self.mp["groups"]):
            if group not in groups:
                del self.mp["groups"][group]
        for name in sorted(records, key=lambda n: -records[n]["seq"]):
            self.retry(name)
        self.check_config()
        self.schedule_timers()
        self.ctx.dirty = True

    def retry(self, name):
        """initifs(): pending failovers/failbacks (the three invariants)."""
        rec = self.rec(name)
        if rec is None or self.group_failed(rec["group"]):
            return
        flags = self.flags(name)
        if flags & F.INACTIVE:
            if flags & F.STANDBY and K.has_data(self.st, name):
                self.try_failover(name, FAILOVER_TO_NONSTANDBY)
            return
        if not self.link_up(name) or not self.probe_enabled(name):
            return
        if rec["state"] == "failed" and K.has_data(self.st, name) and self.probes_failing(name):
            self.try_failover(name, FAILOVER_NORMAL)
        elif rec["state"] == "running" and not self.full(name):
            if self.try_failback(name) != IPMP_FAILURE:
                self.set_flag(name, F.FAILED, False)

    def full(self, name):
        index = self.st["phyints"][name]["index"]
        for other_name, other in self.st["phyints"].items():
            if other_name == name:
                continue
            for fam in K.FAMS:
                if other[fam] and any(ip["orig"] == index for ip in other[fam]["ipifs"].values()):
                    return False
        return True

    def check_plumbing(self, report):
        """check_config()'s IPv4/IPv6 consistency check.  in.mpathd runs it every
        IF_SCAN_INTERVAL, so a mismatch is only reported if it is still there
        20 seconds later (transient states while configuring stay silent)."""
        pending = False
        for group in sorted(set(r["group"] for r in self.mp["phyints"].values()) - {""}):
            members = self.members(group)
            in_group = dict((fam, any(self.instance(n, fam) for n in members)) for fam in K.FAMS)
            for name in members:
                rec = self.rec(name)
                if self.flags(name) & F.OFFLINE:
                    continue
                missing = None
                if in_group["inet"] and not self.instance(name, "inet"):
                    missing = "IPv4"
                elif in_group["inet6"] and not self.instance(name, "inet6"):
                    missing = "IPv6"
                if missing and not rec.get("cfg_msg"):
                    if report:
                        self.log(MSG_NOT_PLUMBED[missing], name, group)
                        rec["cfg_msg"] = True
                    else:
                        pending = True
                elif not missing and rec.get("cfg_msg"):
                    self.log(MSG_CONSISTENT, name, group)
                    rec["cfg_msg"] = False
        if pending and not any(t["kind"] == "config" for t in self.mp["timers"].values()):
            self.add_timer(None, "config", self.ctx.now + IF_SCAN_INTERVAL / 1000.0)

    def check_config(self):
        self.check_plumbing(False)
        records = self.mp["phyints"]
        for name in sorted(records, key=lambda n: -records[n]["seq"]):
            rec = records[name]
            if self.flags(name) & F.OFFLINE:
                continue
            has_test = any(self.instance(name, fam) and K.test_address(self.st, name, fam)
                           for fam in K.FAMS)
            if not has_test and not rec["taddr_msg"]:
                self.log(MSG_NO_TEST_ADDR, name)
                rec["taddr_msg"] = True
            elif has_test and rec["taddr_msg"]:
                self.log(MSG_TEST_ADDR, name)
                rec["taddr_msg"] = False

    # ------------------------------------------------------------ timers
    def wanted_timer(self, name, rec):
        """A failed link-based interface whose link is up also waits out the
        link-flapping minute ("flap", started by repaired())."""
        wanted = DaemonBase.wanted_timer(self, name, rec)
        if (wanted is None and rec["state"] == "failed" and self.link_up(name)
                and not self.probe_enabled(name)):
            return "flap"
        return wanted

    def expired(self, timer):
        if timer["kind"] == "config":
            self.check_plumbing(True)
            return
        name, rec = timer["nic"], self.rec(timer["nic"])
        if rec is None or not self.link_up(name):
            return
        if timer["kind"] == "fail":
            if rec["state"] == "running" and self.probe_enabled(name) and self.probes_failing(name):
                self.check_for_failure(name)
        elif timer["kind"] == "repair":
            if rec["state"] == "failed" and self.probe_enabled(name) and not self.probes_failing(name):
                self.check_for_repair(name, probes_ok=True)
        elif rec["state"] == "failed" and not self.probe_enabled(name):
            self.check_for_repair(name)

    # ------------------------------------------------------------ events
    def link_went_down(self, name, rec):
        if rec["state"] == "running" or (
                rec["state"] != "failed" and not self.group_failed(rec["group"])):
            self.check_for_failure(name)

    def link_came_up(self, name, rec):
        self.check_for_repair(name)
        rec["whenup"][rec["whendx"]] = int(self.ctx.now * 1000)
        rec["whendx"] = (rec["whendx"] + 1) % LINK_UP_PERMIN

    def failure_state(self, name):
        rec = self.rec(name)
        group = rec["group"]
        link_down = not self.link_up(name)
        if not link_down and not self.probes_failing(name):
            return PHYINT_OK
        others = [n for n in self.members(group) if n != name] if group else []
        if not any(self.probe_enabled(n) for n in others):
            return PHYINT_FAILURE
        for other in others:
            orec = self.rec(other)
            usable = (orec["state"] == "running" and not self.group_failed(group)
                      and self.link_up(other))
            if link_down and usable:
                return PHYINT_FAILURE
            if (not link_down and usable and self.probe_enabled(other)
                    and not self.probes_failing(other)):
                return PHYINT_FAILURE
        if not self.group_failed(group):
            self.set_group_failed(group, True)
        return GROUP_FAILURE

    def check_for_failure(self, name):
        """phyint_inst_check_for_failure()."""
        rec = self.rec(name)
        result = self.failure_state(name)
        if result == PHYINT_FAILURE:
            self.set_flag(name, F.FAILED, True)
            if rec["group"]:
                self.log(MSG_FAILURE_GROUP, name, rec["group"])
            else:
                self.log(MSG_FAILURE_ANON, name)
            if rec["state"] != "offline":
                rec["state"] = "failed"
                if not self.flags(name) & F.INACTIVE:
                    self.try_failover(name, FAILOVER_NORMAL)
        elif result == GROUP_FAILURE:
            self.log(MSG_GROUP_FAILED, rec["group"])
            for other in self.members(rec["group"]):
                if self.flags(other) & F.OFFLINE:
                    continue
                self.set_flag(other, F.FAILED, True)
                if self.rec(other)["state"] == "running":
                    self.rec(other)["state"] = "failed"

    def repaired(self, name, probes_ok):
        rec = self.rec(name)
        if not self.link_up(name):
            return False
        if not self.probe_enabled(name):
            last = rec["whenup"][rec["whendx"]]
            now = int(self.ctx.now * 1000)
            if last == 0 or now - last > MSEC_PERMIN:
                rec["lf_msg"] = False
                return True
            if not rec["lf_msg"]:
                self.log(MSG_FLAPPING, name, LINK_UP_PERMIN)
                rec["lf_msg"] = True
            if not any(t["nic"] == name for t in self.mp["timers"].values()):
                self.add_timer(name, "flap", (last + MSEC_PERMIN + 1) / 1000.0)
            return False
        return probes_ok and not self.probes_failing(name)

    def check_for_repair(self, name, probes_ok=False):
        """phyint_check_for_repair()."""
        if not self.repaired(name, probes_ok):
            return
        rec = self.rec(name)
        group = rec["group"]
        if group:
            self.log(MSG_REPAIR_GROUP, name, group)
        else:
            self.log(MSG_REPAIR_ANON, name)
        if rec["state"] == "offline":
            self.set_flag(name, F.FAILED, False)
            return
        if self.flags(name) & F.STANDBY:
            self.set_flag(name, F.FAILED, False)
        elif self.try_failback(name) != IPMP_FAILURE:
            self.set_flag(name, F.FAILED, False)
        rec["state"] = "running"
        if self.group_failed(group):
            self.log(MSG_GROUP_REPAIRED, name, group)
            self.set_group_failed(group, False)
            if self.flags(name) & F.STANDBY:
                for other in self.members(group):
                    if other != name:
                        self.try_failover(other, FAILOVER_NORMAL)

    # ------------------------------------------------------------ failover
    def failover_dst(self, name, kind):
        """get_failover_dst(): an inactive standby first, else the least loaded."""
        group = self.rec(name)["group"]
        if not group:
            return None
        maybe = last_choice = None
        for other in self.members(group):
            orec = self.rec(other)
            if other == name or orec["state"] == "offline":
                continue
            if any(self.instance(name, fam) and not self.instance(other, fam) for fam in K.FAMS):
                continue
            if orec["state"] != "running":
                last_choice = other
                continue
            if self.flags(other) & (F.STANDBY | F.INACTIVE) and kind != FAILOVER_TO_NONSTANDBY:
                return other
            if maybe is None or K.upcount(self.st, other) < K.upcount(self.st, maybe):
                maybe = other
        if maybe is None and kind == FAILOVER_TO_ANY:
            return last_choice
        return maybe

    def try_failover(self, name, kind):
        dst = self.failover_dst(name, kind)
        if dst is None:
            return IPMP_EMINRED
        K.failover(self.st, name, dst)
        self.ctx.dirty = True
        if kind == FAILOVER_NORMAL:
            self.log(MSG_FAILOVER, name, dst)
        return IPMP_SUCCESS

    def try_failback(self, name):
        if self.rec(name)["group"] and not self.mp["failback"]:
            return IPMP_EFBDISABLED
        return self.do_failback(name)

    def do_failback(self, name):
        group = self.rec(name)["group"]
        if not group:
            return IPMP_SUCCESS
        attempted = partial = False
        for other in self.members(group):
            if other == name:
                continue
            if any(self.instance(other, fam) and not self.instance(name, fam) for fam in K.FAMS):
                partial = True
                continue
            attempted = True
            K.failback(self.st, other, name)
        self.ctx.dirty = True
        if attempted and self.flags(name) & (F.FAILED | F.OFFLINE):
            self.log(MSG_FAILBACK, name)
        return IPMP_EFBPARTIAL if partial else IPMP_SUCCESS

    # ------------------------------------------------------------ if_mpadm
    def offline(self, name):
        """MI_OFFLINE with mio_min_redundancy = 1: (mpathd error, errno)."""
        rec = self.rec(name)
        if rec is None:
            return IPMP_FAILURE, EINVAL
        group, usable = rec["group"], 0
        if group:
            for other in self.members(group):
                if self.rec(other)["state"] == "running" or (
                        self.group_failed(group) and not self.flags(other) & F.OFFLINE):
                    usable += 1
        if usable < 1:
            return IPMP_EMINRED, 0
        self.set_flag(name, F.OFFLINE, True)
        if K.has_data(self.st, name):
            error = self.try_failover(name, FAILOVER_NORMAL)
            if error != IPMP_SUCCESS:
                self.set_flag(name, F.OFFLINE, False)
                return error, 0
        rec["state"] = "offline"
        return IPMP_SUCCESS, 0

    def undo_offline(self, name):
        rec = self.rec(name)
        if rec is None or rec["state"] != "offline":
            return IPMP_FAILURE, EINVAL
        rec["state"] = "running" if self.link_up(name) else "failed"
        if rec["state"] == "running":
            self.do_failback(name)
        self.set_flag(name, F.OFFLINE, False)
        return IPMP_SUCCESS, 0


def daemon_for(ctx):
    """The host's in.mpathd: this module's (Solaris 10) or Clearview's (5.11)."""
    if ctx.state.get("release", "solaris10") != "solaris10":
        from lab.clearview import Clearview
        return Clearview(ctx)
    return Daemon(ctx)


def read_defaults(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("latin-1")
    except OSError:
        return None


def defread(text, key):
    """libcmd defread(): skip leading blanks, case-insensitive 'KEY=' prefix,
    first match wins, rest of the line verbatim (no quote stripping)."""
    if text is None:
        return None
    want = key.upper() + "="
    for raw in text.split("\n"):
        if len(raw) >= 1023:
            break
        line = raw.lstrip(" ")
        if line[:len(want)].upper() == want:
            return line[len(want):]
    return None
