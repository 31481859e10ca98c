"""Runs as TensorBoard shows them: event files written with tensorboardX (3 MB; torch's own writer needs the
79 MB `tensorboard` package), one folder per run, named like the run.

Per epoch: the loss and accuracy of the training rows, the validation split (when there is one) and the test
set, and the learning rate; every `map_every` epochs, and at the end, the decision map as an image (the
regions in the class colours of the app, paler where the model is less sure); for a run of a sweep, its
settings and final metrics as hyper-parameters, so that TensorBoard's HParams view ranks the configurations.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import numpy as np

from .atomic import why_not_writable
from .class_colours import class_rgb
from .errors import FileProblem, SettingError
from .training.history import EpochRecord

MAP_SIZE = 96  # pixels a side of the map's image
INSTALL = "pip install 'annclf-tui[tensorboard]'"


def writer_class():
    """tensorboardX's SummaryWriter; a SettingError that says how to install it when it is not."""
    try:
        import PIL  # noqa: F401  (tensorboardX encodes its images with it)
        from tensorboardX import SummaryWriter
    except ImportError:
        raise SettingError("tensorboard", f"needs the tensorboardX and pillow packages: {INSTALL}") from None
    return SummaryWriter


def folder_name(name: str, root: Path) -> Path:
    """A folder under `root` named like the run (what a file name cannot hold replaced), `#2`, `#3`... when
    one of that name is there already."""
    base = re.sub(r"[^\w.,=+ -]", "_", name).strip() or "run"
    candidate, n = root / base, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{base} #{n}"
    return candidate


def _guarded(write):
    """A write that a full disk does not end, nor the training that calls it between two epochs: the first
    failure is kept (`failure`, a line naming the folder) and the later writes are skipped."""
    @functools.wraps(write)
    def guarded(self, *args, **kwargs):
        if self.failure is None:
            try:
                return write(self, *args, **kwargs)
            except OSError as error:
                self.failure = f"{self.folder}: cannot be written: {why_not_writable(error)}"
        return None
    return guarded


class TensorBoardRun:
    """The files of one run. A write that fails (a full disk) raises nothing: see `failure`, once it is done."""

    def __init__(self, root: str | os.PathLike, name: str, class_names: tuple[str, ...] | list[str],
                 map_every: int = 100):
        writer = writer_class()
        root = Path(root)
        try:
            root.mkdir(parents=True, exist_ok=True)
            self.folder = folder_name(name, root)
            self.writer = writer(logdir=str(self.folder), flush_secs=5)
        except OSError as error:
            raise FileProblem(str(root), f"cannot hold TensorBoard's files: {error.strerror or error}") from None
        self.colours = np.array(class_rgb(list(class_names)), dtype=np.float32)
        self.map_every = map_every
        self.failure: str | None = None

    @_guarded
    def epoch(self, record: EpochRecord, session=None) -> None:
        """One epoch's figures; its map too when it is due and `session` (between two of its epochs) is given."""
        w, step = self.writer, record.epoch
        for part, loss, accuracy in (("train", record.train_loss, record.train_accuracy),
                                     ("validation", record.val_loss, record.val_accuracy),
                                     ("test", record.test_loss, record.test_accuracy)):
            if loss is not None:
                w.add_scalar(f"loss/{part}", loss, step)
                w.add_scalar(f"accuracy/{part}", accuracy, step)
        w.add_scalar("learning_rate", record.lr, step)
        if session is not None and self.map_every and step % self.map_every == 0:
            self.decision_map(session, step)

    @_guarded
    def history(self, session) -> None:
        """Every epoch of a run trained already (a sweep's, written once it has finished), and its last map."""
        for record in session.history.records:
            self.epoch(record)
        if session.history.epoch:
            self.decision_map(session, session.history.epoch)

    def decision_map(self, session, step: int) -> None:
        from .decision_map import MapRequest, data_box

        grid = session.decision_grid(MapRequest(data_box(session.split, (0, 1)), MAP_SIZE, MAP_SIZE))
        self.writer.add_image("decision_map", self.image(grid.probabilities), step, dataformats="HWC")

    def image(self, probabilities: np.ndarray) -> np.ndarray:
        """(rows, columns, 3) uint8: each pixel its class's colour, toward white as the model is less sure."""
        k = probabilities.shape[-1]  # two at the least: a single logit's grid holds both classes' probabilities
        chosen = probabilities.argmax(axis=-1)
        sure = (probabilities.max(axis=-1) - 1 / k) / (1 - 1 / k)  # 0 at chance, 1 certain
        colour = self.colours[chosen % len(self.colours)]
        mixed = 255 - (255 - colour) * (0.25 + 0.75 * sure[..., None])
        return np.clip(mixed, 0, 255).astype(np.uint8)

    @_guarded
    def hparams(self, settings: dict, metrics: dict) -> None:
        """The run's settings that tell it apart, and its final metrics, for TensorBoard's HParams view."""
        values = {k: (",".join(map(str, v)) if isinstance(v, list) else v) for k, v in settings.items()
                  if v is not None}
        self.writer.add_hparams(values, metrics, name="hparams")

    @_guarded
    def finish(self, session, close: bool = True) -> None:
        """The end of a stretch of training: the last epoch's map (unless it was just drawn), then the files
        closed, or flushed when the run may go on (the app's F5 after a stop)."""
        epoch = session.history.epoch
        if epoch and not (self.map_every and epoch % self.map_every == 0):
            self.decision_map(session, epoch)
        if close:
            self.close()
        else:
            self.writer.flush()

    def close(self) -> None:
        try:
            self.writer.close()
        except OSError as error:
            self.failure = self.failure or f"{self.folder}: cannot be written: {why_not_writable(error)}"
