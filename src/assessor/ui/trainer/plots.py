"""The trainer's charts (matplotlib, headless): the ability path of one session and θ by domain for a cohort."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from assessor.bank.load import Bank
from assessor.store import Response
from assessor.ui.charts import cjk_font


def _domain_label(bank: Bank, domain: str) -> str:
    found = bank.domains.get(domain)
    if found is None:
        return domain
    return f"{found.name.zh} {found.name.en}" if cjk_font() else found.name.en


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100)


def _font_rc() -> dict[str, Any]:
    font = cjk_font()
    return {"family": [font, "DejaVu Sans"]} if font else {}


def path_plot(bank: Bank, responses: Sequence[Response], cut: float | None = None) -> Figure | None:
    """θ after each answer with ±SE error bars, one small panel per domain (x: the answer's number)."""
    by_domain: dict[str, list[Response]] = {}
    for r in responses:
        if r.domain in r.theta:
            by_domain.setdefault(r.domain, []).append(r)
    if not by_domain:
        return None
    n = len(by_domain)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    fig = _figure(9, 2.6 * rows + 0.6)
    font = _font_rc()
    last = max(r.seq for r in responses)
    for index, (domain, rs) in enumerate(sorted(by_domain.items())):
        ax: Any = fig.add_subplot(rows, cols, index + 1)
        xs = [r.seq for r in rs]
        ax.errorbar(xs, [float(r.theta[r.domain]) for r in rs], yerr=[float(r.se.get(r.domain, 0.0)) for r in rs],
                    marker="o", capsize=3, color="#1565C0", linewidth=1.8)
        if cut is not None:
            ax.axhline(cut, linestyle="--", color="#E65100", linewidth=1)
        ax.set_title(_domain_label(bank, domain), fontdict=font or None, fontsize=11)
        ax.set_ylim(-4, 4)
        ax.set_xlabel("#", fontsize=9)
        ax.set_ylabel("θ ± SE", fontsize=9)
        ax.set_xlim(0.5, last + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    fig.tight_layout(rect=(0, 0, 1, 0.95))  # room at the top for the component's label
    return fig


def distribution_plot(bank: Bank, distributions: dict[str, list[float]]) -> Figure | None:
    """A box plot of final θ per domain (with n under each label)."""
    domains = [d for d in sorted(distributions) if distributions[d]]
    if not domains:
        return None
    fig = _figure(9, 4.5)
    ax: Any = fig.add_subplot(1, 1, 1)
    labels = [f"{_domain_label(bank, d)}\n(n={len(distributions[d])})" for d in domains]
    ax.boxplot([distributions[d] for d in domains], showmeans=True)
    ax.set_xticks(range(1, len(domains) + 1))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=9, fontdict=_font_rc() or None)
    ax.set_ylabel("θ")
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
