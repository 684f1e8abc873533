"""
The one loader helper of the unit tests.

``_utils`` is not a package (Salt's loader reads it), so tests load a module
from its file: ``load_util("ipmp_parse")``; ``utils_mapping(*names)`` builds
the ``__utils__`` mapping Salt's loader would give a caller of those utils;
``load_extension("_runners/ipmp.py", utils=..., opts=...)`` loads a beacon,
engine or runner with its dunders packed.  ``fixture_text("name.txt")``
reads a file of tests/unit/fixtures.
"""

import importlib.util
import inspect
import os
import sys

import pytest

UNIT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(UNIT_DIR))
UTILS_DIR = os.path.join(REPO_ROOT, "_utils")
FIXTURES_DIR = os.path.join(UNIT_DIR, "fixtures")


def _load_util(name):
    """Import _utils/<name>.py once per session, under a private module name."""
    modname = "salt_ipmp_unit_utils_" + name
    if modname in sys.modules:
        return sys.modules[modname]
    path = os.path.join(UTILS_DIR, name + ".py")
    if not os.path.isfile(path):
        raise ImportError("no such util module: {}".format(path))
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[modname]
        raise
    return module


def _utils_mapping(*names):
    """A mapping shaped like Salt's ``__utils__`` (``"ipmp_validate.group"``
    -> function) over the named ``_utils`` modules, as a caller passes it to
    a util that needs another (``ipmp_pillar``, the watcher)."""
    out = {}
    for name in names:
        module = _load_util(name)
        prefix = getattr(module, "__virtualname__", name)
        for attr, value in vars(module).items():
            if not attr.startswith("_") and inspect.isfunction(value):
                out["{}.{}".format(prefix, attr)] = value
    return out


def _load_extension(relpath, utils=(), **dunders):
    """Import a beacon, engine, runner or module file of the checkout
    (``"_runners/ipmp.py"``) as a fresh module, with ``__utils__`` built by
    :func:`_utils_mapping` over ``utils`` and the other dunders given
    (``opts={...}`` becomes ``__opts__``), as Salt's loader would pack it."""
    path = os.path.join(REPO_ROOT, relpath)
    name = "salt_ipmp_unit_" + relpath.replace("/", "_").replace(".py", "")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.__utils__ = _utils_mapping(*utils)
    for key, value in dunders.items():
        setattr(module, "__{}__".format(key), value)
    return module


def _fixture_text(name, mode="r"):
    path = os.path.join(FIXTURES_DIR, name)
    if "b" in mode:
        with open(path, "rb") as handle:
            return handle.read()
    with open(path, "r", encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.fixture(scope="session")
def load_util():
    """The loader: ``load_util("ipmp_parse")`` -> module object."""
    return _load_util


@pytest.fixture(scope="session")
def utils_mapping():
    """``utils_mapping("ipmp_validate", "ipmp_files")`` -> a ``__utils__``-like dict."""
    return _utils_mapping


@pytest.fixture(scope="session")
def load_extension():
    """``load_extension("_runners/ipmp.py", utils=("ipmp_model",), opts={})`` -> module."""
    return _load_extension


@pytest.fixture(scope="session")
def fixture_text():
    """Reader for tests/unit/fixtures files: ``fixture_text("x.txt")``."""
    return _fixture_text


@pytest.fixture(scope="session")
def utils_dir():
    """Absolute path of the repository's _utils directory."""
    return UTILS_DIR
