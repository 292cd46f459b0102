import pytest

from assessor.lm.gate import Gate


@pytest.fixture()
def gate(hashing) -> Gate:
    return Gate(hashing, margin=0.05)


SOURCES = ["闻到燃气味，第一步做什么？", "You smell gas. What do you do first?"]


def check(gate: Gate, text: str, **kw):
    args = dict(lang="en", fallback="AUTHORED", sources=SOURCES, use="rephrase")
    args.update(kw)
    return gate.check(text, **args)


def test_grounded_text_in_the_right_language_passes(gate) -> None:
    decision = check(gate, "You smell gas at home. What do you do first?")
    assert decision.source == "model" and decision.reason == "ok"
    assert decision.text_shown == decision.model_text


def test_wrong_language_falls_back(gate) -> None:
    decision = check(gate, "你闻到燃气味，第一步做什么？")
    assert decision.source == "bank" and decision.text_shown == "AUTHORED"
    assert decision.reason.startswith("language") and decision.model_text


def test_leak_of_key_text_or_letter(gate) -> None:
    forbidden = ["关阀门，开窗通风", "Close the valve and open the windows"]
    leaked = check(gate, "You smell gas. Close the valve and open the windows. What first?",
                   forbidden=forbidden, before_answer=True)
    assert leaked.source == "bank" and leaked.reason.startswith("leak")
    letter = check(gate, "You smell gas. The answer is B. What do you do first?", before_answer=True)
    assert letter.reason.startswith("leak")
    after = check(gate, "You smell gas: close the valve and open the windows first.", forbidden=forbidden,
                  before_answer=False)
    assert after.source == "model"


def test_ungrounded_unsafe_length_repetition_and_score_claims(gate) -> None:
    assert check(gate, "The football match last night ended in a draw.").reason.startswith("ungrounded")
    assert check(gate, "You smell gas, you idiot. What do you do first?").reason.startswith("unsafe")
    assert check(gate, "Hi").reason.startswith("length")
    assert check(gate, "").reason == "empty"
    loop = "You smell gas. What first? " * 4
    assert check(gate, loop, max_chars=1000).reason.startswith("repetition")
    assert check(gate, "You smell gas. You get full marks. What do you do first?").reason.startswith("score_claim")
    assert check(gate, "You smell gas at home and open the window.", must_ask=True).reason.startswith("not_a_question")


def test_gate_checks_are_a_registry_run_in_order() -> None:
    from assessor.lm.gate import GATE_CHECKS, gate_check

    assert list(GATE_CHECKS) == ["length", "repetition", "not_a_question", "language", "unsafe", "score_claim",
                                 "leak", "ungrounded"]
    with pytest.raises(ValueError, match="registered twice"):
        gate_check("leak")(lambda c: None)


def test_a_registered_check_takes_part_and_its_reason_is_recorded(hashing, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor.lm import gate as module

    seen: list[str] = []

    def no_digits(c: module.Candidate) -> str | None:
        seen.append(c.text)
        return "digits: no numbers here" if any(ch.isdigit() for ch in c.text) else None

    monkeypatch.setitem(module.GATE_CHECKS, "digits", no_digits)
    gate = module.Gate(hashing, margin=-1.0)
    text = "Wash your hands with soap before you cook 2 meals."
    decision = gate.check(text, lang="en", fallback="authored", sources=[text])
    assert decision.source == "bank" and decision.reason == "digits: no numbers here"
    assert decision.text_shown == "authored" and seen == [text]
    ok = gate.check("Wash your hands with soap before you cook.", lang="en", fallback="authored",
                    sources=["Wash your hands with soap before you cook."])
    assert ok.source == "model" and ok.reason == "ok"
