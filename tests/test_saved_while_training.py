"""A checkpoint saved while a run trains is a snapshot the training thread made between two epochs: its
weights, optimiser state and history are of one epoch, and resuming it gives the run it was taken from."""

import pytest
import torch

from engine import Settings, TrainingSession, load_checkpoint
from tui.app.app import AnnclfApp

from pilot_helpers import ready, wait_until

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out

RUN = Settings(dataset="circles", samples=2000, hidden=[32, 32], optimizer="adam", lr=0.01, epochs=1_000_000,
               device="cpu")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_every_checkpoint_saved_while_training_is_of_one_epoch_and_resumes_to_the_same_run(tmp_path):
    app = AnnclfApp(RUN, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        session = app.runner.session
        for k in range(1, 7):
            epoch = session.history.epoch
            await wait_until(pilot, lambda: session.history.epoch > epoch + 3)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: len(list(tmp_path.glob("*.pt"))) == k, tries=2000)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)
    saved = sorted(tmp_path.glob("*.pt"), key=lambda p: p.stat().st_mtime)
    epochs = []
    for path in saved:
        payload = torch.load(path, weights_only=True)
        epoch = len(payload["history"]["records"])
        # full batch: one Adam step an epoch; a torn checkpoint's weights are a step past its history
        assert {float(s["step"]) for s in payload["optimizer"]["state"].values()} == {float(epoch)}
        resumed = load_checkpoint(path)
        recorded = resumed.history.records[-1]
        # float32 sums in another order differ in the last bits; a step apart differs by about 1 %
        assert resumed.evaluate()["test"].loss == pytest.approx(recorded.test_loss, rel=1e-4)
        epochs.append(epoch)
    assert len(set(epochs)) == len(epochs)  # six moments of the run, not one saved six times
    for path, epoch in [(saved[1], epochs[1]), (saved[-1], epochs[-1])]:
        further = epoch + 15
        resumed = load_checkpoint(path, {"epochs": further})
        resumed.run()
        alone = TrainingSession(RUN.replace(epochs=further))
        alone.run()
        assert resumed.history.records == alone.history.records
        assert torch.equal(resumed.params.theta, alone.params.theta)
