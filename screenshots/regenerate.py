"""Draw the SVGs in this folder from the real app, driven by its keys in a headless terminal.

Run from the project root: `.venv/bin/python screenshots/regenerate.py`
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from engine import Settings
from tui.app.app import AnnclfApp
from tui.app.messages import RunState

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)


async def until(pilot, condition, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise SystemExit("the app never reached the state to draw")


async def ready(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: app.runner.state == RunState.READY and app.training.map.data is not None
                and len(app.query("Input")) > 0)


async def finish(pilot) -> None:
    app = pilot.app
    session = app.runner.session
    await pilot.press("f5")
    await until(pilot, lambda: app.runner.training is None and session.outcome is not None
                and app.runner.run_id is not None)  # trained and kept
    await pilot.pause(0.5)


async def quiet(pilot) -> None:
    pilot.app.clear_notifications()
    await pilot.pause(0.2)


async def shoot(name: str, settings: Settings, drive, theme: str | None = None) -> None:
    app = AnnclfApp(settings, runs_dir=tempfile.mkdtemp(prefix="annclf-screenshots-"))  # not the user's runs
    async with app.run_test(size=SIZE) as pilot:
        if theme:
            app.theme = theme
        await ready(pilot)
        await drive(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"screenshots/{name}.svg")


async def circles_mid_training(pilot) -> None:
    app = pilot.app
    await pilot.press("f5")
    await until(pilot, lambda: app.runner.session.history.epoch >= 300)
    await pilot.press("f5")  # pause: the picture is of a run in progress
    await pilot.pause(0.5)
    await quiet(pilot)


async def blobs_trained(pilot) -> None:
    await finish(pilot)
    await quiet(pilot)


async def report(pilot) -> None:
    await finish(pilot)
    pilot.app.set_focus(None)
    await pilot.press("r")
    await pilot.pause(0.5)
    await quiet(pilot)


async def network(pilot) -> None:
    """The network view of a trained spiral model, a unit of the second hidden layer selected."""
    app = pilot.app
    await finish(pilot)
    app.set_focus(None)
    await pilot.press("w")
    view = app.query_one("#network-view")
    await until(pilot, lambda: view.picture is not None and view.epoch == app.runner.session.history.epoch)
    await pilot.press("right", "down", "down")
    await pilot.pause(0.5)
    await quiet(pilot)


async def sweep(pilot) -> None:
    """The tutorials' underfit / fit / overfit comparison over three seeds, ranked."""
    app = pilot.app
    app.set_focus(None)
    await pilot.press("s")
    await pilot.pause(0.3)
    app.query_one("#sweep-hidden").value = "2;10,10;64,64"
    app.query_one("#sweep-seed").value = "0..2"
    await pilot.pause(0.3)
    await pilot.press("escape", "f5")
    view = app.query_one("#sweep-view")
    await until(pilot, lambda: view.ended == "finished", 300)
    await pilot.pause(1.0)
    await quiet(pilot)


async def help_overlay(pilot) -> None:
    await pilot.press("f1")
    await pilot.pause(0.3)


async def compare(pilot) -> None:
    """The issue's story: 2 hidden units, then 1024,1024, then 1024,1024 without non-linearity."""
    app = pilot.app
    for hidden, activation in (([2], "relu"), ([1024, 1024], "relu"), ([1024, 1024], "identity")):
        app.training.form.field("hidden").write(hidden)
        app.training.form.field("activation").write(activation)
        await until(pilot, lambda: app.runner.session.settings.hidden == hidden
                    and app.runner.session.settings.activation == activation and app.runner.state == RunState.READY)
        count = len(app.runs_view.table.runs)
        await finish(pilot)
        await until(pilot, lambda: len(app.runs_view.table.runs) == count + 1)
    app.set_focus(None)
    await pilot.press("u", "space", "down", "space", "down", "space", "c")
    await until(pilot, lambda: app.screen.query("DecisionMap") and all(
        m.data is not None and m.data.probabilities is not None for m in app.screen.query("DecisionMap")))
    await pilot.pause(0.5)
    await quiet(pilot)


def four_feature_csv() -> Path:
    """Measurements of three kinds of thing, four columns each: a stand-in for a user's own file."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=600, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, class_sep=1.6, random_state=4)
    path = Path(tempfile.mkdtemp(prefix="annclf-screenshots-")) / "measurements.csv"
    kinds = ("alpha", "beta", "gamma")
    lines = ["length,width,depth,weight,kind"] + [",".join(f"{v:.3f}" for v in row) + f",{kinds[k]}"
                                                  for row, k in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    return path


async def csv_run(pilot) -> None:
    app = pilot.app
    path = four_feature_csv()
    app.set_focus(None)
    await pilot.press("o")
    await until(pilot, lambda: len(app.screen.query("#csv-path")) == 1)
    app.screen.query_one("#csv-path").value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: len(app.screen.query("#columns")) == 1)
    await pilot.press("enter")
    await until(pilot, lambda: app.runner.session.settings.dataset == "csv" and app.runner.state == RunState.READY)
    await pilot.press("x")  # the slice through width and depth
    await finish(pilot)
    await until(pilot, lambda: app.training.map.data is not None and app.training.map.data.probabilities is not None)
    await quiet(pilot)


async def table_problems(pilot) -> None:
    """A messy table as shipped (text columns, missing cells): its problems, each with the fixes to choose."""
    app = pilot.app
    app.set_focus(None)
    await pilot.press("o")
    await until(pilot, lambda: len(app.screen.query("#csv-path")) == 1)
    app.screen.query_one("#csv-path").value = str(HERE.parent / "tests" / "data" / "penguins_messy.csv")
    await pilot.press("enter")
    await until(pilot, lambda: len(app.screen.query("#columns")) == 1)
    await pilot.press("home", "enter")  # species
    await until(pilot, lambda: type(app.screen).__name__ == "TableProblemsScreen")
    await pilot.press("down", "enter")  # leave 'island' out instead of one-hot
    await quiet(pilot)


async def main() -> None:
    circles = Settings(dataset="circles", hidden=[8, 8], lr=0.01, epochs=20000, device="cpu")
    moons = Settings(dataset="moons", hidden=[16, 16, 16], lr=0.01, epochs=400, device="cpu")
    blobs = Settings(dataset="blobs", classes=4, hidden=[16], lr=0.01, epochs=300, device="cpu")
    await shoot("circles-mid-training", circles, circles_mid_training)
    await shoot("blobs-4-classes", blobs, blobs_trained)
    await shoot("report", moons, report)
    await shoot("help", circles, help_overlay)
    await shoot("sweep", Settings(dataset="circles", lr=0.01, epochs=300, device="cpu"), sweep)
    await shoot("network", Settings(dataset="spiral", hidden=[12, 12], activation="tanh", lr=0.01, epochs=1500,
                                    device="cpu"), network)
    await shoot("moons-light-theme", moons, blobs_trained, theme="textual-light")
    await shoot("compare", Settings(dataset="circles", lr=0.01, epochs=200, device="cpu"), compare)
    await shoot("csv-4-features", Settings(hidden=[16, 16], scale="standard", lr=0.01, epochs=300, device="cpu"),
                csv_run)
    await shoot("csv-problems", circles, table_problems)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
