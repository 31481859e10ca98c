"""The inputs setting: the model reads chosen transforms of the two features (x1^2, sin(x1), ...), as the
browser playground's "features" do, and every way in (flags, TOML, forms, checkpoints) takes them alike."""

import json
import math

import numpy as np
import pytest

from engine import Settings, TrainingSession
from engine.checkpoint import load_checkpoint, save_checkpoint
from engine.config_file import settings_from_toml, settings_to_toml
from engine.errors import FileProblem, SettingError
from engine.model import parameter_count
from engine.schema import BY_NAME, INPUTS, field_help, find_problems
from tui.main import main

RING = Settings(dataset="circles", hidden=[], epochs=300, device="cpu")  # logistic regression on circles
ACCEPTS = "one or more of x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)"


def csv_of_three_features(path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    lines = ["a,b,c,label"] + [f"{a:.5f},{b:.5f},{c:.5f},{int(a * a + b * b > 1)}" for a, b, c in X]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_each_transform_is_the_hand_computed_column_in_the_order_asked():
    from engine.standalone import TRANSFORMS, model_input, transform

    assert tuple(TRANSFORMS) == INPUTS  # the schema's names (kept apart: it must not import torch) are these
    X = np.array([[2.0, -3.0], [0.5, math.pi / 2]], dtype=np.float32)
    columns = transform(X, ["sin(x2)", "x1^2", "x2^2", "x1*x2", "sin(x1)", "x2", "x1"])
    expected = [[math.sin(-3.0), 4.0, 9.0, -6.0, math.sin(2.0), -3.0, 2.0],
                [1.0, 0.25, math.pi ** 2 / 4, math.pi / 4, math.sin(0.5), math.pi / 2, 0.5]]
    assert columns.dtype == np.float32 and columns == pytest.approx(np.array(expected), rel=1e-6)
    # scaling first, then the transforms: (x - shift) / scale = (2, -1) for the first point
    shift, scale = np.array([0.0, 1.0], np.float32), np.array([1.0, 4.0], np.float32)
    assert model_input(X[:1], shift, scale, ["x1^2", "x2"]).tolist() == [[4.0, -1.0]]
    # data of three features has no transforms: its scaled columns as they are
    three = np.ones((1, 3), np.float32)
    assert model_input(three, 0.0, 2.0, ["x1", "x2"]).tolist() == [[0.5, 0.5, 0.5]]


def test_the_text_is_read_with_spaces_and_case_as_people_type_it_and_keeps_its_order():
    parse = BY_NAME["inputs"].parse
    assert parse(" X1 ^ 2 , sin( x2 ),x1 ") == ["x1^2", "sin(x2)", "x1"]
    assert parse("x2,x1") == ["x2", "x1"]
    assert BY_NAME["inputs"].format(["x1^2", "x2^2"]) == "x1^2,x2^2"


@pytest.mark.parametrize("text,words", [
    ("x3", "'x3' is not a name it knows"), ("", "the list is empty"), (" , ", "the list is empty"),
    ("x1,x1", "x1 is named twice"), ("x1, X1", "x1 is named twice"),
])
def test_a_bad_value_is_refused_naming_inputs_and_what_it_accepts(text, words):
    with pytest.raises(SettingError) as caught:
        BY_NAME["inputs"].parse(text)
    assert caught.value.subject == "inputs" and words in str(caught.value) and ACCEPTS in str(caught.value)


def test_a_linear_model_separates_circles_on_the_squares_and_not_on_the_plain_features():
    squares = TrainingSession(RING.replace(inputs=["x1^2", "x2^2"]))
    squares.run()
    assert squares.evaluate()["test"].accuracy >= 0.95
    plain = TrainingSession(RING)
    plain.run()
    assert plain.evaluate()["test"].accuracy <= 0.7  # a straight line through two rings: near chance


def test_the_map_stays_over_the_raw_plane_and_shows_the_ring():
    from engine.decision_map import data_box, evaluate_grid

    session = TrainingSession(RING.replace(inputs=["x1^2", "x2^2"]))
    session.run()
    grid = evaluate_grid(session.model, session.split, data_box(session.split), 21, 21)
    inner = session.class_names.index("inner")
    p = grid.probabilities[:, :, inner]
    assert p[10, 10] > 0.5  # the map shows the centre of the plane inside the inner ring
    assert max(p[0, 0], p[0, -1], p[-1, 0], p[-1, -1]) < 0.5  # and the corners outside the outer one
    assert p[10, 0] < 0.5 and p[0, 10] < 0.5  # on the outer ring, left and top


def test_the_command_line_trains_circles_past_95_percent_with_no_hidden_layer(capsys, tmp_path):
    out = tmp_path / "out.json"
    code = main(["train", "--dataset", "circles", "--hidden", "none", "--inputs", "x1^2,x2^2", "--epochs", "300",
                 "--json", str(out)])
    capsys.readouterr()
    data = json.loads(out.read_text())
    assert code == 0 and data["final"]["test"]["accuracy"] >= 0.95
    assert data["settings"]["inputs"] == ["x1^2", "x2^2"]


@pytest.mark.parametrize("value,words", [
    ("x3", "'x3' is not a name it knows"), ("", "the list is empty"), ("x1,x1", "x1 is named twice"),
])
def test_a_bad_flag_exits_2_with_one_line_naming_it_and_what_it_accepts(capsys, value, words):
    code = main(["train", "--dataset", "circles", "--samples", "100", "--epochs", "1", "--inputs", value])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"--inputs: {words}" in err and ACCEPTS in err


@pytest.mark.parametrize("line", ['inputs = ["x1^2", "x2^2"]', 'inputs = "x1^2,x2^2"'])
def test_a_toml_list_or_string_loads(line):
    assert settings_from_toml(f"[model]\n{line}\n").inputs == ["x1^2", "x2^2"]


def test_toml_round_trips_the_inputs_and_refuses_a_bad_one():
    s = Settings(inputs=["sin(x1)", "x1*x2"])
    assert settings_from_toml(settings_to_toml(s)) == s
    with pytest.raises(FileProblem, match=r"inputs: 'x9' is not a name it knows: it takes a comma-separated"):
        settings_from_toml('[model]\ninputs = ["x1", "x9"]\n', "run.toml")


def test_a_checkpoint_with_inputs_loads_back_continues_and_refuses_other_inputs(tmp_path):
    settings = Settings(dataset="moons", samples=200, hidden=[6], inputs=["x1", "x2", "x1*x2"], epochs=20,
                        device="cpu")
    session = TrainingSession(settings)
    session.run()
    path = tmp_path / "m.pt"
    save_checkpoint(session, path)

    resumed = load_checkpoint(path, {"epochs": 30})
    assert resumed.settings.inputs == ["x1", "x2", "x1*x2"] and resumed.split.input_names == ("x1", "x2", "x1*x2")
    assert resumed.evaluate()["test"].accuracy == session.evaluate()["test"].accuracy  # the same model
    resumed.run()
    assert resumed.history.epoch == 30

    with pytest.raises(SettingError, match="inputs: cannot change when resuming"):
        load_checkpoint(path, {"inputs": ["x1", "x2"]})
    with pytest.raises(SettingError, match="inputs: defines the data or the network"):
        resumed.change(inputs=["x1^2", "x2^2"])


def test_resuming_with_other_inputs_on_the_command_line_exits_2(capsys, tmp_path):
    ckpt = tmp_path / "m.pt"
    quick = ["train", "--dataset", "circles", "--samples", "200", "--epochs", "5", "--device", "cpu"]
    assert main([*quick, "--inputs", "x1^2,x2^2", "--checkpoint", str(ckpt)]) == 0
    capsys.readouterr()
    assert main([*quick, "--resume", str(ckpt), "--inputs", "x1,x2"]) == 2
    assert "--inputs: cannot change when resuming" in capsys.readouterr().err


def test_the_default_inputs_leave_the_data_and_its_fingerprint_alone():
    plain = TrainingSession(Settings(dataset="moons", samples=200, hidden=[4], epochs=1, device="cpu"))
    squares = TrainingSession(Settings(dataset="moons", samples=200, hidden=[4], epochs=1, device="cpu",
                                       inputs=["x1^2", "x2^2"]))
    assert plain.fingerprint == squares.fingerprint  # the inputs belong to the model, not the data
    model_input = plain.split.to_model_input(plain.split.X_train)
    assert np.array_equal(model_input, ((plain.split.X_train - plain.split.shift) / plain.split.scale)
                          .astype(np.float32))


def test_the_model_has_an_input_per_chosen_transform():
    five = ["x1", "x2", "x1^2", "x2^2", "sin(x1)"]
    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[4], inputs=five, epochs=1,
                                       device="cpu"))
    assert session.split.input_names == tuple(five) and session.X_train.shape[1] == 5
    count = (5 + 1) * 4 + (4 + 1) * 1
    assert parameter_count(len(session.split.input_names), session.dataset.num_classes, [4]) == count
    assert sum(p.numel() for p in session.model.parameters()) == count
    assert session.flops_per_epoch == 6.0 * len(session.split.train) * count


