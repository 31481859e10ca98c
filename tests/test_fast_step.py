"""The fast step's hand-written gradients and flat optimiser against torch.autograd and torch.optim, in float64:
the reference is the textbook step of the exported script (standalone.network.train_step) with torch.optim."""

from itertools import product

import pytest
import torch

from engine import Settings
from engine.model import build_model, loss_sum_and_correct
from engine.schema import ACTIVATIONS, OPTIMIZERS
from engine.standalone.network import train_step
from engine.training.activation_grads import BACKWARD
from engine.training.fast_step import FastStep
from engine.training.flat_optimizer import FlatOptimizer
from engine.training.flat_params import FlatParams

# every optimiser, with and without each of its options
OPTIMISER_SETTINGS = [
    dict(optimizer="sgd"), dict(optimizer="sgd", momentum=0.9), dict(optimizer="sgd", momentum=0.8, nesterov=True),
    dict(optimizer="sgd", momentum=0.5, weight_decay=0.1), dict(optimizer="adam"),
    dict(optimizer="adam", weight_decay=0.1), dict(optimizer="adamw", weight_decay=0.1), dict(optimizer="rmsprop"),
    dict(optimizer="rmsprop", momentum=0.5, weight_decay=0.1),
]
NETWORKS = list(product(ACTIVATIONS, (2, 3), (0.0, 0.3), (0.0, 0.01)))  # activation, classes, dropout, L1


def data(classes: int, rows: int = 40):
    g = torch.Generator().manual_seed(classes)
    return torch.randn(rows, 2, generator=g, dtype=torch.float64), torch.randint(0, classes, (rows,), generator=g)


def model_of(activation, classes, dropout, seed=3):
    model = build_model(2, classes, [6, 5], activation, dropout, "default", seed).double()
    if dropout:
        model.generator = torch.Generator().manual_seed(11)
    return model


def step_of(activation, classes, dropout, l1, **optimiser):
    model = model_of(activation, classes, dropout)
    params = FlatParams(model)
    settings = Settings(lr=optimiser.pop("lr", 0.05), l1=l1, **optimiser)
    return FastStep(model, params, FlatOptimizer(params, settings), l1)


def torch_optimizer(parameters, optimizer="sgd", lr=0.05, **options):
    kind = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
            "rmsprop": torch.optim.RMSprop}[optimizer]
    return kind(parameters, lr=lr, **{"weight_decay": 0.0, **options})


def autograd_epoch(model, optimizer, X, y, order, size, held_out, l1):
    """As FastStep.epoch, with the exported script's textbook step: [loss sums, right answers] of the training
    rows (counted in the training pass, as the fast step counts them) and of each held-out part."""
    X, y = X[order], y[order]
    model.train()
    losses, rights = [0.0], [0.0]
    for start in range(0, len(y), size):
        loss, right = train_step(model, optimizer, X[start:start + size], y[start:start + size], l1)
        losses[0] += loss
        rights[0] += right
    model.eval()
    with torch.no_grad():
        for part_X, part_y in held_out:
            loss, right = loss_sum_and_correct(model(part_X), part_y)
            losses.append(loss)
            rights.append(right)
    return torch.tensor([[float(v) for v in losses], [float(v) for v in rights]], dtype=torch.float64)


def test_every_activation_and_optimiser_is_covered():
    assert {n[0] for n in NETWORKS} == set(ACTIVATIONS) == set(BACKWARD)  # each activation's backward by hand
    assert {o["optimizer"] for o in OPTIMISER_SETTINGS} == set(OPTIMIZERS)


@pytest.mark.parametrize("activation,classes,dropout,l1", NETWORKS)
def test_gradients_equal_autograd(activation, classes, dropout, l1):
    X, y = data(classes)
    # a learning rate of 0 leaves the weights as they were and the gradient in the buffer
    fast = step_of(activation, classes, dropout, l1, optimizer="sgd", lr=0.0)
    (loss, _), (correct, _) = fast.epoch(X, y, None, 0, lambda done: False, [(X[:5], y[:5])])[0]

    model = fast.model
    model.generator is None or model.generator.manual_seed(11)  # the same dropout masks again
    model.train()
    loss_sum, right = loss_sum_and_correct(model(X), y)
    objective = loss_sum / len(y) + l1 * sum(layer.weight.abs().sum() for layer in model.layers)
    expected = torch.autograd.grad(objective, list(model.parameters()))
    for span, want in zip(fast.params.spans, expected):
        got = FlatParams.view(fast.params.grad, span)
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12, msg=span.name)
    assert torch.isclose(loss, loss_sum.detach()) and int(correct) == int(right)


@pytest.mark.parametrize("optimiser", OPTIMISER_SETTINGS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("activation,classes,dropout,l1", NETWORKS)
def test_mini_batch_training_follows_the_textbook_step(optimiser, activation, classes, dropout, l1):
    X, y = data(classes)
    held_out = [(X[30:], y[30:])]
    fast = step_of(activation, classes, dropout, l1, **optimiser)
    reference = model_of(activation, classes, dropout)
    optimizer = torch_optimizer(reference.parameters(), **optimiser)
    fast_totals, reference_totals = [], []
    for epoch in range(3):
        order = torch.randperm(len(y), generator=torch.Generator().manual_seed(epoch))
        order = order[order < 30]
        for model in (fast.model, reference):
            if model.generator is not None:
                model.generator.manual_seed(100 + epoch)
        fast_totals.append(fast.epoch(X[:30], y[:30], order, 16, lambda done: False, held_out)[0])
        reference_totals.append(autograd_epoch(reference, optimizer, X[:30], y[:30], order, 16, held_out, l1))
    reference.eval()
    with torch.no_grad():
        torch.testing.assert_close(fast.logits(X), reference(X), rtol=1e-9, atol=1e-11)
    for got, want in zip(fast.model.parameters(), reference.parameters()):
        torch.testing.assert_close(got.detach(), want.detach(), rtol=1e-9, atol=1e-11)
    # train and test loss sums, train and test right answers, epoch by epoch
    torch.testing.assert_close(torch.stack(fast_totals), torch.stack(reference_totals), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("optimiser", OPTIMISER_SETTINGS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_the_flat_optimiser_is_torch_optim(optimiser):
    model = build_model(2, 3, [4], "relu", 0.0, "default", 0).double()
    reference = [p.detach().clone().requires_grad_() for p in model.parameters()]
    params = FlatParams(model)
    settings = Settings(lr=0.05, **optimiser)
    flat = FlatOptimizer(params, settings)
    torch_optim = torch_optimizer(reference, **optimiser)
    g = torch.Generator().manual_seed(5)
    for step in range(6):
        if step == 3:  # a checkpoint written by one and read by the other continues the same way
            saved = flat.state_dict()
            torch_optim.load_state_dict(saved)
            flat = FlatOptimizer(params, settings)
            flat.load_state_dict(torch_optim.state_dict())
        for span, p in zip(params.spans, reference):
            grad = torch.randn(span.shape, generator=g, dtype=torch.float64)
            FlatParams.view(params.grad, span).copy_(grad)
            p.grad = grad.clone()
        flat.step()
        torch_optim.step()
        for span, p in zip(params.spans, reference):
            torch.testing.assert_close(FlatParams.view(params.theta, span), p.detach(), rtol=1e-12, atol=1e-14)
