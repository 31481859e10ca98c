"""One entry point to every dataset, the labels' noise, the train / validation / test split, the scaling and
the model's input columns."""

import math

import numpy as np

from .csv_file import PARTS, encode, read_csv
from .synthetic import TARGETS, blobs, circles, gauss, iris, linear, moons, spiral, unit_square


NAMES = {"circles": ["outer", "inner"], "moons": ["upper moon", "lower moon"], "linear": ["class 0", "class 1"],
         "spiral": ["arm 0", "arm 1"], "gauss": ["near (2, 2)", "near (-2, -2)"]}


def generate(S, fitted=None):
    """(X, y, class names, feature names, parts) of the dataset the settings `S` (a dict) describe, every
    default filled in; parts is None but for a CSV file with a split column (see read_csv). A CSV file's
    encoding is `fitted` where given (a run's own constants), else fitted on its training rows."""
    name, xy = S["dataset"], ["x", "y"]
    if name in TARGETS:
        return (*unit_square(name, S["samples"], S["data_seed"]), ["outside", "inside"], xy, None)
    if name == "iris":
        return (*iris(S["classes"], S["features"]), None)
    if name == "csv":  # the encoding (medians, most frequent texts, categories) fitted on the training rows
        table = read_csv(S["csv"], S["label"], S["features"], S["exclude"], S["missing"])
        train = split_rows(table.y, S["test_size"], S["val_size"], S["data_seed"], table.parts)[0]
        X, names = encode(table, train, fitted)
        return X, table.y, table.classes, names, table.parts
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


def _approximate_mode(counts, draws, rng):
    """How many of `draws` come from each class of `counts`: the proportional share rounded down, the rest to
    the largest remainders (ties drawn at random)."""
    continuous = counts / counts.sum() * draws
    floored = np.floor(continuous)
    need = int(draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (tied,) = np.where(remainder == value)
            now = min(len(tied), need)
            floored[rng.choice(tied, size=now, replace=False)] += 1
            need -= now
            if need == 0:
                break
    return floored.astype(int)


def _classes(y):
    """(classes, their counts, each class's positions in y in increasing order), as np.unique and a stable
    argsort give them; for a few small whole-number classes (the engine's labels) by counting, which is a
    sort less: seconds on millions of rows."""
    if y.dtype.kind in "iu" and len(y) and y.min() >= 0 and y.max() < 4096:
        every = np.bincount(y)
        classes = np.flatnonzero(every)
        if len(classes) <= 64:
            return classes.astype(y.dtype), every[classes], [np.flatnonzero(y == c) for c in classes]
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    return classes, counts, np.split(np.argsort(inverse, kind="stable"), np.cumsum(counts)[:-1])


def train_test_split(rows, test_size, stratify, random_state):
    """scikit-learn's stratified train_test_split of `rows` (a fraction `test_size` for testing, at least one
    row of each class on both sides), number for number: a test holds it to scikit-learn's. In numpy, so
    that neither the engine's first data nor this script needs scikit-learn; ValueError as it raises."""
    n = len(rows)
    n_test = int(math.ceil(test_size * n))
    n_train = n - n_test
    if not 0 < test_size < 1 or n_train <= 0:
        raise ValueError(f"test_size={test_size} leaves no training rows of {n}")
    classes, counts, by_class = _classes(np.asarray(stratify))
    if counts.min() < 2:
        raise ValueError(f"The least populated classes in y have only 1 member: {classes[counts < 2].tolist()}")
    if n_train < len(classes) or n_test < len(classes):
        raise ValueError(f"The train_size = {n_train} and test_size = {n_test} should be greater or equal to the "
                         f"number of classes = {len(classes)}")
    rng = np.random.RandomState(random_state)
    train_counts = _approximate_mode(counts, n_train, rng)
    test_counts = _approximate_mode(counts - train_counts, n_test, rng)
    train, test = [], []
    for k, members in enumerate(by_class):
        shuffled = members.take(rng.permutation(counts[k]), mode="clip")
        train.append(shuffled[:train_counts[k]])
        test.append(shuffled[train_counts[k]:train_counts[k] + test_counts[k]])
    rows = np.asarray(rows)  # the parts joined as arrays: a list of 5 million numbers took seconds
    return rows[rng.permutation(np.concatenate(train))], rows[rng.permutation(np.concatenate(test))]


def split_rows(y, test_size, val_size, seed, parts=None):
    """Sorted row indices (train, val, test). The test rows are a stratified `test_size` of all (or the
    file's own split); the validation rows, a stratified `val_size` of all, come from the rest (none when
    val_size is 0). ValueError if a class cannot be split so."""
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
    """(shift, scale) fitted on `X`: the model's input is (x - shift) / scale. In X's own precision: a file's
    float64 columns are scaled in float64 (a column of values near 1e6 that differ in the third decimal
    would be constant in float32), and only the scaled values become the model's float32."""
    d = X.shape[1]
    if how == "standard":
        shift, scale = X.mean(axis=0), X.std(axis=0)
    elif how == "minmax":
        shift, scale = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
    else:
        shift, scale = np.zeros(d), np.ones(d)
    scale = np.where(scale > 0, scale, 1.0)  # a constant feature stays constant instead of dividing by 0
    kind = np.float64 if X.dtype == np.float64 else np.float32
    return shift.astype(kind), scale.astype(kind)


# The model's possible input columns, each made from the two scaled features (x1, x2): the browser
# playground's "features". A linear model on x1^2 and x2^2 separates circles, which on x1, x2 it cannot.
TRANSFORMS = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}


def transform(X, inputs):
    """The columns `inputs` (names of TRANSFORMS, in their order) of a 2-column `X`, as float32."""
    return np.column_stack([TRANSFORMS[name](X) for name in inputs]).astype(np.float32)


def model_input(X, shift, scale, inputs):
    """What the model reads of points `X` in the data's own units: scaled, then the chosen transforms. Data
    of other than two features has no transforms: its scaled columns as they are."""
    scaled = ((X - shift) / scale).astype(np.float32, order="C")  # rows side by side (a file's X is read by column)
    if X.shape[1] != 2 or list(inputs) == ["x1", "x2"]:  # the plain columns: no copy made
        return scaled
    return transform(scaled, inputs)
