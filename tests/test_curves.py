"""What the curves keep when a long run has more epochs than the plot has room for."""

from engine.training.history import EpochRecord
from tui.app.widgets.curves import thin


def test_thinning_keeps_a_loss_spike_and_both_ends():
    records = [EpochRecord(e, 0.5 / e, 0.6 / e, 0.9, 0.9, 0.01) for e in range(1, 5001)]
    records[776] = EpochRecord(777, 3.0, 0.6 / 777, 0.5, 0.9, 0.01)  # one bad epoch in the middle
    shown = thin(records, 200)
    assert len(shown) <= 250 and shown[0].epoch == 1 and shown[-1].epoch == 5000
    assert max(r.train_loss for r in shown) == 3.0
    assert [r.epoch for r in shown] == sorted(r.epoch for r in shown)
