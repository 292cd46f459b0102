"""The voice control in a real browser on a 390×844 phone (slow, model): a committed clip uploaded through the
按住说话 / Hold to talk control selects the matched option and says so next to the control, nothing is submitted
until 提交; on a page without a secure context the control offers the phone's recorder (accept="audio/*"
capture) with the line why. Screenshots: artifacts/screenshots/voice-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.speech.conftest import AUDIO
from tests.speech.conftest import transcriber as transcriber  # noqa: F401  (the shared session-scoped model)
from tests.ui.browser_flow import answer_one, visible, wait_for_next, wait_for_verdict
from tests.ui.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    launched,
    make_context,
)

pytestmark = [pytest.mark.slow, pytest.mark.model]

WORDS = {"zh": {"label": "按住说话", "picked": "第 2 个", "submit": "提交", "insecure": "不能直接用麦克风"},
         "en": {"label": "Hold to talk", "picked": "option 2", "submit": "Submit", "insecure": "cannot use the microphone"}}


@pytest.fixture(scope="module")
def voice_app(tmp_path_factory: pytest.TempPathFactory, transcriber: Any,  # noqa: F811
              chromium: Any) -> Iterator[tuple[Any, str, Any]]:
    """The app (tiny bank) launched with the real transcriber, and the run's chromium."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ctx = make_context(tmp_path_factory.mktemp("voice-app"))
    with launched(ctx) as (blocks, url):
        blocks.worker_page.voice_transcriber = transcriber
        blocks.worker_page.voice_embedder = None
        yield blocks, url, chromium


def _start(page: Any, url: str, lang: str, code: str) -> None:
    page.goto(url)
    page.wait_for_selector("#start-btn", timeout=60_000)
    if lang == "en":
        page.locator("#lang-switch label", has_text="English").click()
        page.wait_for_function("() => (document.querySelector('#start-btn')?.innerText || '').includes('Start')",
                               timeout=30_000)
    page.locator("#worker-code input, #worker-code textarea").first.fill(code)
    for _ in range(3):  # a tap that raced the page's load event (which renders the intake again) is tapped again
        page.locator("#role label").first.click()
        try:
            page.wait_for_function("() => document.querySelector('#role input:checked')", timeout=5_000)
            page.wait_for_timeout(500)
            if page.evaluate("() => !!document.querySelector('#role input:checked')"):
                break
        except Exception:
            continue
    page.wait_for_function("() => document.querySelector('#level input:checked')", timeout=30_000)
    page.wait_for_timeout(300)
    for attempt in range(2):  # a tap that raced the page's load event is tapped again
        page.click("#start-btn")
        try:
            page.wait_for_selector("#qcard", timeout=30_000 * (attempt + 1))
            break
        except Exception:
            if attempt:
                _shot(page, f"voice-start-failed-{code}")
                raise AssertionError("no question after 开始: " + page.locator("body").inner_text()[:1500]) from None
    page.wait_for_timeout(500)


def _to_a_choice_question(page: Any) -> None:
    """Answer questions until a single-choice or true/false one shows (option buttons, no ordering)."""
    for _ in range(8):
        if visible(page, "#option-1") and not visible(page, "#order"):
            return
        before = page.locator("#progress").inner_text()
        answer_one(page)
        wait_for_verdict(page)
        wait_for_next(page, before)
    pytest.fail("no choice question came up")


