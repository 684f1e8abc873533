"""The parsers ship to Solaris minions: Python 3.6, standard library only, no cross imports."""

import ast
import glob
import os
import shutil
import subprocess
import sys

import pytest

MODULES = ("ipmp_parse", "ipmp_events")
STDLIB_ALLOWED = {"re", "collections"}


def _python36():
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(root, "versions", "3.6.*", "bin", "python")))
    candidates.append(shutil.which("python3.6"))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            out = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0 and out.stdout.strip() == b"(3, 6)":
            return candidate
    return None


@pytest.mark.parametrize("name", MODULES)
def test_imports_are_stdlib_only(utils_dir, name):
    with open(os.path.join(utils_dir, name + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in {}".format(name)
            imported.add(node.module.split(".")[0])
    assert imported <= STDLIB_ALLOWED, imported
    assert "ipmp_parse" not in imported


@pytest.mark.parametrize("name", MODULES)
def test_compiles_on_python36(utils_dir, tmp_path, name):
    python = _python36()
    if python is None:
        pytest.skip("no Python 3.6 interpreter found (pyenv versions/3.6.* or python3.6)")
    source = os.path.join(utils_dir, name + ".py")
    # import it too, not just compile: module-level code must run on 3.6
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('m', sys.argv[1])\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(m.__virtual__())\n"
    )
    out = subprocess.run([python, "-c", code, source], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=60, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    assert out.stdout.decode().strip() == name


def test_running_interpreter_loads_them(load_util):
    for name in MODULES:
        assert load_util(name).__virtual__() == name
    assert sys.version_info >= (3, 6)
