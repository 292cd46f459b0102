"""The trainer's cohort handler: θ by domain and item statistics over every session of the filter."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assessor.i18n import bi
from assessor.report import domain_distributions, item_statistics
from assessor.store import AssessmentSession, Response, Worker
from assessor.ui.trainer.auth import Scope
from assessor.ui.trainer.guard import TrainerBase, Updates
from assessor.ui.trainer.plots import distribution_plot
from assessor.ui.trainer.tables import make_filter, stats_frame


class CohortHandlers(TrainerBase):
    """Cohort tab: `on_cohort`, with a caution below `min_cohort` finished sessions."""

    min_cohort: int

    def _all_rows(self, scope: Scope, filters: Sequence[Any]) -> Iterator[list[tuple[AssessmentSession, Worker]]]:
        return self.store.iter_sessions(scope.limit(make_filter(*filters)))

    def on_cohort(self, user: Any, *filters: Any) -> Updates:
        """θ by domain, item statistics and flagged items over every session of the filter, with a caution
        when fewer than `min_cohort` sessions have finished."""

        def step(scope: Scope) -> Updates:
            sessions: list[AssessmentSession] = []
            responses: list[Response] = []
            for batch in self._all_rows(scope, filters):
                sessions += [s for s, _w in batch]
                responses += self.store.all_responses(session_ids=[s.id for s, _w in batch], counted_only=True)
            stats = item_statistics(responses, languages={s.id: s.language for s in sessions})
            finished = [s for s in sessions if s.status == "finished"]
            plot = distribution_plot(self.bank, domain_distributions(finished))
            if not stats:
                return {self.notice: bi("tr_no_data"), self.dist: plot, self.stats_table: stats_frame([]),
                        self.flagged_table: stats_frame([])}
            notice = bi("tr_cohort_done", sessions=len(sessions), items=len(stats))
            if len(finished) < self.min_cohort:
                notice += "\n\n" + bi("tr_small_n", n=len(finished), min_n=self.min_cohort)
            return {self.notice: notice, self.dist: plot, self.stats_table: stats_frame(stats),
                    self.flagged_table: stats_frame([s for s in stats if s["flags"]])}

        return self._guard(user, step)

