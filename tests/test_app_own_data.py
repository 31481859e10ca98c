"""Your own data in the app: a CSV picked by keys, its classes named, its map sliced, and what a bad file or
path says."""

import pytest
from textual.widgets import Input

from engine import Settings
from tui.app.app import AnnclfApp
from tui.app.messages import RunState

from pilot_helpers import notices, ready, shown_text, train, wait_until

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=60, device="cpu")


def write_csv(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n")
    return path


async def open_csv_by_keys(pilot, path, *label_keys: str) -> None:
    """o, the path typed, Enter; then the label column: `label_keys` in the column list (none: Enter on the
    column offered first, the last one)."""
    app = pilot.app
    await ready(pilot)
    await pilot.press("o")
    await wait_until(pilot, lambda: len(app.screen.query("#csv-path")) == 1)
    app.screen.query_one("#csv-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: len(app.screen.query("#columns")) == 1)
    await pilot.press(*label_keys, "enter")


@pytest.mark.asyncio
async def test_your_own_csv_picked_by_keys_its_map_sliced_and_its_classes_named_in_the_legend(tmp_path):
    import numpy as np

    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 4)).round(4)
    rows = [[*x, "red" if x[0] + x[2] > 0 else "green"] for x in X]
    path = write_csv(tmp_path / "four.csv", ["a", "b", "c", "d", "colour"], rows)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_csv_by_keys(pilot, path)
        # the view has the session once it has taken the runner's message, which may be after the runner is ready
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY
                         and app.training.session is app.runner.session)
        session = app.runner.session
        assert session.dataset.feature_names == ["a", "b", "c", "d"] and session.class_names == ["green", "red"]
        assert "a (x) × b (y)" in app.training.map.border_title
        assert "● green  ● red" in shown_text(app.training.legend)
        from tui.app.widgets.class_legend import legend_line

        line = legend_line(session.class_names, False, 80)
        red = next(span for span in line.spans if line.plain[span.end:].startswith(" red"))
        assert red.style.color.triplet == (214, 39, 40)  # a class called red is drawn red
        await pilot.press("x")
        await wait_until(pilot, lambda: "c (x) × b (y)" in app.training.map.border_title)
        await train(pilot, QUICK.epochs)
        await wait_until(pilot, lambda: app.training.map.data.probabilities is not None)
        assert session.history.records[-1].test_accuracy > 0.8


@pytest.mark.asyncio
async def test_the_map_draws_again_after_leaving_a_csv_whose_slice_it_used(tmp_path):
    import numpy as np

    rng = np.random.default_rng(2)
    X = rng.normal(size=(150, 3)).round(4)
    path = write_csv(tmp_path / "three.csv", ["a", "b", "c", "k"], [[*x, int(x[2] > 0)] for x in X])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY)
        await pilot.press("x")  # the map spans c (feature 2) × b
        await wait_until(pilot, lambda: "c (x) × b (y)" in app.training.map.border_title)
        app.apply_preset(Settings(dataset="blobs", classes=4, hidden=[16], epochs=40, device="cpu"))
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "blobs" and app.runner.state == RunState.READY)
        await train(pilot, 40)
        decision_map = app.training.map
        await wait_until(pilot, lambda: decision_map.data.probabilities is not None
                         and decision_map.data.probabilities.shape[2] == 4)
        assert decision_map.border_title == "decision map"
        assert [n for n in notices(app) if not n.startswith("your data")] == []  # no failure, only the file's notes


@pytest.mark.asyncio
async def test_a_csv_with_a_text_column_says_which_column(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["a", "b", "label"], [[1, "x", 0], [2, "y", 1], [3, "z", 0], [4, "w", 1]])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_csv_by_keys(pilot, path)
        # the file just chosen: its problem comes up with its fixes, not as a notice under the dialog
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TableProblemsScreen")
        await pilot.pause()
        problems = [shown_text(w) for w in app.screen.query(".table-problem")]
        assert len(problems) == 1 and "column 'b' is not numeric" in problems[0]
        assert not [n for n in notices(app) if "is not numeric" in n]
        await pilot.press("escape")
        assert app.runner.session.settings.dataset == "circles"  # the last good data stays...
        assert "data: bad.csv: column 'b' is not numeric" in shown_text(app.training.status)
        # ...and the status line says, until the form's data can be made, why the map shows the old one
        app.training.form.field("missing").write("drop")  # the form edited, the file still refused:
        await wait_until(pilot, lambda: any("'b' is not numeric" in n for n in notices(app)))
        assert type(app.screen).__name__ != "TableProblemsScreen"  # a notice, no dialog over the form


@pytest.mark.asyncio
async def test_a_wrong_path_in_the_file_dialog_is_said_there_and_kept_to_mend(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: len(app.screen.query("#csv-path")) == 1)
        field = app.screen.query_one("#csv-path", Input)
        field.value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "no such file" in " ".join(shown_text(app.screen.query_one("#csv-problem")).split()))
        assert field.value == str(tmp_path / "nope.csv") and app.screen.query("#csv-tree")  # still open