def test_a_csv_of_three_features_refuses_transforms_saying_how_many_it_has(capsys, tmp_path):
    path = csv_of_three_features(tmp_path / "three.csv")
    with pytest.raises(SettingError) as caught:
        TrainingSession(Settings(dataset="csv", csv=str(path), inputs=["x1^2"], hidden=[4], epochs=1, device="cpu"))
    assert caught.value.subject == "inputs"
    assert "need exactly two raw features, and the data has 3 feature columns (a, b, c)" in str(caught.value)

    code = main(["train", "--csv", str(path), "--inputs", "x1^2", "--epochs", "1", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2 and "--inputs: the transforms (x1^2) need exactly two raw features" in err
    assert len(err.strip().splitlines()) == 1

    # its plain columns train as before, named as the file names them; two of its columns take transforms
    plain = TrainingSession(Settings(dataset="csv", csv=str(path), hidden=[4], epochs=1, device="cpu"))
    assert plain.split.input_names == ("a", "b", "c") and plain.X_train.shape[1] == 3
    two = TrainingSession(Settings(dataset="csv", csv=str(path), features=["a", "b"], inputs=["x1^2", "x2^2"],
                                   hidden=[], epochs=200, lr=0.05, device="cpu"))
    two.run()
    assert two.evaluate()["test"].accuracy >= 0.9  # the file's label is a^2 + b^2 > 1


def test_the_settings_and_the_form_say_the_transforms_need_two_columns_of_a_csv(tmp_path):
    problems = find_problems(Settings(dataset="csv", csv="x.csv", features=["a", "b", "c"], inputs=["x1^2"]))
    assert [(p.subject, "need exactly two feature columns, and features names 3" in p.problem)
            for p in problems] == [("inputs", True)]
    assert "two feature columns" in field_help(BY_NAME["inputs"], "csv")
    assert "two feature columns" not in field_help(BY_NAME["inputs"], "circles")
