"""What a run is made of, in plain numpy, PyTorch and scikit-learn: the data, the network, the per-epoch
seeds, the learning-rate schedule and the rules that end a run.

This module imports nothing of annclf-tui, on purpose: the exported script (`export_script.py`) is this
file's text followed by a short training loop, so the engine and the script draw the same points, the same
initial weights and the same batches, and stop a run by the same rules. Keep it self-contained.
"""

import csv
import math
import os
import stat

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

# ----- data: the synthetic sets


def circles(samples, noise, factor, seed):
    from sklearn.datasets import make_circles

    return make_circles(n_samples=samples, noise=noise, factor=factor, random_state=seed)


def moons(samples, noise, seed):
    from sklearn.datasets import make_moons

    return make_moons(n_samples=samples, noise=noise, random_state=seed)


def blobs(samples, classes, cluster_std, seed):
    from sklearn.datasets import make_blobs

    return make_blobs(n_samples=samples, centers=classes, cluster_std=cluster_std, random_state=seed)


def linear(samples, seed):
    from sklearn.datasets import make_classification

    return make_classification(n_samples=samples, n_features=2, n_informative=2, n_redundant=0,
                               n_clusters_per_class=1, random_state=seed)


def spiral(samples, noise, seed):
    """Two arms: point i of m at r = 5i/m, t = 1.75·2π·i/m (+π for the second), jittered uniformly."""
    rng = np.random.default_rng(seed)
    arms = []
    for label, count, offset in ((0, samples // 2, 0.0), (1, samples - samples // 2, np.pi)):
        i = np.arange(count)
        r = 5.0 * i / count
        t = 1.75 * 2 * np.pi * i / count + offset
        jitter = rng.uniform(-1.0, 1.0, size=(count, 2)) * noise
        points = np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter
        arms.append((points, np.full(count, label)))
    return np.concatenate([a[0] for a in arms]), np.concatenate([a[1] for a in arms])


def gauss(samples, noise, seed):
    """Clouds at (2, 2) and (-2, -2); variance grows from 0.5 (noise 0) to 4 (noise 0.5) as in the playground."""
    rng = np.random.default_rng(seed)
    std = np.sqrt(0.5 + 7.0 * noise)
    half = samples // 2
    first = rng.normal((2.0, 2.0), std, size=(half, 2))
    second = rng.normal((-2.0, -2.0), std, size=(samples - half, 2))
    return np.concatenate([first, second]), np.concatenate([np.zeros(half), np.ones(samples - half)])


# ----- data: the toy sets of the unit square, each labelled by an exact function (drawn as the truth)


def _polar(points):
    dx = points[:, 0] - 0.5
    dy = points[:, 1] - 0.5
    return np.hypot(dx, dy), np.arctan2(dy, dx)


def easy(points):
    x, y = points[:, 0], points[:, 1]
    in_first = (x - 0.30) ** 2 + (y - 0.60) ** 2 <= 0.25**2
    in_second = (x - 0.55) ** 2 + (y - 0.15) ** 2 <= 0.15**2
    return (in_first | in_second).astype(np.int64)


def hard(points):
    r, theta = _polar(points)
    return ((np.cos(3 * theta + 10 * r) >= 0) | (r <= 0.1)).astype(np.int64)


def xor(points):
    return ((points[:, 0] >= 0.5) ^ (points[:, 1] >= 0.5)).astype(np.int64)


def cross(points):
    near_x = np.abs(points[:, 0] - 0.5) <= 0.12
    near_y = np.abs(points[:, 1] - 0.5) <= 0.12
    return (near_x | near_y).astype(np.int64)


def ring(points):
    r, _ = _polar(points)
    return ((r >= 0.18) & (r <= 0.32)).astype(np.int64)


TARGETS = {"easy": easy, "hard": hard, "xor": xor, "cross": cross, "ring": ring}


def unit_square(name, samples, seed):
    points = np.random.default_rng(seed).uniform(0.0, 1.0, size=(samples, 2))
    return points, TARGETS[name](points)


# ----- data: Fisher's iris (shipped with scikit-learn) and the user's own CSV file

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_DEFAULT_FEATURES = ["petal_length", "petal_width"]
SPECIES = ("setosa", "versicolor", "virginica")


def iris(classes, features):
    """Two of the four features, min-max scaled to [0, 1]; 2 classes: versicolor vs virginica."""
    from sklearn.datasets import load_iris

    data = load_iris()
    names = features or IRIS_DEFAULT_FEATURES
    X = data.data[:, [IRIS_FEATURES.index(n) for n in names]]
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    y = data.target
    if classes == 2:  # the pair that is not linearly separable
        keep = y > 0
        return X[keep], y[keep] - 1, list(SPECIES[1:]), list(names)
    return X, y, list(SPECIES), list(names)


class CsvProblem(ValueError):
    """The file cannot be used as data; the message says why (without the file's name)."""


MISSING = {"", "na", "nan", "null", "none", "?"}
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the model computes in float32: larger values become inf
SPLIT = "split"  # a column of "train" / "val" / "test", as --data-csv writes it: the split itself
PARTS = ("train", "val", "test")


def class_order(labels):
    """Sorted; numerically when every label is a number, so that 2 comes before 10."""
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)


def _delimiter(header_line):
    """A comma, unless the header holds none and another common separator (; tab |) instead."""
    counts = {d: header_line.count(d) for d in ",;\t|"}
    best = max(counts, key=counts.get)
    return "," if counts[","] or not counts[best] else best


def csv_rows(path):
    """The file's non-blank rows, header first."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would be read forever, a device too
            raise CsvProblem("is not a regular file (a directory, FIFO or device); give a CSV file")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        lines = text.splitlines()
        rows = list(csv.reader(lines, delimiter=_delimiter(lines[0] if lines else "")))
    except FileNotFoundError:
        raise CsvProblem("no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CsvProblem(f"cannot be read as CSV: {error}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise CsvProblem("needs a header row and at least one row of data")
    return rows


def _split_column(header, body, label, features):
    """The index of a column to split the rows by, or None: a column named `split` of the words train, val
    and test (train and test at least), neither the label nor a chosen feature."""
    if SPLIT not in header or label == SPLIT or (features and SPLIT in features):
        return None
    j = header.index(SPLIT)
    words = {row[j].strip().lower() for row in body}
    return j if words <= set(PARTS) and {"train", "test"} <= words else None


def _csv_features(header, label, features, split):
    others = [h for h in header if h != SPLIT or split is None]
    label = label or others[-1]
    if label not in header:
        raise CsvProblem(f"no column {label!r} for the label; the columns are " + ", ".join(header))
    features = features or [h for h in others if h != label]
    missing = [f for f in features if f not in header]
    if missing:
        raise CsvProblem(f"no column {missing[0]!r}; the columns are " + ", ".join(header))
    if label in features:
        raise CsvProblem(f"column {label!r} is the label and cannot also be a feature")
    if not features:
        raise CsvProblem("has no feature column besides the label")
    return label, features


def _number(cell, row, name):
    if cell.lower() in MISSING:
        raise CsvProblem(f"row {row}, column {name!r}: missing value")
    try:
        value = float(cell)
    except ValueError:
        raise CsvProblem(f"column {name!r} is not numeric (row {row}: {cell!r}); leave it out of the "
                         "features setting (--features), or fix the file") from None
    if not math.isfinite(value):
        raise CsvProblem(f"row {row}, column {name!r}: {cell!r} is not a finite number")
    if abs(value) > FLOAT32_MAX:
        raise CsvProblem(f"row {row}, column {name!r}: {cell} is beyond what the model's 32-bit numbers hold "
                         f"(±{FLOAT32_MAX:.3g}); rescale the column")
    return value


def read_csv(path, label, features):
    """(X, y, class names, feature names, parts): numeric feature columns, one label column of any values;
    parts, each row's "train", "val" or "test", when the file has a `split` column, else None."""
    rows = csv_rows(path)
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header):
        raise CsvProblem("the header names a column twice")
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise CsvProblem(f"row {number} has {len(row)} fields; the header has {len(header)}")
    split = _split_column(header, body, label, features)
    label, features = _csv_features(header, label, features, split)
    X = np.empty((len(body), len(features)), dtype=np.float64)
    for j, name in enumerate(features):
        column = header.index(name)
        for i, row in enumerate(body):
            X[i, j] = _number(row[column].strip(), i + 2, name)
    raw = [row[header.index(label)].strip() for row in body]
    for i, value in enumerate(raw):
        if value.lower() in MISSING:
            raise CsvProblem(f"row {i + 2}, column {label!r}: missing label")
    classes = class_order(set(raw))
    if len(classes) < 2:
        raise CsvProblem(f"column {label!r} holds a single class ({classes[0]!r}); a classifier needs two or more")
    index = {name: k for k, name in enumerate(classes)}
    parts = None if split is None else np.array([row[split].strip().lower() for row in body])
    return X, np.array([index[v] for v in raw], dtype=np.int64), classes, features, parts


