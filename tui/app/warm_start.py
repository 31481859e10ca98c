"""PyTorch's largest shared library mapped while Textual starts.

The app imports torch once its first frame is drawn, and "ready" waits for that import (bench/first_frame.py).
About a fifth of `import torch` is the dynamic linker mapping and relocating libtorch_cpu.so, work that needs
no Python and holds no lock of the interpreter when libc's dlopen is called through ctypes (ctypes' own
CDLL holds it). Done in a thread at launch, on the core that Textual's start leaves idle, torch's import
later finds the library loaded: 0.87 s against 1.06-1.22 s measured here. Only the one library, loaded
locally, as torch's own import would (its CUDA libraries are torch's to find); nothing of torch's Python is
imported, and where the library is not found, or dlopen fails, torch loads it as it always does.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
import threading

LIBRARY = "libtorch_cpu.so"


def library_path() -> str | None:
    """Where torch's CPU library lies, found without importing torch; None where it cannot be found."""
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "lib", LIBRARY)
    return path if os.path.isfile(path) else None


def _map(path: str) -> None:
    try:
        libc = ctypes.CDLL(None)
        libc.dlopen.restype, libc.dlopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_int]
        libc.dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_LOCAL)  # a failure is torch's to report later
    except (OSError, AttributeError):
        pass


def begin() -> threading.Thread | None:
    """Start mapping the library in a daemon thread (Linux); the thread, or None where there is nothing to do."""
    path = library_path() if sys.platform.startswith("linux") else None
    if path is None:
        return None
    thread = threading.Thread(target=_map, args=(path,), name="map libtorch", daemon=True)
    thread.start()
    return thread
