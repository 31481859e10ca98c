"""A table's preprocessing: scikit-learn's own tools fitted on the training rows only, number for number the
same in the exported script's numpy, scaled in float64, and a small network on the penguins fixture as good
as scikit-learn's MLP on the same split."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine import Settings, TrainingSession, make_dataset, standalone
from engine.datasets.split import split
from engine.errors import DataError, TableProblems

DATA = Path(__file__).parent / "data"
PENGUINS = str(DATA / "penguins_messy.csv")
TEXT = ["island", "sex"]


def oracle_encoding(frame: pd.DataFrame, numbers: list[str], texts: list[str], train: np.ndarray) -> np.ndarray:
    """What scikit-learn makes of the frame, fitted on the training rows: the reference the engine must equal."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    parts = [("numbers", SimpleImputer(strategy="median"), numbers)]
    parts += [(name, make_pipeline(SimpleImputer(strategy="most_frequent"),
                                   OneHotEncoder(handle_unknown="ignore", sparse_output=False)), [name])
              for name in texts]
    assembly = ColumnTransformer(parts).fit(frame.iloc[train])
    return assembly.transform(frame)


@pytest.mark.parametrize("val_size", [0.0, 0.2])
def test_imputing_and_one_hot_are_scikit_learns_fitted_on_the_training_rows_and_the_scripts_alike(val_size):
    settings = Settings(dataset="csv", csv=PENGUINS, label="species", missing="impute", categorical="onehot",
                        val_size=val_size, seed=4).resolve()
    data = make_dataset(settings)
    parts = split(data, settings.test_size, settings.val_size, settings.scale, settings.data_seed)
    frame = pd.read_csv(PENGUINS).drop(columns="species")
    numbers = [c for c in frame.columns if c not in TEXT]
    expected = oracle_encoding(frame, numbers, TEXT, parts.train)
    assert data.X.shape == expected.shape == (344, 10)
    assert np.array_equal(data.X, expected)
    # the medians are the training rows' own, not the whole column's
    medians = frame[numbers].iloc[parts.train].median()
    assert data.preprocessing["median"] == pytest.approx(medians.to_dict(), abs=0)
    assert medians["body_mass_g"] != frame["body_mass_g"].median() or medians["bill_length_mm"] != \
        frame["bill_length_mm"].median()
    assert any(n.startswith("missing cells filled from the training rows: 'bill_length_mm' 2 with the median")
               for n in data.notices)
    # the exported script's own reading (numpy alone) gives the same numbers
    X, y, classes, names, _ = standalone.generate(settings.to_flat())
    assert np.array_equal(X, data.X) and np.array_equal(y, data.y)
    assert (classes, names) == (data.class_names, data.feature_names)


def test_a_category_seen_only_outside_the_training_rows_gets_no_column(tmp_path):
    path = tmp_path / "split.csv"
    rows = [f"{i % 9},{['red', 'blue'][i % 2] if i < 36 else 'green'},{'ab'[i // 2 % 2]},"
            f"{'train' if i < 30 else 'test'}" for i in range(40)]
    path.write_text("size,colour,kind,split\n" + "\n".join(rows) + "\n")
    data = make_dataset(Settings(dataset="csv", csv=str(path), categorical="onehot").resolve())
    assert data.feature_names == ["size", "colour=blue", "colour=red"]
    assert (data.X[36:, 1:] == 0).all()
    assert "'colour' has 'green' only outside the training rows (4 rows): none of its columns is set there" in \
        data.notices


def test_scaling_is_scikit_learns_in_float64_and_the_scripts_agrees():
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    for scale, scaler in (("standard", StandardScaler), ("minmax", MinMaxScaler)):
        settings = Settings(dataset="csv", csv=PENGUINS, label="species", missing="drop", categorical="onehot",
                            scale=scale).resolve()
        data = make_dataset(settings)
        parts = split(data, settings.test_size, settings.val_size, settings.scale, settings.data_seed)
        expected = scaler().fit(data.X[parts.train]).transform(data.X[parts.test])
        assert parts.shift.dtype == np.float64
        assert np.allclose(parts.to_model_input(parts.X_test), expected, rtol=0, atol=1e-6)
        shift, spread = standalone.scaling(data.X[parts.train], scale)  # what the exported script computes
        assert np.allclose(shift, parts.shift, rtol=1e-12) and np.allclose(spread, parts.scale, rtol=1e-12)


def test_scaling_keeps_digits_float32_would_drop_and_refuses_by_name_what_it_cannot_hold(tmp_path):
    path = tmp_path / "clock.csv"  # a timestamp-like column: values near 1e6 apart by a thousandth
    path.write_text("t,k\n" + "".join(f"{1_000_000 + i / 1000:.3f},{i % 2}\n" for i in range(40)))
    data = make_dataset(Settings(dataset="csv", csv=str(path)).resolve())  # standard scaling, the default
    inputs = split(data, 0.2, 0.0, "standard", 0).to_model_input(data.X)
    assert len(np.unique(inputs)) == 40 and np.isfinite(inputs).all()
    with pytest.raises(TableProblems, match="column 't' varies only in digits the model's 32-bit numbers drop"):
        make_dataset(Settings(dataset="csv", csv=str(path), scale="none").resolve())
    big = tmp_path / "big.csv"
    big.write_text("a,b,k\n" + "".join(f"{i % 5},{(i + 1) * 1e37:g},{i % 2}\n" for i in range(40)))
    with pytest.raises(TableProblems, match=r"row 41, column 'b': 4e\+38 is beyond what the model's 32-bit numbers "
                                            r"hold \(±3.4e\+38\) unscaled; scale=standard brings it within"):
        make_dataset(Settings(dataset="csv", csv=str(big), scale="none").resolve())
    data = make_dataset(Settings(dataset="csv", csv=str(big)).resolve())
    inputs = split(data, 0.2, 0.0, "standard", 0).to_model_input(data.X)
    assert np.isfinite(inputs).all() and inputs[:, 1].std() > 0.5


