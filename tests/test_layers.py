"""The shape of the code: HTTP and CLI at the edges, a domain that knows neither, no cycles.

Read from the source (``ast``), not from what happens to be imported at run time, so a lazy
import inside a function counts too.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import legal_training

ROOT = Path(legal_training.__file__).parent
DOMAIN = ("catalog", "providers", "generation", "batches", "storage", "publishing")
EDGES = ("api", "web", "cli", "simulator")
FRAMEWORKS = ("fastapi", "starlette", "sse_starlette", "typer", "uvicorn")


def _unit(path: Path) -> str:
    """The package a module belongs to (``storage``), or the module itself (``settings``)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        unit = _unit(path)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "legal_training" and len(parts) > 1 and parts[1] != unit:
                graph[unit].add(parts[1])
    return graph


def test_no_domain_module_imports_a_web_or_cli_framework() -> None:
    offenders = []
    for package in DOMAIN:
        for path in (ROOT / package).rglob("*.py"):
            for name in _imports(path):
                if name.split(".")[0] in FRAMEWORKS:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_no_domain_module_imports_an_edge() -> None:
    graph = _graph()
    upward = [
        f"{unit} -> {target}"
        for unit in DOMAIN
        for target in graph.get(unit, set())
        if target in EDGES
    ]
    assert not upward, upward


def test_packages_import_each_other_without_cycles() -> None:
    graph = _graph()
    visiting: list[str] = []
    done: set[str] = set()

    def visit(unit: str) -> None:
        if unit in done:
            return
        assert unit not in visiting, " -> ".join([*visiting[visiting.index(unit) :], unit])
        visiting.append(unit)
        for target in sorted(graph.get(unit, set())):
            visit(target)
        visiting.pop()
        done.add(unit)

    for unit in sorted(graph):
        visit(unit)


def test_the_checks_see_a_planted_violation(tmp_path: Path) -> None:
    planted = tmp_path / "bad.py"
    planted.write_text("from fastapi import APIRouter\nimport legal_training.api.app\n")
    assert "fastapi" in _imports(planted) and "legal_training.api.app" in _imports(planted)
