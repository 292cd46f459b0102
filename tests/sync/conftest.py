"""A centre with a few sessions (finished, mid-quiz, practice, one reviewed answer) and an empty hub."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assessor.store import Store
from assessor.sync import CentreKey, init_centre, trust

CENTRE = "Jinan-1"


@dataclass
class Centre:
    data: Path
    store: Store
    key: CentreKey
    mid_quiz: str  # session id
    finished: str


@dataclass
class Hub:
    data: Path
    store: Store
    url: str


def answer(store: Store, session_id: str, seq_item: str, *, version: int | None = None) -> int:
    response = store.record_answer(
        session_id, item_id=seq_item, item_version=1, item_params={"a": 1.1, "b": 0.2}, domain="cleaning",
        level=5, item_type="free_text", answer="先洗手，戴手套", score=0.5, category=1, correct=False, pilot=False,
        theta={"cleaning": 0.1}, se={"cleaning": 0.7}, state={"last": seq_item}, seconds=12.5,
        grading={"points": {"p1": True}}, expected_version=version)
    return response.id


@pytest.fixture
def centre(tmp_path: Path) -> Centre:
    data = tmp_path / "centre"
    store = Store(f"sqlite:///{data / 'assessor.sqlite'}")
    key = init_centre(data, CENTRE)
    a = store.get_or_create_worker("A-01", centre=CENTRE, display_name="王阿姨")
    b = store.get_or_create_worker("B-02", centre="default", display_name="Li")  # before the centre was named
    finished = store.create_session(a, role="housekeeper", target_level=5, bank_version="bank-7",
                                    engine_settings={"max_items": 30}, state={})
    first = answer(store, finished.id, "cln-0001")
    answer(store, finished.id, "cln-0002")
    store.add_message(finished.id, speaker="assessor", text="第一题", kind="question", item_id="cln-0001")
    store.add_message(finished.id, speaker="worker", text="先洗手", source="worker")
    store.mark_needs_review(first)
    store.record_review(first, trainer="li", points=[{"point": "p1", "said": True}], critical=[], score=0.75,
                        note="好")
    store.finish_session(finished.id, results={"level": 5}, level_reached=5, ready=True)
    mid = store.create_session(b, role="elderly_carer", target_level=4, bank_version="bank-7", engine_settings={},
                               state={}, language="en")
    answer(store, mid.id, "eld-0001")
    stray = store.get_or_create_worker("C-03", centre="Elsewhere")  # a centre name the key does not carry
    store.create_session(stray, role="housekeeper", target_level=5, bank_version="bank-7", engine_settings={},
                         state={})
    practice = store.create_session(a, role="housekeeper", target_level=5, bank_version="bank-7", engine_settings={},
                                    state={}, kind="practice")
    answer(store, practice.id, "cln-0003")
    return Centre(data, store, key, mid.id, finished.id)


@pytest.fixture
def hub(tmp_path: Path, database_url: str, centre: Centre) -> Hub:
    data = tmp_path / "hub"
    trust(data, centre.data / "centre.pub")
    return Hub(data, Store(database_url), database_url)
