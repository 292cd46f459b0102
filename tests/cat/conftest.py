from __future__ import annotations

import pytest

from assessor.bank.load import Bank
from assessor.testing import synthetic_bank


@pytest.fixture(scope="session")
def small_bank() -> Bank:
    """A 440-item in-memory bank over all 11 domains with a few pilot items; roles from default_roles()."""
    return synthetic_bank(440, seed=3, pilot_share=0.05)