@pytest.mark.asyncio
async def test_transforms_of_a_csv_of_three_columns_are_refused_and_its_inputs_field_says_why(tmp_path):
    import numpy as np

    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 3)).round(4)
    path = write_csv(tmp_path / "three.csv", ["a", "b", "c", "k"], [[*x, int(x[0] > 0)] for x in X])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY)
        field = app.screen.query_one("#input-inputs", Input)
        assert "apply only to a file of two feature columns" in str(field.tooltip)
        field.value = "x1^2"
        await wait_until(pilot, lambda: "need exactly two raw features" in shown_text(app.training.status))
        assert "inputs: the transforms (x1^2)" in shown_text(app.training.status)
        app.training.form.field("dataset").write("moons")  # two features: the transforms are back
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "moons"
                         and app.runner.session.split.input_names == ("x1^2",))
        assert "two feature columns" not in str(field.tooltip)


@pytest.mark.asyncio
async def test_a_file_of_three_features_shows_its_columns_as_the_inputs_and_a_file_that_fails_shows_no_old_map(
        tmp_path):
    import numpy as np

    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 3)).round(4)
    good = write_csv(tmp_path / "three.csv", ["a", "b", "c", "k"], [[*x, int(x[1] > 0)] for x in X])
    bad = write_csv(tmp_path / "bad.csv", ["a", "b", "name", "k"], [[*x[:2], "word", int(x[1] > 0)] for x in X])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_csv_by_keys(pilot, good)
        await wait_until(pilot, lambda: app.training.session is app.runner.session
                         and app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY)
        await pilot.pause()
        inputs = app.query_one("#field-inputs")
        assert shown_text(inputs.query_one(".field-fixed")).strip() == "a, b, c"
        assert not inputs.query_one("#input-inputs").display  # not "x1,x2", which is not what the model takes
        await wait_until(pilot, lambda: app.training.map.data is not None)
        app.query_one("#input-csv", Input).value = str(bad)
        await wait_until(pilot, lambda: app.training.data_problem is not None)
        await pilot.pause()
        assert app.training.map.data is None and "no data" in app.training.map.border_title
        line = shown_text(app.training.status)
        assert "'name'" in line and "--" not in line  # the app's words, not the command line's flags
        app.query_one("#input-csv", Input).value = str(good)  # back to the data of the session: shown again
        await wait_until(pilot, lambda: app.training.data_problem is None and app.training.map.data is not None)


@pytest.mark.asyncio
async def test_choosing_a_csv_scales_it_standard_and_its_notices_are_shown(tmp_path):
    import numpy as np

    rng = np.random.default_rng(4)
    X = rng.normal(size=(120, 2)).round(4)
    path = write_csv(tmp_path / "two.csv", ["", "a", "b", "k"], [[i, *x, int(x[1] > 0)] for i, x in enumerate(X)])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: app.training.session is app.runner.session
                         and app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY)
        assert app.runner.session.settings.scale == "standard"  # the form followed the data's default
        await wait_until(pilot, lambda: any("left out" in n for n in notices(app)))  # the saved index column


@pytest.mark.asyncio
async def test_x_and_y_span_numeric_features_only_and_a_text_column_is_held_at_its_most_frequent_category(tmp_path):
    import numpy as np

    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3)).round(4)
    shapes = rng.choice(["round", "square", "square", "star"], size=200)
    rows = [[*x, shape, "red" if x[0] + x[2] > 0 else "green"] for x, shape in zip(X, shapes)]
    path = write_csv(tmp_path / "shapes.csv", ["a", "b", "c", "shape", "colour"], rows)
    app = AnnclfApp(QUICK.replace(categorical="onehot"), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY
                         and app.training.session is app.runner.session)
        names = app.runner.session.dataset.feature_names
        assert names == ["a", "b", "c", "shape=round", "shape=square", "shape=star"]
        title = app.training.map.border_title
        assert "a (x) × b (y)" in title and "most frequent category" in title
        await pilot.press("x")
        await wait_until(pilot, lambda: "c (x) × b (y)" in app.training.map.border_title)
        await pilot.press("x")  # past the one-hot columns (0 or 1: no axis) and b (the y axis) to a
        await wait_until(pilot, lambda: "a (x) × b (y)" in app.training.map.border_title)
        await pilot.press("y")
        await wait_until(pilot, lambda: "a (x) × c (y)" in app.training.map.border_title)


async def open_penguins(pilot, tmp_path):
    """o, the shipped penguins table (text columns, missing cells), its first column as the label."""
    import shutil
    from pathlib import Path

    path = shutil.copy(Path(__file__).parent / "data" / "penguins_messy.csv", tmp_path / "penguins.csv")
    app = pilot.app
    await open_csv_by_keys(pilot, path, "home")  # species, the first column
    await wait_until(pilot, lambda: type(app.screen).__name__ == "TableProblemsScreen", tries=600)
    await pilot.pause()


