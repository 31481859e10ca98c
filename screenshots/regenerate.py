"""Draw the SVGs in this folder from the real app, driven by its keys in a headless terminal.

Run from the project root: `.venv/bin/python screenshots/regenerate.py`
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from engine import Settings
from tui.app import AnnclfApp

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
    await until(pilot, lambda: app.link.session is not None and app.map.data is not None
                and len(app.query("Input")) > 0)


async def finish(pilot) -> None:
    app = pilot.app
    await pilot.press("f5")
    await until(pilot, lambda: not app.link.running)
    await pilot.pause(0.5)


async def quiet(pilot) -> None:
    pilot.app.clear_notifications()
    await pilot.pause(0.2)


async def shoot(name: str, settings: Settings, drive, theme: str | None = None) -> None:
    app = AnnclfApp(settings)
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
    await until(pilot, lambda: app.link.session.history.epoch >= 300)
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


async def help_overlay(pilot) -> None:
    await pilot.press("f1")
    await pilot.pause(0.3)


async def main() -> None:
    circles = Settings(dataset="circles", hidden=[8, 8], lr=0.01, epochs=20000, device="cpu")
    moons = Settings(dataset="moons", hidden=[16, 16, 16], lr=0.01, epochs=400, device="cpu")
    blobs = Settings(dataset="blobs", classes=4, hidden=[16], lr=0.01, epochs=300, device="cpu")
    await shoot("circles-mid-training", circles, circles_mid_training)
    await shoot("blobs-4-classes", blobs, blobs_trained)
    await shoot("report", moons, report)
    await shoot("help", circles, help_overlay)
    await shoot("moons-light-theme", moons, blobs_trained, theme="textual-light")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
