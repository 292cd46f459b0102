"""An OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama) over HTTP with httpx; SSE streaming."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from assessor.lm.base import Generator, GeneratorUnavailable, Message


class OpenAIGenerator(Generator):
    """POST {base_url}/chat/completions. `base_url` ends in /v1 (e.g. http://10.0.0.5:8000/v1)."""

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        if not base_url:
            raise GeneratorUnavailable("the openai backend needs generator_base_url (e.g. http://host:8000/v1)")
        if not model:
            raise GeneratorUnavailable("the openai backend needs generator_model (the served model's name)")
        self.base_url = base_url.rstrip("/")
        self.model_id = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)

    def _body(self, messages: Sequence[Message], max_tokens: int, temperature: float,
              stop: Sequence[str] | None, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model_id, "messages": list(messages), "max_tokens": max_tokens,
                                "temperature": temperature, "stream": stream}
        if stop:
            body["stop"] = list(stop)
        return body

    def generate(self, messages: Sequence[Message], max_tokens: int = 128, temperature: float = 0.0,
                 stop: Sequence[str] | None = None) -> str:
        try:
            response = self._client.post("/chat/completions", json=self._body(messages, max_tokens, temperature, stop, False))
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise GeneratorUnavailable(f"the OpenAI-compatible server at {self.base_url} failed: {error}") from error
        return str(data["choices"][0]["message"]["content"] or "").strip()

    def stream(self, messages: Sequence[Message], max_tokens: int = 128, temperature: float = 0.0,
               stop: Sequence[str] | None = None) -> Iterator[str]:
        body = self._body(messages, max_tokens, temperature, stop, True)
        try:
            with self._client.stream("POST", "/chat/completions", json=body) as response:
                response.raise_for_status()
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        break
                    chunk = json.loads(payload)
                    choices = chunk.get("choices") or [{}]
                    delta = choices[0].get("delta", {}).get("content")
                    if delta:
                        yield delta
        except (httpx.HTTPError, ValueError) as error:
            raise GeneratorUnavailable(f"the OpenAI-compatible server at {self.base_url} failed: {error}") from error

    def close(self) -> None:
        self._client.close()
