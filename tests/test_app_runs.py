"""Kept runs in the app: listed after training, reopened and continued, renamed, deleted, compared."""

import pytest
from textual.widgets import Input, Static

from engine import Settings, TrainingSession
from engine.runs import RunStore
from tui.app import AnnclfApp
from tui.messages import RunState
from tui.screens.ask import Confirm
from tui.screens.compare import CompareScreen
from tui.widgets.decision_map import DecisionMap

from pilot_helpers import notices, ready, shown_text, train, wait_until

QUICK = Settings(dataset="circles", samples=300, hidden=[8], epochs=60, device="cpu")


def kept(tmp_path):
    runs, problems = RunStore(tmp_path / "runs").summaries()
    assert not problems
    return runs


@pytest.mark.asyncio
async def test_a_trained_run_is_kept_listed_and_survives_a_restart(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 1 and app.focused is table)
        assert table.runs[0].epochs == 60 and table.runs[0].name.startswith("circles 8 relu")
        assert "circles 8 relu" in shown_text(table)
    again = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with again.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: len(again.runs_view.table.runs) == 1)


@pytest.mark.asyncio
async def test_reopen_and_continue_replaces_the_run_with_the_longer_one(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        first = app.runner.session
        await pilot.press("f8")  # a fresh model: the kept run is not it
        await wait_until(pilot, lambda: app.runner.session is not first and app.runner.state == RunState.READY)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.runner.session.history.epoch == 60 and app.tabs.active == "train")
        await wait_until(pilot, lambda: len(app.training.curves.records) == 60)
        await wait_until(pilot, lambda: any("raise epochs" in n for n in notices(app)))
        app.query_one("#input-epochs", Input).value = "90"
        await pilot.press("escape")
        await train(pilot, 90)
        await wait_until(pilot, lambda: app.runs_view.table.runs and app.runs_view.table.runs[0].epochs == 90)
        assert len(kept(tmp_path)) == 1
        assert app.runner.session.history.marks[-1].note == "epochs 60 → 90"


@pytest.mark.asyncio
async def test_a_reopened_run_with_epochs_to_go_says_how_far_f5_takes_it(tmp_path):
    store = RunStore(tmp_path / "runs")
    session = TrainingSession(QUICK.replace(epochs=500))
    session.run(on_epoch=lambda r: session.controls.stop() if r.epoch == 40 else None)
    store.keep(session)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
        assert "stopped" in shown_text(app.runs_view.table)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("at epoch 40: F5 continues it to epoch 500" in n for n in notices(app)))
        assert not any("raise epochs" in n for n in notices(app))


