"""The modules' docstrings as an admin reads them: ``salt-call sys.doc ipmp``.

On a synced lab minion, ``sys.doc`` (and ``sys.state_doc``) must return a
docstring for every public function of the checkout's modules, each with a
``CLI Example`` section whose examples call that very function, and without
reStructuredText directives that Salt's renderer leaves in place.
"""

import ast
import pathlib
import re

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXEC_MODULES = ("dladm", "ifconfig", "ipmp")
STATE_MODULES = ("ipmp_group", "ipmp_hostname", "ipmp_inet", "ipmp_mpathd")


def _public_functions(path):
    """Names Salt's loader exposes: top-level functions not starting with ``_``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return sorted(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    )


def _sys_doc(cli, function, module):
    ret = cli.run(function, module)
    assert ret.returncode == 0, ret
    assert isinstance(ret.data, dict), ret
    return ret.data


@pytest.fixture(scope="module")
def exec_docs(salt_call_cli):
    return {module: _sys_doc(salt_call_cli, "sys.doc", module) for module in EXEC_MODULES}


@pytest.mark.parametrize("module", EXEC_MODULES)
def test_sys_doc_lists_every_public_function(exec_docs, module):
    names = _public_functions(REPO / "_modules" / (module + ".py"))
    expected = ["{}.{}".format(module, name) for name in names]
    assert expected, module
    assert sorted(exec_docs[module]) == expected


@pytest.mark.parametrize(
    "name",
    [
        "{}.{}".format(module, fn)
        for module in EXEC_MODULES
        for fn in _public_functions(REPO / "_modules" / (module + ".py"))
    ],
)
def test_docstring_reads_well_under_sys_doc(exec_docs, name):
    doc = exec_docs[name.split(".")[0]].get(name)
    assert doc and doc.strip(), "{} has no docstring under sys.doc".format(name)
    lines = [line.strip() for line in doc.strip().splitlines()]
    assert lines[0], "{}: the docstring does not start with a summary".format(name)
    assert "CLI Example:" in lines, "{}: no 'CLI Example:' section".format(name)
    examples = [
        line for line in lines[lines.index("CLI Example:") + 1:] if line.startswith("salt")
    ]
    assert examples, "{}: 'CLI Example:' shows no salt command".format(name)
    pattern = re.compile(
        r"^salt(?:-call)? (?:'[^']*' |\"[^\"]*\" |\S+ )?{}(?:\s|$)".format(re.escape(name))
    )
    wrong = [line for line in examples if not pattern.match(line)]
    assert not wrong, "{}: CLI examples that do not call {}: {}".format(name, name, wrong)
    leftovers = [line for line in lines if line.startswith(".. ")]
    assert not leftovers, "{}: reStructuredText left in the sys.doc text: {}".format(
        name, leftovers
    )


@pytest.mark.parametrize("module", STATE_MODULES)
def test_sys_state_doc_describes_every_state(salt_call_cli, module):
    docs = _sys_doc(salt_call_cli, "sys.state_doc", module)
    assert docs.get(module, "").strip(), "state module {} has no module docstring".format(module)
    for name in _public_functions(REPO / "_states" / (module + ".py")):
        key = "{}.{}".format(module, name)
        assert docs.get(key, "").strip(), "{} has no docstring under sys.state_doc".format(key)
