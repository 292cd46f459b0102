"""A quiz run through the dialogue to its end, then a certificate: it states what the result page shows."""

from __future__ import annotations

from pathlib import Path

from assessor.bank.load import Bank
from assessor.credentials import issue, verify_bytes
from assessor.dialogue import Assessment, Models
from assessor.lm.service import LMService
from assessor.retrieval.embedder import get_embedder
from assessor.store import Store
from assessor.sync import init_centre
from tests.helpers import right_response


def test_a_finished_quiz_gets_a_certificate_matching_its_result(tiny_bank: Bank, tmp_path: Path) -> None:
    embedder = get_embedder("hashing")
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assessment = Assessment(tiny_bank, store, models=Models(tiny_bank, embedder_name="hashing",
                                                            lm=LMService(generator=None, embedder=embedder)))
    init_centre(tmp_path, "Jinan-1")
    turn = assessment.start("W9", role="housekeeper", level=5, lang="zh", display_name="赵姐", seed=3)
    for _ in range(60):
        if turn.finished or turn.question is None:
            break
        item = tiny_bank.items[turn.question.item_id]
        turn = assessment.answer(turn.session_id, item.id, right_response(item, "先洗手，戴手套，通知家属"))
    if not turn.finished:
        turn = assessment.stop(turn.session_id)
    assert turn.result is not None
    issued = issue(store, tmp_path, turn.resume_code, actor="li", bank=tiny_bank)
    view = turn.result
    shown = {row.domain: row.band for row in view.rows}
    assert {d for d, _ in issued.claim.areas} == set(shown)
    for domain, band in issued.claim.areas:
        assert band in (shown[domain], "not_measured")
    assert (issued.claim.name, issued.claim.ready, issued.claim.level) == ("赵姐", view.ready, view.level)
    assert issued.claim.bank_version == tiny_bank.version
    assert verify_bytes(issued.pdf, tmp_path, store).status == "valid"
