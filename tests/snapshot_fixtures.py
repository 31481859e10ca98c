"""Trained models the snapshot tests show, made once and kept in tests/data, and a way to nudge every number.

A model trained inside a test ends in weights whose last bits the torch build, the CPU's instruction set and
the thread count decide, and a snapshot that shows a figure of it (a gradient norm, a loss) can flip a digit on
another machine. So the snapshots show models read from files, and the figures computed from them at a
precision that a millionth cannot reach: `nudge` moves the weights and the data by about 1e-6 (relative) so
that a test can prove it.

Made again, after a change of what a checkpoint holds, with `python tests/snapshot_fixtures.py`; the snapshots
then need a look and `--snapshot-update`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import torch

from engine import Settings

DATA = Path(__file__).parent / "data"
TRAINED = DATA / "circles-trained.pt"  # a checkpoint of CIRCLES trained to its last epoch
SWEPT = DATA / "sweep-trained.pt"  # each run of SWEEP_AXES over CIRCLES, trained: its saved state and outcome

CIRCLES = Settings(dataset="circles", samples=400, hidden=[8, 8], epochs=150, lr=0.03, device="cpu")
SWEEP_AXES = {"hidden": "2;8,8", "activation": "identity,relu"}  # as typed in the sweep view's fields
NUDGE = 1e-6


def sweep_grid(base: Settings = CIRCLES):
    from engine.sweep_grid import Grid, parse_values

    return Grid(base, {name: parse_values(name, text) for name, text in SWEEP_AXES.items()})


def key(settings: Settings) -> str:
    return json.dumps(settings.to_flat(), sort_keys=True, default=str)


class ReplayExecutor:
    """A sweep's executor (as engine.training.dask_groups.DaskExecutor) that trains nothing: each run gets the
    weights, history and outcome it had when SWEPT was made."""

    def __init__(self, *_):
        from engine.training.outcome import Outcome, Reason

        kept = torch.load(SWEPT, weights_only=True)
        self.runs = {k: (run["state"], Outcome(Reason(run["reason"]), run["epoch"], run["message"]))
                     for k, run in kept.items()}

    def train(self, sessions, groups, should_stop, on_epoch, on_group) -> list:
        done = 0
        for group in groups:
            for i in group:
                state, outcome = self.runs[key(sessions[i].requested)]  # KeyError: make the fixtures again
                sessions[i].restore_saved_state(state)
                sessions[i].end(outcome)
            done += max(sessions[i].settings.epochs for i in group)
            on_epoch(done)
            on_group(group)
        return []

    def close(self) -> None:
        pass


def replayed_sweeps(monkeypatch) -> None:
    """Every sweep started from now on replays SWEPT instead of training."""
    from engine.sweep import Sweep

    made = Sweep.__init__

    def replaying(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.executor = ReplayExecutor()

    monkeypatch.setattr(Sweep, "__init__", replaying)


def _nudged(values, seed: int):
    """`values` times 1 ± 1e-6, the sign drawn for each one: every figure made from them moves by about that."""
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=np.shape(values))
    if isinstance(values, torch.Tensor):
        return values * (1 + NUDGE * torch.from_numpy(signs).to(values.dtype))
    return (values * (1 + NUDGE * signs)).astype(values.dtype)


def nudge(monkeypatch) -> list[str]:
    """From now on every dataset made, every model built and every saved state restored is nudged by about a
    millionth; the list returned names each thing as it is nudged (so that a test sees it happened)."""
    import engine.checkpoint
    import engine.training.session as session_module
    from engine.training.session import TrainingSession

    nudged: list[str] = []
    make_dataset, make_model = session_module.make_dataset, TrainingSession._make_model
    restore, read = TrainingSession.restore_saved_state, engine.checkpoint.read_checkpoint

    def dataset(settings):
        nudged.append("data")
        made = make_dataset(settings)
        return dataclasses.replace(made, X=_nudged(made.X, 1))

    def model(self):
        make_model(self)
        nudged.append("initial weights")
        self.params.theta.copy_(_nudged(self.params.theta, 2))

    def restored(self, saved):
        nudged.append("trained weights")
        saved = dict(saved, model={k: _nudged(v, 3) for k, v in saved["model"].items()},
                     gradient={k: _nudged(v, 4) for k, v in saved["gradient"].items()})
        restore(self, saved)

    def checkpoint(path):  # its data's fingerprint is that of the data before the nudge
        return {k: v for k, v in read(path).items() if k != "data_fingerprint"}

    monkeypatch.setattr(session_module, "make_dataset", dataset)
    monkeypatch.setattr(TrainingSession, "_make_model", model)
    monkeypatch.setattr(TrainingSession, "restore_saved_state", restored)
    monkeypatch.setattr(engine.checkpoint, "read_checkpoint", checkpoint)
    return nudged


def make() -> None:
    """Train the fixtures (on one thread, as the app's runs of this size do) and write them."""
    from engine.checkpoint import save_checkpoint
    from engine.training.session import TrainingSession

    torch.set_num_threads(1)
    session = TrainingSession(CIRCLES)
    session.run()
    save_checkpoint(session, TRAINED)
    runs = {}
    for settings in sweep_grid().combinations():
        run = TrainingSession(settings)
        outcome = run.run()
        runs[key(run.requested)] = {"state": run.saved_state(), "reason": str(outcome.reason),
                                    "epoch": outcome.epoch, "message": outcome.message}
    torch.save(runs, SWEPT)


if __name__ == "__main__":
    make()
