import re

import numpy as np
import pytest

from engine import CATALOG, Settings, make_dataset
from engine import standalone
from engine.datasets.split import split
from engine.errors import DataError, SettingError

SYNTHETIC = [name for name in CATALOG if name != "csv"]


def build(**kw):
    s = Settings(**kw).resolve()
    return make_dataset(s), s


@pytest.mark.parametrize("name", SYNTHETIC)
def test_every_dataset_gives_float_features_and_labels_0_to_k(name):
    d, s = build(dataset=name)
    assert d.X.dtype == np.float32 and d.X.ndim == 2 and d.X.shape[1] == 2
    assert d.y.dtype == np.int64 and set(np.unique(d.y)) == set(range(d.num_classes))
    assert len(d.feature_names) == 2 and len(d.class_names) == d.num_classes
    if s.samples is not None:
        assert len(d.y) == s.samples


@pytest.mark.parametrize("name", SYNTHETIC)
def test_same_settings_give_the_same_arrays_and_another_seed_others(name):
    a, _ = build(dataset=name, label_noise=0.1)
    b, _ = build(dataset=name, label_noise=0.1)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    if name != "iris":  # iris is a fixed set of flowers
        c, _ = build(dataset=name, seed=99)
        assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", list(standalone.TARGETS))
def test_toy_labels_are_their_exact_function(name):
    d, _ = build(dataset=name)
    assert d.target is not None
    assert np.array_equal(d.target(d.X.astype(np.float64)), d.y)
    assert d.X.min() >= 0 and d.X.max() <= 1


@pytest.mark.parametrize("name,inside,outside", [
    ("easy", (0.30, 0.60), (0.9, 0.9)), ("easy", (0.55, 0.15), (0.55, 0.35)),
    ("hard", (0.5, 0.5), (0.5 + 0.2, 0.5)),  # centre always 1; cos(10·0.2) < 0 at θ = 0
    ("xor", (0.25, 0.75), (0.25, 0.25)), ("cross", (0.5, 0.05), (0.1, 0.1)), ("ring", (0.75, 0.5), (0.5, 0.5)),
])
def test_exact_functions_at_known_points(name, inside, outside):
    f = standalone.TARGETS[name]
    assert f(np.array([inside])).tolist() == [1]
    assert f(np.array([outside])).tolist() == [0]


def test_label_noise_flips_the_asked_fraction_of_the_training_labels_only():
    from engine import TrainingSession

    clean = TrainingSession(Settings(dataset="xor", val_size=0.2, device="cpu")).split
    noisy = TrainingSession(Settings(dataset="xor", val_size=0.2, label_noise=0.1, device="cpu")).split
    assert np.array_equal(clean.dataset.X, noisy.dataset.X) and np.array_equal(clean.dataset.y, noisy.dataset.y)
    assert np.array_equal(clean.test, noisy.test) and np.array_equal(clean.val, noisy.val)
    assert (clean.y_train != noisy.y_train).mean() == pytest.approx(0.1, abs=1e-3)
    # what the model is scored on stays true: the validation and test labels are the data's own
    assert np.array_equal(noisy.y_test, noisy.dataset.y[noisy.test]) and np.array_equal(noisy.y_val, clean.y_val)


def test_blobs_classes_and_iris_choices():
    d, _ = build(dataset="blobs", classes=6)
    assert d.num_classes == 6
    two, _ = build(dataset="iris")
    assert two.class_names == ["versicolor", "virginica"] and len(two.y) == 100
    three, _ = build(dataset="iris", classes=3, features=["sepal_length", "petal_width"])
    assert three.num_classes == 3 and three.feature_names == ["sepal_length", "petal_width"]
    assert three.X.min() == 0 and three.X.max() == 1


def test_spiral_follows_its_definition_without_noise():
    d, _ = build(dataset="spiral", samples=200, noise=0.0)
    first = d.X[d.y == 0]
    i = 50
    r, t = 5 * i / 100, 1.75 * 2 * np.pi * i / 100
    assert first[i] == pytest.approx([r * np.sin(t), r * np.cos(t)], abs=1e-5)


def test_split_is_stratified_and_scaling_is_fitted_on_training_rows():
    d, s = build(dataset="blobs", samples=1000, scale="standard")
    sp = split(d, 0.25, 0.0, "standard", 0)
    assert len(sp.test) == 250 and not set(sp.train) & set(sp.test)
    assert np.bincount(d.y[sp.test]).tolist() == [62, 62, 63, 63] or np.ptp(np.bincount(d.y[sp.test])) <= 1
    scaled = sp.to_model_input(sp.X_train)
    assert scaled.mean(axis=0) == pytest.approx([0, 0], abs=1e-5)
    assert scaled.std(axis=0) == pytest.approx([1, 1], abs=1e-4)
    minmax = split(d, 0.25, 0.0, "minmax", 0).to_model_input(sp.X_train)
    assert minmax.min() == pytest.approx(0) and minmax.max() == pytest.approx(1)


