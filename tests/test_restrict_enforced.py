"""No view queries a scoped model except through restrict() (DESIGN.md, "Scoping").

The test walks the syntax tree of every module that answers users (views, API, forms) in every project
app and fails, with file:line, on `<ScopedModel>.objects.<x>` whose chain never passes through
`.restrict(`, and on `get_object_or_404(<ScopedModel>, ...)`, which would look the record up unscoped.

A viewset's class-level `queryset = <ScopedModel>.objects...` is a declaration, not a query: it passes
when the class's get_queryset() goes through restrict() (core.viewsets.ScopedViewSet does), which the
test checks on the imported class.

A scoped model is every installed model whose default manager returns a core.scoping.ScopedQuerySet;
a project app is every top-level package with an apps.py, so apps added later are checked too.

A deliberate exception carries `# scope: <reason>` on the line (e.g. a uniqueness check that must see
every record and reveals nothing); the opt-outs are listed as warnings on every run so that they stay
visible, an opt-out without a reason fails, and one left on a line with nothing to excuse fails.
"""
import ast
import importlib
import inspect
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from core.scoping import ScopedQuerySet

ROOT = Path(settings.BASE_DIR)
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Called straight on the manager these reveal nothing, so they need no restrict().
SAFE_CALLS = {"none"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
OPT_OUT = re.compile(r"#\s*scope:(.*)$")
SKIP_DIRS = {"tests", "migrations", "__pycache__"}


@dataclass(frozen=True)
class Declaration:
    """`queryset = Model.objects...` in a class body: fine if the class restricts it in get_queryset()."""

    path: str
    line: int
    class_name: str


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    model: str
    code: str
    reason: str = ""

    def __str__(self):
        return f"{self.path}:{self.line}: {self.code}" + (f"  [opt-out: {self.reason}]" if self.reason else "")


def scoped_model_names():
    return {m.__name__ for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)}


def project_apps(root=ROOT):
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "apps.py").exists())


def user_facing_modules(app_dir):
    """views.py, views/*.py, api/*.py, *_views.py, forms.py, forms/*.py, filtersets.py, config.py, panels.py
    in one app (tests excluded)."""
    found = set()
    for path in app_dir.rglob("*.py"):
        rel = path.relative_to(app_dir)
        if SKIP_DIRS & set(rel.parts[:-1]):
            continue
        if (path.name in ("views.py", "forms.py", "filtersets.py", "config.py", "panels.py")
                or path.name.endswith("_views.py")
                or {"views", "api", "forms"} & set(rel.parts[:-1])):
            found.add(path)
    return sorted(found)


def _opt_out_comments(source):
    """{line: reason} for every `# scope: reason` comment (comments only, never text inside strings)."""
    result = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            match = OPT_OUT.search(tok.string)
            if match:
                result[tok.start[0]] = match.group(1).strip()
    return result