@pytest.mark.asyncio
async def test_a_run_reset_and_trained_again_replaces_its_own_row(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        for _ in range(3):  # train, F8, train, F8, train: one run, not three identical rows
            await train(pilot, 60)
            session = app.runner.session
            await pilot.press("f8")
            await wait_until(pilot, lambda: app.runner.session is not session and app.runner.state == RunState.READY)
        assert len(kept(tmp_path)) == 1
        [run] = kept(tmp_path)
        RunStore(tmp_path / "runs").rename(run.id, "the first")  # a run with a name of yours is kept apart
        await train(pilot, 60)
        assert sorted(r.name for r in kept(tmp_path)) == ["circles 8 relu adam lr 0.01", "the first"]


@pytest.mark.asyncio
async def test_f8_and_f9_while_running_both_stop_keep_the_run_then_act(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        trained = []
        for key in ("f8", "f9"):
            await pilot.press("f5")
            session = app.runner.session
            await wait_until(pilot, lambda: session.history.epoch > 5)
            seed = app.query_one("#input-data_seed", Input).value
            await pilot.press(key)
            await wait_until(pilot, lambda: app.runner.session is not session and app.runner.state == RunState.READY)
            trained.append(session.history.epoch)
            assert session.outcome.reason == "stopped" and app.runner.session.history.epoch == 0
            assert (app.query_one("#input-data_seed", Input).value != seed) == (key == "f9")
            assert not notices(app)  # nothing to read: the status line says what happens
        runs = kept(tmp_path)
        assert {r.stopped for r in runs} == {"stopped"}
        # the reset model's run takes the place of the first only if it trained as far
        assert sorted(r.epochs for r in runs) == ([trained[1]] if trained[1] >= trained[0] else sorted(trained))


@pytest.mark.asyncio
async def test_rapid_keys_act_in_the_order_pressed_and_stack_no_notices(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await ready(pilot)
        first, seed = app.runner.session, app.query_one("#input-data_seed", Input).value
        await pilot.press("f5", "f5", "f5", "f8", "f9", "f5")
        # start, pause, resume; F8 stops the run (kept) and the keys after it wait their turn: reset, new
        # data, then the last F5 trains the new model
        await wait_until(pilot, lambda: app.runner.state == RunState.RUNNING and app.runner.session is not first
                         and app.runner.session.history.epoch > 5)
        assert app.runner.session.settings.data_seed != first.settings.data_seed
        assert app.query_one("#input-data_seed", Input).value not in (seed, "")
        # the model training is the one on the new sample, the seed the form shows
        assert app.runner.session.settings.data_seed == int(app.query_one("#input-data_seed", Input).value)
        assert first.outcome.reason == "stopped" and [r.stopped for r in kept(tmp_path)] == ["stopped"]
        assert not notices(app) and "cancelled" not in shown_text(app.training.status)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)


@pytest.mark.asyncio
async def test_f5_twice_before_the_first_took_effect_pauses_one_run_never_starts_two(tmp_path):
    app = AnnclfApp(QUICK.replace(epochs=1_000_000), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        session = app.runner.session
        await pilot.press("f5", "f5")
        await wait_until(pilot, lambda: app.runner.state == RunState.PAUSED)
        at = session.history.epoch
        await pilot.pause(0.3)
        assert session.history.epoch == at  # paused, and no second thread trains the same model
        assert [r.epoch for r in session.history.records] == list(range(1, at + 1))
        await pilot.press("f6", "f6", "f6", "f6", "f6")  # five single epochs, pressed at once
        await wait_until(pilot, lambda: session.history.epoch == at + 5)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.runner.training is None)
        assert [r.epoch for r in session.history.records] == list(range(1, at + 6))


@pytest.mark.asyncio
async def test_rename_and_delete_from_the_runs_view(tmp_path):
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 1)
        await pilot.press("n")
        await wait_until(pilot, lambda: len(app.screen.query("#ask-name")) == 1)
        app.screen.query_one("#ask-name", Input).value = "eight units"
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.runs and table.runs[0].name == "eight units")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Delete the run 'eight units'" in shown_text(app.screen.query_one(Static))
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert len(table.runs) == 1
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: table.runs == [])
        assert not list((tmp_path / "runs").iterdir())


@pytest.mark.asyncio
async def test_names_use_the_width_there_is(tmp_path):
    store = RunStore(tmp_path / "runs")
    session = TrainingSession(QUICK.replace(epochs=5))
    session.run()
    long_name = "a long name someone gave this run to say what it shows"
    store.rename(store.keep(session).id, long_name)
    for width, whole in ((80, False), (160, True)):
        app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.press("u")
            await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 1)
            await pilot.pause()
            assert (long_name in shown_text(app.runs_view.table)) == whole
            assert "a long name" in shown_text(app.runs_view.table)


@pytest.mark.asyncio
async def test_compare_two_marked_runs_maps_ready_titles_saying_what_differs(tmp_path):
    app = AnnclfApp(QUICK.replace(hidden=[2]), output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        app.query_one("#input-hidden", Input).value = "32,32"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.runner.session.settings.hidden == [32, 32] and app.runner.state == RunState.READY)
        await train(pilot, 60)
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 2)
        await pilot.press("c")  # one run is not a comparison
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        await pilot.press("space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), tries=1000)
        screen = app.screen
        maps = list(screen.query(DecisionMap))
        assert len(maps) == 2 and all(m.data.probabilities is not None for m in maps)  # with the view, not later
        from rich.text import Text

        assert [Text.from_markup(str(m.border_title)).plain for m in maps] == ["1 hidden layers 2", "2 hidden layers 32,32"]
        table = shown_text(screen.query_one("#compare-table", Static))
        assert "hidden layers" in table and "32,32" in table and "test accuracy" in table
        assert "learning rate" not in table  # only what differs
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CompareScreen))


@pytest.mark.asyncio
async def test_ctrl_o_exports_the_run_without_overwriting(tmp_path):
    import csv

    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await train(pilot, 60)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: len(list(tmp_path.glob("annclf-*"))) == 5)
        await pilot.press("ctrl+o")  # a second export in the same second gets a name of its own
        await wait_until(pilot, lambda: len(list(tmp_path.glob("annclf-*"))) == 10)
    metrics = next(tmp_path.glob("annclf-*.metrics.csv"))
    assert len(list(csv.DictReader(metrics.open()))) == 60
    script = next(tmp_path.glob("annclf-*.py"))
    compile(script.read_text(), str(script), "exec")
    assert {p.name.split(".", 1)[1] for p in tmp_path.glob("annclf-*")} == {
        "metrics.csv", "json", "data.csv", "toml", "py"}


