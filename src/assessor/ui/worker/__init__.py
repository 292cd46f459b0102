"""The worker's tab: intake, the quiz in a chat, feedback, ask-the-bank and the result.

    model.py     Tab (server-side state per browser tab), WorkerScreen (what one render shows), screen_summary
    layout.py    the components and the one output list every event updates
    render.py    render(screen, layout) -> {component: update}: a pure function of the screen model
    screens.py   WorkerScreens: the screen model of a tab now (choices, other language, radar)
    steps.py     QuizSteps: one guarded dialogue step, answering, applying a turn, the PDF report
    intake.py    IntakeHandlers: role, placement from the worker's own words, start and resume
    practice_handlers.py  PracticeHandlers: 错题本 review and practice rounds
    handlers.py  WorkerPage: the quiz events (Tab -> dialogue step -> WorkerScreen -> render) and wiring
"""

from assessor.ui.worker.handlers import WorkerPage, years_choices
from assessor.ui.worker.model import Choices, Tab, WorkerScreen, lang_of, screen_summary
from assessor.ui.worker.render import render

__all__ = ["Choices", "Tab", "WorkerPage", "WorkerScreen", "lang_of", "render", "screen_summary", "years_choices"]
