"""One rule for the class a network answers (standalone.network.predicted_class), the same in a run, a sweep's
stack, the report, the map and the exported script: a logit of exactly 0 is class 0 everywhere."""

import pytest
import torch

from engine import Settings, TrainingSession
from engine.model import predicted_class, probabilities
from engine.training.batched import batch_groups, train_together

# zero weights and a learning rate too small to move them: every logit is exactly 0, every epoch
ZEROS = Settings(dataset="circles", hidden=[10, 10], init="zeros", optimizer="sgd", lr=1e-40, epochs=5, device="cpu")


def test_a_sweep_trains_as_train_does_epoch_by_epoch_when_every_logit_is_exactly_zero():
    settings = [ZEROS, ZEROS.replace(lr=2e-40)]  # two configurations of one shape, as a sweep trains them
    alone = [TrainingSession(s) for s in settings]
    for session in alone:
        session.run()
    together = [TrainingSession(s) for s in settings]
    assert batch_groups(together) == [[0, 1]]
    train_together(together)
    for a, b in zip(alone, together):
        assert [r.train_accuracy for r in a.history.records] == [0.5] * ZEROS.epochs
        assert b.history.records == a.history.records
        assert b.outcome == a.outcome
        assert b.evaluate()["train"].accuracy == a.history.records[-1].train_accuracy


@pytest.mark.parametrize("logits", [
    [[0.0], [1e-9], [-1e-9], [1e-30], [3.0]],  # one logit: sigmoid rounds the tiny ones to one half
    [[0.0, 1e-9, 0.0], [1e-9, 0.0, 1e-9], [0.0, 0.0, 0.0], [2.0, -1.0, 2.0 + 2.5e-7]],  # softmax ties
], ids=["one logit", "three logits"])
def test_the_map_colours_every_cell_with_the_class_the_counts_take(logits):
    z = torch.tensor(logits, dtype=torch.float32)
    p = probabilities(z)
    assert torch.equal(p.argmax(dim=1), predicted_class(z))  # the map draws the class of the largest
    assert torch.allclose(p.sum(dim=1), torch.ones(len(logits)))
    if z.shape[1] == 1:
        assert predicted_class(z).tolist() == [0, 1, 0, 1, 1]
