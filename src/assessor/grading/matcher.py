"""The learned matcher: a logistic-regression head over pair features, with its thresholds, stored as JSON.

P(said | x) = 1 / (1 + exp(−(w·z + b))), z = (x − mean) / scale. Fitted by Newton's method with an L2 penalty
λ‖w‖²/2 (bias unpenalised). A point is matched when P ≥ threshold[lang]; it is *uncertain* when
|P − threshold[lang]| < review_margin, and an uncertain point sends the answer for review (see review.py).
The critical head has the same form.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assessor.grading.features import FEATURES

HEAD_FILE = Path(__file__).with_name("head.json")


@dataclass
class LogisticHead:
    """Weights over standardised features, per-language thresholds and the review band."""

    features: list[str]
    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    threshold: dict[str, float] = field(default_factory=lambda: {"zh": 0.5, "en": 0.5})
    review_margin: float = 0.1

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(said) for rows of raw features (n × d) or one row (d)."""
        z = (np.asarray(x, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(1.0 / (1.0 + np.exp(-(z @ np.asarray(self.weights) + self.bias))))

    def matched(self, p: float, lang: str) -> bool:
        return p >= self.threshold.get(lang, 0.5)

    def uncertain(self, p: float, lang: str) -> bool:
        return abs(p - self.threshold.get(lang, 0.5)) < self.review_margin


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, sample_weight: np.ndarray | None = None,
                 iterations: int = 50) -> LogisticHead:
    """Fit a LogisticHead to features x (n × d) and 0/1 labels y; ValueError when y has one class only."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or len(x) != len(y) or len(x) == 0:
        raise ValueError("x must be n × d with one label per row")
    if y.min() == y.max():
        raise ValueError("the labels have one class only; a head needs both matched and unmatched pairs")
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (sw * (p - y)) + penalty * w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LogisticHead(list(FEATURES) if x.shape[1] == len(FEATURES) else [f"x{i}" for i in range(x.shape[1])],
                        w[:-1].tolist(), float(w[-1]), mean.tolist(), scale.tolist())


@dataclass
class HeadFile:
    """What `assessor grader train` writes: the point head, the critical head, the embedder it was fitted
    with, and a note of the data and figures."""

    model_id: str
    point: LogisticHead
    critical: LogisticHead | None
    note: dict[str, object] = field(default_factory=dict)

    def save(self, path: Path = HEAD_FILE) -> None:
        data = {"model_id": self.model_id, "point": asdict(self.point),
                "critical": asdict(self.critical) if self.critical else None, "note": self.note}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> HeadFile:
        """Read a head file; ValueError with the reason when it is missing or malformed."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            point = LogisticHead(**data["point"])
            critical = LogisticHead(**data["critical"]) if data.get("critical") else None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"cannot read the grading head {path}: {error}") from error
        if point.features != list(FEATURES):
            raise ValueError(f"the grading head {path} was trained on other features; run `assessor grader train`")
        return cls(str(data["model_id"]), point, critical, dict(data.get("note") or {}))
