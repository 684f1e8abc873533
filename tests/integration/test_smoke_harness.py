"""The integration harness itself: a master, a minion on a lab host, and the wiring between them."""
import os


def test_ping(salt_minion, salt_cli):
    ret = salt_cli.run("test.ping", minion_tgt=salt_minion.id)
    assert ret.returncode == 0, ret
    assert ret.data is True


def test_grains_say_solaris_10(salt_minion):
    ret = salt_minion.salt("grains.item", "kernel", "kernelrelease", "os_family")
    assert ret.returncode == 0, ret
    assert ret.data == {"kernel": "SunOS", "kernelrelease": "5.10", "os_family": "Solaris"}


def test_lab_bin_is_first_on_minion_path(salt_minion, salt_cli):
    ret = salt_cli.run("environ.get", "PATH", minion_tgt=salt_minion.id)
    assert ret.returncode == 0, ret
    assert ret.data.split(os.pathsep)[0] == str(salt_minion.host.bin)


def test_salt_call_sees_the_lab_too(salt_call_cli, salt_minion):
    ret = salt_call_cli.run("environ.get", "PATH")
    assert ret.returncode == 0, ret
    assert ret.data.split(os.pathsep)[0] == str(salt_minion.host.bin)
    ret = salt_call_cli.run("config.get", "ipmp.root")
    assert ret.returncode == 0, ret
    assert ret.data == str(salt_minion.host.root)


def test_lab_host_layout(salt_minion):
    host = salt_minion.host
    for tool in ("dladm", "ifconfig", "if_mpadm", "pkill"):
        assert os.access(str(host.bin / tool), os.X_OK), tool
    assert host.path("etc/default/mpathd").is_file()
    assert host.path("etc/inet/hosts").is_file()
    assert host.messages() == []


def test_pillar_reaches_the_minion(salt_minion):
    salt_minion.set_pillar({"ipmp": {"mpathd": {"failure_detection_time": 1000}}})
    assert salt_minion.pillar_get("ipmp:mpathd:failure_detection_time") == 1000
    salt_minion.clear_pillar()
    assert salt_minion.pillar_get("ipmp") == ""


def test_master_runs_runners(salt_run_cli, salt_minion):
    ret = salt_run_cli.run("manage.up")
    assert ret.returncode == 0, ret
    assert salt_minion.id in ret.data


def test_master_serves_the_checkout(salt_master, alert_log, state_tree_dir):
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    roots = list(salt_master.config["file_roots"]["base"])
    assert roots[:2] == [str(state_tree_dir), os.path.join(checkout, "salt")]
    for name in ("_modules", "_states", "_utils", "_beacons", "_runners", "_engines"):
        if os.path.isdir(os.path.join(checkout, name)):
            assert os.path.realpath(os.path.join(roots[2], name)) == os.path.join(checkout, name)
    assert list(salt_master.config["reactor"]) == []
    assert alert_log.read() == []
