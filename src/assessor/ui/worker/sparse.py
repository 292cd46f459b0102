"""Send a browser only the component updates that differ from what it already has (server CPU per answer).

The worker page answers every event with one update per output component (~90). Gradio rebuilds a component
object, its config and its API schema for every `gr.update(...)` it receives, even an empty one (`gr.skip()`),
so most of an answer's server time went on outputs that had not changed. `install(blocks)` wraps the app's
`postprocess_data`: per browser session (Gradio's `SessionState`) it remembers the last update sent to each
output of a sparse event and hands Gradio only the properties that differ (a bare value when only the value
did); unchanged outputs go out as Gradio's own empty update (`{"__type__": "update"}`, no change on the page),
exactly what `gr.skip()` would send.

Never dropped: stateful outputs (`gr.State`), the screen summary (`gr.JSON`, what API clients read), and any update that sets the value of a component the worker can
edit (text boxes, tick boxes, radios, audio), since her typing changes those without the server knowing; such
an update carries its value and only those other properties (label, choices, visibility) that changed, a bare
value when none did. An
event that is not sparse, or returns a list instead of a `{component: update}` dict, makes the memo forget its
outputs, so the next sparse event sends them in full.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import gradio as gr
from gradio.blocks import Block

EMPTY_UPDATE: dict[str, str] = {"__type__": "update"}
EDITABLE = (gr.Textbox, gr.CheckboxGroup, gr.Radio, gr.Dropdown, gr.Audio, gr.Checkbox, gr.Number, gr.Slider,
            gr.File, gr.Image)
MEMO = "_assessor_sent"


def _memo(state: Any) -> dict[int, dict[str, Any]]:
    memo = getattr(state, MEMO, None)
    if memo is None:
        memo = {}
        setattr(state, MEMO, memo)
    return memo


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # e.g. objects whose == is not a plain bool
        return False


def changed_only(updates: dict[Any, Any], memo: dict[int, dict[str, Any]]) -> dict[Any, Any]:
    """The updates that differ from what was last sent (recorded in `memo`: component id -> its properties).

    An update goes out with only its changed properties; when only the value changed, as the bare value (Gradio
    then runs the component's postprocess instead of rebuilding the component and its config).
    """
    out: dict[Any, Any] = {}
    for component, value in updates.items():
        key = component._id
        if getattr(component, "stateful", False) or isinstance(component, gr.JSON):  # API clients read the JSON
            out[component] = value
            continue
        is_update = isinstance(value, dict) and value.get("__type__") == "update"
        props = {k: v for k, v in value.items() if k != "__type__"} if is_update else {"value": value}
        if not props:  # gr.skip()
            continue
        # an editable value always goes (she may have changed it since); everything else only when it changed
        always = {"value": props["value"]} if isinstance(component, EDITABLE) and "value" in props else {}
        remembered = {k: v for k, v in props.items() if k not in always}
        last = memo.get(key)
        if last is None:
            memo[key] = remembered
            out[component] = value
            continue
        diff = {k: v for k, v in remembered.items() if k not in last or not _same(last[k], v)}
        last.update(diff)
        sent = {**diff, **always}
        if sent:
            out[component] = sent["value"] if list(sent) == ["value"] else {"__type__": "update", **sent}
    return out


def install(blocks: gr.Blocks, marker: Block) -> None:
    """Make every event of `blocks` that has `marker` among its outputs (the worker page's `gr.State`) send
    only changed updates. Installing again adds another marker."""
    if os.environ.get("ASSESSOR_SPARSE_UPDATES", "1") == "0":  # the old full updates, for before/after benches
        return
    markers: set[int] = getattr(blocks, "_assessor_sparse_markers", set())
    markers.add(marker._id)
    blocks._assessor_sparse_markers = markers  # type: ignore[attr-defined]
    if getattr(blocks, "_assessor_sparse_installed", False):
        return
    original = blocks.postprocess_data

    async def postprocess_data(block_fn: Any, predictions: Any, state: Any) -> list[Any]:
        outputs = list(block_fn.outputs or [])
        is_dict = (isinstance(predictions, dict) and predictions
                   and all(isinstance(k, Block) for k in predictions))
        if state is None or not outputs:
            return list(await original(block_fn, predictions, state))
        memo = _memo(state)
        if not is_dict or not any(block._id in markers for block in outputs):
            for block in outputs:
                memo.pop(block._id, None)
            return list(await original(block_fn, predictions, state))
        wanted = changed_only({k: v for k, v in predictions.items() if k in outputs}, memo)
        keep = [block for block in outputs if block in wanted]
        full: list[Any] = [dict(EMPTY_UPDATE) for _ in outputs]
        if keep:
            sub = copy.copy(block_fn)
            sub.outputs = keep
            values = [wanted[b] for b in keep]
            sent = await original(sub, values[0] if len(keep) == 1 else values, state)
            where = {block._id: i for i, block in enumerate(outputs)}
            for block, value in zip(keep, sent, strict=True):
                full[where[block._id]] = value
        return full

    blocks.postprocess_data = postprocess_data  # type: ignore[method-assign]
    blocks._assessor_sparse_installed = True  # type: ignore[attr-defined]
