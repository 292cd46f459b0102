"""ui/worker/sparse.py: only changed updates go out; editable values, state and the screen JSON always do."""

from __future__ import annotations

import gradio as gr

from assessor.ui.worker.sparse import changed_only


def test_only_what_changed_goes_out_again() -> None:
    with gr.Blocks():
        card, button = gr.HTML(""), gr.Button("a")
        text, state, screen = gr.Textbox(""), gr.State(None), gr.JSON({})
    memo: dict[int, object] = {}
    first = {card: "<p>q1</p>", button: gr.update(visible=True), text: gr.update(value=""), state: 1, screen: {"m": 1}}
    assert changed_only(first, memo) == first
    same = {card: "<p>q1</p>", button: gr.update(visible=True), text: gr.update(value=""), state: 1, screen: {"m": 1}}
    kept = changed_only(same, memo)
    assert card not in kept and button not in kept  # unchanged display: not sent again
    assert kept[text] == gr.update(value="") and kept[state] == 1 and kept[screen] == {"m": 1}
    changed = changed_only({card: "<p>q2</p>", button: gr.update(visible=False), text: gr.update(label="x")}, memo)
    assert changed[card] == "<p>q2</p>" and changed[button] == gr.update(visible=False)
    assert changed[text] == gr.update(label="x")
    assert changed_only({text: gr.update(label="x"), card: gr.skip()}, memo) == {}  # a label already sent; a skip
    # only the label of a button changed: its bare value goes (no rebuilt component); other props only if changed
    assert changed_only({button: gr.update(value="b", visible=False)}, memo) == {button: "b"}
    assert changed_only({button: gr.update(value="b", visible=True)}, memo) == {button: gr.update(visible=True)}
