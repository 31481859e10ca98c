"""Waiting for, and reading, what the app shows while a Pilot drives it."""


async def wait_until(pilot, condition, tries=600):
    """Let the app run until `condition()` holds (training happens in a thread)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def ready(pilot):
    await wait_until(pilot, lambda: pilot.app.link.session is not None)


def shown_text(widget) -> str:
    """The characters a widget puts on the screen."""
    return "\n".join(strip.text for strip in widget.render_lines(widget.size.region))
