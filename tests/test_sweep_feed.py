"""A sweep reports as a training session does: frozen events through a feed the client drains, the small maps
made in the sweep's thread at the size the client asked; the news as the sweep view's messages; the words
the view and the command line print; ties ranked by the test loss."""

import dataclasses
import json
import math
import re

import pytest

from engine import Settings
from engine.runs import RunStore
from engine.sweep import Sweep, SweepRun, rank
from engine.sweep_feed import SweepFeed, train
from engine.sweep_grid import Grid
from engine.training.events import ConfigurationDrawn, RunFinishedInSweep, SweepEnded, SweepProgressed
from tui.main import main

BASE = Settings(dataset="circles", samples=200, hidden=[6], epochs=15, device="cpu")


def run_of(lr, seed, accuracy, loss):
    return SweepRun(BASE.replace(lr=lr, seed=seed), "completed", accuracy, loss, 15, 0.1, None)


def test_a_sweep_reports_progress_runs_maps_and_its_end_as_frozen_events(tmp_path):
    sweep = Sweep(Grid(BASE, {"lr": [0.01, 0.1], "seed": [0, 1]}), RunStore(tmp_path))
    feed = SweepFeed()
    feed.want_maps((12, 8))
    train(sweep, feed)
    events = feed.drain()
    assert all(dataclasses.fields(e) and type(e).__dataclass_params__.frozen for e in events)
    assert events[-1] == SweepEnded(True)
    assert [e for e in events if isinstance(e, SweepProgressed)][-1] == SweepProgressed(4.0, 4)
    finished = [e for e in events if isinstance(e, RunFinishedInSweep)]
    kept, _ = RunStore(tmp_path).summaries()
    assert len(finished) == 4 and {e.run.run_id for e in finished} == {r.id for r in kept}
    # one run stands for each configuration: its first seed
    assert sorted((e.index, e.run.settings.lr, e.run.settings.seed) for e in finished if e.drawn) == [
        (0, 0.01, 0), (1, 0.1, 0)]
    drawn = [e for e in events if isinstance(e, ConfigurationDrawn)]
    assert {e.index for e in drawn if e.final} == {0, 1}
    for event in drawn:
        assert event.grid.probabilities.shape[:2] == (8, 12) and event.seeds == (("seed", 0),)
        assert not event.points.X_train.flags.writeable and not event.points.y_train.flags.writeable
        assert len(event.points.X_test) == len(event.points.y_test) and event.points.class_names


def test_no_map_is_made_unless_asked_and_the_feed_stops_the_sweep(tmp_path):
    sweep = Sweep(Grid(BASE, {"lr": [0.01, 0.1]}), RunStore(tmp_path))
    feed = SweepFeed()
    feed.stop()
    train(sweep, feed)
    events = feed.drain()
    assert events[-1] == SweepEnded(False)
    assert not any(isinstance(e, (ConfigurationDrawn, RunFinishedInSweep)) for e in events)


def test_a_failure_ends_the_sweep_with_what_went_wrong():
    class Failing:
        executor = None

        def run(self, **_):
            raise RuntimeError("CUDA out of memory")

    feed = SweepFeed()
    train(Failing(), feed)
    assert feed.drain() == [SweepEnded(False, "CUDA out of memory")]


def test_the_news_comes_as_one_message_per_kind_and_the_newest_map_of_each_configuration():
    from tui.app.messages import SweepFinished, SweepProgressArrived, SweepRunsArrived, TileArrived
    from tui.app.sweep_news import messages

    def drawn(index, epoch):
        return ConfigurationDrawn(index, None, None, 0.5, epoch, ())

    done = RunFinishedInSweep(0, run_of(0.1, 0, 0.9, 0.2), True)
    out = messages([SweepProgressed(0.5, 0), drawn(0, 1), drawn(1, 1), drawn(0, 2), done, SweepProgressed(1.0, 1),
                    SweepEnded(True)])
    assert [type(m) for m in out] == [SweepProgressArrived, TileArrived, TileArrived, SweepRunsArrived, SweepFinished]
    assert (out[0].done, out[0].runs) == (1.0, 1)
    assert [(m.drawn.index, m.drawn.epoch) for m in out[1:3]] == [(1, 1), (0, 2)]
    assert out[3].runs == (done,) and out[4].finished
    # a queued map of a configuration is dropped for a newer one of the same configuration, not of another
    assert TileArrived(drawn(0, 3)).can_replace(TileArrived(drawn(0, 2)))
    assert not TileArrived(drawn(1, 3)).can_replace(TileArrived(drawn(0, 2)))
    assert messages([]) == []


def test_configurations_that_tie_on_accuracy_rank_by_the_lower_test_loss():
    runs = [run_of(0.1, 0, 0.9, 0.30), run_of(0.2, 0, 0.9, 0.10), run_of(0.3, 0, 0.95, 0.5),
            run_of(0.4, 0, 0.9, math.nan), run_of(0.5, 0, 0.9, 0.20)]
    assert [row.values["lr"] for row in rank(runs, ["lr"])] == [0.3, 0.2, 0.5, 0.1, 0.4]


