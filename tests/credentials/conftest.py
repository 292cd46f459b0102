"""A centre with its key and one finished assessment session; a hub that may or may not trust the centre."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assessor.store import AssessmentSession, Store
from assessor.sync import init_centre

CENTRE = "Jinan-1"
RESULTS = {
    "results": {"role": "housekeeper", "level": 5, "domains": [
        {"domain": "cleaning", "band": "at", "measured_enough": True, "theta": 0.3},
        {"domain": "cooking", "band": "below", "measured_enough": True, "theta": -0.9},
        {"domain": "safety", "band": "above", "measured_enough": False, "theta": 1.2},
    ]},
    "summary": {"text": "好", "source": "bank", "lang": "zh"},
}


@dataclass
class Centre:
    data: Path
    store: Store
    session: AssessmentSession


def finished_session(store: Store, code: str = "A-01", name: str = "王阿姨") -> AssessmentSession:
    worker = store.get_or_create_worker(code, centre=CENTRE, display_name=name)
    session = store.create_session(worker, role="housekeeper", target_level=5, bank_version="bank-7",
                                   engine_settings={}, state={})
    store.finish_session(session.id, results=RESULTS, level_reached=5, ready=True)
    found = store.get_session(session.id)
    assert found is not None
    return found


@pytest.fixture
def centre(tmp_path: Path) -> Centre:
    data = tmp_path / "centre"
    store = Store(f"sqlite:///{data / 'assessor.sqlite'}")
    init_centre(data, CENTRE)
    return Centre(data, store, finished_session(store))
