"""Data flows one way: each stage imports only the kernel and stages above it."""

from __future__ import annotations

import ast
from pathlib import Path

KG = Path(__file__).resolve().parents[1] / "kg"
KERNEL = {"errors", "models", "ids", "settings", "vocab", "lexicon"}
ORDER = [
    "sources", "oparl", "parse", "extract", "resolve", "curation", "rdf", "oparl_rdf", "store",
    "query", "push", "analyse", "visualise", "export", "serve", "pipeline", "evaluate", "cli",
]  # fmt: skip


def _stage(module: str) -> str:
    """`extract_votes` belongs to stage `extract`, `analyse_charts` to `analyse`."""
    if module in KERNEL:
        return "kernel"
    for stage in sorted(ORDER, key=len, reverse=True):
        if module == stage or module.startswith(stage + "_"):
            return stage
    raise AssertionError(f"kg/{module}.py is not assigned to a stage in tests/test_layers.py")


def _rank(module: str) -> int:
    stage = _stage(module)
    return -1 if stage == "kernel" else ORDER.index(stage)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "kg":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("kg."))
    return found


def test_every_module_imports_only_upstream() -> None:
    violations = []
    for path in sorted(KG.glob("*.py")):
        if path.stem == "__init__":
            continue
        for imported in _imports(path):
            if _rank(imported) > _rank(path.stem) or (
                _stage(path.stem) == "kernel" and _stage(imported) != "kernel"
            ):
                violations.append(f"{path.stem} imports {imported}")
    assert violations == []


def test_the_rule_detects_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "parse.py"
    bad.write_text("from kg.store import Store\n", encoding="utf-8")
    assert _imports(bad) == {"store"}
    assert _rank("store") > _rank("parse")
