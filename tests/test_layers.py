"""The layering of ARCHITECTURE.md, checked on every import of every module."""

import ast
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
