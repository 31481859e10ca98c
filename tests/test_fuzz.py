"""Property-based tests: whatever settings, TOML or CSV text a user gives, the loaders answer with valid
settings or data, or with our own error and one line that says what is wrong; nothing else escapes."""

import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import AnnclfError
from engine.schema import BY_NAME, from_values

values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12) | st.sampled_from(["circles", "csv", "relu", "adam", "16,16", "a,b", "none"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
names = st.sampled_from(sorted(BY_NAME)) | st.text(max_size=8)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one_line(error: AnnclfError) -> None:
    text = str(error)
    assert text and "\n" not in text and "Traceback" not in text and "object at 0x" not in text


@FUZZ
@given(st.dictionaries(names, values, max_size=6))
def test_any_settings_values_give_settings_or_one_line_of_our_own(raw):
    try:
        resolved = from_values(raw).resolve()
    except AnnclfError as error:
        one_line(error)
    else:
        assert resolved.dataset in BY_NAME["dataset"].kind.values


toml_lines = st.lists(st.one_of(
    st.sampled_from(["[data]", "[model]", "[training]", "[network]", "data = 5", "[data.x]", "[[data]]"]),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(sorted(BY_NAME)) | st.text(max_size=6),
              st.sampled_from(["1", "-1", "0.5", "1e400", "nan", "'x'", "\"16,16\"", "[1, 2]", "[]", "true",
                               "{a = 1}", "'circles'", "[[1]]", "''"])),
    st.text(max_size=20)), max_size=8)


@FUZZ
@given(toml_lines, st.booleans())
def test_any_toml_text_gives_settings_or_one_line_of_our_own(lines, bom):
    from engine.config_file import settings_from_toml

    try:
        settings_from_toml(("\ufeff" if bom else "") + "\n".join(lines), "run.toml")
    except AnnclfError as error:
        one_line(error)


cells = st.sampled_from(["1", "2.5", "-3", "1e300", "nan", "", "x", "yes", "no", "train", "test", "val", "0"])
rows = st.lists(st.lists(cells, min_size=1, max_size=4), max_size=12)
headers = st.lists(st.sampled_from(["a", "b", "label", "split", "a;b", ""]), min_size=1, max_size=4)


@FUZZ
@given(headers, rows, st.sampled_from([",", ";", "\t"]), st.sampled_from([None, "label", "a"]))
def test_any_csv_text_gives_a_dataset_or_one_line_of_our_own(header, body, separator, label):
    from engine.datasets.dataset import make_dataset
    from engine.datasets.split import split
    from engine.schema import Settings

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "d.csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(separator.join(r) for r in [header, *body]) + "\n")
        try:
            dataset = make_dataset(Settings(dataset="csv", csv=path, label=label).resolve())
            parts = split(dataset, 0.25, 0.25, "standard", 0)
        except AnnclfError as error:
            one_line(error)
        else:
            assert dataset.X.shape[0] == len(dataset.y) and dataset.num_classes >= 2
            assert len(parts.train) + len(parts.val) + len(parts.test) == len(dataset.y) and len(parts.train)
