"""Per-epoch seeds, so that batch order and dropout masks depend on (seed, epoch) alone.

A run resumed from a checkpoint at epoch N then draws exactly what the uninterrupted run drew,
with no generator state to save.
"""

from __future__ import annotations

import numpy as np

SHUFFLE, DROPOUT = 1, 2


def epoch_seed(seed: int, epoch: int, stream: int) -> int:
    return int(np.random.SeedSequence([seed, epoch, stream]).generate_state(1, np.uint64)[0] >> 1)