def test_the_command_line_ranks_a_tie_by_test_loss(capsys, tmp_path):
    # well apart blobs: every learning rate gets them all right, the larger ones with a lower loss
    out_json = tmp_path / "s.json"
    code = main(["sweep", "--dataset", "blobs", "--cluster-std", "0.3", "--samples", "200", "--hidden", "8",
                 "--lr", "0.01,0.03,0.1", "--epochs", "60", "--device", "cpu", "--runs-dir", str(tmp_path / "runs"),
                 "--json", str(out_json)])
    out = capsys.readouterr().out
    rows = json.loads(out_json.read_text())["configurations"]
    assert code == 0 and {r["test_accuracy"]["mean"] for r in rows} == {1.0}
    losses = [r["test_loss"] for r in rows]
    assert losses == sorted(losses) and rows[0]["settings"]["lr"] == 0.1
    printed = [line.split("│")[1].strip() for line in out.splitlines() if "±" in line]
    assert printed == ["0.1", "0.03", "0.01"]


def test_counts_are_worded_in_the_singular_and_the_plural(capsys, tmp_path):
    from tui.app.views.sweep import count_line, page_parts, status_parts

    assert count_line(Grid(BASE, {"seed": list(range(10))})) == "[b]10 runs[/b]: 10 seeds"
    assert count_line(Grid(BASE, {"lr": [0.01, 0.1], "seed": [0, 1]})) == "[b]4 runs[/b]: 2 learning rates × 2 seeds"
    assert count_line(Grid(BASE, {"lr": [0.1]})) == "[b]1 run[/b]: one configuration"
    assert page_parts(0, 1, 1, (), 1)[0][0] == "1 configuration"
    assert status_parts(1, (1.0, 1), "finished")[0][0] == "1 of 1 run kept"
    code = main(["sweep", "--dataset", "circles", "--samples", "200", "--epochs", "5", "--device", "cpu",
                 "--runs-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "1 run, 5 epochs in all" in out and re.search(r"\): 1 run\s*$", out, re.M)


def test_the_time_column_says_that_a_stack_shares_its_time(capsys, tmp_path):
    # three learning rates trained in one stack: each run's time is a share of the stack's, and the table says so
    code = main(["sweep", "--dataset", "circles", "--samples", "200", "--epochs", "20", "--lr", "0.01,0.03,0.1",
                 "--device", "cpu", "--runs-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "time (shared)" in out
    assert "time (shared): same-shape runs train as one stack and share its time" in out


def test_a_tiles_title_leads_with_the_accuracy_to_the_tables_precision_and_names_the_setting():
    from tui.app.views.sweep import page_parts, tile_title

    row = rank([run_of(0.3, s, a, 0.1) for s, a in ((0, 0.9), (1, 0.95), (2, 0.97))], ["lr"])[0]
    title = tile_title((("lr", 0.3),), row, None, 3, False)
    assert title == f"{row.mean:.3f}±{row.std:.3f} lr 0.3".replace("0.", ".", 2)  # ".940±.036 lr 0.3"
    assert len(title) <= 16  # a tile of the least width (22 columns) shows it whole
    live = ConfigurationDrawn(0, None, None, 0.875, 40, (("seed", 0),))
    assert tile_title((("lr", 0.3), ("hidden", [16, 16])), None, live, 3, True) == "✓ .875… lr 0.3 hid 16,16"
    # the maps are one seed's, the titles the mean over the seeds: the line under the maps says which
    words = " · ".join(text for text, _ in page_parts(0, 1, 2, (("seed", 0),), 3))
    assert "maps: seed 0" in words and "titles: mean ± std over 3 seeds" in words


def test_a_seed_sweeps_runs_carry_their_seed_in_their_name(tmp_path):
    sweep = Sweep(Grid(BASE.replace(epochs=3), {"seed": [0, 1, 2]}), RunStore(tmp_path))
    assert sweep.run()
    names = sorted(r.name for r in RunStore(tmp_path).summaries()[0])
    assert [name.rsplit(" ", 2)[-2:] for name in names] == [["seed", "0"], ["seed", "1"], ["seed", "2"]]


def test_the_data_s_notices_reach_the_sweep_view_once_each(tmp_path):
    from pathlib import Path

    from tui.app import sweep_news
    from tui.app.messages import SweepNotices
    from engine.training.events import SweepNoticed

    data = str(Path(__file__).parent / "data" / "saved_with_index.csv")
    settings = Settings(dataset="csv", csv=data, hidden=[4], epochs=2, device="cpu")
    sweep = Sweep(Grid(settings, {"lr": [0.01, 0.03], "seed": [0, 1]}), RunStore(tmp_path))
    feed = SweepFeed()
    train(sweep, feed)
    events = feed.drain()
    noticed = [e.text for e in events if isinstance(e, SweepNoticed)]
    assert noticed == sweep.notices and any("a saved index, most likely" in text for text in noticed)
    messages = [m for m in sweep_news.messages(events) if isinstance(m, SweepNotices)]
    assert len(messages) == 1 and list(messages[0].texts) == noticed
