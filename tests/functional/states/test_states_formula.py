"""The ipmp formula (salt/ipmp) rendered and applied by a masterless
``salt-call --local`` (no daemons) on a lab host: what it declares for
pillar.example, an empty pillar, ``live: false`` and an invalid pillar."""

import json
import pathlib

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[3]
NICS = ("bge0", "bge1", "bge2", "e1000g0", "e1000g1")


def example():
    with open(str(REPO / "pillar.example" / "ipmp.sls")) as handle:
        return yaml.safe_load(handle)


@pytest.fixture
def minion(formula_minion):
    return formula_minion("solaris10", NICS)


def beyond_grains(commands):
    """Commands other than the one ``ifconfig -a`` the ipmp grains read when
    a salt-call process starts (one per grains refresh)."""
    return [c for c in commands if c != ["ifconfig", "-a"]]


def by_id(data):
    return {v["__id__"]: v for v in data.values()}


def test_pillar_example_declares_every_state_in_order(minion):
    rc, data = minion(example(), "state.show_sls", "ipmp")
    assert rc == 0, data
    states = {sid: body for sid, body in data.items()}
    assert sorted(states) == sorted([
        "ipmp-interfaces-exist", "ipmp-host-myhost", "ipmp-host-web", "ipmp-host-web-e1000g0", "ipmp-host-web-e1000g1",
        "ipmp-netmask-192.168.10.0", "ipmp-netmask-192.168.20.0", "ipmp-mpathd",
        "ipmp-hostname-bge0", "ipmp-hostname-bge2", "ipmp-hostname-e1000g0",
        "ipmp-hostname-e1000g1", "ipmp-hostname6-e1000g0", "ipmp-hostname6-e1000g1",
        "ipmp-group-ipmp0", "ipmp-group-ipmp1",
    ])
    group = states["ipmp-group-ipmp0"]
    args = {}
    for item in group["ipmp_group"]:
        if isinstance(item, dict):
            args.update(item)
    assert args["interfaces"]["bge2"]["standby"] is True
    assert args["hosts"]["myhost"] == ["192.168.10.10"]
    required = [list(r.items())[0] for r in args["require"]]
    assert ("ipmp_mpathd", "ipmp-mpathd") in required
    assert ("ipmp_inet", "ipmp-host-myhost") in required
    assert beyond_grains(minion.host.commands()) == []  # rendering runs no command
    check = states["ipmp-interfaces-exist"]["ipmp_group"]
    assert {"order": 1} in check and {"failhard": True} in check
    assert {"interfaces": ["bge0", "bge2", "e1000g0", "e1000g1"]} in check


def test_empty_pillar_runs_nothing_and_succeeds(minion):
    rc, data = minion({}, "state.apply", "ipmp")
    assert rc == 0, data
    assert sorted(by_id(data)) == ["ipmp-no-groups"]
    assert beyond_grains(minion.host.commands()) == []


def test_live_false_writes_files_only(minion):
    pillar = example()
    pillar["ipmp"]["live"] = False
    rc, data = minion(pillar, "state.apply", "ipmp")
    assert rc == 0, data
    host = minion.host
    assert host.path("etc/hostname.bge0").read_text() == "myhost netmask + broadcast + group ipmp0 up\n"
    assert "live: False" in by_id(data)["ipmp-group-ipmp0"]["comment"]
    assert [c for c in beyond_grains(host.commands()) if c[0] != "pkill"] == []
    # At the next boot the boot script feeds the files to ifconfig
    # (ifconfig.apply_hostname_file does the same, one-line rule included);
    # the live state then finds nothing left to do.
    for name, family in (("bge0", "inet"), ("bge2", "inet"), ("e1000g0", "inet"),
                         ("e1000g1", "inet"), ("e1000g0", "inet6"), ("e1000g1", "inet6")):
        rc, data = minion(pillar, "ifconfig.apply_hostname_file", name, "family=" + family)
        assert rc == 0, data
    rc, data = minion(example(), "state.apply", "ipmp", "test=True")
    assert rc == 0, data
    for sid in ("ipmp-group-ipmp0", "ipmp-group-ipmp1"):
        assert by_id(data)[sid]["result"] is True, by_id(data)[sid]
        assert by_id(data)[sid]["changes"] == {}


def test_invalid_pillar_fails_render_naming_the_key(minion):
    pillar = example()
    pillar["ipmp"]["groups"]["ipmp1"]["interfaces"]["bge2"] = {}
    rc, data = minion(pillar, "state.apply", "ipmp")
    assert rc != 0
    text = json.dumps(data)
    assert "ipmp:groups:ipmp1:interfaces:bge2: bge2 is already in group ipmp0" in text
    assert beyond_grains(minion.host.commands()) == []
    assert not minion.host.path("etc/hostname.bge0").exists()


def etc_bytes(host):
    return {
        str(path.relative_to(host.root)): path.read_bytes()
        for path in sorted(pathlib.Path(str(host.path("etc"))).rglob("*"))
        if path.is_file()
    }


def test_missing_nic_stops_the_run_before_any_file_is_written(minion):
    """A NIC the host does not have is found by the first state, before the
    hosts, netmasks, mpathd and hostname files are touched."""
    pillar = example()
    pillar["ipmp"]["groups"]["ipmp0"]["interfaces"]["bge9"] = {"standby": True}
    before = etc_bytes(minion.host)
    rc, data = minion(pillar, "state.apply", "ipmp")
    assert rc != 0
    ran = by_id(data)
    check = ran["ipmp-interfaces-exist"]
    assert check["result"] is False
    assert check["comment"].startswith("bge9 does not exist on this host (not in dladm show-link")
    assert [sid for sid, body in ran.items() if body.get("changes")] == []
    assert etc_bytes(minion.host) == before
    assert [c for c in beyond_grains(minion.host.commands())
            if c not in (["dladm", "show-link", "-p"], ["ifconfig", "-a"])] == []


def test_pillar_is_validated_once_per_run(minion):
    """The render checks the pillar (map.jinja); the group states find their
    groups already checked in the same run and do not check them again."""
    rc, data = minion(example(), "state.apply", "ipmp", "test=True", level="debug")
    assert rc == 0, data
    for group in ("ipmp0", "ipmp1"):
        assert "group {} was validated with the pillar in this run".format(group) in minion.stderr
