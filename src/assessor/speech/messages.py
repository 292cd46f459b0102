"""Plain zh/en messages for voice answers, and the one exception the speech package raises for bad input."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "no_file": {
        "zh": "没有收到录音，请按住说话再试一次。",
        "en": "No recording arrived. Hold the button, speak, and try again.",
    },
    "empty": {
        "zh": "录音是空的，请按住按钮说话，说完再松开。",
        "en": "The recording is empty. Hold the button while you speak, then let go.",
    },
    "silent": {
        "zh": "没有听到声音，请靠近手机，大声一点再说一次。",
        "en": "No voice was heard. Hold the phone closer and speak a little louder.",
    },
    "too_long": {
        "zh": "录音太长了（超过{max}分钟），请说得短一点，分几次说。",
        "en": "The recording is too long (over {max} minutes). Please keep it shorter, or say it in parts.",
    },
    "too_big": {
        "zh": "录音文件太大了，请说得短一点再试。",
        "en": "The recording file is too large. Please say it more briefly and try again.",
    },
    "not_audio": {
        "zh": "这个文件不是录音，请用录音按钮或手机的录音机录一段再上传。",
        "en": "This file is not a recording. Use the record button or the phone's recorder and upload that.",
    },
    "corrupt": {
        "zh": "录音文件坏了，打不开，请重新录一次。",
        "en": "The recording is damaged and cannot be opened. Please record it again.",
    },
    "bad_lang": {
        "zh": "语言只能是中文（zh）或英文（en）。",
        "en": "The language must be zh (Chinese) or en (English).",
    },
    "no_speech": {
        "zh": "没听清您说的话，请再说一次，或者直接打字。",
        "en": "I could not make out what you said. Please say it again, or type it.",
    },
    "no_match": {
        "zh": "没听出您选的是哪一个，请直接点选，或者再说一次（比如“第二个”或“选B”）。",
        "en": "I could not tell which option you chose. Tap it, or say it again (e.g. \"the second one\" or \"B\").",
    },
    "order_incomplete": {
        "zh": "没听全顺序，请按先后说出全部{n}个步骤的字母或序号（比如“B D E A C”），或者直接点选排列。",
        "en": "I did not get the whole order. Say all {n} steps by letter or number, first to last "
              "(e.g. \"B D E A C\"), or arrange them by tapping.",
    },
    "model_missing": {
        "zh": "这台电脑还没装好语音识别，请打字回答，或请培训老师安装。",
        "en": "Speech recognition is not installed on this computer. Please type, or ask the trainer to install it.",
    },
}


def message(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` ("zh" or "en"; anything else gives English) with `values` filled in."""
    texts = MESSAGES[key]
    return texts["zh" if lang == "zh" else "en"].format(**values)


class VoiceProblem(ValueError):
    """A clip or request that cannot be used: `key` names the reason; `message(lang)` says it to the worker."""

    def __init__(self, key: str, **values: object) -> None:
        if key not in MESSAGES:
            raise KeyError(f"unknown voice message key: {key}")
        super().__init__(message(key, "en", **values))
        self.key = key
        self.values = values

    def message(self, lang: str) -> str:
        return message(self.key, lang, **self.values)
