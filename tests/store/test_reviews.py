"""Review queue, practice sessions and consent: the columns of revision 0002 through the Store API."""

from __future__ import annotations

import pytest

from assessor.store import Store


def _answer(store: Store, session_id: str, item_id: str, review_status: str = "auto") -> int:
    return store.record_answer(session_id, item_id=item_id, item_version=1, item_params={}, domain="cleaning",
                               level=5, item_type="free_text", answer="先洗手", score=0.4, category=0, correct=False,
                               pilot=False, theta={}, se={}, state={}, review_status=review_status,
                               audio_path="audio/x.wav" if item_id.endswith("9") else None).id


def test_review_queue_from_needs_review_to_reviewed(database_url: str) -> None:
    store = Store(database_url)
    jinan = store.create_session(store.get_or_create_worker("R1", centre="Jinan"), role="housekeeper",
                                 target_level=5, bank_version="v", engine_settings={}, state={})
    qingdao = store.create_session(store.get_or_create_worker("R2", centre="Qingdao"), role="housekeeper",
                                   target_level=5, bank_version="v", engine_settings={}, state={})
    auto = _answer(store, jinan.id, "cln-0001")
    queued = _answer(store, jinan.id, "cln-0009", review_status="needs_review")
    later = _answer(store, qingdao.id, "cln-0002")
    store.mark_needs_review(later)
    assert [(r.id, r.counted, r.review_status) for r in store.responses(jinan.id)] == [
        (auto, True, "auto"), (queued, False, "needs_review")]
    assert store.responses(jinan.id)[1].audio_path == "audio/x.wav"
    assert [(r.id, s.id) for r, s in store.pending_reviews()] == [(queued, jinan.id), (later, qingdao.id)]
    assert [r.id for r, _s in store.pending_reviews("Qingdao")] == [later]
    assert (store.waiting_reviews(jinan.id), store.waiting_reviews(qingdao.id)) == (1, 1)
    assert [r.id for r in store.all_responses(counted_only=True)] == [auto]

    review = store.record_review(queued, trainer="li", points=[{"point": "p1", "said": True},
                                                               {"point": "p2", "said": False}],
                                 critical=["c1"], score=0.5, note="漏了第二点 / missed point 2")
    assert review.id is not None
    [stored] = store.reviews(queued)
    assert (stored.trainer, stored.critical, stored.score) == ("li", ["c1"], 0.5)
    assert stored.points[1] == {"point": "p2", "said": False}
    response = store.responses(jinan.id)[1]
    assert (response.review_status, response.counted, response.score) == ("reviewed", True, 0.5)
    assert [r.id for r, _s in store.pending_reviews()] == [later]
    assert store.waiting_reviews(jinan.id) == 0 and store.waiting_reviews("no-such-session") == 0
    assert sorted(r.id for r in store.all_responses(counted_only=True)) == [auto, queued]


def test_bad_review_input_is_refused_with_a_reason(database_url: str) -> None:
    store = Store(database_url)
    session = store.create_session(store.get_or_create_worker("R3"), role="housekeeper", target_level=5,
                                   bank_version="v", engine_settings={}, state={})
    response = _answer(store, session.id, "cln-0001")
    with pytest.raises(ValueError, match="between 0 and 1"):
        store.record_review(response, trainer="li", points=[], critical=[], score=2.0)
    with pytest.raises(ValueError, match="trainer"):
        store.record_review(response, trainer=" ", points=[], critical=[], score=1.0)
    with pytest.raises(ValueError, match="said"):
        store.record_review(response, trainer="li", points=[{"point": "p1", "said": "yes"}], critical=[], score=1.0)
    with pytest.raises(KeyError):
        store.record_review(999999, trainer="li", points=[], critical=[], score=1.0)
    with pytest.raises(KeyError):
        store.mark_needs_review(999999)
    with pytest.raises(ValueError, match="review status"):
        _answer(store, session.id, "cln-0002", review_status="maybe")
    assert store.reviews(response) == []


def test_practice_sessions_never_count_in_exposure_or_statistics(database_url: str) -> None:
    store = Store(database_url)
    worker = store.get_or_create_worker("P1")
    real = store.create_session(worker, role="housekeeper", target_level=5, bank_version="v", engine_settings={},
                                state={})
    practice = store.create_session(worker, role="housekeeper", target_level=5, bank_version="v",
                                    engine_settings={}, state={}, kind="practice")
    assert (real.kind, practice.kind) == ("assessment", "practice")
    _answer(store, real.id, "cln-0001")
    _answer(store, practice.id, "cln-0001")
    _answer(store, practice.id, "cln-0002")
    assert store.item_exposure("housekeeper") == ({"cln-0001": 1}, 1)
    assert [r.session_id for r in store.all_responses(counted_only=True)] == [real.id]
    assert [r.session_id for r in store.all_responses()] == [real.id]  # calibration and exports: no practice
    assert len(store.all_responses(include_practice=True)) == 3
    assert [s.id for batch in store.iter_sessions() for s, _w in batch] == [real.id]
    assert {s.id for batch in store.iter_sessions(include_practice=True) for s, _w in batch} == {real.id, practice.id}
    assert {s.id for s, _w in store.list_sessions()} == {real.id, practice.id}  # the trainer's table shows both
    assert store.seen_item_ids(worker.id) == {"cln-0001", "cln-0002"}  # the worker did see them
    with pytest.raises(ValueError, match="practice"):
        store.create_session(worker, role="housekeeper", target_level=5, bank_version="v", engine_settings={},
                             state={}, kind="exam")


def test_consent_is_recorded_once_asked(database_url: str) -> None:
    store = Store(database_url)
    worker = store.get_or_create_worker("C1")
    assert worker.consent_at is None
    store.record_consent(worker.id)
    again = store.get_worker(worker.id)
    assert again is not None and again.consent_at is not None
    with pytest.raises(KeyError):
        store.record_consent("nobody")
