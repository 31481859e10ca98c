"""Waiting for, and reading, what the app shows while a Pilot drives it."""

from tui.app.messages import RunState


async def wait_until(pilot, condition, tries=600):
    """Let the app run until `condition()` holds (training happens in a thread)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def ready(pilot):
    """The form is on screen and the data of its settings is prepared."""
    app = pilot.app
    await wait_until(pilot, lambda: app.runner.session is not None and app.runner.state == RunState.READY
                     and len(app.query("SettingField")) > 0)


async def train(pilot, epochs: int):
    """F5, then wait until the run has trained `epochs` in all and has been kept."""
    app = pilot.app
    await pilot.press("f5")
    await wait_until(pilot, lambda: app.runner.training is None and app.runner.session.history.epoch == epochs
                     and app.runner.run_id is not None)


def shown_text(widget) -> str:
    """The characters a widget puts on the screen."""
    return "\n".join(strip.text for strip in widget.render_lines(widget.size.region))


def status(app) -> str:
    return shown_text(app.training.status)


def notices(app) -> list[str]:
    """The text of the notices (toasts) on the screen now, each as one line (title first)."""
    return [" ".join(shown_text(toast).replace("▌", " ").split()) for toast in app.screen.query("Toast")]


def kept(tmp_path):
    """The runs kept in tmp_path/runs (none of them damaged)."""
    from engine.runs import RunStore

    runs, damaged = RunStore(tmp_path / "runs").summaries()
    assert not damaged
    return runs


async def sweep_shown(pilot, **lists):
    """The sweep view (s) with `lists` typed in its fields (hidden="2;8,8"), out of the fields; the view."""
    from textual.widgets import Input

    app = pilot.app
    await ready(pilot)
    app.set_focus(None)
    await pilot.press("s")
    await pilot.pause()
    for name, text in lists.items():
        app.query_one(f"#sweep-{name}", Input).value = text
    await pilot.pause()
    await pilot.press("escape")  # out of the field: the view's keys work
    return app.query_one("#sweep-view")
