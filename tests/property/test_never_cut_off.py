"""Never cut off: a property-based run over random sequences of lab faults and
salt-ipmp actions on a Solaris 10 lab host (issue 9).

Each example is a fresh lab host (bge0, bge1, bge2, FAILURE_DETECTION_TIME
100 ms) and a sequence of steps drawn from:

- faults: ``python -m lab link HOST NIC down|up``, ``python -m lab probe
  HOST NIC fail|ok``;
- salt-ipmp actions: ``ipmp_group.present`` with a random valid group
  declaration (through Salt's state loader, as
  ``tests/functional/states/test_states_group.py`` does), run first with
  ``test=True`` and then for real; ``ipmp.offline`` / ``ipmp.online``.

After every step in.mpathd is let settle (no pending timer), and after every
salt-ipmp action three invariants are checked:

(a) no group that had a working interface in an address family is left
    without one, and no data address an up, working interface carried is
    lost or left on an interface that cannot carry it;
(b) once the state reports success, every declared data address is on an
    interface of the group that is working in its family;
(c) the ``test=True`` run just before predicted exactly the changes (and the
    outcome) of the real run.

Bounded and seeded (``derandomize=True``): the same sequences every run.
Marked ``slow_property``: ``make test-3006`` deselects it (it exercises the
same code on both Salt releases; once, on 3008, is enough for CI time).
"""

import ipaddress
import json
import os
import pathlib
import time

import pytest

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")

import salt.loader  # noqa: E402

from lab import loaders as lab_loaders  # noqa: E402
from lab.fleet import host_config  # noqa: E402

pytestmark = [pytest.mark.slow_property, pytest.mark.slow]

REPO = pathlib.Path(__file__).resolve().parents[2]
NICS = ("bge0", "bge1", "bge2")
GROUPS = ("ipmp0", "ipmp1")
#: Per NIC: data address, test address, IPv6 data address.
ADDR = {
    nic: ("192.168.10.{}".format(10 + i), "192.168.10.{}".format(20 + i), "2001:db8::{}".format(10 + i))
    for i, nic in enumerate(NICS)
}
#: How many sequences; each has 3 to MAX_STEPS steps.
EXAMPLES = int(os.environ.get("IPMP_PROPERTY_EXAMPLES", "30"))
MAX_STEPS = 6


# ------------------------------------------------------------------ strategies
@st.composite
def declarations(draw):
    group = draw(st.sampled_from(GROUPS))
    probe = draw(st.booleans())
    members = draw(st.lists(st.sampled_from(NICS), min_size=1, max_size=3, unique=True))
    interfaces = {}
    for nic in sorted(members):
        data, test, data6 = ADDR[nic]
        iface = {"standby": draw(st.booleans())}
        if draw(st.booleans()):
            iface["address"] = data
        if probe:
            iface["test_address"] = test
        if draw(st.booleans()):
            iface["ipv6"] = True
            if draw(st.booleans()):
                iface["address6"] = data6
        interfaces[nic] = iface
    if all(i["standby"] for i in interfaces.values()):
        interfaces[sorted(interfaces)[0]]["standby"] = False
    return ("apply", group, "probe" if probe else "link", interfaces)


faults = st.one_of(
    st.tuples(st.just("link"), st.sampled_from(NICS), st.sampled_from(("down", "up"))),
    st.tuples(st.just("probe"), st.sampled_from(NICS), st.sampled_from(("fail", "ok"))),
)
admin = st.tuples(st.sampled_from(("offline", "online")), st.sampled_from(NICS))
#: A sequence starts from a group declared and applied, then mixes faults,
#: offline/online and new declarations (a new declaration half the time).
steps = st.tuples(
    declarations(),
    st.lists(st.one_of(declarations(), faults, admin), min_size=2, max_size=MAX_STEPS - 1),
).map(lambda pair: [pair[0]] + pair[1])


