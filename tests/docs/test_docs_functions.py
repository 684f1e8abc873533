"""The user documentation (README.md, docs/*.md) cannot drift from the code.

- every public execution, state and runner function is documented;
- every ``salt``, ``salt-call`` and ``salt-run`` command in the docs names a
  function that exists (ours read from the checkout, Salt's from the installed
  Salt's sources), with arguments the function takes; ``state.single`` and
  ``state.apply`` name existing state functions and formula sls files;
- the SLS examples use existing state functions and arguments;
- every configuration key the code reads is documented;
- links between the documents point at files and headings that exist.

The code is read with ``ast``, never imported, so no Salt loader is involved.
The checks of Salt's own functions run on both supported Salt versions.
"""

import ast
import functools
import importlib.util
import pathlib
import re
import shlex

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
DOCS_DIR = REPO / "docs"
DOC_FILES = sorted(DOCS_DIR.glob("*.md")) + [REPO / "README.md"]

# salt / salt-call / salt-run options that take a value (the next word).
VALUE_OPTIONS = {
    "-c", "--config-dir", "--out", "--output", "-l", "--log-level", "-t", "--timeout",
    "--out-file", "--out-indent", "--return", "--saltenv", "--pillarenv", "-u", "--user",
}


# --------------------------------------------------------------- the code


#: Arguments every Salt state takes (requisites and run options), not the function's own.
SALT_STATE_KEYWORDS = frozenset((
    "order", "failhard", "require", "require_in", "watch", "watch_in", "onchanges",
    "onchanges_in", "onfail", "prereq", "use", "unless", "onlyif", "reload_modules",
))


class Function:
    """A top-level function found by ``ast``: its parameters and docstring."""

    def __init__(self, node):
        self.name = node.name
        args = node.args
        self.params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
        self.positional = len(args.posonlyargs + args.args)
        self.varargs = args.vararg is not None
        self.kwargs = args.kwarg is not None
        self.doc = ast.get_docstring(node) or ""

    def accepts(self, positional, keywords):
        """None if a call with these arguments fits, else why not."""
        if positional > self.positional and not self.varargs:
            return "takes at most {} positional arguments, the docs pass {}".format(
                self.positional, positional
            )
        unknown = [k for k in keywords if k not in self.params]
        if unknown and not self.kwargs:
            return "has no argument {} (it takes {})".format(
                ", ".join(unknown), ", ".join(self.params) or "none"
            )
        return None


def _module_functions(path):
    """``(virtualname, {name: Function})`` of a Salt module file.

    Public means what Salt's loader exposes: top-level functions whose names
    do not start with ``_``, renamed through ``__func_alias__``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    virtualname = path.stem
    aliases = {}
    defs = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if not isinstance(target, ast.Name):
                continue
            if target.id == "__virtualname__" and isinstance(node.value, ast.Constant):
                if isinstance(node.value.value, str):
                    virtualname = node.value.value
            elif target.id == "__func_alias__":
                try:
                    aliases = ast.literal_eval(node.value)
                except ValueError:
                    aliases = {}
        elif isinstance(node, ast.FunctionDef):
            defs[node.name] = Function(node)
    funcs = {name: fn for name, fn in defs.items() if not name.startswith("_")}
    for real, alias in aliases.items():
        if real in defs:
            funcs.pop(real, None)
            funcs[alias] = defs[real]
    return virtualname, funcs


def _project(kind):
    found = {}
    for path in sorted((REPO / kind).glob("*.py")):
        name, funcs = _module_functions(path)
        found[name] = funcs
    return found


EXEC = _project("_modules")
STATES = _project("_states")
RUNNERS = _project("_runners")
FORMULA_SLS = {
    "ipmp" if p.stem == "init" else "ipmp." + p.stem
    for p in (REPO / "salt" / "ipmp").glob("*.sls")
}


@functools.lru_cache(maxsize=None)
def _salt_modules(kind):
    """Salt's own modules of ``kind`` (``modules``, ``runners``, ``states``) by virtual name."""
    spec = importlib.util.find_spec("salt")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("Salt is not installed")
    base = pathlib.Path(list(spec.submodule_search_locations)[0]) / kind
    found = {}
    for path in sorted(base.glob("*.py")):
        try:
            name, funcs = _module_functions(path)
        except SyntaxError:
            continue
        found.setdefault(name, {}).update(funcs)
    return found


def _lookup(kind, module, function):
    """The Function for ``module.function`` of ``kind`` (ours first), or None."""
    ours = {"modules": EXEC, "runners": RUNNERS, "states": STATES}[kind]
    if module in ours:
        return ours[module].get(function)
    return _salt_modules(kind).get(module, {}).get(function)


