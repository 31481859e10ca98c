"""The exported script: standalone (no import of this project) and ending where the engine's run ends."""

import ast
import subprocess
import sys

import pytest

from engine import Settings, TrainingSession
from engine.export_script import write_script

RUNS = {
    "moons full batch adam": Settings(dataset="moons", samples=300, hidden=[12, 12], epochs=150, lr=0.02,
                                      device="cpu"),
    "blobs mini-batch sgd, dropout, L1, step schedule": Settings(
        dataset="blobs", samples=400, hidden=[16], activation="tanh", dropout=0.2, l1=0.001, optimizer="sgd",
        momentum=0.9, nesterov=True, lr=0.05, batch_size=32, epochs=20, schedule="step", step_size=5,
        scale="standard", device="cpu"),
    "xor rmsprop, early stopping": Settings(dataset="xor", samples=600, hidden=[8, 8], activation="gelu",
                                            optimizer="rmsprop", lr=0.01, epochs=200, patience=10,
                                            label_noise=0.05, device="cpu"),
    "spiral adamw plateau": Settings(dataset="spiral", samples=400, hidden=[16, 16], optimizer="adamw",
                                     weight_decay=0.01, lr=0.01, epochs=80, schedule="plateau",
                                     batch_size=64, device="cpu"),
}


def four_feature_csv(path):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    label = np.where(X[:, 0] + X[:, 2] ** 2 > 0.5, "yes", "no")
    lines = ["a,b,c,d,answer"] + [",".join(f"{v:.5f}" for v in row) + f",{y}" for row, y in zip(X, label)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("settings", [*RUNS.values(), "csv"], ids=[*RUNS.keys(), "a csv file of 4 features"])
def test_the_exported_script_reaches_the_engines_accuracy(settings, tmp_path):
    if settings == "csv":
        settings = Settings(dataset="csv", csv=str(four_feature_csv(tmp_path / "four.csv")), label="answer",
                            hidden=[16], epochs=100, scale="standard", device="cpu")
    session = TrainingSession(settings)
    session.run()
    engine_accuracy = session.evaluate()["test"].accuracy
    path = tmp_path / "run.py"
    write_script(settings, path)

    tree = ast.parse(path.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] if node.level == 0 else "." for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported <= {"csv", "math", "numpy", "torch", "sklearn"}

    # run where this project cannot be imported: another directory, no PYTHONPATH
    done = subprocess.run([sys.executable, "-I", str(path)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    script_accuracy = float(done.stdout.strip().splitlines()[-1].split()[-1])
    assert script_accuracy == pytest.approx(engine_accuracy, abs=0.02)
