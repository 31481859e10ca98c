"""The exported script: standalone (no import of this project) and ending where the engine's run ends."""

import ast
import subprocess
import sys

import pytest

from engine import Settings, TrainingSession
from engine.export_script import write_script

pytestmark = pytest.mark.slow  # each trains or drives the app: `pytest -m "not slow"` leaves them out

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
    "circles, a validation split that early stopping and plateau watch, label noise": Settings(
        dataset="circles", samples=400, hidden=[16], val_size=0.2, patience=8, schedule="plateau",
        plateau_patience=3, label_noise=0.1, lr=0.05, epochs=300, device="cpu"),
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
    write_script(session, path)

    tree = ast.parse(path.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] if node.level == 0 else "." for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported - set(sys.stdlib_module_names) <= {"numpy", "torch", "sklearn"}  # sklearn: blobs, linear, iris

    # run where this project cannot be imported: another directory, no PYTHONPATH
    done = subprocess.run([sys.executable, "-I", str(path)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    script_accuracy = float(done.stdout.strip().splitlines()[-1].split()[-1])
    assert script_accuracy == pytest.approx(engine_accuracy, abs=0.02)


def run_script(path, cwd):
    done = subprocess.run([sys.executable, "-I", str(path)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_a_stopped_runs_script_trains_the_epochs_the_run_trained(tmp_path):
    settings = Settings(dataset="moons", samples=300, hidden=[8], optimizer="sgd", lr=0.1, epochs=400,
                        schedule="cosine", device="cpu")
    session = TrainingSession(settings)
    session.run(on_epoch=lambda r: session.controls.stop() if r.epoch == 30 else None)
    assert session.outcome.reason == "stopped" and session.history.epoch == 30
    write_script(session, tmp_path / "run.py")
    text = (tmp_path / "run.py").read_text()
    assert "EPOCHS = 30  # the run was stopped there; its settings planned 400" in text
    assert "30 epochs, full batch" in text and "400 epochs" not in text.split('"""')[1]
    accuracy = float(run_script(tmp_path / "run.py", tmp_path)[-1].split()[-1])
    assert accuracy == pytest.approx(session.evaluate()["test"].accuracy, abs=5e-5)  # printed to 4 places


def test_the_script_stops_a_diverging_run_where_the_engine_does(tmp_path):
    settings = Settings(dataset="circles", samples=300, optimizer="sgd", lr=100, activation="identity",
                        hidden=[10, 10, 10], epochs=50, device="cpu")
    session = TrainingSession(settings)
    outcome = session.run()
    assert outcome.reason == "diverged"
    write_script(session, tmp_path / "run.py")
    lines = run_script(tmp_path / "run.py", tmp_path)
    assert lines[0] == f"the loss diverged at epoch {outcome.epoch + 1}; keeping the weights of epoch {outcome.epoch}"
    assert float(lines[-1].split()[-1]) == pytest.approx(session.evaluate()["test"].accuracy, abs=5e-5)  # printed to 4 places


def test_the_script_carries_the_engines_own_standalone_module(tmp_path):
    from pathlib import Path

    from engine import standalone
    from engine.export_script import library_text

    session = TrainingSession(Settings(dataset="xor", samples=200, hidden=[4], epochs=5, device="cpu"))
    write_script(session, tmp_path / "run.py")
    body = library_text()
    assert body in (tmp_path / "run.py").read_text()
    folder = Path(standalone.__file__).parent
    for name in standalone.MODULES:  # every function and class of each module, as the engine has it
        text = (folder / f"{name}.py").read_text()
        for block in text.split("\n\n\n")[1:]:
            assert block.strip() in body, (name, block[:60])
    assert "def finite_epoch" in body and "class BestEpoch" in body and "annclf" not in body.lower()
    assert "from ." not in body


@pytest.mark.parametrize("settings", [
    Settings(dataset="circles", samples=400, hidden=[], inputs=["x1^2", "x2^2"], epochs=150, lr=0.05, device="cpu"),
    Settings(dataset="moons", samples=300, hidden=[8], inputs=["x1", "x2", "x1*x2", "sin(x1)"], scale="standard",
             batch_size=64, epochs=40, device="cpu"),
], ids=["circles on x1^2, x2^2, no hidden layer", "moons on x1, x2, x1*x2, sin(x1), standard scaling"])
def test_the_script_rebuilds_the_runs_inputs_and_lands_on_its_accuracy(settings, tmp_path):
    session = TrainingSession(settings)
    session.run()
    write_script(session, tmp_path / "run.py")
    assert repr(settings.inputs) in (tmp_path / "run.py").read_text()
    accuracy = float(run_script(tmp_path / "run.py", tmp_path)[-1].split()[-1])
    assert accuracy == pytest.approx(session.evaluate()["test"].accuracy, abs=5e-5)  # printed to 4 places


def test_a_csv_runs_script_carries_the_fitted_preprocessing_as_constants_and_names_a_moved_file(tmp_path):
    import shutil
    from pathlib import Path

    data = shutil.copy(Path(__file__).parent / "data" / "penguins_messy.csv", tmp_path / "penguins.csv")
    settings = Settings(dataset="csv", csv=str(data), label="species", missing="impute", categorical="onehot",
                        hidden=[16], epochs=150, device="cpu")
    session = TrainingSession(settings)
    session.run()
    write_script(session, tmp_path / "run.py")
    text = (tmp_path / "run.py").read_text()
    namespace: dict = {}
    exec(text.split("FITTED = ", 1)[1].split("\n", 1)[0].join(["FITTED = ", ""]), namespace)  # the one line
    fitted = namespace["FITTED"]
    constants = session.split.dataset.preprocessing
    assert fitted["median"] == constants["median"] and fitted["categories"] == constants["categories"]
    assert fitted["most_frequent"] == {"sex": constants["most_frequent"]["sex"]}
    assert fitted["shift"] == session.split.shift.tolist() and fitted["scale"] == session.split.scale.tolist()
    # run where scikit-learn cannot be imported: numpy and torch alone
    without = ("import sys, runpy; sys.modules['sklearn'] = None; "
               f"runpy.run_path({str(tmp_path / 'run.py')!r}, run_name='__main__')")
    done = subprocess.run([sys.executable, "-I", "-c", without], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    accuracy = float(done.stdout.strip().splitlines()[-1].split()[-1])
    assert accuracy == pytest.approx(session.evaluate()["test"].accuracy, abs=5e-5)  # printed to 4 places

    Path(data).rename(tmp_path / "moved.csv")
    done = subprocess.run([sys.executable, "-I", str(tmp_path / "run.py")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == f"{data}: no such file (the run read its data there; S[\"csv\"] above says where)"
