"""The network's pictures: every unit's value over the map's plane and its figures on the training rows, from
one forward pass, checked against a forward pass written out by hand in numpy."""

import threading

import numpy as np
import pytest
import torch

from engine import Settings, TrainingSession
from engine.decision_map import data_box, grid_points
from engine.network_picture import NetworkRequest
from engine.training.events import NetworkReady
from engine.training.feed import Feed

ACT = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def by_hand(session, points):
    """Each layer's output at `points` (the model's input), from the weights alone."""
    outputs, a = [points], points
    layers = session.model.layers
    for i, layer in enumerate(layers):
        W, b = layer.weight.detach().double().numpy(), layer.bias.detach().double().numpy()
        a = a @ W.T + b
        if i < len(layers) - 1:
            a = ACT[session.settings.activation](a)
        outputs.append(a)
    return outputs


def request(session, columns=12, rows=10):
    return NetworkRequest(data_box(session.split), columns, rows, (6, 4))


@pytest.mark.parametrize("dataset,activation,classes", [("moons", "relu", None), ("circles", "tanh", None),
                                                          ("blobs", "sigmoid", 3)])
def test_every_units_picture_is_what_a_hand_written_forward_pass_gives(dataset, activation, classes):
    session = TrainingSession(Settings(dataset=dataset, samples=300, hidden=[5, 4], activation=activation,
                                       classes=classes, epochs=20, device="cpu"))
    session.run()
    asked = request(session)
    picture = session.network_picture(asked)
    plane = session.split.to_model_input(grid_points(asked.box, asked.columns, asked.rows)).astype(np.float64)
    expected = by_hand(session, plane)
    assert [layer.name for layer in picture.layers] == ["inputs", "hidden 1", "hidden 2", "output"]
    for layer, values in zip(picture.layers[:-1], expected[:-1]):
        assert layer.pictures.shape == (values.shape[1], asked.rows, asked.columns)
        np.testing.assert_allclose(layer.pictures, values.T.reshape(layer.pictures.shape), atol=1e-5)
    logits = expected[-1]
    if classes:  # K classes: each class's probability
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(picture.layers[-1].pictures, probs.T.reshape(3, asked.rows, asked.columns), atol=1e-5)
        assert picture.layers[-1].probability and picture.layers[-1].units == tuple(session.class_names)
    else:  # two classes: the one logit, whose sign is the class
        np.testing.assert_allclose(picture.layers[-1].pictures[0], logits[:, 0].reshape(asked.rows, asked.columns), atol=1e-5)
    # the tiles are the same values, sampled down
    tiles = picture.layers[1].tiles
    assert tiles.shape == (5, 4, 6)
    assert np.isin(tiles, picture.layers[1].pictures).all()


def test_the_figures_of_each_unit_come_from_the_training_rows():
    session = TrainingSession(Settings(dataset="moons", samples=400, hidden=[6], epochs=30, device="cpu"))
    session.run()
    picture = session.network_picture(request(session))
    X = session.X_train.double().numpy()
    hidden = by_hand(session, X)[1]
    layer = picture.layers[1]
    np.testing.assert_allclose(layer.mean, hidden.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(layer.variance, hidden.var(axis=0), atol=1e-4)
    assert layer.mean_abs == pytest.approx(np.abs(hidden).mean(), abs=1e-5)
    inputs = picture.layers[0]  # the inputs' mean |x| is not |mean x|: centred data has a mean near 0
    assert inputs.mean_abs == pytest.approx(np.abs(X).mean(), abs=1e-5) and inputs.mean_abs > 0.3
    np.testing.assert_allclose(layer.active, (hidden > 0).mean(axis=0))
    W_out = session.model.layers[1].weight.detach().numpy()
    np.testing.assert_allclose(layer.outgoing, np.linalg.norm(W_out, axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.weights, session.model.layers[0].weight.detach().numpy())
    assert picture.measured_rows == picture.train_rows == len(X)
    assert picture.parameters == (2 + 1) * 6 + (6 + 1) * 1
    # the gradient norm is the last step's, layer by layer
    g = session.params
    expected = float(np.sqrt((g.weight_grads[0].numpy() ** 2).sum() + (g.bias_grads[0].numpy() ** 2).sum()))
    assert layer.grad_norm == pytest.approx(expected) and expected > 0


def test_a_relu_unit_that_is_never_active_on_a_training_row_is_dead():
    session = TrainingSession(Settings(dataset="moons", samples=300, hidden=[3], epochs=1, device="cpu"))
    with torch.no_grad():
        first = session.model.layers[0]
        first.weight[1] = 0.0
        first.bias[1] = -1.0  # unit 1 is below zero everywhere: it passes no gradient and never recovers
    layer = session.network_picture(request(session)).layers[1]
    assert layer.dead.tolist() == [False, True, False]
    assert layer.active[1] == 0 and layer.dead_share == pytest.approx(1 / 3)
    tanh = TrainingSession(Settings(dataset="moons", samples=300, hidden=[3], activation="tanh", device="cpu"))
    assert tanh.network_picture(request(tanh)).layers[1].dead is None  # only ReLUs die


def test_a_feed_brings_the_pictures_only_while_they_are_wanted():
    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[4], epochs=5, device="cpu"))
    feed = Feed()
    session.attach(feed)
    session.run()
    assert not [e for e in feed.drain() if isinstance(e, NetworkReady)]
    feed.want_network(request(session))
    session.change(epochs=10)
    session.run()
    pictures = [e for e in feed.drain() if isinstance(e, NetworkReady)]
    assert pictures and pictures[-1].epoch == 10  # the last one shows the final weights


