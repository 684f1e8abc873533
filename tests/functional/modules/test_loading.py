"""The modules load on Solaris minions only, and say why elsewhere."""

import pytest

MODULES = ("dladm", "ifconfig", "ipmp")

PUBLIC = {
    "dladm": ["show_link", "show_dev", "show_phys", "gldv3"],
    "ifconfig": [
        "show", "plumb", "unplumb", "up", "down", "set_group", "standby", "addif",
        "removeif", "apply_hostname_file", "configure",
    ],
    "ipmp": [
        "groups", "status", "offline", "online", "mpathd", "reload_mpathd", "events",
        "check_pillar", "transitive_probing",
    ],
}


def test_modules_load_on_sunos(loaders):
    mods = loaders()
    for module, functions in PUBLIC.items():
        for function in functions:
            assert "{}.{}".format(module, function) in mods.modules


def test_private_helpers_are_not_exposed(loaders):
    mods = loaders()
    for name in ("ipmp._build_status", "ipmp._state", "ifconfig._run", "dladm._links"):
        assert name not in mods.modules


@pytest.mark.parametrize("kernel", ["Linux", "Windows", "Darwin", "FreeBSD"])
def test_modules_refuse_other_kernels_with_the_reason(loaders, kernel):
    grains = {"kernel": kernel, "id": "notsol", "os": kernel, "os_family": kernel,
              "osrelease": "1", "osmajorrelease": 1, "osfinger": kernel + "-1"}
    mods = loaders(grains=grains)
    for module in MODULES:
        assert "{}.status".format(module) not in mods.modules
        reason = mods.modules.missing_fun_string("{}.show".format(module))
        assert (
            "The {} module only runs on Solaris (SunOS); this minion runs {}".format(
                module, kernel
            )
            in reason
        )


def test_every_public_function_has_a_cli_example(loaders):
    mods = loaders()
    for module, functions in PUBLIC.items():
        for function in functions:
            doc = mods.modules["{}.{}".format(module, function)].__doc__
            assert "CLI Example:" in doc and "salt " in doc, (module, function)


def test_missing_command_is_named_at_call_time(loaders, tmp_path, monkeypatch):
    empty = tmp_path / "nobin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    mods = loaders()
    cmd = mods.utils["ipmp_cmd.which"].__module__
    import sys

    monkeypatch.setattr(sys.modules[cmd], "FALLBACK_DIRS", (str(empty),))
    with pytest.raises(Exception) as info:
        mods["dladm.show_link"]()
    assert "'dladm' was not found" in str(info.value)
    with pytest.raises(Exception) as info:
        mods["ipmp.reload_mpathd"]()
    assert "'pkill' was not found" in str(info.value)
