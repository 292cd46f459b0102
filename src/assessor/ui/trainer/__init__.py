"""The trainer pages: login, sessions with transcripts, the review queue, cohort statistics, exports, the question
bank, certificates and workers' data.

    auth.py      login lock, account lookup, the centre scope passed to every step
    tables.py    the tables as data frames, the filter panel as a SessionFilter
    plots.py     ability path and cohort distribution charts
    preview.py   one bank item with its key, rubric and parameters
    exports.py   CSV, PDF and xAPI files for every session of a filter
    waiting.py   waiting (briefly) for a model that is still loading
    review.py    the review queue: waiting free-text answers, the machine's suggestion, the trainer's ticks
    findings.py  what the engine concluded: areas (or not measured enough), the unreliable-results flag
    rights.py    certificates (issue, revoke) and a worker's data (export, delete after confirming)
    language.py  labels in the language the page's switch chose
    layout.py    the components and each event's outputs
    guard.py     the login guard every handler runs through, the scoped session look-up
    *_handlers.py  one mixin of handlers (`{component: update}`) per tab: session, review, rights, cohort,
                 export, bank
    page.py      login, the Models page, the language switch, and every event's wiring
"""

from assessor.ui.trainer.auth import Problem, Scope
from assessor.ui.trainer.page import TrainerPage, build_trainer_tab
from assessor.ui.trainer.tables import make_filter

__all__ = ["Problem", "Scope", "TrainerPage", "build_trainer_tab", "make_filter"]
