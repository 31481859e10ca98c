"""The engine is a library of its own: it never pulls in the UI, and importing it is cheap."""

import subprocess
import sys

IMPORT_ALL = """
import importlib, pkgutil, sys
import engine
for info in pkgutil.walk_packages(engine.__path__, "engine."):
    importlib.import_module(info.name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "textual_plotext", "plotext")))
print(",".join(loaded))
"""


def test_importing_every_engine_module_loads_no_textual():
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importing_the_schema_does_not_load_torch_or_sklearn():
    # the app draws its first frame from the schema before torch and scikit-learn arrive
    code = ("import sys, engine, engine.schema, engine.config_file; engine.Settings; "
            "print(any(m.split('.')[0] in ('torch', 'sklearn') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


FIRST_FRAME = """
import asyncio, sys
from tui.app.app import AnnclfApp

async def main():
    app = AnnclfApp()
    app.runner.load_engine = lambda: None  # the engine's load, which follows the first frame, is left out
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'sklearn'}))

asyncio.run(main())
"""


def test_nothing_on_the_way_to_the_first_frame_imports_torch():
    # torch's import holds the GIL for a second: a view that asked for a map at mount (to pass on the refresh
    # setting) imported it before the first frame, which then took 1.5 s instead of 0.5 s
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