@pytest.mark.asyncio
async def test_a_messy_table_brings_up_all_its_problems_with_fixes_and_a_applies_the_first_of_each(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_penguins(pilot, tmp_path)
        shown = " ".join(shown_text(w) for w in app.screen.query(".table-problem, RadioButton"))
        assert "penguins.csv: 3 problems" in app.screen.query_one("#table-problems-box").border_title
        for words in ("column 'island' is not numeric", "column 'sex' is not numeric", "19 missing cells in 11 rows",
                      "one-hot encode the text columns", "leave column 'island' out", "leave the 11 rows with a missing",
                      "impute them from the training rows"):
            assert words in shown
        await pilot.press("a")
        await wait_until(pilot, lambda: app.runner.session is not None and app.runner.session.settings.dataset == "csv"
                         and app.runner.state == RunState.READY, tries=600)
        settings = app.runner.session.settings
        assert (settings.missing, settings.categorical, settings.exclude) == ("drop", "onehot", None)
        assert len(app.runner.session.dataset.y) == 344 - 11  # the rows with a missing cell left out
        assert "island=Dream" in app.runner.session.dataset.feature_names
        assert app.training.form.field("missing").read() == "drop"  # the form says what the data is made with
        await train(pilot, QUICK.epochs)
        assert app.runner.session.history.records[-1].test_accuracy > 0.9


@pytest.mark.asyncio
async def test_choices_in_the_table_dialog_leave_a_column_out_and_impute_and_escape_changes_nothing(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_penguins(pilot, tmp_path)
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ != "TableProblemsScreen")
        assert app.training.form.field("missing").read() == "refuse"  # Escape: the settings as they were
        assert "3 problems" in shown_text(app.training.status)  # and the status line still says why
        await open_penguins(pilot, tmp_path)
        # island: the second choice (leave it out); sex: left at its first (one-hot);
        # the missing cells: the second choice (impute)
        await pilot.press("down", "enter", "tab", "tab", "down", "enter")
        await pilot.press("a")
        await wait_until(pilot, lambda: app.runner.session is not None and app.runner.session.settings.dataset == "csv"
                         and app.runner.state == RunState.READY, tries=600)
        settings = app.runner.session.settings
        assert (settings.missing, settings.categorical, settings.exclude) == ("impute", "onehot", ["island"])
        names = app.runner.session.dataset.feature_names
        assert len(app.runner.session.dataset.y) == 344 and "sex=male" in names
        assert not [n for n in names if n.startswith("island")]


def test_the_chosen_fixes_become_settings_a_column_left_out_added_to_those_already():
    from engine.errors import Fix
    from tui.app.screens.table_problems import changes

    fixes = [Fix("categorical", "onehot", ""), Fix("exclude", "island", ""), Fix("missing", "impute", ""),
             Fix("exclude", "id", ""), Fix("exclude", "island", "")]
    assert changes(fixes, ["when"]) == {"categorical": "onehot", "missing": "impute", "exclude": ["when", "island", "id"]}
    assert changes([Fix("missing", "drop", "")], None) == {"missing": "drop"}
    assert changes([], ["id"]) == {}


@pytest.mark.asyncio
async def test_a_messy_file_given_at_launch_brings_up_its_fixes_once_and_f5_brings_them_back(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from tui.cli.arguments import build_parser, settings_from_args

    shutil.copy(Path(__file__).parent / "data" / "penguins_messy.csv", tmp_path / "penguins.csv")

    # as `annclf-tui --csv penguins.csv` makes them, in the file's folder
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["--csv", "penguins.csv", "--hidden", "8", "--epochs", "60", "--device", "cpu"])
    app = AnnclfApp(settings_from_args(args, resolve=False), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        # `annclf-tui --csv FILE`: a file chosen on the command line, as one chosen by keys
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TableProblemsScreen", tries=600)
        # the form mounted, and its settings taken in once typing would have paused (the same file: not refused twice)
        await wait_until(pilot, lambda: len(app.query("SettingField")) > 0 and app.runner._rebuild_at is None
                         and not app.runner.building)
        await pilot.pause()
        assert not [n for n in notices(app) if "not numeric" in n]  # the dialog says it, no notice under it
        await pilot.press("escape")  # the settings as they are: the file stays refused
        await wait_until(pilot, lambda: type(app.screen).__name__ != "TableProblemsScreen")
        await pilot.press("f5")  # asked to train it as it is: its fixes again, not the same notice
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TableProblemsScreen", tries=600)
        assert not [n for n in notices(app) if "not numeric" in n]
        await pilot.press("a")
        await wait_until(pilot, lambda: app.runner.session is not None and app.runner.session.settings.dataset == "csv"
                         and app.runner.state == RunState.READY, tries=600)
        assert app.runner.session.settings.categorical == "onehot"