def test_spreads_far_apart_are_said_whatever_the_scaling():
    for scale, words in (("none", "unscaled, the widest decides alone; scale=standard or scale=minmax evens them out"),
                         ("standard", "standard scaling evens them out"),
                         ("minmax", "minmax scaling evens them out")):
        data = make_dataset(Settings(dataset="csv", csv=str(DATA / "grams_and_millimetres.tsv"), scale=scale).resolve())
        (said,) = [n for n in data.notices if n.startswith("the feature spreads differ")]
        assert "-fold ('mass_g'" in said and "against 'depth_mm'" in said and said.endswith(words)


def test_the_columns_a_run_one_hot_encoded_name_the_same_columns_again():
    session = TrainingSession(Settings(dataset="csv", csv=PENGUINS, label="species", missing="drop",
                                       categorical="onehot", hidden=[4], epochs=1, device="cpu"))
    named = session.settings.features  # what a checkpoint or a saved config records
    assert named[-5:] == ["island=Biscoe", "island=Dream", "island=Torgersen", "sex=female", "sex=male"]
    again = make_dataset(session.settings)
    assert again.feature_names == named and np.array_equal(again.X, session.dataset.X)
    some = make_dataset(session.settings.replace(features=["body_mass_g", "island=Dream", "sex=male"]))
    assert some.feature_names == ["body_mass_g", "island=Dream", "sex=male"]
    with pytest.raises(DataError, match="column 'island' has no such text"):
        make_dataset(session.settings.replace(features=["body_mass_g", "island=Atlantis"]))


def sklearn_accuracy(session: TrainingSession, missing: str) -> float:
    """scikit-learn's MLP (the same hidden layer) on the same rows of the same split, preprocessed its own way."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = pd.read_csv(PENGUINS)
    if missing == "drop":
        frame = frame.dropna().reset_index(drop=True)
    X, y = frame.drop(columns="species"), frame["species"]
    numbers = [c for c in X.columns if c not in TEXT]
    model = make_pipeline(
        ColumnTransformer([("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
                           ("text", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                                  OneHotEncoder(handle_unknown="ignore")), TEXT)]),
        MLPClassifier(hidden_layer_sizes=tuple(session.settings.hidden), max_iter=3000, random_state=0))
    train, test = session.split.train, session.split.test
    model.fit(X.iloc[train], y.iloc[train])
    return model.score(X.iloc[test], y.iloc[test])


@pytest.mark.parametrize("missing", ["drop", "impute"])
def test_the_penguins_train_as_well_as_scikit_learns_mlp_on_the_same_split(missing):
    session = TrainingSession(Settings(dataset="csv", csv=PENGUINS, label="species", missing=missing,
                                       categorical="onehot", hidden=[8], epochs=200, lr=0.01, device="cpu"))
    assert session.settings.scale == "standard"  # the default for a file
    session.run()
    accuracy = session.evaluate()["test"].accuracy
    assert accuracy == pytest.approx(sklearn_accuracy(session, missing), abs=0.02)
    assert accuracy > 0.95


def test_a_slice_holds_a_text_columns_one_hot_group_at_its_most_frequent_category_and_numbers_at_their_median():
    from engine.decision_map import Box, plane_input

    settings = Settings(dataset="csv", csv=PENGUINS, label="species", missing="impute", categorical="onehot",
                        seed=4).resolve()
    data = make_dataset(settings)
    parts = split(data, settings.test_size, settings.val_size, settings.scale, settings.data_seed)
    names = data.feature_names
    train = pd.read_csv(PENGUINS).iloc[data.source.rows[parts.train] - 2]  # the header is line 1
    islands = [i for i, n in enumerate(names) if n.startswith("island=")]
    most = names[islands[int(np.argmax(parts.X_train[:, islands].sum(axis=0)))]]
    held = parts.held
    assert [held[i] for i in islands] == [1.0 if names[i] == most else 0.0 for i in islands]  # one island, not none
    numbers = data.numeric_features
    assert [names[i] for i in numbers] == ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
                                           "year"]
    assert np.allclose(held[numbers], np.median(parts.X_train[:, numbers], axis=0))
    cells = plane_input(parts, Box(-1.0, 1.0, -1.0, 1.0), 4, 3, (numbers[0], numbers[2]))
    expected = parts.to_model_input(np.repeat(held[None, :], 12, axis=0))
    assert np.allclose(cells[:, islands], expected[:, islands])  # every cell of the slice on that island
    assert most == f"island={train['island'].mode()[0]}"  # pandas' count of the training rows agrees