# ----- data: one entry point, the labels' noise, the split and the scaling

NAMES = {"circles": ["outer", "inner"], "moons": ["upper moon", "lower moon"], "linear": ["class 0", "class 1"],
         "spiral": ["arm 0", "arm 1"], "gauss": ["near (2, 2)", "near (-2, -2)"]}


def generate(S):
    """(X, y, class names, feature names, parts) of the dataset the settings `S` (a dict) describe, every
    default filled in; parts is None but for a CSV file with a split column (see read_csv)."""
    name, xy = S["dataset"], ["x", "y"]
    if name in TARGETS:
        return (*unit_square(name, S["samples"], S["data_seed"]), ["outside", "inside"], xy, None)
    if name == "iris":
        return (*iris(S["classes"], S["features"]), None)
    if name == "csv":
        return read_csv(S["csv"], S["label"], S["features"])
    if name == "blobs":
        X, y = blobs(S["samples"], S["classes"], S["cluster_std"], S["data_seed"])
        return X, y, [f"blob {k}" for k in range(S["classes"])], xy, None
    if name == "circles":
        X, y = circles(S["samples"], S["noise"], S["factor"], S["data_seed"])
    elif name == "linear":
        X, y = linear(S["samples"], S["data_seed"])
    else:
        X, y = {"moons": moons, "spiral": spiral, "gauss": gauss}[name](S["samples"], S["noise"], S["data_seed"])
    return X, y, NAMES[name], xy, None


