"""The figures the snapshots show of the trained fixture (tests/data), checked here with a tolerance against
what its weights and data give when worked out another way: the snapshots compare them as text, a last digit
at most; these say the digits are right."""

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, log_loss, precision_recall_fscore_support

from engine.checkpoint import load_checkpoint
from engine.decision_map import data_box
from engine.network_picture import NetworkRequest

from snapshot_fixtures import TRAINED


@pytest.fixture(scope="module")
def trained():
    return load_checkpoint(TRAINED)


def probabilities(session, X: torch.Tensor) -> np.ndarray:
    """Each class's probability, from the logits: one (a sigmoid) for two classes."""
    with torch.no_grad():
        logits = session.model.eval()(X).double()
    if logits.shape[1] == 1:
        p = torch.sigmoid(logits[:, 0])
        return torch.stack([1 - p, p], dim=1).numpy()
    return torch.softmax(logits, dim=1).numpy()


def test_the_report_of_the_fixture_is_scikit_learns_from_its_probabilities(trained):
    report = trained.evaluate()
    for part, X, y in (("train", trained.X_train, trained.y_train), ("test", trained.X_test, trained.y_test)):
        p, y = probabilities(trained, X), y.numpy()
        predicted = p.argmax(axis=1)
        assert report[part].accuracy == pytest.approx(accuracy_score(y, predicted))
        assert report[part].loss == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-4)
        precision, recall, f1, support = precision_recall_fscore_support(y, predicted, labels=[0, 1], zero_division=0)
        for k, name in enumerate(trained.class_names):
            got = report[part].report["classes"][name]
            assert [got["precision"], got["recall"], got["f1"]] == pytest.approx([precision[k], recall[k], f1[k]])
            assert got["support"] == support[k]


def test_the_last_epochs_record_is_what_the_weights_give(trained):
    """The status line and the curves show the history kept in the checkpoint: it agrees with the weights."""
    last, report = trained.history.records[-1], trained.evaluate()
    assert last.epoch == trained.settings.epochs
    assert last.test_loss == pytest.approx(report["test"].loss, rel=1e-4)
    assert last.test_accuracy == pytest.approx(report["test"].accuracy)


def test_the_network_tables_weight_norms_are_those_of_each_layers_weights(trained):
    picture = trained.network_picture(NetworkRequest(data_box(trained.split), 12, 10, (6, 4)))
    for layer, linear in zip(picture.layers[1:], trained.model.layers):
        by_hand = np.sqrt(np.square(linear.weight.detach().double().numpy()).sum())
        assert layer.weight_norm == pytest.approx(by_hand, rel=1e-5)
        assert layer.grad_norm is not None and layer.grad_norm > 0  # kept in the checkpoint: its last step's
