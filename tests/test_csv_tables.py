"""Real tables read as a pandas user expects: every problem of a file said at once with what fixes it, an
unnamed index left out, the label announced, equal numbers one class. The fixtures in tests/data are our own
small tables with the mess real files have."""

from pathlib import Path

import numpy as np
import pytest

from engine import Settings, make_dataset
from engine.errors import DataError, TableProblems
from tui.main import main

DATA = Path(__file__).parent / "data"


def build(name: str, **settings):
    path = name if "/" in str(name) else str(DATA / name)
    return make_dataset(Settings(dataset="csv", csv=path, **settings).resolve())


def problems_of(name: str, **settings) -> tuple[str, ...]:
    with pytest.raises(TableProblems) as caught:
        build(name, **settings)
    return caught.value.problems


def test_every_problem_of_a_table_is_reported_at_once_each_with_its_fix():
    found = problems_of("every_problem.csv")
    assert len(found) == 6
    text = "\n".join(found)
    # text columns: a few values and how many there are
    assert "column 'colour' is not numeric (row 2: 'red'; 3 distinct texts: 'blue', 'green', 'red'): " \
           "categorical=onehot encodes it, exclude=colour leaves it out" in text
    assert "column 'when' is not numeric" in text and "40 distinct texts" in text
    # missing cells per column, and the rows they are in
    assert "4 missing cells in 3 rows (rows 7, 19, 32): 'height' 2, 'weight' 1, 'colour' 1; missing=drop leaves " \
           "those rows out, missing=impute fills them" in text
    assert "column 'batch' holds one value (7) in every row" in text and "exclude=batch" in text  # constant
    assert "column 'id' counts the rows, 0 to 39: an index" in text and "exclude=id" in text  # a likely index


