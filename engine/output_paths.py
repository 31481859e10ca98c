"""The files a run is asked to write, checked together before it trains: each must be writable, none may
be written twice, and none may be one of the files the run reads."""

from __future__ import annotations

import os

from .atomic import writable_target
from .errors import FileProblem


def check_outputs(outputs: dict[str, str], inputs: dict[str, str]) -> None:
    """`outputs` and `inputs` map what names each file (a flag, say) to its path; FileProblem naming both
    when two outputs are one file or an output is an input, or naming the output that cannot be written."""
    seen: dict[str, str] = {}
    read = {os.path.realpath(path): name for name, path in inputs.items() if path}
    for name, path in outputs.items():
        if not path:
            continue
        target = str(writable_target(path))
        if target in read:
            raise FileProblem(path, f"{name} would write over {read[target]}, a file this run reads")
        if target in seen:
            raise FileProblem(path, f"{seen[target]} and {name} both name this file; give each its own")
        seen[target] = name
