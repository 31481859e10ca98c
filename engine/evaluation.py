"""Loss, accuracy, per-class precision / recall / F1 / support and the confusion matrix."""

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


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, class_names: list[str]) -> tuple[dict, list]:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    labels = list(range(len(class_names)))
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    report = {"classes": {name: {"precision": float(p[k]), "recall": float(r[k]), "f1": float(f[k]),
                                 "support": int(support[k])} for k, name in enumerate(class_names)}}
    for average in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average,
                                                        zero_division=0)
        report[f"{average} avg"] = {"precision": float(ap), "recall": float(ar), "f1": float(af),
                                    "support": int(support.sum())}
    matrix = confusion_matrix(y_true, y_pred, labels=labels).tolist()
    return report, matrix


@torch.no_grad()
def evaluate(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, class_names: list[str]) -> Evaluation:
    model.eval()
    logits = model(X)
    loss_sum, correct = loss_sum_and_correct(logits, y)
    predicted = predicted_class(logits)
    report, matrix = classification_report(y.cpu().numpy(), predicted.cpu().numpy(), class_names)
    n = len(y)
    return Evaluation(loss_sum.item() / n, correct.item() / n, report, matrix)
