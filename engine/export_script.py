"""A standalone plain-PyTorch script that rebuilds a run's data, network and training.

The script is `run_script.template` filled in with the run's settings and, verbatim, the text of the
`standalone` modules: those the engine itself takes its data, network, seeds, schedule and stopping rules
from. So the script draws what the run drew, counts right answers by the same rule (predicted_class) and
stops where it stopped; its training is the textbook autograd and torch.optim step (train_step), which the
tests take as the reference the engine's fast step must equal.
"""

from __future__ import annotations

import ast
import math
import os
from pathlib import Path
from string import Template

from . import standalone
from .atomic import write_text
from .training.outcome import Reason

TEMPLATE = Path(__file__).with_name("run_script.template")


def module_text(name: str) -> str:
    """One standalone module as the script holds it: its docstring a comment, its imports of the others
    left out (in the script they are one namespace)."""
    text = (Path(standalone.__file__).parent / f"{name}.py").read_text(encoding="utf-8")
    first = ast.parse(text).body[0]
    lines = text.splitlines()
    title = "\n".join(f"# {line}".rstrip() for line in ast.get_docstring(ast.parse(text)).splitlines())
    body = [line for line in lines[first.end_lineno:] if not line.startswith("from .")]
    return f"# ----- {name}\n{title}\n\n" + "\n".join(body).strip() + "\n"


def library_text() -> str:
    return "\n\n\n".join(module_text(name) for name in standalone.MODULES)


def script_text(session, file_name: str = "run.py") -> str:
    """The script of a session's run: its settings, and the epochs it trained when it was stopped early."""
    s = session.settings
    epochs = s.epochs
    epochs_note = "as the settings say"
    if session.outcome is not None and session.outcome.reason == Reason.STOPPED and session.history.epoch < s.epochs:
        epochs = session.history.epoch
        epochs_note = f"the run was stopped there; its settings planned {s.epochs}"
    changes = [m.note for m in session.history.marks if not m.note.startswith("early stop")]
    note = ""
    if changes:
        note = ("\n\nThe run's settings changed while it trained (" + "; ".join(changes) + "); this script "
                "trains with the last settings from the start, so it ends near the run, not on it.")
    fitted = None
    if s.dataset == "csv":  # the run's own constants: the script needs no refit to agree with it
        split = session.split
        fitted = {**(split.dataset.preprocessing or {}), "shift": [float(v) for v in split.shift],
                  "scale": [float(v) for v in split.scale]}
    hidden = ",".join(map(str, s.hidden)) or "none"
    batches = f"batch {s.batch_size}" if s.batch_size else "full batch"
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        summary=f"{s.dataset}, hidden {hidden} {s.activation}, {s.optimizer} lr {s.lr:g},\n{epochs} epochs, {batches}",
        note=note, file_name=file_name, library=library_text(), settings=repr(s.to_flat()), epochs=epochs,
        epochs_note=epochs_note, fitted=literal(fitted))


def literal(value) -> str:
    """Python source for a value of plain dicts, lists, strings and floats; a float that is not finite as
    float("nan") or float("inf"), which repr() would write as a bare name."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def write_script(session, path: str | os.PathLike) -> None:
    write_text(path, script_text(session, os.path.basename(path)))