def _config_keys():
    """``ipmp.*`` configuration keys the shipped code reads."""
    functions = {"ipmp." + name for name in EXEC["ipmp"]}
    keys = set()
    for folder in ("_modules", "_states", "_utils", "_beacons", "_engines", "_runners"):
        for path in (REPO / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            keys.update(re.findall(r'\(\s*"(ipmp\.[a-z_]+)"', text))
            keys.update(re.findall(r'^\s*"(ipmp\.[a-z_]+)"\s*:', text, re.M))
    return sorted(keys - functions)


# --------------------------------------------------------------- the docs


def _docs_text():
    return {path: path.read_text(encoding="utf-8") for path in DOC_FILES}


def _all_docs():
    return "\n".join(_docs_text().values())


def _fences(text):
    """(language, body) of every fenced code block."""
    return re.findall(r"^[ \t]*```([A-Za-z0-9_-]*)\n(.*?)^[ \t]*```", text, re.M | re.S)


def _outside_fences(text):
    """The text with its fenced code blocks removed."""
    return re.sub(r"^[ \t]*```.*?^[ \t]*```", "", text, flags=re.M | re.S)


def _command_lines(text):
    """Every salt/salt-call/salt-run command line, in code blocks or inline code."""
    candidates = []
    for _, body in _fences(text):
        joined = re.sub(r"\\\n\s*", " ", body)
        candidates.extend(joined.splitlines())
    outside = _outside_fences(text)
    candidates.extend(re.findall(r"`([^`\n]+)`", outside))
    lines = []
    for line in candidates:
        line = line.strip()
        if line.startswith("$ "):
            line = line[2:]
        if re.match(r"^salt(-call|-run)?\s", line):
            lines.append(line)
    return lines


def _parse_command(line):
    """``(tool, kind, function, positional args, keyword names)`` or None."""
    words = shlex.split(line, comments=True)
    if not words:
        return None
    tool = words[0]
    rest = words[1:]
    plain = []
    skip = False
    for word in rest:
        if skip:
            skip = False
            continue
        if word.startswith("-") and len(word) > 1:
            skip = word in VALUE_OPTIONS
            continue
        plain.append(word)
    if tool == "salt":
        plain = plain[1:]  # the target
    if not plain:
        return None
    function, args = plain[0], plain[1:]
    keywords = [a.split("=", 1)[0] for a in args if re.match(r"^[A-Za-z_]\w*=", a)]
    positional = [a for a in args if not re.match(r"^[A-Za-z_]\w*=", a)]
    kind = "runners" if tool == "salt-run" else "modules"
    return tool, kind, function, positional, keywords


def _documented_commands():
    found = []
    for path, text in _docs_text().items():
        for line in _command_lines(text):
            parsed = _parse_command(line)
            if parsed is not None:
                found.append((path.name, line, parsed))
    return found


def _sls_examples():
    """(file, id, state function, argument names) from YAML blocks using our states."""
    found = []
    for path, text in _docs_text().items():
        for lang, body in _fences(text):
            if lang not in ("yaml", "yml", "sls") or "{%" in body or "{{" in body:
                continue
            try:
                data = yaml.safe_load(body)
            except yaml.YAMLError:
                continue
            if not isinstance(data, dict):
                continue
            for state_id, decl in data.items():
                if not isinstance(decl, dict):
                    continue
                for fun, args in decl.items():
                    if not isinstance(fun, str) or fun.split(".")[0] not in STATES:
                        continue
                    names = []
                    for item in args or []:
                        if isinstance(item, dict):
                            names.extend(item)
                    found.append((path.name, state_id, fun, names))
    return found


def _slug(heading):
    """The anchor GitHub gives a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# --------------------------------------------------------------- the tests


def _mentioned(text, name):
    return re.search(r"(?<![\w.]){}(?!\w)".format(re.escape(name)), text) is not None


@pytest.mark.salt_independent
@pytest.mark.parametrize(
    "name",
    ["{}.{}".format(mod, fn) for mod in sorted(EXEC) for fn in sorted(EXEC[mod])],
)
def test_every_execution_function_is_documented(name):
    text = (DOCS_DIR / "modules.md").read_text(encoding="utf-8")
    assert _mentioned(text, name), "{} is not documented in docs/modules.md".format(name)
    example = re.search(r"^salt(-call)? .*?(?<![\w.]){}(?!\w)".format(re.escape(name)), text, re.M)
    assert example, "docs/modules.md has no salt/salt-call example of {}".format(name)


@pytest.mark.salt_independent
@pytest.mark.parametrize(
    "name",
    ["{}.{}".format(mod, fn) for mod in sorted(STATES) for fn in sorted(STATES[mod])],
)
def test_every_state_function_is_documented(name):
    text = (DOCS_DIR / "modules.md").read_text(encoding="utf-8")
    assert _mentioned(text, name), "{} is not documented in docs/modules.md".format(name)
    assert any(fun == name for _, _, fun, _ in _sls_examples()), (
        "no SLS example uses {}".format(name)
    )


@pytest.mark.salt_independent
@pytest.mark.parametrize(
    "name",
    ["{}.{}".format(mod, fn) for mod in sorted(RUNNERS) for fn in sorted(RUNNERS[mod])],
)
def test_every_runner_function_is_documented(name):
    text = (DOCS_DIR / "events.md").read_text(encoding="utf-8")
    assert "salt-run " + name in text, "docs/events.md does not show salt-run {}".format(name)


@pytest.mark.salt_independent
def test_the_docs_name_commands():
    # Guards the parser below: if it stopped finding commands, every check
    # over the commands would pass vacuously.
    functions = {parsed[2] for _, _, parsed in _documented_commands()}
    assert {"ipmp.status", "ipmp.report", "saltutil.sync_all", "state.apply"} <= functions


@pytest.mark.parametrize(
    "where,line,parsed",
    [pytest.param(*item, id="{}: {}".format(item[0], item[1])) for item in _documented_commands()],
)
def test_documented_command_exists(where, line, parsed):
    tool, kind, function, positional, keywords = parsed
    module, dot, name = function.partition(".")
    assert dot, "{}: `{}` names no module.function".format(where, line)
    found = _lookup(kind, module, name)
    what = "runner" if kind == "runners" else "execution function"
    assert found is not None, "{}: `{}`: there is no {} {}".format(where, line, what, function)
    problem = found.accepts(len(positional), keywords)
    assert problem is None, "{}: `{}`: {} {}".format(where, line, function, problem)
    if function == "state.single":
        assert positional, "{}: `{}`: state.single needs a state function".format(where, line)
        state_fun = positional[0]
        smod, _, sfun = state_fun.partition(".")
        state = _lookup("states", smod, sfun)
        assert state is not None, "{}: `{}`: no state function {}".format(where, line, state_fun)
        args = [k for k in keywords if k not in ("test", "queue", "pillar", "saltenv")]
        problem = state.accepts(0, args)
        assert problem is None, "{}: `{}`: {} {}".format(where, line, state_fun, problem)
    if function in ("state.apply", "state.sls") and positional:
        for sls in positional[0].split(","):
            if sls == "ipmp" or sls.startswith("ipmp."):
                assert sls in FORMULA_SLS, "{}: `{}`: no sls {} in salt/ipmp/".format(
                    where, line, sls
                )
    if function in ("sys.doc", "sys.list_functions") and positional:
        mod = positional[0].split(".")[0]
        if mod in EXEC or mod.startswith(("ipmp", "dladm", "ifconfig")):
            assert mod in EXEC, "{}: `{}`: no execution module {}".format(where, line, mod)
    if function == "sys.state_doc" and positional:
        assert positional[0].split(".")[0] in STATES, "{}: `{}`: no state module {}".format(
            where, line, positional[0]
        )


@pytest.mark.salt_independent
@pytest.mark.parametrize(
    "where,state_id,fun,args",
    [pytest.param(*item, id="{}: {}".format(item[0], item[1])) for item in _sls_examples()],
)
def test_sls_example_uses_existing_state(where, state_id, fun, args):
    module, _, name = fun.partition(".")
    state = STATES[module].get(name)
    assert state is not None, "{}: {}: no state function {}".format(where, state_id, fun)
    problem = state.accepts(0, [a for a in args if a not in SALT_STATE_KEYWORDS])
    assert problem is None, "{}: {}: {} {}".format(where, state_id, fun, problem)


@pytest.mark.salt_independent
@pytest.mark.parametrize("key", _config_keys())
def test_every_config_key_is_documented(key):
    text = (DOCS_DIR / "install.md").read_text(encoding="utf-8")
    assert "`{}`".format(key) in text, "config key {} is not in docs/install.md".format(key)


@pytest.mark.salt_independent
def test_config_keys_are_found():
    assert {"ipmp.root", "ipmp.messages", "ipmp.alert_log", "ipmp.alert_webhook"} <= set(
        _config_keys()
    )


@pytest.mark.salt_independent
def test_links_between_documents_resolve():
    problems = []
    texts = _docs_text()
    for path, text in texts.items():
        outside = _outside_fences(text)
        for target in re.findall(r"\]\(([^)\s]+)\)", outside):
            if re.match(r"^[a-z]+://", target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            if not dest.exists():
                problems.append("{}: link to missing {}".format(path.name, target))
                continue
            if anchor and dest.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)
                if anchor not in {_slug(h) for h in headings}:
                    problems.append(
                        "{}: no heading for #{} in {}".format(path.name, anchor, dest.name)
                    )
    assert not problems, "\n".join(problems)


@pytest.mark.salt_independent
def test_readme_keeps_its_two_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    for doc in ("install", "pillar", "modules", "events", "lab", "troubleshooting"):
        assert "docs/{}.md".format(doc) in text, "README does not link docs/{}.md".format(doc)