def check_source(source, path, scoped_names):
    """(violations, opt_outs, stale opt-outs, class-level queryset declarations) for one module."""
    tree = ast.parse(source)
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in scoped_names:
                    aliases[alias.asname or alias.name] = alias.name
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def model_of(node):
        if isinstance(node, ast.Name):
            return aliases.get(node.id, node.id if node.id in scoped_names else None)
        if isinstance(node, ast.Attribute) and node.attr in scoped_names:
            return node.attr
        if isinstance(node, ast.Attribute) and node.attr == "model" and getattr(node.value, "id", "") == "self":
            return "self.model"  # the generic views' model: scoped in every view that has one
        return None

    def chain_end(manager):
        """(restricted, the outermost node of the call chain that starts at `manager`)."""
        current = manager
        while True:
            parent = parents.get(current)
            if isinstance(parent, ast.Attribute) and parent.value is current:
                if parent.attr == "restrict" or (current is manager and parent.attr in SAFE_CALLS):
                    return True, current
                current = parent
            elif isinstance(parent, ast.Call) and parent.func is current:
                current = parent
            else:
                return False, current

    def declaring_class(chain):
        assign = parents.get(chain)
        if isinstance(assign, ast.Assign) and assign.value is chain and len(assign.targets) == 1:
            target, owner = assign.targets[0], parents.get(assign)
            if isinstance(target, ast.Name) and target.id == "queryset" and isinstance(owner, ast.ClassDef):
                return owner.name
        return None

    hits, declarations = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = model_of(node.value)
            if not model:
                continue
            ok, chain = chain_end(node)
            owner = None if ok else declaring_class(chain)
            if owner:
                declarations.append(Declaration(path, node.end_lineno, owner))
            elif not ok:
                hits.append((node.end_lineno, model, f"{ast.unparse(node)} without restrict()"))
        elif isinstance(node, ast.Call) and node.args:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            model = model_of(node.args[0]) if name in SHORTCUTS else None
            if model:
                hits.append((node.lineno, model, f"{name}({model}, ...) looks the record up without restrict()"))

    comments = _opt_out_comments(source)
    violations, opt_outs, used = [], [], set()
    for line, model, code in sorted(hits):
        reason = comments.get(line)
        if reason:
            opt_outs.append(Finding(path, line, model, code, reason))
            used.add(line)
        else:
            extra = "  (the `# scope:` opt-out needs a reason)" if line in comments else ""
            violations.append(Finding(path, line, model, code + extra))
    stale = [Finding(path, line, "", "`# scope:` opt-out on a line with no unscoped query", reason)
             for line, reason in sorted(comments.items()) if line not in used and reason]
    return violations, opt_outs, stale, declarations


def get_queryset_restricts(cls, method_name="get_queryset", depth=3):
    """Whether the get_queryset() a class inherits goes through restrict(), directly or through the
    class's own helper methods it calls (`self.scoped(...)`)."""
    method = getattr(cls, method_name, None)
    if method is None or depth == 0:
        return False
    try:
        source = inspect.getsource(method)
    except (OSError, TypeError):
        return False
    if ".restrict(" in source:
        return True
    helpers = set(re.findall(r"self\.(\w+)\(", source)) - {method_name}
    return any(get_queryset_restricts(cls, name, depth - 1) for name in helpers)


def check_declaration(declaration):
    module = importlib.import_module(declaration.path.removesuffix(".py").replace("/", "."))
    cls = getattr(module, declaration.class_name, None)
    if cls is not None and get_queryset_restricts(cls):
        return None
    return Finding(declaration.path, declaration.line, "",
                   f"class {declaration.class_name} declares a queryset but its get_queryset() does not restrict()")


def scan_project():
    names = scoped_model_names()
    violations, opt_outs, stale = [], [], []
    for app in project_apps():
        for path in user_facing_modules(app):
            v, o, s, d = check_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), names)
            violations += v + [f for f in map(check_declaration, d) if f]
            opt_outs += o
            stale += s
    return violations, opt_outs, stale


# --- the project ------------------------------------------------------------------------------------

def test_no_user_facing_code_queries_a_scoped_model_without_restrict():
    violations, _opt_outs, _stale = scan_project()
    assert not violations, (
        "Scoped models queried without restrict(user, action) — use Model.objects.restrict(...), or mark a "
        "deliberate case with `# scope: <reason>` on the line:\n" + "\n".join(map(str, violations)))


def test_opt_outs_have_reasons_and_stay_visible():
    _violations, opt_outs, stale = scan_project()
    for finding in opt_outs:
        warnings.warn(f"restrict() opt-out: {finding}", UserWarning, stacklevel=1)
        assert finding.reason
    assert not stale, "Remove these opt-outs, nothing on their line needs one:\n" + "\n".join(map(str, stale))


def test_discovery_finds_the_scoped_models_and_the_view_modules():
    names = scoped_model_names()
    assert {"Organization", "Person", "Membership", "CommitteeSeat", "AuditEntry", "User"} <= names
    assert "StatusChange" not in names  # a plain manager: reached only through a scoped person
    app_names = {p.name for p in project_apps()}
    assert {"core", "audit", "orgs", "members", "accounts"} <= app_names
    assert "qiangji" not in app_names  # the project package has no apps.py
    modules = {str(p.relative_to(ROOT)) for app in project_apps() for p in user_facing_modules(app)}
    assert {"core/views.py", "orgs/views.py", "orgs/forms.py", "members/views.py", "members/forms.py"} <= modules
    assert not any("/tests/" in m or "/migrations/" in m for m in modules)


