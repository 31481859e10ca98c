import pytest
import torch

from engine.model import build_model, probabilities
from engine.schema import ACTIVATIONS, INITS


@pytest.mark.parametrize("classes,outputs", [(2, 1), (3, 3), (10, 10)])
def test_two_classes_get_one_logit_and_k_classes_k(classes, outputs):
    model = build_model(2, classes, [8, 4], "relu", 0.0, "default", 0)
    assert model(torch.zeros(5, 2)).shape == (5, outputs)
    assert probabilities(model(torch.randn(5, 2))).sum(dim=1).tolist() == pytest.approx([1.0] * 5)


def test_no_hidden_layers_is_logistic_regression():
    model = build_model(2, 2, [], "relu", 0.0, "default", 0)
    assert [tuple(p.shape) for p in model.parameters()] == [(1, 2), (1,)]


def test_layer_shapes_follow_the_hidden_list():
    model = build_model(3, 4, [16, 8], "tanh", 0.0, "default", 0)
    assert [tuple(layer.weight.shape) for layer in model.layers] == [(16, 3), (8, 16), (4, 8)]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("init", INITS)
def test_every_activation_and_init_builds_and_is_seeded(activation, init):
    a = build_model(2, 2, [6, 6], activation, 0.1, init, 5)
    b = build_model(2, 2, [6, 6], activation, 0.1, init, 5)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    if init == "zeros":
        assert all(float(p.detach().abs().sum()) == 0 for p in a.parameters())
    else:
        c = build_model(2, 2, [6, 6], activation, 0.1, init, 6)
        assert not torch.equal(a.layers[0].weight, c.layers[0].weight)


def test_identity_activation_makes_a_linear_function():
    model = build_model(2, 2, [32, 32], "identity", 0.0, "default", 0)
    x = torch.randn(4, 2)
    # linear (affine) in x: f(a + b) - f(0) == (f(a) - f(0)) + (f(b) - f(0))
    f0 = model(torch.zeros(1, 2))
    torch.testing.assert_close(model(x[:1] + x[1:2]) - f0, (model(x[:1]) - f0) + (model(x[1:2]) - f0))


def test_dropout_only_while_training():
    model = build_model(2, 2, [64], "relu", 0.5, "default", 0)
    x = torch.randn(10, 2)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))
