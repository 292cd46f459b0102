"""The worker's tab: intake, the quiz in a chat, feedback, ask-the-bank and the result.

    model.py     Tab (server-side state per browser tab), WorkerScreen (what one render shows), screen_summary
    layout.py    the components and the one output list every event updates
    render.py    render(screen, layout) -> {component: update}: a pure function of the screen model
    handlers.py  WorkerPage: the event handlers (Tab -> dialogue step -> WorkerScreen -> render) and wiring
"""

from assessor.ui.worker.handlers import WorkerPage, years_choices
from assessor.ui.worker.model import Choices, Tab, WorkerScreen, lang_of, screen_summary
from assessor.ui.worker.render import render

__all__ = ["Choices", "Tab", "WorkerPage", "WorkerScreen", "lang_of", "render", "screen_summary", "years_choices"]
