"""A lean Gradio API client for the load bench: one browser session over plain httpx, no threads.

`gradio_client.Client` runs a heartbeat thread, a reader thread and a job executor per client, and walks every
output looking for files; in the load bench its own CPU (≈ 100 ms per answer) was more than the server's. This
client speaks the same protocol as the browser (Gradio's "sse_v3") and nothing else:

1. `GET {root}config` once: the events (`dependencies`: id, api_name, input and output component ids) and the
   component types;
2. per call, `POST {root}{api_prefix}/queue/join` with `{data, fn_index, session_hash, trigger_id, event_data}`
   (`gr.State` inputs are `null`: the server keeps them per session), which answers `{event_id}`;
3. `GET {root}{api_prefix}/queue/data?session_hash=…` (server-sent events) until `process_completed` for that
   event, whose `output.data` are the outputs; the server then closes the stream.

`predict(*args, api_name=)` and `view_api(return_format="dict")` mirror the subset of `gradio_client.Client` that
`ui.drive.WorkerClient` uses: arguments leave out `gr.State` inputs and the returned outputs leave out the
components gradio_client skips (the config's `skip_api`: state, layout blocks, buttons).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

#: Component types gradio_client leaves out of an endpoint's returns when the config gives no `skip_api`.
SKIPPED_TYPES = frozenset({"state", "row", "column", "tabs", "tab", "tabitem", "box", "form", "accordion", "group",
                           "interpretation", "dataset", "sidebar"})


class LeanClientError(RuntimeError):
    """The server refused an event or it failed; the message says which and why."""


class StreamClosed(LeanClientError):
    """The event stream ended before the event completed (e.g. the server process went away)."""


@dataclass(frozen=True)
class Endpoint:
    fn_index: int
    input_is_state: tuple[bool, ...]
    output_types: tuple[str | None, ...]
    """Component type per output; None for outputs gradio_client leaves out (`skip_api`: state, layout, buttons)."""


class LeanClient:
    """One browser session (one `session_hash`) against a running Gradio app at `url`."""

    def __init__(self, url: str, *, timeout: float = 120.0) -> None:
        self.root = url if url.endswith("/") else url + "/"
        self.http = httpx.Client(timeout=timeout)
        config = self.http.get(self.root + "config")
        config.raise_for_status()
        body = config.json()
        prefix = str(body.get("api_prefix", "/gradio_api")).strip("/")
        self.api = self.root + (prefix + "/" if prefix else "")
        components = {int(c["id"]): c for c in body.get("components", [])}
        types = {i: str(c.get("type", "")) for i, c in components.items()}
        skip = {i: bool(c.get("skip_api", types[i] in SKIPPED_TYPES)) for i, c in components.items()}
        self.endpoints: dict[str, Endpoint] = {}
        for index, dep in enumerate(body.get("dependencies", [])):
            name = dep.get("api_name")
            if not name or dep.get("api_visibility", "public") == "private":
                continue
            fn_index = int(dep.get("id", index))
            self.endpoints["/" + str(name).lstrip("/")] = Endpoint(
                fn_index, tuple(types.get(int(i), "") == "state" for i in dep.get("inputs", [])),
                tuple(None if skip.get(int(i), True) else types.get(int(i), "") for i in dep.get("outputs", [])))
        self.session_hash = uuid.uuid4().hex[:11]

    def view_api(self, return_format: str = "dict", print_info: bool = False) -> dict[str, Any]:
        """{"named_endpoints": {api_name: {"returns": [{"component": Type}, …]}}}, skipped components left out,
        component types capitalised as gradio_client reports them (e.g. "Json")."""
        del return_format, print_info
        return {"named_endpoints": {
            name: {"returns": [{"component": t.capitalize()} for t in ep.output_types if t is not None]}
            for name, ep in self.endpoints.items()}}

    def predict(self, *args: Any, api_name: str) -> tuple[Any, ...]:
        """Run the event `api_name` with `args` (the non-skipped inputs, in order) and return its non-skipped
        outputs, as the browser would receive them."""
        endpoint = self.endpoints.get(api_name)
        if endpoint is None:
            raise LeanClientError(f"no event named {api_name!r} (have: {', '.join(sorted(self.endpoints))})")
        given = list(args)
        data: list[Any] = []
        for is_state in endpoint.input_is_state:
            data.append(None if is_state else (given.pop(0) if given else None))
        join = self.http.post(self.api + "queue/join", json={
            "data": data, "fn_index": endpoint.fn_index, "session_hash": self.session_hash,
            "trigger_id": None, "event_data": None})
        if join.status_code != 200:
            raise LeanClientError(f"{api_name}: queue/join answered {join.status_code}: {join.text[:200]}")
        event_id = join.json()["event_id"]
        output = self._wait_for(event_id, api_name)
        return tuple(value for value, kind in zip(output, endpoint.output_types, strict=False) if kind is not None)

    def _wait_for(self, event_id: str, api_name: str) -> list[Any]:
        """Read the session's event stream until `event_id` completes; its output data."""
        result: list[Any] | None = None
        with self.http.stream("GET", self.api + "queue/data", params={"session_hash": self.session_hash}) as stream:
            if stream.status_code != 200:
                raise LeanClientError(f"{api_name}: queue/data answered {stream.status_code}")
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                kind = message.get("msg")
                if kind == "close_stream":
                    break
                if kind == "unexpected_error":
                    raise LeanClientError(f"{api_name}: {message.get('message')}")
                if kind == "process_completed" and message.get("event_id") == event_id:
                    if not message.get("success", False):
                        error = (message.get("output") or {}).get("error")
                        raise LeanClientError(f"{api_name} failed: {error}")
                    result = list(message["output"]["data"])
        if result is None:
            raise StreamClosed(f"{api_name}: the event stream closed before the event completed")
        return result

    def close(self) -> None:
        self.http.close()