def test_the_cli_says_them_in_one_line_and_exits_2(capsys):
    code = main(["train", "--csv", str(DATA / "every_problem.csv"), "--epochs", "1", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "every_problem.csv: with label 'kind', the last column (label= names another): 6 problems: (1) " in err


def test_the_fixes_named_make_the_table_usable():
    # as the messages say: the text one-hot where few, dates and ids and the index and the constant left out
    still = problems_of("every_problem.csv", categorical="onehot", missing="impute")
    assert [p.split(" ")[1] for p in still] == ["'when'", "'who'", "'id'", "'batch'"]
    assert "too many to one-hot (at most 20): they look like dates" in still[0]
    assert "nearly every row has its own, an id" in still[1]
    data = build("every_problem.csv", categorical="onehot", missing="impute", exclude=["id", "when", "who", "batch"])
    assert data.feature_names == ["height", "weight", "colour=blue", "colour=green", "colour=red"]
    assert not np.isnan(data.X).any() and data.X.shape == (40, 5)


def test_a_frame_saved_with_its_index_has_the_index_left_out_with_a_notice():
    data = build("saved_with_index.csv")
    assert data.feature_names == ["x1", "x2"]
    assert any("column 'Unnamed: 0'" in n and "left out" in n for n in data.notices)
    kept = build("saved_with_index.csv", features=["Unnamed: 0", "x1", "x2"])  # named: kept, as asked
    assert kept.feature_names == ["Unnamed: 0", "x1", "x2"] and kept.X[:3, 0].tolist() == [0, 1, 2]


def test_a_file_without_a_header_row_is_said_to_be_so():
    (found,) = problems_of("headerless.csv")
    assert found.startswith("its first line (-1.770, 0.354, 0) is all numbers: the file seems to have no header row")


def test_the_label_is_announced_and_a_measurement_is_not_taken_for_classes(tmp_path):
    data = build("grams_and_millimetres.tsv")
    assert data.notices[0] == "label: column 'kind' (the last; label= names another), 2 classes: heavy, light"
    named = build("grams_and_millimetres.tsv", label="kind")
    assert named.notices[0] == "label: column 'kind', 2 classes: heavy, light"
    path = tmp_path / "price.csv"
    path.write_text("a,b,price\n" + "".join(f"{i % 5},{i % 3},{10 + i * 0.37:.2f}\n" for i in range(30)))
    (found,) = problems_of(str(path))
    assert "the last column, 'price', has 30 distinct values: a measurement more likely than classes; set label" \
           in found


def test_numeric_labels_that_are_equal_are_one_class():
    data = build("labels_equal_numbers.csv")  # 1, 1.0, 01 / 2, 2.00 / 3: semicolon-separated
    assert data.class_names == ["1", "2", "3"] and np.bincount(data.y).tolist() == [15, 10, 5]


def test_text_among_numbers_is_named_with_its_row(tmp_path):
    path = tmp_path / "oops.csv"
    path.write_text("a,b,k\n" + "".join(f"{i % 7},{'oops' if i == 5 else i % 4},{i % 2}\n" for i in range(20)))
    for categorical in ("refuse", "onehot"):  # not categories: a mistake in a column of numbers
        (found,) = problems_of(str(path), categorical=categorical)
        assert found.startswith("column 'b' is not numeric (row 7: 'oops'): 1 cell of text among its numbers")


def test_numbers_with_a_decimal_comma_are_said_to_be_so(tmp_path):
    path = tmp_path / "european.csv"
    path.write_text("a;b;k\n" + "".join(f"{i % 7};{i % 4},5;{'xy'[i % 2]}\n" for i in range(20)))
    (found,) = problems_of(str(path))
    assert found.startswith("column 'b' holds numbers with a decimal comma (row 2: '0,5'); write them with a decimal "
                            "point")


def test_cells_pandas_reads_as_missing_are_missing_and_quotes_are_read(tmp_path):
    path = tmp_path / "marks.csv"
    rows = [f'{i},"{["x", "y, z"][i % 2]}",{["NA", "?", "", "n/a", "null"][i % 5] if i % 4 == 0 else i * 1.5},'
            f'{i % 2}' for i in range(40)]
    path.write_text("a,b,c,k\n" + "\n".join(rows) + "\n")
    (found,) = problems_of(str(path), categorical="onehot", features=["b", "c"])
    assert found.startswith("10 missing cells in 10 rows (rows 2, 6, 10, …): 'c' 10")
    data = build(str(path), categorical="onehot", features=["b", "c"], missing="drop")
    assert data.feature_names == ["c", "b=x", "b=y, z"] and len(data.y) == 30


def test_the_penguins_fixture_is_read_as_shipped():
    found = problems_of("penguins_messy.csv", label="species")
    assert len(found) == 3 and "19 missing cells in 11 rows" in found[2]
    data = build("penguins_messy.csv", label="species", missing="drop", categorical="onehot")
    assert data.class_names == ["Adelie", "Chinstrap", "Gentoo"] and len(data.y) == 333
    assert data.feature_names[-5:] == ["island=Biscoe", "island=Dream", "island=Torgersen", "sex=female", "sex=male"]
    notices = "\n".join(data.notices)
    assert "11 rows with missing cells left out (rows 2, 5, 36, …)" in notices
    assert "the feature spreads differ" in notices and "'body_mass_g'" in notices


def test_a_file_that_cannot_be_read_is_one_data_error(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,k\n1,2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="is not UTF-8 text"):
        build(str(path))


@pytest.mark.parametrize("name,label", [("every_problem.csv", None), ("penguins_messy.csv", "species")])
def test_each_problem_settings_mend_carries_those_settings_and_applying_them_makes_the_table_usable(name, label):
    """What the app offers as choices (TableProblems.fixes): the first choice of each, applied once as the
    dialog's `a` does, makes the table usable (dates and ids: left out first, not one-hot); a column's fixes
    name that column."""
    settings: dict = {"label": label}
    for _ in range(2):
        try:
            build(name, **settings)
            break
        except TableProblems as caught:
            assert set(caught.fixes) <= set(caught.problems)
            for problem in caught.problems:
                fixes = caught.fixes.get(problem, ())
                assert fixes, f"no setting offered for: {problem}"
                for fix in fixes:
                    if fix.setting == "exclude":
                        assert f"column {fix.value!r}" in problem  # it leaves out the column the problem names
                first = fixes[0]
                if first.setting == "exclude":
                    settings["exclude"] = [*(settings.get("exclude") or []), first.value]
                else:
                    settings[first.setting] = first.value
    else:
        raise AssertionError(f"still refused after the first choices: {settings}")
    assert settings["categorical"] == "onehot" and settings["missing"] == "drop"


# ----- a large file, parsed in ranges on every core (csv_chunks): the same table as one parser reads


def _large_table(path, rows: int = 60_000, bad_at: int | None = None, quoted: bool = False) -> None:
    rng = np.random.default_rng(3)
    with open(path, "w") as handle:
        handle.write("a,b,colour,label\n")
        for k in range(rows):
            line = 2 + k
            if line == bad_at:
                handle.write("1.0,2.0,red,0,surplus\n")
            elif k % 9973 == 5:
                handle.write("\n")  # a blank line: a row of missing cells, as pandas reads it
            else:
                colour = '"dark\nred"' if quoted and k == 40_000 else ("red", "green", "blue")[k % 3]
                handle.write(f"{rng.normal():.5f},{'' if k % 777 == 0 else f'{rng.normal():.5f}'},{colour},{k % 2}\n")


def test_a_large_file_read_in_ranges_on_every_core_is_the_table_pandas_reads(tmp_path):
    import pandas as pd

    from engine.datasets import csv_chunks

    path = tmp_path / "large.csv"
    _large_table(path)
    assert len(csv_chunks.ranges(str(path), csv_chunks.data_start(str(path), 0), 32)) == 32  # cut in ranges
    data = build(str(path), label="label", missing="impute", categorical="onehot", scale="none")
    frame = pd.read_csv(path, skip_blank_lines=False)
    assert len(data.y) == len(frame) - frame["label"].isna().sum()  # blank lines: unlabelled, left out
    kept = frame[frame["label"].notna()]
    assert np.array_equal(data.y, kept["label"].to_numpy().astype(int))
    first = data.X[:, data.feature_names.index("a")]
    assert np.array_equal(first, kept["a"].to_numpy())  # every row in the file's order, none twice
    assert data.source.rows[-1] == len(frame) + 1  # each row's own line


def test_ranges_parsed_by_several_threads_come_back_in_the_files_order(tmp_path):
    """A small file gets one parsing thread (a thread's heap keeps a few megabytes): the order of many is held
    here, with threads that finish out of turn."""
    import pandas as pd

    from engine.datasets import csv_chunks

    path = tmp_path / "large.csv"
    _large_table(path)
    names = ["a", "b", "colour", "label"]
    chunks = list(csv_chunks.frames(str(path), 0, 60_000, 2_000, lambda source: pd.read_csv(
        source, header=None, names=names, skip_blank_lines=False), workers=3))
    assert len(chunks) >= 24
    whole = pd.read_csv(path, skip_blank_lines=False)
    assert pd.concat(chunks, ignore_index=True).equals(whole)


def test_a_row_of_more_fields_deep_in_a_large_file_is_named_by_its_line(tmp_path):
    path = tmp_path / "large.csv"
    _large_table(path, bad_at=45_001)
    with pytest.raises(DataError) as caught:
        build(str(path), label="label", missing="impute", categorical="onehot")
    assert "row 45001 has 5 fields; the header has 4" in str(caught.value)


def test_a_large_file_with_a_line_break_inside_a_quoted_cell_is_read_by_one_parser(tmp_path):
    path = tmp_path / "large.csv"
    _large_table(path, quoted=True)
    data = build(str(path), label="label", missing="impute", categorical="onehot", scale="none")
    assert "colour=dark\nred" in data.feature_names
    assert len(data.y) == 60_000 - 7  # the quoted line break kept its row whole; blank lines left out


@pytest.mark.parametrize("variant", ["crlf", "no final line end", "semicolons", "blank lines at the end",
                                     "a column of numbers then texts"])
def test_ranges_parsed_on_every_core_give_what_one_parser_gives(tmp_path, monkeypatch, variant):
    from engine.datasets import csv_chunks

    rng = np.random.default_rng(5)
    sep = ";" if variant == "semicolons" else ","
    end = "\r\n" if variant == "crlf" else "\n"
    rows = []
    for k in range(45_000):
        code = f"{k % 5}" if variant != "a column of numbers then texts" or k < 30_000 else f"c{k % 5}"
        rows.append(sep.join([f"{rng.normal():.4f}", code, str(k % 3)]))
    text = sep.join(["x", "code", "label"]) + end + end.join(rows)
    if variant != "no final line end":
        text += end
    if variant == "blank lines at the end":
        text += end * 3
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    settings = dict(label="label", missing="drop", categorical="onehot", scale="none")
    assert len(csv_chunks.ranges(str(path), csv_chunks.data_start(str(path), 0), 4)) == 4

    def outcome():
        try:
            return build(str(path), **settings)
        except TableProblems as refused:  # numbers, then texts: a column read again whole, then refused
            return refused.problems

    parallel = outcome()
    monkeypatch.setattr(csv_chunks, "frames", lambda *args, **kwargs: None)  # one parser, pandas' chunks
    serial = outcome()
    if variant == "a column of numbers then texts":
        assert parallel == serial and "15,000 cells of text among its numbers" in parallel[0]
        return
    assert parallel.feature_names == serial.feature_names and parallel.class_names == serial.class_names
    assert np.array_equal(parallel.X, serial.X) and np.array_equal(parallel.y, serial.y)
    assert np.array_equal(parallel.source.rows, serial.source.rows) and parallel.notices == serial.notices


def test_a_byte_that_is_not_utf8_deep_in_a_large_file_is_named_by_its_line(tmp_path):
    path = tmp_path / "large.csv"
    _large_table(path)
    data = path.read_bytes()
    at = data.find(b"red", len(data) * 5 // 6)
    path.write_bytes(data[:at] + b"r\xe9d" + data[at + 3:])  # a Latin-1 é
    with pytest.raises(DataError) as caught:
        build(str(path), label="label", missing="impute", categorical="onehot")
    line = data[:at].count(b"\n") + 1
    assert f"is not UTF-8 text (invalid continuation byte at byte {at + 1:,}, line {line:,})" in str(caught.value)


@pytest.mark.timeout(60)  # each column's name was once looked for among all the others, for each other: 3,000
def test_a_file_of_three_thousand_columns_is_read(tmp_path):  # columns took minutes
    rng = np.random.default_rng(0)
    path = tmp_path / "wide.csv"
    values = rng.random((30, 3000)).round(3)
    lines = [",".join(f"c{i}" for i in range(3000)) + ",label"]
    lines += [",".join(map(str, row)) + f",{'ab'[r % 2]}" for r, row in enumerate(values)]
    path.write_text("\n".join(lines) + "\n")
    data = make_dataset(Settings(dataset="csv", csv=str(path), label="label").resolve())
    assert data.X.shape == (30, 3000) and list(data.class_names) == ["a", "b"]
    assert np.allclose(data.X[:, 2999], values[:, 2999])


def test_a_wide_table_read_in_chunks_keeps_each_columns_figures_and_problems(tmp_path):
    """Forty number columns are worked out together, chunk by chunk: each keeps its own count, range, spread,
    wholeness and missing cells, and a column of numbers with a text in a later chunk is named at its row."""
    import pandas as pd

    from engine.datasets.csv_reading import chunk_rows

    rows, rng = 20_000, np.random.default_rng(5)
    values = rng.normal(size=(rows, 40)).round(4)
    values[:, 0] = np.arange(rows)  # an index: whole numbers 0 to n - 1, in every chunk
    values[:, 1] = np.arange(rows) // 1000  # one value within each chunk, not within the file
    values[:, 2] = 5.0  # one value in every row
    table = pd.DataFrame(values, columns=[f"c{k}" for k in range(40)])
    table["c0"] = table["c0"].astype(int)
    table["c3"] = table["c3"].astype(object)
    table.loc[10_000:10_002, "c3"] = None
    table["c4"] = table["c4"].astype(object)
    table.loc[15_000, "c4"] = "oops"
    table["label"] = (values[:, 5] > 0).astype(int)
    path = tmp_path / "wide.csv"
    table.to_csv(path, index=False)
    assert rows // chunk_rows(rows, 41) >= 4  # read in several chunks
    found = problems_of(str(path))
    assert any(p.startswith("column 'c0' counts the rows, 0 to 19999") for p in found)
    assert any(p.startswith("column 'c2' holds one value (5) in every row") for p in found)
    assert not any("'c1' holds one value" in p for p in found)
    assert any("column 'c4' is not numeric (row 15002: 'oops')" in p for p in found)
    assert any("3 missing cells in 3 rows" in p and "'c3' 3" in p for p in found)
    data = make_dataset(Settings(dataset="csv", csv=str(path), label="label", exclude=["c0", "c2", "c4"],
                                 missing="drop", scale="none").resolve())
    kept = np.delete(values, [0, 2, 4], axis=1)
    kept = np.delete(kept, [10_000, 10_001, 10_002], axis=0)
    assert data.X.shape == kept.shape and np.array_equal(data.X, kept)


def test_a_quoted_column_name_with_a_line_break_is_one_column_and_rows_keep_their_line_numbers(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text('"feat\none",b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n')
    dataset = make_dataset(Settings(dataset="csv", csv=str(path), label="label").resolve())
    assert dataset.feature_names == ["feat\none", "b"] and dataset.class_names == ["x", "y"]
    path.write_text('"feat\none",b,label\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n')
    with pytest.raises(DataError) as caught:
        make_dataset(Settings(dataset="csv", csv=str(path), label="label").resolve())
    assert "column 'b' is not numeric (row 4: 'oops')" in str(caught.value)  # its line in the file


def test_a_name_the_header_gives_twice_is_a_problem_and_the_columns_stay_apart(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("a,b,a,c,b,a,label\n" + "".join(f"{i},{i + 1},{i + 2},{i % 3},{i * 2},{i},{i % 2}\n"
                                                    for i in range(20)))
    found = problems_of(str(path))
    assert found[:2] == ("the header names 'a' 3 times; rename the columns so that each name is one column's",
                         "the header names 'b' 2 times; rename the columns so that each name is one column's")


def test_missing_drop_with_an_empty_column_or_no_row_left_says_what_is_wrong(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b,y\n" + "".join(f",{(i * 7) % 11},{i % 2}\n" for i in range(30)))
    assert problems_of(str(empty), missing="drop") == ("column 'a' has no value in any row; exclude=a leaves it out",)
    holes = tmp_path / "holes.csv"
    holes.write_text("a,b,y\n" + "".join(f",{(i * 7) % 11},{i % 2}\n" if i % 2 else f"{(i * 5) % 13},,{i % 2}\n"
                                          for i in range(30)))
    assert problems_of(str(holes), missing="drop") == (
        "no row is left once the rows with a missing cell are left out (missing=drop); missing=impute fills them",)


# ----- what the parsing threads work out (csv_pieces): a column's figures as if read whole


@pytest.mark.parametrize("cut", [1, 7, 500, 999])
def test_a_columns_figures_added_chunk_by_chunk_are_those_of_the_whole_column(cut):
    from engine.datasets.csv_columns import Moments

    rng = np.random.default_rng(11)
    values = rng.normal(1e6, 3.0, 1000)  # a large mean beside a small spread: what a naive sum of squares loses
    values[[3, 600]] = np.nan
    whole = Moments.of(values).stats()
    added = (Moments.of(values[:cut]) + Moments() + Moments.of(values[cut:])).stats()
    present = values[~np.isnan(values)]
    assert added["count"] == whole["count"] == 998
    assert (added["low"], added["high"]) == (present.min(), present.max())
    assert added["mean"] == pytest.approx(present.mean(), rel=1e-14)
    assert added["spread"] == pytest.approx(present.std(), rel=1e-9) and whole["spread"] == pytest.approx(present.std())


def test_a_chunk_with_an_infinite_value_makes_the_column_infinite_and_one_of_empty_cells_counts_nothing():
    from engine.datasets.csv_columns import Moments

    empty = Moments.of(np.full(4, np.nan))
    assert empty.stats() == {"count": 0, "infinite": False}
    both = Moments.of(np.array([1.0, 2.0])) + empty + Moments.of(np.array([np.inf, 3.0]))
    assert both.stats() == {"count": 4, "infinite": True, "low": 1.0, "high": np.inf}


def test_a_large_files_label_classes_and_missing_labels_are_counted_as_read(tmp_path):
    path = tmp_path / "large.csv"
    rows = ["x,y,label"] + [f"{k % 7}.5,{k % 5},{'' if k % 1000 == 17 else ('1.0' if k % 3 else '0')}"
                            for k in range(120_000)]
    path.write_text("\n".join(rows) + "\n")
    data = build(str(path), label="label", scale="none", missing="drop")
    assert data.class_names == ["0", "1"]  # "1.0" and "1" one class, whatever chunk each was read in
    assert len(data.y) == 120_000 - 120 and (data.y == 0).sum() == sum(1 for k in range(120_000) if k % 1000 != 17
                                                                      and k % 3 == 0)
    assert any(n.startswith("120 rows with missing cells left out") for n in data.notices)


def test_arrays_in_plain_pages_are_ordinary_writable_arrays():
    from engine.datasets import plain_pages

    block = plain_pages.empty((300_000, 3), np.float64, order="F")
    block[:, 1] = 2.5
    assert block.flags.writeable and block.flags.f_contiguous and block.shape == (300_000, 3)
    assert block[:, 1].sum() == 750_000.0
    assert plain_pages.empty((2,), np.int32).dtype == np.int32  # small: numpy's own
