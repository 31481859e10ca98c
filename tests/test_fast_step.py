"""The fast step's hand-written gradients and flat optimiser against torch.autograd and torch.optim, in float64."""

from itertools import product

import pytest
import torch

from engine import Settings
from engine.model import build_model
from engine.schema import ACTIVATIONS, OPTIMIZERS
from engine.training.autograd_step import AutogradStep
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


def step_of(kind, activation, classes, dropout, l1, seed=3, **optimiser):
    model = build_model(2, classes, [6, 5], activation, dropout, "default", seed).double()
    if dropout:
        model.generator = torch.Generator().manual_seed(11)
    params = FlatParams(model)
    settings = Settings(lr=optimiser.pop("lr", 0.05), l1=l1, **optimiser)
    return kind(model, params, FlatOptimizer(params, settings), l1)


def test_every_activation_and_optimiser_is_covered():
    assert {n[0] for n in NETWORKS} == set(ACTIVATIONS)
    assert {o["optimizer"] for o in OPTIMISER_SETTINGS} == set(OPTIMIZERS)
    assert all(FastStep.supports(build_model(2, 2, [3], a, 0.0, "default", 0)) for a in ACTIVATIONS)


@pytest.mark.parametrize("activation,classes,dropout,l1", NETWORKS)
def test_gradients_equal_autograd(activation, classes, dropout, l1):
    X, y = data(classes)
    # a learning rate of 0 leaves the weights as they were and the gradient in the buffer
    fast = step_of(FastStep, activation, classes, dropout, l1, optimizer="sgd", lr=0.0)
    loss, correct, _, _ = fast.epoch(X, y, None, 0, lambda: False, [(X[:5], y[:5])])

    model = fast.model
    model.generator is None or model.generator.manual_seed(11)  # the same dropout masks again
    model.train()
    from engine.model import loss_sum_and_correct
    loss_sum, right = loss_sum_and_correct(model(X), y)
    objective = loss_sum / len(y) + l1 * sum(layer.weight.abs().sum() for layer in model.layers)
    expected = torch.autograd.grad(objective, list(model.parameters()))
    for span, want in zip(fast.params.spans, expected):
        got = FlatParams.view(fast.params.grad, span)
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12, msg=span.name)
    assert torch.isclose(loss, loss_sum.detach()) and int(correct) == int(right)


@pytest.mark.parametrize("optimiser", OPTIMISER_SETTINGS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("activation,classes,dropout,l1", NETWORKS)
def test_mini_batch_training_follows_the_autograd_step(optimiser, activation, classes, dropout, l1):
    X, y = data(classes)
    runs = []
    for kind in (FastStep, AutogradStep):
        step = step_of(kind, activation, classes, dropout, l1, **optimiser)
        totals = []
        for epoch in range(3):
            if step.model.generator is not None:
                step.model.generator.manual_seed(100 + epoch)
            order = torch.randperm(len(y), generator=torch.Generator().manual_seed(epoch))
            totals.append(step.epoch(X[:30], y[:30], order[order < 30], 16, lambda: False, [(X[30:], y[30:])]))
        runs.append((step.params.theta.clone(), torch.stack(totals), step.logits(X)))
    (fast_theta, fast_totals, fast_logits), (auto_theta, auto_totals, auto_logits) = runs
    torch.testing.assert_close(fast_theta, auto_theta, rtol=1e-9, atol=1e-11)
    torch.testing.assert_close(fast_logits, auto_logits, rtol=1e-9, atol=1e-11)
    # train and test loss sums, train and test right answers, epoch by epoch
    torch.testing.assert_close(fast_totals, auto_totals, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("optimiser", OPTIMISER_SETTINGS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_the_flat_optimiser_is_torch_optim(optimiser):
    model = build_model(2, 3, [4], "relu", 0.0, "default", 0).double()
    reference = [p.detach().clone().requires_grad_() for p in model.parameters()]
    params = FlatParams(model)
    settings = Settings(lr=0.05, **optimiser)
    flat = FlatOptimizer(params, settings)
    kind = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
            "rmsprop": torch.optim.RMSprop}[settings.optimizer]
    extra = {k: v for k, v in optimiser.items() if k != "optimizer"}
    torch_optim = kind(reference, lr=0.05, **{"weight_decay": 0.0, **extra})
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
