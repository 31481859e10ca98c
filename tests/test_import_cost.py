"""What loading the engine and making a first session import: scikit-learn only where a dataset needs it.

`import sklearn` alone costs about as much as `import torch` (sklearn.utils.fixes imports scipy.stats and
pandas whatever is asked of it), and the app's "ready" waits for both. Each check runs in a fresh
interpreter: the test process has imported everything long ago.
"""

import json
import subprocess
import sys

HEAVY = ("sklearn", "scipy", "pandas")


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


LOAD = """
import json, sys
import engine.checkpoint, engine.training.session  # what the app's load worker imports (import_engine)
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))
""" % (HEAVY,)


def test_loading_the_engine_imports_no_scikit_learn_scipy_or_pandas():
    # torch alone: scikit-learn and what it drags in wait for the first dataset that needs them
    assert _run(LOAD) == []


# the generators drawn without scikit-learn (engine.standalone.synthetic: circles and moons are its own
# numbers, redrawn in numpy), and the split (engine.standalone.data.train_test_split, likewise)
OWN_GENERATORS = ("circles", "moons", "spiral", "gauss", "easy", "hard", "xor", "cross", "ring")
SESSIONS = """
import json, sys
from engine.schema import Settings
from engine.training.session import TrainingSession

seen = {}
for name in %r:
    TrainingSession(Settings(dataset=name, samples=200, hidden=[4], val_size=0.2, device="cpu"))
    seen[name] = "sklearn" in sys.modules
TrainingSession(Settings(device="cpu"))  # the app's first session: the default dataset
seen["default"] = "sklearn" in sys.modules
TrainingSession(Settings(dataset="blobs", samples=200, hidden=[4], device="cpu"))
seen["blobs"] = "sklearn.datasets" in sys.modules
print(json.dumps(seen))
""" % (OWN_GENERATORS,)


def test_the_first_session_imports_no_scikit_learn_unless_its_dataset_is_a_scikit_learn_generator():
    seen = _run(SESSIONS)
    assert [name for name in (*OWN_GENERATORS, "default") if seen[name]] == []
    assert seen["blobs"]  # make_blobs is scikit-learn's own: there it is imported, when first needed


COLLECTOR = """
import gc, json
gc.disable()  # as the launch does, for the start-up's imports
from tui.app.runner import import_engine
import_engine()
print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def test_the_collector_off_for_the_start_up_is_back_on_once_the_engine_is_loaded_with_torch_frozen():
    state = _run(COLLECTOR)
    assert state["enabled"]  # a long session must not grow its cycles without bound
    assert state["frozen"] > 100_000  # PyTorch's own objects are out of the collector's way from then on



WARM_START = """
import json, sys
from tui.app import warm_start
thread = warm_start.begin()
thread.join()
with open("/proc/self/maps") as maps:
    mapped = warm_start.LIBRARY in maps.read()
print(json.dumps({"mapped": mapped, "torch imported": "torch" in sys.modules}))
"""


def test_the_launch_maps_torchs_library_without_importing_torch():
    # the dynamic linker's share of `import torch` done beside Textual's start: torch's own import, once the
    # first frame is drawn, finds the library loaded
    assert _run(WARM_START) == {"mapped": True, "torch imported": False}


def test_without_torchs_library_to_map_the_launch_goes_on_as_before(monkeypatch):
    from tui.app import warm_start

    monkeypatch.setattr(warm_start, "LIBRARY", "libnothing_such.so")
    assert warm_start.begin() is None  # torch there, its library not: nothing mapped, nothing said
    monkeypatch.setattr(warm_start.importlib.util, "find_spec", lambda name: None)
    assert warm_start.library_path() is None and warm_start.begin() is None  # no torch found at all