def test_a_test_fraction_too_small_for_the_classes_names_test_size():
    d, _ = build(dataset="blobs", samples=20, classes=10)
    with pytest.raises(SettingError, match="test_size"):
        split(d, 0.1, 0.0, "none", 0)


def write(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


def test_csv_reads_features_and_sorted_classes(tmp_path):
    rows = "\n".join(f"{(i * 7) % 20},{i % 7},{10 if i % 2 else 2}" for i in range(20))
    d, _ = build(dataset="csv", csv=write(tmp_path, "a,b,kind\n" + rows + "\n"))
    assert d.feature_names == ["a", "b"] and d.class_names == ["2", "10"]
    assert d.X.shape == (20, 2) and d.y.tolist()[:2] == [0, 1]
    assert d.X.dtype == np.float64  # a file's numbers as read: scaled in float64, the model gets float32


@pytest.mark.parametrize("text,words", [
    ("a,b,y\n1,,0\n2,3,1\n", "1 missing cell in 1 row (row 2): 'b' 1; missing=drop"),
    ("a,b,y\n1,x,0\n2,3,1\n", "column 'b' is not numeric"),
    ("a,b,y\n1,2,0\n2,3,0\n", "single class"),
    ("a,b,y\n1,2,0\n2,3,1\n3,4,1\n", "class '0' has 1 row"),
    ("a,b,y\n", "at least one row"),
    ("a,b,y\n1,2,0\n2,3,1,4\n", "row 3 has 4 fields; the header has 3"),
    ("a,b,y\n1,2\n3,4\n", "2 missing cells in 2 rows (rows 2, 3): 'y' (the label) 2"),  # short rows: pandas pads
    ("a,b\n1,2,3\n4,5,6\n", "row 2 has 3 fields; the header has 2"),
])
def test_csv_problems_name_the_row_or_column(tmp_path, text, words):
    with pytest.raises(DataError, match=re.escape(words)):
        build(dataset="csv", csv=write(tmp_path, text))


def test_csv_label_and_feature_columns_must_exist(tmp_path):
    path = write(tmp_path, "a,b,y\n1,2,0\n2,3,1\n")
    with pytest.raises(DataError, match="no column 'kind'"):
        build(dataset="csv", csv=path, label="kind")
    with pytest.raises(DataError, match="no column 'c'"):
        build(dataset="csv", csv=path, features=["a", "c"])
    with pytest.raises(DataError, match="no such file"):
        build(dataset="csv", csv=str(tmp_path / "absent.csv"))


@pytest.mark.parametrize("samples", [7, 100, 1000, 1001])
@pytest.mark.parametrize("seed", [0, 2, 12345])
def test_circles_and_moons_are_scikit_learns_number_for_number(samples, seed):
    """Drawn in numpy (the default data must not wait for scikit-learn's import), and equal to its own."""
    from sklearn.datasets import make_circles, make_moons

    from engine.standalone.synthetic import circles, moons

    for noise in (None, 0.0, 0.03, 0.2):
        ours, theirs = circles(samples, noise, 0.8, seed), make_circles(samples, noise=noise, factor=0.8,
                                                                        random_state=seed)
        assert np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])
        ours, theirs = moons(samples, noise, seed), make_moons(samples, noise=noise, random_state=seed)
        assert np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("seed", [0, 1, 7, 2024])
@pytest.mark.parametrize("counts", [[500, 500], [13, 7], [300, 20, 80], [5, 5, 5, 4], [2, 2, 3]])
def test_the_stratified_split_is_scikit_learns_number_for_number(seed, counts):
    from sklearn.model_selection import train_test_split as theirs

    from engine.standalone.data import train_test_split as ours

    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat(np.arange(len(counts)), counts))
    rows = np.arange(len(y))
    for test_size in (0.2, 0.25, 1 / 3, 0.5, 0.61):
        try:
            expected = theirs(rows, test_size=test_size, stratify=y, random_state=seed)
        except ValueError:
            with pytest.raises(ValueError):
                ours(rows, test_size=test_size, stratify=y, random_state=seed)
            continue
        got = ours(rows, test_size=test_size, stratify=y, random_state=seed)
        assert [a.tolist() for a in got] == [a.tolist() for a in expected]
