"""The layering of ARCHITECTURE.md, checked on every import of every module, on the import
cycles inside each app, and on the URLs each layer's templates and code name."""

import ast
import inspect
import re
from collections import deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["inclusion", "pass_numerique", "ateliers", "mediation", "cms"]


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("app", LAYERS)
def test_apps_import_only_lower_layers(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    forbidden = set(LAYERS) - allowed
    offenders = []
    for path in (ROOT / app).rglob("*.py"):
        for module in _imports(path):
            if module in forbidden:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_layer_check_would_catch_an_upward_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from ateliers.models import Session\nimport cms\n", encoding="utf-8")
    assert set(_imports(sample)) == {"ateliers", "cms"}


# --- Import cycles between the modules of one app -------------------------------------------
#
# Two graphs. "Module level": the imports run when a module is loaded (class bodies, `if`,
# `try` included; `if TYPE_CHECKING:` blocks left out, they never run). A cycle there breaks on
# a partly loaded module, whatever the order. "With deferred imports": the imports written
# inside functions are added. A deferred import is how a cycle is hidden, not removed: the two
# modules still cannot be understood, moved or tested one without the other. Both must be
# empty; the socle's and the pass's deferred cycles, older than this check, are listed as
# expected failures (strict: the mark must go the day they are gone).


def _source_modules(app):
    """{dotted name: (source, is_package)} for every module of an app, migrations included."""
    modules = {}
    for path in (ROOT / app).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules[".".join(parts)] = (path.read_text(encoding="utf-8"), is_package)
    return modules


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(nodes, deferred, in_function=False):
    """(import node, written inside a function?) for the imports that may run."""
    for node in nodes:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_nodes(node.orelse, deferred, in_function)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            if not deferred:
                continue
            inside = True
        else:
            inside = in_function
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, inside
        yield from _import_nodes(ast.iter_child_nodes(node), deferred, inside)


def import_graph(modules, deferred):
    """{module: {imported module of the same set: (line, deferred?)}} for `modules` as given by
    _source_modules. `from package import name` points at package.name when that is a module,
    else at the package."""
    graph = {}
    for name, (source, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        edges = {}
        for node, inside in _import_nodes(ast.parse(source).body, deferred):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                if target in modules and target != name and target not in edges:
                    edges[target] = (node.lineno, inside)
        graph[name] = edges
    return graph


def import_groups(graph):
    """The groups of modules that import one another (strongly connected components of more
    than one module, Tarjan), in a stable order."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(start):
        # Iterative Tarjan: the graphs are small, but recursion limits are not worth a thought.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups, key=min)


def shortest_cycle(graph, group):
    """[a, b, …, a]: the shortest cycle through the group's first module."""
    first = min(group)
    # Breadth-first from `first` back to itself inside the group: the shortest cycle.
    came_from = {first: None}
    queue = deque([first])
    end = None
    while queue and end is None:
        node = queue.popleft()
        for child in sorted(graph[node]):
            if child == first:
                end = node
                break
            if child in group and child not in came_from:
                came_from[child] = node
                queue.append(child)
    path = [first]
    while end is not None:
        path.append(end)
        end = came_from[end]
    path.reverse()
    return path


def import_cycles(graph):
    return [shortest_cycle(graph, group) for group in import_groups(graph)]


def describe_cycle(graph, cycle):
    """'a (line 3) → b (line 10, in a function) → a' for a failure message."""
    steps = []
    for here, there in zip(cycle, cycle[1:], strict=False):
        line, inside = graph[here][there]
        steps.append(f"{here} (line {line}{', in a function' if inside else ''}) →")
    return " ".join([*steps, cycle[-1]])


def _cycles_of(app, deferred):
    graph = import_graph(_source_modules(app), deferred=deferred)
    return [
        f"{describe_cycle(graph, shortest_cycle(graph, group))}"
        f" [modules in this knot: {', '.join(sorted(group))}]"
        for group in import_groups(graph)
    ]


@pytest.mark.parametrize("app", LAYERS)
def test_no_import_cycle_between_the_modules_of_an_app(app):
    cycles = _cycles_of(app, deferred=False)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


OLD_DEFERRED_CYCLES = pytest.mark.xfail(
    strict=True,
    reason="models ↔ perms (QuerySet.for_user), models.textes ↔ sms.textes and the SMS sending "
    "modules call each other through imports inside functions; older than this check",
)


@pytest.mark.parametrize(
    "app",
    [
        pytest.param("inclusion", marks=OLD_DEFERRED_CYCLES),
        pytest.param("pass_numerique", marks=OLD_DEFERRED_CYCLES),
        "ateliers",
        "mediation",
        "cms",
    ],
)
def test_no_import_cycle_hidden_in_functions(app):
    cycles = _cycles_of(app, deferred=True)
    assert not cycles, "import cycles through deferred imports:\n" + "\n".join(cycles)


PLANTED_APP = {
    "app": ("", True),
    "app.models": ("from app.journeys import liste\n", False),
    "app.journeys": ("", True),
    "app.journeys.liste": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.models import Page  # never runs: no edge\n"
        "def page():\n"
        "    from app.models import Page\n",
        False,
    ),
    "app.journeys.carte": ("from . import liste\nfrom ..models import Page\n", False),
    "app.views": ("from app import models\nclass V:\n    from app.views import V\n", False),
}


def test_cycle_check_would_catch_a_planted_cycle():
    module_level = import_graph(PLANTED_APP, deferred=False)
    assert module_level["app.journeys.carte"] == {
        "app.journeys.liste": (1, False),
        "app.models": (2, False),
    }
    assert import_cycles(module_level) == []
    deferred = import_graph(PLANTED_APP, deferred=True)
    [cycle] = import_cycles(deferred)
    assert describe_cycle(deferred, cycle) == (
        "app.journeys.liste (line 5, in a function) → app.models (line 1) → app.journeys.liste"
    )
    # The same cycle written at module level fails the strict check.
    planted = dict(PLANTED_APP, **{"app.journeys.liste": ("from app.models import Page\n", False)})
    graph = import_graph(planted, deferred=False)
    assert [describe_cycle(graph, c) for c in import_cycles(graph)] == [
        "app.journeys.liste (line 1) → app.models (line 1) → app.journeys.liste"
    ]


# --- URLs a layer names -------------------------------------------------------------------------
#
# A template or a module of a lower layer must not name a URL of a higher layer: the link would
# break, or drag the higher layer in, the day that layer is absent or changes. Which app owns a
# URL name is read from the URL configuration itself (the urls module that declares it).

URL_TAG = re.compile(r"""{%\s*url\s+(['"])(?P<name>[^'"]+)\1""")
PAGE_TAG = re.compile(r"{%\s*(?P<tag>pageurl|slugurl|routablepageurl)\b")
REVERSING_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}


