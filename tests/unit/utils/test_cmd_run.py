"""Running commands in _utils/ipmp_cmd.py: lookup, argv, errors and the cache."""

import json
import os
import stat
import sys
import textwrap

import pytest
from salt.exceptions import CommandExecutionError, SaltInvocationError


@pytest.fixture(scope="module")
def cmd(load_util):
    return load_util("ipmp_cmd")


def _script(directory, name, body):
    """An executable Python script ``directory/name``; it logs its argv to ``calls.log``."""
    path = directory / name
    path.write_text(
        "#!{}\n".format(sys.executable)
        + textwrap.dedent(
            """\
            import json, os, sys
            here = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(here, "calls.log"), "a") as log:
                log.write(json.dumps({"argv": sys.argv,
                                      "lc_all": os.environ.get("LC_ALL"),
                                      "stdin_tty": sys.stdin.isatty(),
                                      "stdin": sys.stdin.read()}) + "\\n")
            """
        )
        + textwrap.dedent(body)
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _calls(directory):
    log = directory / "calls.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture
def bindir(cmd, tmp_path, monkeypatch):
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", str(directory) + os.pathsep + os.environ.get("PATH", ""))
    _script(directory, "echoer", "print('out:' + '|'.join(sys.argv[1:]))\n")
    _script(
        directory,
        "failer",
        "sys.stderr.write('Offline failed as there is no other functional interface\\n')\n"
        "sys.exit(1)\n",
    )
    _script(directory, "silentfail", "sys.exit(3)\n")
    return directory


def test_which_prefers_path(cmd, bindir):
    assert cmd.which("echoer") == str(bindir / "echoer")


def test_which_falls_back_to_sbin_dirs(cmd, tmp_path, monkeypatch):
    sbin = tmp_path / "sbin"
    sbin.mkdir()
    _script(sbin, "onlyhere", "")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(cmd, "FALLBACK_DIRS", (str(sbin),))
    assert cmd.which("onlyhere") == str(sbin / "onlyhere")


def test_which_skips_non_executables(cmd, tmp_path, monkeypatch):
    (tmp_path / "dladm").write_text("not executable")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(cmd, "FALLBACK_DIRS", ())
    with pytest.raises(CommandExecutionError, match="'dladm' was not found"):
        cmd.which("dladm")


@pytest.mark.parametrize("bad", ["", "../ifconfig", "/sbin/ifconfig", "if config", None, "a;b"])
def test_which_refuses_bad_names(cmd, bad):
    with pytest.raises(SaltInvocationError):
        cmd.which(bad)


def test_run_passes_argv_literally_without_a_shell(cmd, bindir):
    out = cmd.run("echoer", ["bge0; rm -rf /", "$(id)", "", "a b"])
    assert out == "out:bge0; rm -rf /|$(id)||a b\n"
    call = _calls(bindir)[-1]
    assert call["argv"][1:] == ["bge0; rm -rf /", "$(id)", "", "a b"]
    assert call["lc_all"] == "C"
    assert call["stdin_tty"] is False and call["stdin"] == ""


def test_run_error_carries_the_tools_message(cmd, bindir):
    with pytest.raises(CommandExecutionError) as info:
        cmd.run("failer", ["-d", "bge0"])
    assert "failer -d bge0 failed: Offline failed as there is no other functional interface" in str(
        info.value
    )
    assert info.value.info["retcode"] == 1


def test_run_error_without_output_names_the_status(cmd, bindir):
    with pytest.raises(CommandExecutionError, match="exit status 3"):
        cmd.run("silentfail", [])


def test_run_all_returns_nonzero_status(cmd, bindir):
    result = cmd.run_all("silentfail", ["x"])
    assert result["retcode"] == 3
    assert result["argv"] == ["silentfail", "x"]


def test_missing_command_is_named(cmd, bindir, monkeypatch):
    monkeypatch.setattr(cmd, "FALLBACK_DIRS", ())
    with pytest.raises(CommandExecutionError, match="'if_mpadm' was not found"):
        cmd.run("if_mpadm", ["-d", "bge0"])


@pytest.mark.parametrize("args", ["-a", None, ["ok", 5], ["nul\x00"], ("ok", None)])
def test_run_refuses_bad_argument_lists(cmd, bindir, args):
    with pytest.raises(SaltInvocationError):
        cmd.run("echoer", args)
    assert _calls(bindir) == []


def test_cache_serves_read_results_once(cmd, bindir):
    context = {}
    first = cmd.run("echoer", ["-a"], context=context, cache=True)
    second = cmd.run("echoer", ["-a"], context=context, cache=True)
    assert first == second
    assert len(_calls(bindir)) == 1
    cmd.run("echoer", ["-p"], context=context, cache=True)
    assert len(_calls(bindir)) == 2


def test_uncached_call_runs_every_time(cmd, bindir):
    context = {}
    cmd.run("echoer", ["-a"], context=context)
    cmd.run("echoer", ["-a"], context=context)
    assert len(_calls(bindir)) == 2


def test_mutation_drops_the_cache(cmd, bindir):
    context = {}
    cmd.run("echoer", ["-a"], context=context, cache=True)
    cmd.run("echoer", ["bge0", "up"], context=context, mutate=True)
    cmd.run("echoer", ["-a"], context=context, cache=True)
    assert [c["argv"][1:] for c in _calls(bindir)] == [["-a"], ["bge0", "up"], ["-a"]]


def test_failed_mutation_drops_the_cache_too(cmd, bindir):
    context = {}
    cmd.run("echoer", ["-a"], context=context, cache=True)
    with pytest.raises(CommandExecutionError):
        cmd.run("failer", ["-d", "bge0"], context=context, mutate=True)
    cmd.run("echoer", ["-a"], context=context, cache=True)
    assert len([c for c in _calls(bindir) if c["argv"][1:] == ["-a"]]) == 2


def test_failed_reads_are_not_cached(cmd, bindir):
    context = {}
    for _ in range(2):
        with pytest.raises(CommandExecutionError):
            cmd.run("failer", ["-a"], context=context, cache=True)
    assert len(_calls(bindir)) == 2


def test_cache_is_per_process(cmd, bindir, monkeypatch):
    context = {}
    cmd.run("echoer", ["-a"], context=context, cache=True)
    real = os.getpid()
    monkeypatch.setattr(cmd.os, "getpid", lambda: real + 1)
    cmd.run("echoer", ["-a"], context=context, cache=True)
    assert len(_calls(bindir)) == 2
    assert context[cmd.CACHE_KEY]["pid"] == real + 1


def test_cache_expires(cmd, bindir, monkeypatch):
    context = {}
    clock = [1000.0]
    monkeypatch.setattr(cmd.time, "time", lambda: clock[0])
    cmd.run("echoer", ["-a"], context=context, cache=True)
    clock[0] += cmd.DEFAULT_CACHE_TTL - 1
    cmd.run("echoer", ["-a"], context=context, cache=True)
    assert len(_calls(bindir)) == 1
    clock[0] += 2
    cmd.run("echoer", ["-a"], context=context, cache=True)
    assert len(_calls(bindir)) == 2


def test_clear_cache(cmd, bindir):
    context = {"other": 1}
    cmd.run("echoer", ["-a"], context=context, cache=True)
    cmd.clear_cache(context)
    assert context == {"other": 1}
    cmd.clear_cache(context)
    cmd.clear_cache({})


def test_cached_and_mutating_is_a_mistake(cmd, bindir):
    with pytest.raises(SaltInvocationError):
        cmd.run("echoer", [], context={}, cache=True, mutate=True)


def test_timeout(cmd, bindir):
    _script(bindir, "sleeper", "import time\ntime.sleep(30)\n")
    with pytest.raises(CommandExecutionError, match="did not finish"):
        cmd.run("sleeper", [], timeout=1)


def test_error_message(cmd):
    assert (
        cmd.error_message({"argv": ["pkill", "-HUP"], "retcode": 2, "stdout": "", "stderr": "pkill: bad\n"})
        == "pkill -HUP failed: pkill: bad"
    )
