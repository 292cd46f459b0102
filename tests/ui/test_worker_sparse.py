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
    assert kept[text] == "" and kept[state] == 1 and kept[screen] == {"m": 1}  # an editable value: always, bare
    changed = changed_only({card: "<p>q2</p>", button: gr.update(visible=False), text: gr.update(label="x")}, memo)
    assert changed[card] == "<p>q2</p>" and changed[button] == gr.update(visible=False)
    assert changed[text] == gr.update(label="x")
    assert changed_only({text: gr.update(label="x"), card: gr.skip()}, memo) == {}  # a label already sent; a skip
    # only the label of a button changed: its bare value goes (no rebuilt component); other props only if changed
    assert changed_only({button: gr.update(value="b", visible=False)}, memo) == {button: "b"}
    assert changed_only({button: gr.update(value="b", visible=True)}, memo) == {button: gr.update(visible=True)}


def test_editable_value_always_goes_out_with_only_changed_properties() -> None:
    with gr.Blocks():
        checks = gr.CheckboxGroup(choices=["a"], label="pick")
    memo: dict[int, object] = {}
    first = gr.update(choices=["a", "b"], label="pick", value=[], visible=True)
    assert changed_only({checks: first}, memo) == {checks: first}
    # same choices, label and visibility: the value alone, as a bare value (she may have ticked since)
    assert changed_only({checks: gr.update(choices=["a", "b"], label="pick", value=[], visible=True)}, memo) == {checks: []}
    # new choices: they go out with the value, the unchanged label and visibility do not
    again = changed_only({checks: gr.update(choices=["c"], label="pick", value=[], visible=True)}, memo)
    assert again == {checks: {"__type__": "update", "choices": ["c"], "value": []}}
    # hidden on the next screen, then shown again: visibility goes out each time it changes
    assert changed_only({checks: gr.update(choices=["c"], value=[], visible=False)}, memo)[checks] == {
        "__type__": "update", "visible": False, "value": []}
    assert changed_only({checks: gr.update(value=["c"], visible=True)}, memo)[checks] == {
        "__type__": "update", "visible": True, "value": ["c"]}