def test_every_palette_action_is_an_action_of_the_app():
    from tui.keys import palette_entries

    for _, action in palette_entries():
        assert hasattr(AnnclfApp, "action_" + action.split("(")[0]), action


@pytest.mark.asyncio
async def test_early_stopping_and_the_schedule_show_on_the_curves_and_status(tmp_path):
    settings = QUICK.replace(epochs=2000, lr=0.05, patience=15, schedule="step", step_size=20, gamma=0.5)
    app = AnnclfApp(settings, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 32)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.runner.training is None and app.runner.session.history.epoch > 0
                         and app.runner.run_id is not None)
        session = app.runner.session
        await wait_until(pilot, lambda: len(app.training.curves.records) == session.history.epoch)
        assert session.history.epoch < 2000 and "early stop" in session.history.marks[-1].note
        assert app.training.curves.best_epoch == session.best_epoch < session.history.epoch
        status = shown_text(app.training.status)
        assert f"best {session.best_epoch}" in status
        assert f"lr {session.history.records[-1].lr:.3g}" in status and session.history.records[-1].lr < 0.05


def write_csv(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n")
    return path


async def open_csv_by_keys(pilot, path) -> None:
    """o, the path typed, Enter; then Enter on the column offered first (the last one) as the label."""
    app = pilot.app
    await ready(pilot)
    await pilot.press("o")
    await wait_until(pilot, lambda: len(app.screen.query("#csv-path")) == 1)
    app.screen.query_one("#csv-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: len(app.screen.query("#columns")) == 1)
    await pilot.press("enter")


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
        await wait_until(pilot, lambda: app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY)
        session = app.runner.session
        assert session.dataset.feature_names == ["a", "b", "c", "d"] and session.class_names == ["green", "red"]
        assert "a (x) × b (y)" in app.training.map.border_title
        assert "● green  ● red" in shown_text(app.training.legend)
        from tui.widgets.class_legend import legend_line

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
        assert decision_map.border_title == "decision map" and not notices(app)


@pytest.mark.asyncio
async def test_a_csv_with_a_text_column_says_which_column(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["a", "b", "label"], [[1, "x", 0], [2, "y", 1], [3, "z", 0], [4, "w", 1]])
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_csv_by_keys(pilot, path)
        await wait_until(pilot, lambda: any("'b' is not numeric" in n for n in notices(app)))
        assert any(n.startswith("cannot use this data") for n in notices(app))
        assert app.runner.session.settings.dataset == "circles"  # the last good data stays...
        assert "data: bad.csv: column 'b' is not numeric" in shown_text(app.training.status)
        # ...and the status line says, until the form's data can be made, why the map shows the old one


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
async def test_the_compare_table_is_a_page_down_away_at_80x24(tmp_path):
    store = RunStore(tmp_path / "runs")
    ids = []
    for hidden in ([2], [16, 16], [16, 16, 16]):
        session = TrainingSession(QUICK.replace(hidden=hidden, epochs=20))
        session.run()
        ids.append(store.keep(session).id)
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        await wait_until(pilot, lambda: len(app.runs_view.table.runs) == 3)
        await pilot.press("space", "down", "space", "down", "space", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), tries=1000)
        scroll = app.screen.query_one("#compare")
        table = app.screen.query_one("#compare-table", Static)
        await pilot.press("end")
        await wait_until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y > 0)
        assert table.region.bottom <= app.screen.region.bottom
        assert "test accuracy" in shown_text(table)


@pytest.mark.asyncio
async def test_a_damaged_run_folder_is_listed_as_damaged_and_can_be_deleted(tmp_path):
    import shutil

    store = RunStore(tmp_path / "runs")
    session = TrainingSession(QUICK.replace(epochs=5))
    session.run()
    good = store.keep(session)
    shutil.copytree(tmp_path / "runs" / good.id, tmp_path / "runs" / "a-copy")  # the same id inside
    (tmp_path / "runs" / "zz-broken").mkdir()
    (tmp_path / "runs" / "zz-broken" / "summary.json").write_text("{not json")
    app = AnnclfApp(QUICK, output_dir=tmp_path, runs_dir=tmp_path / "runs")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.press("u")
        table = app.runs_view.table
        await wait_until(pilot, lambda: len(table.runs) == 2 and len(table.damaged) == 1)
        text = shown_text(table)
        assert "zz-broken: summary.json is not valid JSON" in text and "damaged" in text
        assert "DuplicateKey" not in " ".join(notices(app))
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: any("zz-broken is damaged" in n and "d deletes it" in n for n in notices(app)))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: not table.damaged)
        assert not (tmp_path / "runs" / "zz-broken").exists() and len(table.runs) == 2
