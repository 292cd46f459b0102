"""Run a built app's events the way the browser does, without a server: each event's inputs are read from the
current component values, its function is called, and what it returns is applied to its outputs.

    screen = Screen(build_app(ctx))
    screen.set(page.username, "teacher"); screen.set(page.password, "…")
    screen.run("trainer_login")            # by api name; `.then` steps after it run too
    screen.get(page.notice)

It checks the handler convention on the way: a handler returns `{component: update}` whose keys are all among
the event's declared outputs (what Gradio would otherwise reject at run time).
"""

from __future__ import annotations

import copy
from typing import Any


def _value(update: Any, old: Any) -> Any:
    if isinstance(update, dict) and update.get("__type__") == "update":
        return update.get("value", old)
    return update


class Screen:
    """One browser tab's component values over a built `gr.Blocks`."""

    def __init__(self, blocks: Any) -> None:
        self.blocks = blocks
        self.values: dict[int, Any] = {}
        for block_id, block in blocks.blocks.items():
            if hasattr(block, "value"):
                self.values[block_id] = copy.deepcopy(block.value)
        self.last: dict[Any, Any] = {}

    def set(self, component: Any, value: Any) -> None:
        self.values[component._id] = value

    def get(self, component: Any) -> Any:
        return self.values.get(component._id)

    def _fn(self, api_name: str) -> Any:
        found = [fn for fn in self.blocks.fns.values() if fn.api_name == api_name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} events named {api_name!r}")
        return found[0]

    def run(self, api_name: str, event: Any = None) -> dict[Any, Any]:
        """Run the event `api_name` and every `.then` step chained after it; returns the first step's updates."""
        fn = self._fn(api_name)
        first = self._call(fn, event)
        pending = [fn]
        while pending:
            parent = pending.pop(0)
            for child in self.blocks.fns.values():
                if child.trigger_after == parent._id:
                    self._call(child, event)
                    pending.append(child)
        return first

    def _call(self, fn: Any, event: Any) -> dict[Any, Any]:
        args = [self.values.get(c._id) for c in fn.inputs]
        if fn.collects_event_data:
            args.append(event)
        out = fn.fn(*args)
        if isinstance(out, dict):
            outputs = {c._id for c in fn.outputs}
            stray = [getattr(k, "elem_id", None) or type(k).__name__ for k in out if k._id not in outputs]
            assert not stray, f"{fn.api_name or fn.fn}: updates components that are not its outputs: {stray}"
            updates = out
        else:
            values = out if isinstance(out, (tuple, list)) and len(fn.outputs) != 1 else (out,)
            assert len(values) == len(fn.outputs), f"{fn.api_name}: {len(values)} values for {len(fn.outputs)} outputs"
            updates = dict(zip(fn.outputs, values, strict=True))
        for component, update in updates.items():
            self.values[component._id] = _value(update, self.values.get(component._id))
        self.last = updates
        return updates
