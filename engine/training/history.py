"""What a run records each epoch, and the notes marking where its settings changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "lr", "val_loss", "val_accuracy")


@dataclass(frozen=True)
class EpochRecord:
    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    lr: float
    val_loss: float | None = None  # None without a validation split (and in runs kept before there was one)
    val_accuracy: float | None = None

    @property
    def watched_loss(self) -> float:
        """What early stopping, the plateau schedule and the best epoch watch: validation when there is one."""
        return self.test_loss if self.val_loss is None else self.val_loss

    def as_dict(self) -> dict:
        # by hand: dataclasses.asdict deep-copies each field, and a long run has a million of these
        record = {"epoch": self.epoch, "train_loss": self.train_loss, "test_loss": self.test_loss,
                  "train_accuracy": self.train_accuracy, "test_accuracy": self.test_accuracy, "lr": self.lr}
        if self.val_loss is not None:
            record.update(val_loss=self.val_loss, val_accuracy=self.val_accuracy)
        return record


@dataclass(frozen=True)
class Mark:
    """A change made between epochs (continue with a new learning rate, say), drawn on the curves."""

    epoch: int  # the last epoch before the change
    note: str


@dataclass
class History:
    records: list[EpochRecord] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def epoch(self) -> int:
        return self.records[-1].epoch if self.records else 0

    def as_dicts(self) -> list[dict]:
        return [r.as_dict() for r in self.records]

    def mark_dicts(self) -> list[dict]:
        return [asdict(m) for m in self.marks]

    @classmethod
    def from_dicts(cls, records: list[dict], marks: list[dict] | None = None) -> "History":
        return cls([EpochRecord(**r) for r in records], [Mark(**m) for m in marks or []])
