"""Shared fixtures: the shared corpus (skipped when absent) and small stores."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
REFERENCE = CORPUS / "hagen-2022-02-15-top-3-2.txt"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-protocol corpus; tests using it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (it lives beside the project)")
    return CORPUS


@pytest.fixture
def reference(corpus: Path) -> Path:
    """The reference ALLRIS Wortprotokoll of the foundation issue."""
    return corpus / REFERENCE.name