# --- the checker itself -----------------------------------------------------------------------------

NAMES = {"Person", "Organization"}


def check(source):
    violations, opt_outs, stale, _declarations = check_source(source, "example/views.py", NAMES)
    return violations, opt_outs, stale


def test_checker_reports_an_unscoped_query_with_its_line():
    violations, opt_outs, _ = check(
        "from .models import Person\n"
        "\n"
        "def view(request):\n"
        "    return Person.objects.filter(name='张').first()\n")
    assert [(v.path, v.line, v.model) for v in violations] == [("example/views.py", 4, "Person")]
    assert "example/views.py:4:" in str(violations[0])
    assert not opt_outs


@pytest.mark.parametrize("source", [
    "Person.objects.all()",
    "Person.objects",  # handed to a form field as its queryset
    "Person._default_manager.get(pk=1)",
    "models.Organization.objects.count()",
    "from members.models import Person as P\nP.objects.all()",
    "get_object_or_404(Person, pk=1)",
    "Person.objects.filter(restrict=1)",
    "Person.objects.all().none()",
    "self.model.objects.get(pk=pk)",
])
def test_checker_reports_every_way_round_restrict(source):
    violations, _, _ = check(source)
    assert len(violations) == 1, source


@pytest.mark.parametrize("source", [
    "Person.objects.restrict(request.user, 'view').filter(name='张')",
    "Person.objects.filter(name='张').restrict(request.user)",
    "get_object_or_404(Person.objects.restrict(request.user), pk=1)",
    "Organization.objects.none()",
    "StatusChange.objects.filter(person=p)",  # not a scoped model
    "self.model.objects.restrict(self.request.user, 'view')",
    "x = '# scope: in a string, not a comment'",
])
def test_checker_passes_restricted_and_unscoped_model_code(source):
    violations, opt_outs, stale = check(source)
    assert (violations, opt_outs, stale) == ([], [], [])


def test_checker_lists_opt_outs_and_requires_a_reason():
    violations, opt_outs, _ = check(
        "clash = Person.objects.filter(id_number=v).exists()  # scope: global uniqueness, reveals nothing\n"
        "other = Person.objects.filter(id_number=v).exists()  # scope:\n")
    assert [(o.line, o.reason) for o in opt_outs] == [(1, "global uniqueness, reveals nothing")]
    assert [v.line for v in violations] == [2]
    assert "needs a reason" in violations[0].code


def test_checker_flags_stale_opt_outs():
    _, _, stale = check("x = Person.objects.restrict(user).count()  # scope: left over\n")
    assert [(s.line, s.reason) for s in stale] == [(1, "left over")]


def test_checker_treats_a_class_queryset_as_a_declaration_checked_on_the_class():
    source = ("class PersonViewSet(ScopedViewSet):\n"
              "    queryset = Person.objects.select_related('organization')\n"
              "def f():\n"
              "    queryset = Person.objects.all()\n")
    violations, _, _, declarations = check_source(source, "example/api/views.py", NAMES)
    assert declarations == [Declaration("example/api/views.py", 2, "PersonViewSet")]
    assert [v.line for v in violations] == [4]  # a local variable is a query, not a declaration

    class Restricting:
        def get_queryset(self):
            return self.queryset.restrict(self.request.user, "view")

    class ThroughHelper:
        def scoped(self, action):
            return self.queryset.restrict(self.request.user, action)

        def get_queryset(self):
            return self.scoped("view")

    class Plain:
        def get_queryset(self):
            return self.queryset.all()

    assert get_queryset_restricts(Restricting) and get_queryset_restricts(ThroughHelper)
    assert not get_queryset_restricts(Plain)
    assert not get_queryset_restricts(object)
