"""A table's settings, from the one schema: missing, categorical and exclude as flags, TOML and checkpoint
values that apply to the csv dataset only; scaling standard by default for a file; the notices the command
line prints; the memory a file needs, refused before it is read."""

from pathlib import Path

import pytest

from engine import Settings, find_problems, settings_from_toml, settings_to_toml
from engine.schema import BY_NAME, default_text, from_values
from tui.cli.arguments import build_parser
from tui.main import main

DATA = Path(__file__).parent / "data"
PENGUINS = str(DATA / "penguins_messy.csv")
MESSY = ["--label", "species", "--missing", "drop", "--categorical", "onehot"]


def test_the_new_settings_take_their_words_and_apply_to_the_csv_dataset_only(capsys):
    assert BY_NAME["missing"].parse("Impute") == "impute" and BY_NAME["categorical"].parse("onehot") == "onehot"
    assert BY_NAME["exclude"].parse("id, when") == ["id", "when"]
    with pytest.raises(Exception, match="one of refuse, drop, impute"):
        BY_NAME["missing"].parse("mean")
    problems = find_problems(Settings(dataset="circles", missing="drop", exclude=["id"]))
    elsewhere = "does not apply to circles; it applies to csv"
    assert {p.subject: p.problem for p in problems} == {"exclude": elsewhere, "missing": elsewhere}
    refused = find_problems(Settings(dataset="csv", csv="x.csv", label="k", features=["a", "b"], exclude=["b", "k"]))
    assert [p.problem for p in refused] == ["names 'k', the label column; leave it out of exclude",
                                            "names b, which features names too; name a column in one of them"]
    shown = build_parser().format_help() + build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    assert "--missing" in shown and "--categorical" in shown and "--exclude" in shown


def test_a_file_is_scaled_standard_unless_told_otherwise():
    assert Settings().scale == "none" and Settings(dataset="csv").scale == "standard"
    assert from_values({"csv": "x.csv"}).scale == "standard"  # a flag or a TOML file naming a file
    assert from_values({"csv": "x.csv", "scale": "none"}).scale == "none"  # asked: kept
    assert Settings(dataset="csv").replace(dataset="moons").scale == "none"  # the default follows the dataset
    assert Settings(scale="minmax").replace(dataset="csv").scale == "minmax"  # a choice stays
    assert default_text(BY_NAME["scale"], "csv") == "standard" and default_text(BY_NAME["scale"], "moons") == "none"
    s = Settings(dataset="csv", csv="x.csv", missing="impute", categorical="onehot", exclude=["id"])
    assert settings_from_toml(settings_to_toml(s)) == s


def test_the_cli_prints_the_notices_and_keeps_the_settings_in_its_files(capsys, tmp_path):
    toml, checkpoint = tmp_path / "run.toml", tmp_path / "run.pt"
    code = main(["train", "--csv", PENGUINS, *MESSY, "--hidden", "4", "--epochs", "3", "--device", "cpu",
                 "--save-config", str(toml), "--checkpoint", str(checkpoint)])
    err = capsys.readouterr().err
    assert code == 0
    assert "annclf-tui: note: label: column 'species', 3 classes: Adelie, Chinstrap, Gentoo\n" in err
    assert "annclf-tui: note: 11 rows with missing cells left out (rows 2, 5, 36, …)" in err
    assert "annclf-tui: note: one-hot: 'island' as 3 columns (Biscoe, Dream, Torgersen), 'sex' as 2 columns" in err
    text = toml.read_text()
    assert 'missing = "drop"' in text and 'categorical = "onehot"' in text and 'scale = "standard"' in text
    assert '"island=Biscoe"' in text  # the run's columns by name: the saved settings make the same data again
    assert main(["train", "--config", str(toml), "--epochs", "2", "--device", "cpu"]) == 0
    assert main(["train", "--resume", str(checkpoint), "--epochs", "5", "--device", "cpu"]) == 0


def test_the_unnamed_index_is_left_out_saying_so_on_stderr(capsys):
    code = main(["train", "--csv", str(DATA / "saved_with_index.csv"), "--epochs", "2", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 0 and "note: column 'Unnamed: 0' (no name in the header: a saved index, most likely) is left out" \
        in err


def test_a_file_too_large_for_the_memory_is_refused_with_the_figure_before_it_is_read(capsys, monkeypatch):
    import engine.datasets.csv_reading as csv_reading
    import engine.memory

    monkeypatch.setattr(engine.memory, "available_bytes", lambda device: 50_000)
    monkeypatch.setattr(csv_reading, "read_columns", lambda *a, **k: pytest.fail("the file was read"))
    code = main(["train", "--csv", PENGUINS, *MESSY, "--epochs", "2", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"{PENGUINS}: reading it needs about 60 KiB (some 349 rows of 8 columns, estimated from its 17 KiB), " \
           "more than the 49 KiB free" in err


def test_the_estimate_grows_with_the_file():
    from engine.memory import csv_bytes

    small, rows = csv_bytes(21_000_000, 21, 3)
    large, _ = csv_bytes(105_000_000, 21, 3)
    assert rows == 1_000_000 and 2 * 21_000_000 < small < 4 * 21_000_000 and large > 4 * small


def test_a_run_of_a_csv_given_by_a_relative_path_resumes_from_anywhere_and_after_the_file_moved(tmp_path, monkeypatch,
                                                                                              capsys):
    from tui.main import main

    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    (work / "t.csv").write_text("a,b,label\n" + "".join(f"{i % 7},{(i * 3) % 5},{i % 2}\n" for i in range(60)))
    runs = ["--device", "cpu", "--runs-dir", str(tmp_path / "runs")]
    monkeypatch.chdir(work)
    assert main(["train", "--csv", "t.csv", "--hidden", "4", "--epochs", "2", "--checkpoint", "m.pt", *runs]) == 0
    monkeypatch.chdir(elsewhere)
    assert main(["train", "--resume", str(work / "m.pt"), "--epochs", "3", *runs]) == 0
    (work / "t.csv").rename(elsewhere / "moved.csv")
    capsys.readouterr()
    assert main(["train", "--resume", str(work / "m.pt"), "--epochs", "3", *runs]) == 2
    assert f"{work / 't.csv'}: no such file" in capsys.readouterr().err
    assert main(["train", "--resume", str(work / "m.pt"), "--epochs", "3", "--csv", "moved.csv", *runs]) == 0
    (elsewhere / "other.csv").write_text("a,b,label\n" + "".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(60)))
    capsys.readouterr()
    assert main(["train", "--resume", str(work / "m.pt"), "--epochs", "3", "--csv", "other.csv", *runs]) == 2
    assert "the data changed since this checkpoint was written" in capsys.readouterr().err