# ------------------------------------------------------------------ the rig
class Rig:
    def __init__(self, host, workdir, cache):
        self.host = host
        self.workdir = workdir
        self.cache = cache
        self.violations = []

    def loaded(self, test=False):
        """The loaders for this host (built once per run, as loading is slow),
        with a fresh context: a new job."""
        os.environ["PATH"] = self.host.environ()["PATH"]
        key = bool(test)
        if key not in self.cache:
            opts = lab_loaders.minion_opts(
                self.workdir, host=self.host.root, test=test, states_dirs=[str(REPO / "_states")]
            )
            loaded = lab_loaders.load(opts)
            states = salt.loader.states(
                loaded.opts, loaded.modules, loaded.utils, salt.loader.serializers(loaded.opts),
                context=loaded.context,
            )
            self.cache[key] = (loaded, states)
        loaded, states = self.cache[key]
        loaded.opts.update(host_config(self.host.root))
        loaded.reset_context()
        loaded.states = states
        return loaded

    def settle(self, timeout=1.0):
        """Wait until the lab's in.mpathd has no pending timer."""
        path = self.host.path("var/lab/state.json")
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                state = json.loads(path.read_text())
            except ValueError:
                time.sleep(0.05)
                continue
            if not (state.get("mpathd") or {}).get("timers"):
                return
            time.sleep(0.05)

    def observe(self):
        loaded = self.loaded()
        text = self.host.tool_ok("ifconfig", "-a").stdout
        data = loaded.utils["ipmp_parse.ifconfig"](text)
        return data, loaded.utils["ipmp_model.observe_ifconfig"](data)

    def working_families(self):
        """{(group, family)} with at least one working member, and the data
        addresses an up interface that is working carries."""
        data, observed = self.observe()
        working = self.loaded().utils["ipmp_model.working"]
        families = set(
            (entry[fam]["groupname"], fam)
            for name, entry in data.items()
            if ":" not in name
            for fam in ("inet", "inet6")
            if (entry.get(fam) or {}).get("groupname") and working(entry[fam].get("flags"))
        )
        carried = set()
        for name, entry in data.items():
            base = data.get(name.split(":")[0]) or {}
            for fam in ("inet", "inet6"):
                inst = entry.get(fam) or {}
                flags = inst.get("flags") or ()
                addr = inst.get("address")
                if (not addr or "UP" not in flags or "NOFAILOVER" in flags
                        or "LOOPBACK" in flags):
                    continue
                parsed = ipaddress.ip_address(addr.split("/")[0])
                if parsed.is_unspecified or parsed.is_link_local or parsed.is_loopback:
                    continue
                pflags = (base.get(fam) or {}).get("flags") or ()
                if "RUNNING" in pflags and not set(pflags) & {"FAILED", "OFFLINE"}:
                    carried.add(str(parsed))
        return families, carried

    def state(self, group, detection, interfaces, test):
        loaded = self.loaded(test=test)
        return loaded.states["ipmp_group.present"](
            group, interfaces=interfaces, failure_detection=detection
        )

    def violation(self, step, text):
        self.violations.append("{}: {}".format(step, text))

    def run(self, step):
        kind = step[0]
        if kind == "link":
            self.host.run_lab("link", self.host.root, step[1], step[2])
        elif kind == "probe":
            self.host.run_lab("probe", self.host.root, step[1], step[2])
        else:
            before = self.working_families()
            if kind == "apply":
                self.apply(step)
            else:
                try:
                    self.loaded()["ipmp.{}".format(kind)](step[1])
                except Exception:  # noqa: BLE001  refusals are fine
                    pass
            self.settle()
            after = self.working_families()
            for lost in sorted(before[0] - after[0]):
                # (a) a group that had a working interface in a family keeps one
                self.violation(step, "group {} lost its last working {} interface".format(*lost))
            for addr in sorted(before[1] - after[1]):
                # (a') no data address the host carried is lost (or left on an
                # interface that cannot carry it)
                self.violation(step, "data address {} lost".format(addr))
        self.settle()

    def apply(self, step):
        _, group, detection, interfaces = step
        predicted = self.state(group, detection, interfaces, test=True)
        real = self.state(group, detection, interfaces, test=False)
        # (c) test=True predicted the real run
        if predicted["changes"] != real["changes"] or (predicted["result"] is False) != (
            real["result"] is False
        ):
            self.violation(step, "test=True predicted {} ({}), the run did {} ({})".format(
                predicted["changes"], predicted["comment"], real["changes"], real["comment"]))
        if real["result"] is not True:
            return
        # (b) every declared data address is on a working interface of the group
        data, observed = self.observe()
        for nic, iface in sorted(interfaces.items()):
            for key, family in (("address", "inet"), ("address6", "inet6")):
                if not iface.get(key):
                    continue
                want = str(ipaddress.ip_address(iface[key]))
                carriers = [
                    name.split(":")[0]
                    for name, entry in data.items()
                    if (entry.get(family) or {}).get("address") == want
                    and "NOFAILOVER" not in (entry[family].get("flags") or ())
                    and "UP" in (entry[family].get("flags") or ())
                ]
                ok = [
                    c for c in carriers
                    if c in observed.members and observed.members[c].group == group
                    and observed.members[c].working(family)
                ]
                if not ok:
                    self.violation(step, "{} of {} is on no working interface of {} ({})".format(
                        want, nic, group, carriers or "nowhere"))


@pytest.fixture
def fresh_host(lab_host_factory):
    def make():
        host = lab_host_factory("sol1", nics=NICS)
        mpathd = host.path("etc/default/mpathd")
        mpathd.write_text(mpathd.read_text().replace(
            "FAILURE_DETECTION_TIME=10000", "FAILURE_DETECTION_TIME=100"))
        return host
    return make


def test_never_cut_off(fresh_host, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.environ["PATH"])  # the rig puts the host's bin/ first
    lab_loaders.release_salt_log_buffer()
    seen = {"sequences": 0, "steps": 0, "violations": []}
    cache = {}

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=(hypothesis.Phase.generate,),
    )
    @hypothesis.given(steps)
    def sequence(actions):
        rig = Rig(fresh_host(), tmp_path / "minion", cache)
        seen["sequences"] += 1
        for step in actions:
            seen["steps"] += 1
            started = time.time()
            rig.run(step)
            if os.environ.get("IPMP_PROPERTY_DEBUG"):
                print("{:.2f}s {}".format(time.time() - started, step))
        seen["violations"].extend(rig.violations)

    sequence()
    print("never cut off: {} sequences, {} steps, {} violations".format(
        seen["sequences"], seen["steps"], len(seen["violations"])))
    for text in seen["violations"]:
        print("VIOLATION", text)
    assert seen["violations"] == []