def _shot(page: Any, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_a_clip_selects_the_option(voice_app: tuple[Any, str, Any], lang: str) -> None:
    blocks, url, browser = voice_app
    words = WORDS[lang]
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN" if lang == "zh" else "en-US",
                            has_touch=True)
    try:
        _start(page, url, lang, f"voice-{lang}")
        _to_a_choice_question(page)
        control = page.locator("#voice-audio")
        control.scroll_into_view_if_needed()
        assert words["label"] in control.inner_text()
        record = page.locator("#voice-audio button.record-button")
        assert record.is_visible() and record.bounding_box()["height"] >= 56
        assert not visible(page, "#voice-note")  # localhost is a secure context: the microphone, no warning
        _shot(page, f"voice-390x844-{lang}-1-control")
        progress = page.locator("#progress").inner_text()
        page.click('#voice-audio button[aria-label="Upload file"]')
        page.locator("#voice-audio input[type=file]").set_input_files(str(AUDIO / f"{lang}_second.ogg"))
        page.wait_for_selector("#voice-msg .voice-msg-box.voice-ok", timeout=120_000)
        message = page.locator("#voice-msg").inner_text()
        assert words["picked"] in message and words["submit"] in message, message
        page.wait_for_function("() => document.querySelector('#option-1')?.classList.contains('primary')",
                               timeout=10_000)
        assert "primary" not in (page.locator("#option-0").get_attribute("class") or "")
        assert visible(page, "#submit-btn") and not visible(page, "#verdict")  # nothing submitted by itself
        assert page.locator("#progress").inner_text() == progress
        page.evaluate("() => document.querySelector('#option-0').scrollIntoView({block: 'start'})")
        _shot(page, f"voice-390x844-{lang}-2-picked")
        page.click("#submit-btn")  # her one tap confirms
        wait_for_verdict(page)
        chosen = page.locator("#fb-card .fb-opt.is-chosen")
        assert chosen.count() == 1 and chosen.inner_text().split(". ", 1)[0].strip().endswith("2")
        _shot(page, f"voice-390x844-{lang}-3-confirmed")
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_secure_context_offers_the_phone_recorder(voice_app: tuple[Any, str, Any], lang: str) -> None:
    _blocks, url, browser = voice_app
    words = WORDS[lang]
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN" if lang == "zh" else "en-US",
                            has_touch=True)
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {get: () => false});")
    try:
        _start(page, url, lang, f"voice-insecure-{lang}")
        page.wait_for_selector("#voice.voice-no-mic #voice-note", timeout=10_000)
        assert words["insecure"] in page.locator("#voice-note").inner_text()
        file_input = page.locator("#voice-audio input[type=file]")
        file_input.wait_for(state="attached", timeout=10_000)
        assert file_input.get_attribute("accept") == "audio/*" and file_input.get_attribute("capture") is not None
        assert not visible(page, "#voice-audio button.record-button")
        page.locator("#voice-note").scroll_into_view_if_needed()
        _shot(page, f"voice-390x844-{lang}-4-no-secure-context")
    finally:
        page.close()


def _wav_of(clip: Path, target: Path) -> Path:
    """The clip as 48 kHz mono WAV with silence around it (Chromium's fake microphone plays it in a loop)."""
    import wave

    import av
    import numpy as np

    with av.open(str(clip)) as source:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        parts = [out.to_ndarray().reshape(-1) for frame in source.decode(audio=0) for out in resampler.resample(frame)]
    samples = np.concatenate([np.zeros(24_000, np.int16), *parts, np.zeros(48_000, np.int16)])
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(samples.astype("<i2").tobytes())
    return target


def test_hold_to_talk_with_a_microphone(voice_app: tuple[Any, str, Any], tmp_path: Path) -> None:
    """Chromium's fake microphone plays a clip: pressing 录制, holding and letting go records, stops and
    transcribes once; the option is selected, no "please wait" toast covers the control while she holds."""
    _blocks, url, shared = voice_app
    wav = _wav_of(AUDIO / "zh_second.ogg", tmp_path / "zh_second.wav")
    # a browser of its own: the fake microphone is a launch option
    browser = shared.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}"])
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True,
                                      permissions=["microphone"])
        page = context.new_page()
        _start(page, url, "zh", "voice-mic-zh")
        _to_a_choice_question(page)
        record = page.locator("#voice-audio button.record-button")
        record.scroll_into_view_if_needed()
        box = record.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.wait_for_timeout(3_500)
        assert not visible(page, "#busy-toast")
        _shot(page, "voice-390x844-zh-5-holding")
        page.mouse.up()
        page.wait_for_selector("#voice-msg .voice-msg-box:not(.voice-wait)", timeout=120_000)
        message = page.locator("#voice-msg").inner_text()
        assert "第 2 个" in message, message
        assert "primary" in (page.locator("#option-1").get_attribute("class") or "")
        assert not visible(page, "#verdict")
    finally:
        browser.close()