def test_a_pace_keeps_the_loop_waiting_and_a_new_pace_takes_effect_at_once():
    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[4], epochs=1000, device="cpu"))
    session.controls.set_pace(0.001)  # one epoch in 1,000 s
    done = threading.Event()
    worker = threading.Thread(target=lambda: (session.run(), done.set()))
    worker.start()
    # the first epoch runs, then the loop keeps to the pace
    for _ in range(500):
        if session.history.epoch:
            break
        done.wait(0.01)
    assert session.history.epoch == 1 and not done.is_set()
    session.controls.set_pace(None)  # back to as fast as it goes: the run finishes
    worker.join(60)
    assert done.is_set() and session.history.epoch == 1000


def test_a_stop_ends_a_paced_wait_at_once():
    from engine.training.outcome import Reason

    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[4], epochs=1000, device="cpu"))
    session.controls.set_pace(0.001)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(session.run()))
    worker.start()
    for _ in range(500):
        if session.history.epoch:
            break
        worker.join(0.01)
    session.controls.stop()
    worker.join(60)
    assert outcome[0].reason == Reason.STOPPED and session.history.epoch == 1


def test_a_large_training_set_is_measured_on_evenly_spaced_rows_and_says_how_many():
    from engine.network_picture import STATS_ROWS

    session = TrainingSession(Settings(dataset="moons", samples=5000, hidden=[4], epochs=2, device="cpu"))
    session.run()
    picture = session.network_picture(request(session))
    assert picture.train_rows == 4000 and picture.measured_rows == STATS_ROWS
    rows = np.linspace(0, 3999, STATS_ROWS).round().astype(int)
    hidden = by_hand(session, session.X_train.double().numpy()[rows])[1]
    np.testing.assert_allclose(picture.layers[1].active, (hidden > 0).mean(axis=0))


def grad_norms(session) -> list[float]:
    """What the network view's |∇W| column shows, layer by layer."""
    return [layer.grad_norm for layer in session.network_picture(request(session)).layers[1:]]


def by_hand_grad_norms(session) -> list[float]:
    """Each layer's gradient norm of one full-batch step at the session's weights, from autograd."""
    model = session.model
    model.zero_grad()
    logits, y = model(session.X_train), session.y_train
    F = torch.nn.functional
    loss = (F.binary_cross_entropy_with_logits(logits[:, 0], y.float()) if logits.shape[1] == 1
            else F.cross_entropy(logits, y))
    loss.backward()
    return [float(torch.sqrt(layer.weight.grad.square().sum() + layer.bias.grad.square().sum()))
            for layer in model.layers]


def test_a_pictures_gradient_norms_are_those_of_the_last_step():
    session = TrainingSession(Settings(dataset="moons", samples=200, hidden=[6], epochs=3, batch_size=0,
                                       device="cpu"))
    session.run()
    before = session.params.theta.clone()  # the weights the next (full-batch) step's gradient is taken at
    session.change(epochs=4)
    session.run()
    shown = grad_norms(session)
    session.params.theta.copy_(before)
    assert shown == pytest.approx(by_hand_grad_norms(session), rel=1e-4)


def test_a_reopened_run_shows_the_gradient_norms_it_ended_with(tmp_path):
    from engine.checkpoint import load_checkpoint, save_checkpoint

    session = TrainingSession(Settings(dataset="circles", samples=200, hidden=[6, 6], epochs=12, device="cpu"))
    session.run()
    save_checkpoint(session, tmp_path / "run.pt")
    reopened = load_checkpoint(tmp_path / "run.pt")
    assert grad_norms(reopened) == grad_norms(session) and all(g > 0 for g in grad_norms(session))


def test_a_checkpoint_without_a_gradient_shows_none_rather_than_zero_until_the_next_epoch(tmp_path):
    from engine.checkpoint import load_checkpoint, save_checkpoint

    session = TrainingSession(Settings(dataset="circles", samples=200, hidden=[6], epochs=4, device="cpu"))
    session.run()
    save_checkpoint(session, tmp_path / "run.pt")
    payload = torch.load(tmp_path / "run.pt", weights_only=True)
    del payload["gradient"]  # as an earlier version wrote it
    torch.save(payload, tmp_path / "old.pt")
    reopened = load_checkpoint(tmp_path / "old.pt", {"epochs": 5})
    assert grad_norms(reopened) == [None, None]
    reopened.run()
    assert all(g is not None and g > 0 for g in grad_norms(reopened))


def test_models_trained_as_a_stack_keep_their_own_last_gradient():
    from engine.training.batched import train_together

    stack = [TrainingSession(Settings(dataset="circles", samples=200, hidden=[6, 6], epochs=8, lr=lr, device="cpu"))
             for lr in (0.03, 0.01)]
    alone = [TrainingSession(s.requested) for s in stack]
    train_together(stack, lambda: False, lambda epoch: None)
    for s in alone:
        s.run()
    for together, single in zip(stack, alone):
        assert grad_norms(together) == pytest.approx(grad_norms(single), rel=1e-4)