def _app_of(module_name):
    top = module_name.split(".")[0]
    return top if top in LAYERS else None


def url_owners():
    """{'namespace:name': app that declares it} over the whole URL configuration."""
    from django.urls import URLResolver, get_resolver

    owners = {}

    def walk(patterns, namespaces, module_name):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = pattern.urlconf_module
                inner = module.__name__ if inspect.ismodule(module) else None
                namespace = [pattern.namespace] if pattern.namespace else []
                walk(pattern.url_patterns, namespaces + namespace, inner)
            elif pattern.name:
                # include(list) has no module: the view's own module tells (Wagtail's pages).
                declared_in = module_name or inspect.unwrap(pattern.callback).__module__
                app = _app_of(declared_in)
                if app:
                    owners.setdefault(":".join([*namespaces, pattern.name]), app)

    resolver = get_resolver()
    walk(resolver.url_patterns, [], resolver.urlconf_name)
    return owners


def upward_urls_in_template(text, layer, owners):
    """['line N: {% url 'x' %} names <app>'] for the URLs of higher layers in a template."""
    level = LAYERS.index(layer)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in URL_TAG.finditer(line):
            owner = owners.get(match["name"])
            if owner and LAYERS.index(owner) > level:
                found.append(f"line {number}: {{% url '{match['name']}' %}} names {owner}")
        if layer != "cms":
            for match in PAGE_TAG.finditer(line):
                found.append(f"line {number}: {{% {match['tag']} %}} names cms (Wagtail pages)")
    return found


