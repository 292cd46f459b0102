import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assessor.lm.base import GeneratorUnavailable
from assessor.lm.openai_http import OpenAIGenerator
from assessor.lm.registry import backends, clear_cache, get_generator, spec_for_use
from assessor.settings import load_settings


def test_registry_names_and_none(tmp_path) -> None:
    assert {"none", "fake", "smollm2", "transformers", "openai"} <= set(backends())
    settings = load_settings(data_dir=tmp_path)
    assert get_generator("none", settings=settings) is None
    assert get_generator("fake", settings=settings).generate([{"role": "user", "content": "hi"}]) == ""


def test_missing_models_give_clear_errors(tmp_path) -> None:
    clear_cache()
    settings = load_settings(data_dir=tmp_path, models_dir=tmp_path / "models")
    with pytest.raises(GeneratorUnavailable, match="Qwen2.5-1.5B-Instruct"):
        get_generator("transformers", "Qwen2.5-1.5B-Instruct", settings)
    with pytest.raises(GeneratorUnavailable, match="generator_base_url"):
        get_generator("openai", "qwen", settings)
    with pytest.raises(GeneratorUnavailable, match="unknown generator backend"):
        get_generator("gpt5", settings=settings)


def test_per_use_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ASSESSOR_GENERATOR", "smollm2")
    monkeypatch.setenv("ASSESSOR_GENERATOR_PER_USE", "second_opinion=openai:qwen2.5-7b,summary=none")
    settings = load_settings(data_dir=tmp_path)
    assert spec_for_use("rephrase", settings) == ("smollm2", None)
    assert spec_for_use("second_opinion", settings) == ("openai", "qwen2.5-7b")
    assert spec_for_use("summary", settings) == ("none", None)


class _Stub(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        words = ["Close ", "the ", "valve."]
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in words:
                chunk = {"choices": [{"delta": {"content": word}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
        else:
            data = json.dumps({"choices": [{"message": {"role": "assistant", "content": "".join(words)}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_backend_against_a_local_stub(stub_url) -> None:
    gen = OpenAIGenerator(stub_url, "qwen2.5", api_key="k")
    messages = [{"role": "user", "content": "gas?"}]
    assert gen.generate(messages, max_tokens=20) == "Close the valve."
    assert list(gen.stream(messages)) == ["Close ", "the ", "valve."]
    assert _Stub.requests[-1]["body"]["model"] == "qwen2.5" and _Stub.requests[-1]["auth"] == "Bearer k"
    gen.close()


def test_openai_backend_unreachable() -> None:
    gen = OpenAIGenerator("http://127.0.0.1:9/v1", "m", timeout=2)
    with pytest.raises(GeneratorUnavailable, match="127.0.0.1:9"):
        gen.generate([{"role": "user", "content": "x"}])
