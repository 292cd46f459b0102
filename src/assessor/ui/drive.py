"""Drive the worker tab through `gradio_client`, the way a worker's clicks would (tests and the load bench).

    worker = WorkerClient("http://127.0.0.1:7860/")
    screen = worker.start("W001", role="housekeeper", level=5)
    while screen["mode"] == "quiz":
        screen = worker.answer(screen)

Every call returns the page's screen summary (`worker.screen_summary`): mode, notice, question (no key), result.
"""

from __future__ import annotations

import random
import time
from typing import Any

OPEN_ANSWER = {"zh": "先确保安全，问清楚情况，按规范操作，及时告诉家属或主管，做好记录。",
               "en": "First make it safe, ask what happened, follow the proper steps, tell the family or supervisor, and keep a record."}


class WorkerClient:
    """One simulated worker (one browser session) against a running app."""

    def __init__(self, url: str, *, seed: int | None = None, client: Any = None) -> None:
        if client is None:
            from gradio_client import Client

            client = Client(url, verbose=False, download_files=False)
        self.client = client
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.answers = 0
        self._screen_index: dict[str, int] = {}
        api = self.client.view_api(return_format="dict", print_info=False)
        for name, info in api["named_endpoints"].items():
            for i, ret in enumerate(info.get("returns", [])):
                if ret.get("component") == "Json":
                    self._screen_index[name] = i

    def call(self, api_name: str, *args: Any) -> dict[str, Any]:
        """Call one event by its api name and return the screen summary."""
        return dict(self.call_all(api_name, *args)[self._screen_index[api_name]])

    def call_all(self, api_name: str, *args: Any) -> tuple[Any, ...]:
        """Call one event by its api name and return every output the browser would receive."""
        return tuple(self.client.predict(*args, api_name=api_name))

    def load(self, saved: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.call("/load", saved or {"lang": "zh", "session_id": None})

    def start(self, code: str, *, role: str, level: int, years: float | None = None) -> dict[str, Any]:
        self.call("/choose_role", role)
        return self.call("/start", code, role, level, years, [])

    def response_for(self, question: dict[str, Any], lang: str = "zh") -> tuple[str, list[Any]]:
        """A plausible answer: (api name, args) for the next call; ordering taps are made here."""
        qtype, n = question["type"], len(question["options"])
        if qtype in ("single_choice", "true_false"):
            return f"/tap_{self.rng.randrange(n)}", []
        if qtype == "multiple_choice":
            ids = question["option_ids"]
            picks = self.rng.sample(ids, k=self.rng.randint(1, len(ids)))
            return "/submit", [picks, ""]
        if qtype == "ordering":
            order = list(range(n))
            self.rng.shuffle(order)
            for index in order:
                self.call(f"/tap_{index}")
            return "/submit", [[], ""]
        return "/submit", [[], OPEN_ANSWER.get(lang, OPEN_ANSWER["zh"])]

    def answer(self, screen: dict[str, Any]) -> dict[str, Any]:
        """Answer the question on `screen`; records the answer-to-next-question latency."""
        api_name, args = self.response_for(screen["question"], screen.get("lang", "zh"))
        began = time.perf_counter()
        after = self.call(api_name, *args)
        self.latencies.append(time.perf_counter() - began)
        if not after.get("notice"):
            self.answers += 1
        return after

    def run(self, code: str, *, role: str, level: int, max_steps: int = 80) -> dict[str, Any]:
        """A whole session from the intake to the result."""
        screen = self.start(code, role=role, level=level)
        for _ in range(max_steps):
            if screen["mode"] != "quiz":
                break
            screen = self.answer(screen)
        return screen