def upward_urls_in_code(source, layer, owners):
    """The same for reverse("x") / redirect("x") with a literal name in Python code."""
    level = LAYERS.index(layer)
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        first = node.args[0]
        if called in REVERSING_CALLS and isinstance(first, ast.Constant):
            owner = owners.get(first.value) if isinstance(first.value, str) else None
            if owner and LAYERS.index(owner) > level:
                found.append(f"line {node.lineno}: {called}({first.value!r}) names {owner}")
    return found


@pytest.fixture(scope="module")
def owners():
    return url_owners()


def test_url_owners_are_read_from_the_url_configuration(owners):
    assert owners["cms:taille_texte"] == "cms"
    assert owners["kiosque:accueil"] == "mediation"
    assert owners["emargement:session"] == "ateliers"
    assert owners["pass:verifier"] == "pass_numerique"
    assert owners["pro:accueil"] == "inclusion"
    assert owners["sante"] == "inclusion"
    assert "wagtail_serve" not in owners  # Wagtail's own, no layer's


@pytest.mark.parametrize("app", LAYERS)
def test_templates_name_no_url_of_a_higher_layer(app, owners):
    offenders = []
    for path in sorted((ROOT / app / "templates").rglob("*")):
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}:
            text = path.read_text(encoding="utf-8")
            for found in upward_urls_in_template(text, app, owners):
                offenders.append(f"{path.relative_to(ROOT)} {found}")
    assert offenders == []


@pytest.mark.parametrize("app", LAYERS)
def test_code_reverses_no_url_of_a_higher_layer(app, owners):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for found in upward_urls_in_code(path.read_text(encoding="utf-8"), app, owners):
            offenders.append(f"{path.relative_to(ROOT)} {found}")
    assert not offenders, "URLs of a higher layer:\n" + "\n".join(offenders)


def test_url_check_would_catch_a_planted_template_and_call():
    owners = {"cms:taille_texte": "cms", "kiosque:accueil": "mediation", "pro:accueil": "inclusion"}
    template = (
        "<a href=\"{% url 'pro:accueil' %}\">ok</a>\n"
        '<a href="{% url "cms:taille_texte" %}?taille=grand">A+</a>\n'
        "{% pageurl page %} {% url 'kiosque:accueil' as lien %}\n"
    )
    assert upward_urls_in_template(template, "inclusion", owners) == [
        "line 2: {% url 'cms:taille_texte' %} names cms",
        "line 3: {% url 'kiosque:accueil' %} names mediation",
        "line 3: {% pageurl %} names cms (Wagtail pages)",
    ]
    assert upward_urls_in_template(template, "cms", owners) == []
    code = (
        "from django.urls import reverse\n"
        "URL = reverse('kiosque:accueil')\n"
        "redirect('pro:accueil')\n"
    )
    assert upward_urls_in_code(code, "ateliers", owners) == [
        "line 2: reverse('kiosque:accueil') names mediation"
    ]
    assert upward_urls_in_code(code, "mediation", owners) == []


@pytest.mark.django_db
def test_the_socle_links_to_the_text_size_switch_through_its_registry(monkeypatch):
    """base_public.html (socle) shows the public site's bigger-text switch only when a higher
    layer registered it, and names no URL of its own."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from inclusion import registry

    request = RequestFactory().get("/ateliers/")
    assert registry.text_size_url() == "/texte/"  # registered by cms' AppConfig.ready()
    html = render_to_string("inclusion/base_public.html", request=request)
    assert 'href="/texte/?taille=grand&amp;suite=%2Fateliers%2F"' in html
    monkeypatch.setattr(registry, "_text_size_url_name", None)
    html = render_to_string("inclusion/base_public.html", request=request)
    assert "Texte plus grand" not in html and "?taille=" not in html
