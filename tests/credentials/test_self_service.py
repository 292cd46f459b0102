"""A worker's own certificate download: issued once and made again under the same number, never after a
revocation, not for a flagged session or one with answers waiting for review, not before the end, and a plain
message without a centre key."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.credentials import registry
from assessor.credentials.self_service import REFUSALS, SelfServiceRefused, worker_certificate
from assessor.credentials.verify import verify_pdf
from assessor.store import Store
from tests.credentials.conftest import RESULTS, Centre, finished_session


def _refusal(store: Store, data: Path, session_id: str, folder: Path) -> str:
    with pytest.raises(SelfServiceRefused) as refused:
        worker_certificate(store, data, session_id, folder)
    return refused.value.key


def test_download_issues_once_and_again_under_the_same_number(centre: Centre, tmp_path: Path) -> None:
    first = worker_certificate(centre.store, centre.data, centre.session.id, tmp_path / "a")
    again = worker_certificate(centre.store, centre.data, centre.session.id, tmp_path / "b")
    assert first.name == again.name  # the same certificate number (the PDF's creation time may differ)
    issued = registry.certificates(centre.store, centre.session.id)
    assert len(issued) == 1 and issued[0].issued_by == "worker A-01"
    for pdf in (first, again):
        assert verify_pdf(pdf.read_bytes(), centre.data).status == "valid"


def test_no_new_certificate_after_a_revocation(centre: Centre, tmp_path: Path) -> None:
    pdf = worker_certificate(centre.store, centre.data, centre.session.id, tmp_path)
    registry.revoke(centre.store, pdf.stem.removeprefix("certificate-"), actor="teacher", reason="copied answers")
    assert _refusal(centre.store, centre.data, centre.session.id, tmp_path / "x") == "revoked"
    assert len(registry.certificates(centre.store, centre.session.id)) == 1


def test_flagged_or_waiting_sessions_go_through_a_trainer(centre: Centre, tmp_path: Path) -> None:
    worker = centre.store.get_or_create_worker("B-02", centre="Jinan-1")
    flagged = centre.store.create_session(worker, role="housekeeper", target_level=5, bank_version="bank-7",
                                          engine_settings={}, state={})
    assert _refusal(centre.store, centre.data, flagged.id, tmp_path) == "not_finished"
    results = {**RESULTS, "results": {**RESULTS["results"], "aberrance": {"flagged": True, "reasons": ["fast"]}}}
    centre.store.finish_session(flagged.id, results=results, level_reached=5, ready=True)
    assert _refusal(centre.store, centre.data, flagged.id, tmp_path) == "unreliable"
    waiting = finished_session(centre.store, code="C-03")
    centre.store.record_answer(waiting.id, item_id="cln-0001", item_version=1, item_params={}, domain="cleaning",
                               level=5, item_type="open_scenario", answer="先关水", score=0.5, category=1,
                               correct=False, pilot=False, theta={}, se={}, state={}, review_status="needs_review")
    assert _refusal(centre.store, centre.data, waiting.id, tmp_path) == "reviews_pending"
    assert registry.certificates(centre.store) == []


def test_without_a_centre_key_the_worker_is_told_to_ask(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    session = finished_session(store)
    assert _refusal(store, tmp_path / "no-key", session.id, tmp_path / "out") == "no_centre_key"
    for texts in REFUSALS.values():
        assert texts["zh"] and texts["en"] and "您" not in texts["en"]
