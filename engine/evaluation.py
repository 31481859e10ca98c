"""Loss, accuracy, per-class precision / recall / F1 / support and the confusion matrix.

The confusion matrix is counted in one pass (a bincount of true × predicted) and every other figure comes
from it, by scikit-learn's definitions (zero_division=0; tests hold the two equal): scikit-learn's own
functions sort the labels first, 1.3 s for the report of a million rows, which a run pays as it ends and an
app as it quits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .model import loss_sum_and_correct, predicted_class


@dataclass(frozen=True)
class Evaluation:
    loss: float
    accuracy: float
    report: dict  # {"classes": {name: {...}}, "macro avg": {...}, "weighted avg": {...}}
    confusion_matrix: list[list[int]]  # rows: true class, columns: predicted class

    def as_dict(self) -> dict:
        return {"loss": self.loss, "accuracy": self.accuracy, "report": self.report,
                "confusion_matrix": self.confusion_matrix}


def confusion_matrix(y_true: torch.Tensor, y_pred: torch.Tensor, classes: int) -> np.ndarray:
    """[true class, predicted class] counts."""
    counts = torch.bincount(y_true.long() * classes + y_pred.long(), minlength=classes * classes)
    return counts.view(classes, classes).cpu().numpy()


def classification_report(matrix: np.ndarray, class_names: list[str]) -> dict:
    """Per class and averaged (macro, weighted by support) precision, recall and F1, from the confusion matrix."""
    matrix = matrix.astype(np.float64)
    right, predicted, support = np.diag(matrix), matrix.sum(axis=0), matrix.sum(axis=1)
    ratio = lambda a, b: np.divide(a, b, out=np.zeros_like(a), where=b > 0)  # noqa: E731  (0 where b is)
    p, r = ratio(right, predicted), ratio(right, support)
    f = ratio(2 * p * r, p + r)
    report = {"classes": {name: {"precision": float(p[k]), "recall": float(r[k]), "f1": float(f[k]),
                                 "support": int(support[k])} for k, name in enumerate(class_names)}}
    total = support.sum()
    weights = support / total if total else np.zeros_like(support)
    for average, w in (("macro", np.full(len(p), 1 / len(p))), ("weighted", weights)):
        report[f"{average} avg"] = {"precision": float(p @ w), "recall": float(r @ w), "f1": float(f @ w),
                                    "support": int(total)}
    return report


def evaluation_of(logits: torch.Tensor, y: torch.Tensor, class_names: list[str]) -> Evaluation:
    """The evaluation of a part from the model's logits for it (rows first) and its labels."""
    loss_sum, correct = loss_sum_and_correct(logits, y)
    matrix = confusion_matrix(y, predicted_class(logits), len(class_names))
    n = len(y)
    return Evaluation(loss_sum.item() / n, correct.item() / n, classification_report(matrix, class_names),
                      matrix.tolist())