def flip_labels(y, fraction, classes, seed):
    """Move round(fraction·n) labels, chosen at random, to another class chosen at random."""
    count = int(round(fraction * len(y)))
    if count == 0:
        return y
    rng = np.random.default_rng([seed, 0x1abe1])  # a stream apart from the one that drew the points
    chosen = rng.choice(len(y), size=count, replace=False)
    flipped = y.copy()
    flipped[chosen] = (y[chosen] + rng.integers(1, classes, size=count)) % classes
    return flipped


def split_rows(y, test_size, val_size, seed, parts=None):
    """Sorted row indices (train, val, test). The test rows are a stratified `test_size` of all (or the
    file's own split); the validation rows, a stratified `val_size` of all, come from the rest (none when
    val_size is 0). ValueError if a class cannot be split so."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    if parts is not None:
        train, val, test = (rows[parts == part] for part in PARTS)
        if len(val) or not val_size:
            return train, val, test
        rest = train  # the file has no validation rows: they come from its training rows
    else:
        rest, test = train_test_split(rows, test_size=test_size, stratify=y, random_state=seed)
    if not val_size:
        return np.sort(rest), rows[:0], np.sort(test)
    train, val = train_test_split(rest, test_size=val_size * len(y) / len(rest), stratify=y[rest], random_state=seed)
    return np.sort(train), np.sort(val), np.sort(test)


def training_labels(y, train, fraction, classes, seed):
    """The labels training sees: the training rows' own, a `fraction` of them flipped (label noise is what
    a model must learn to ignore; validation and test keep the true labels)."""
    return flip_labels(y[train], fraction, classes, seed)


def scaling(X, how):
    """(shift, scale) fitted on `X`: the model's input is (x - shift) / scale."""
    d = X.shape[1]
    if how == "standard":
        shift, scale = X.mean(axis=0), X.std(axis=0)
    elif how == "minmax":
        shift, scale = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
    else:
        shift, scale = np.zeros(d), np.ones(d)
    scale = np.where(scale > 0, scale, 1.0)  # a constant feature stays constant instead of dividing by 0
    return shift.astype(np.float32), scale.astype(np.float32)


# ----- the network

ACTIVATION_FUNCTIONS = {
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
    "gelu": F.gelu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "identity": lambda x: x,
}
GAIN_NAME = {"relu": "relu", "leaky_relu": "leaky_relu", "tanh": "tanh", "sigmoid": "sigmoid"}


class MLP(nn.Module):
    """Linear layers with an activation and dropout after each hidden one.

    Dropout draws its masks from `self.generator` when one is set, so that a run's masks depend on
    its seed alone and a resumed run draws the same ones.
    """

    def __init__(self, inputs, hidden, outputs, activation, dropout):
        super().__init__()
        widths = [inputs, *hidden, outputs]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.activation = activation
        self.dropout = dropout
        self.generator = None
        self._act = ACTIVATION_FUNCTIONS[activation]

    def forward(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < last:
                x = self._act(x)
                if self.training and self.dropout > 0:
                    keep = torch.rand(x.shape, generator=self.generator, device=x.device) >= self.dropout
                    x = x * keep / (1.0 - self.dropout)
        return x


def initialise(model, how, seed):
    """Set the weights from `seed` alone (drawn on the CPU, so every device starts from the same ones)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in model.layers:
            w = torch.empty(layer.weight.shape)
            b = torch.zeros(layer.bias.shape)
            fan_in = w.shape[1]
            if how == "default":  # what nn.Linear.reset_parameters does, but from our generator
                nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
                bound = 1 / math.sqrt(fan_in)
                b.uniform_(-bound, bound, generator=g)
            elif how.startswith("xavier"):
                gain = nn.init.calculate_gain(GAIN_NAME.get(model.activation, "linear"))
                init = nn.init.xavier_uniform_ if how == "xavier_uniform" else nn.init.xavier_normal_
                init(w, gain=gain, generator=g)
            elif how.startswith("kaiming"):
                nonlinearity = "leaky_relu" if model.activation == "leaky_relu" else (
                    "relu" if model.activation in ("relu", "elu", "gelu") else "linear")
                init = nn.init.kaiming_uniform_ if how == "kaiming_uniform" else nn.init.kaiming_normal_
                init(w, nonlinearity=nonlinearity, generator=g)
            elif how == "zeros":
                w.zero_()
            else:
                raise AssertionError(how)
            layer.weight.copy_(w)
            layer.bias.copy_(b)


def loss_sum_and_correct(logits, y):
    """Summed loss and count of right answers, left on the device (no read-back). One logit: binary
    cross-entropy on logits; K logits: cross-entropy."""
    if logits.shape[1] == 1:
        z = logits[:, 0]
        loss = F.binary_cross_entropy_with_logits(z, y.to(z.dtype), reduction="sum")
        correct = ((z > 0).long() == y).sum()
    else:
        loss = F.cross_entropy(logits, y, reduction="sum")
        correct = (logits.argmax(dim=1) == y).sum()
    return loss, correct


# ----- the training: per-epoch seeds, the schedule, and the rules that end a run

SHUFFLE, DROPOUT = 1, 2


def epoch_seed(seed, epoch, stream):
    """Batch order and dropout masks depend on (seed, epoch) alone: a run resumed at epoch N draws what
    the uninterrupted run drew, with no generator state to save."""
    return int(np.random.SeedSequence([seed, epoch, stream]).generate_state(1, np.uint64)[0] >> 1)


class LearningRate:
    """The rate of each epoch: none, step, cosine, or plateau (which watches a loss: see observe)."""

    def __init__(self, base, kind, epochs, step_size, gamma, patience):
        self.base, self.kind, self.epochs = base, kind, epochs
        self.step_size, self.gamma, self.patience = step_size, gamma, patience
        # plateau state: the rate now, the best loss seen, epochs since it improved
        self.current = base
        self.best = math.inf
        self.bad_epochs = 0

    def at(self, epoch):
        """The rate for 1-based `epoch`."""
        if self.kind == "step":
            return self.base * self.gamma ** ((epoch - 1) // self.step_size)
        if self.kind == "cosine":
            progress = min(epoch - 1, self.epochs) / max(self.epochs, 1)
            return self.base * 0.5 * (1 + math.cos(math.pi * progress))
        if self.kind == "plateau":
            return self.current
        return self.base

    def observe(self, watched_loss):
        """After each epoch, with the loss it watches: validation, when there is a validation split, else test."""
        if self.kind != "plateau":
            return
        if watched_loss < self.best * (1 - 1e-4):
            self.best, self.bad_epochs = watched_loss, 0
        else:
            self.bad_epochs += 1
            if self.bad_epochs > self.patience:
                self.current *= self.gamma
                self.bad_epochs = 0

    def state_dict(self):
        return {"current": self.current, "best": self.best, "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state):
        self.current, self.best, self.bad_epochs = state["current"], state["best"], state["bad_epochs"]


def finite_epoch(*losses):
    """An epoch whose train, validation or test loss is NaN or infinite has diverged: the run stops and
    keeps the weights of the epoch before (None: a loss not measured)."""
    return all(math.isfinite(loss) for loss in losses if loss is not None)


class BestEpoch:
    """The epoch of the lowest watched loss so far (validation, when there is a validation split, else
    test); with a patience, early stopping once that many epochs have passed without a lower one (the best
    epoch's weights are then restored)."""

    def __init__(self, patience, epoch=0, loss=math.inf):
        self.patience, self.epoch, self.loss = patience, epoch, loss

    def observe(self, epoch, loss):
        """True when `epoch` is the best so far."""
        if loss < self.loss:
            self.epoch, self.loss = epoch, loss
            return True
        return False

    def exhausted(self, epoch):
        return bool(self.patience) and epoch - self.epoch >= self.patience
