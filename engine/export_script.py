"""A standalone plain-PyTorch script that rebuilds a run's data, network and training.

The script imports numpy, torch and scikit-learn only. Its data, initial weights, batch order, dropout
masks and schedule come from the engine's own functions, copied into it by `inspect.getsource`, so they
are the same draws as the run's; its training is the textbook autograd and torch.optim loop, which
the engine's fast step is tested to equal. Run it to print the final test accuracy.
"""

from __future__ import annotations

import inspect
import os
import textwrap

from .atomic import write_text
from .datasets import csv_table, dataset, generators, iris, split, unit_square
from .datasets.catalog import IRIS_DEFAULT_FEATURES, IRIS_FEATURES
from .model import MLP, _GAIN_NAME, initialise, loss_sum_and_correct
from .schema import Settings
from .training import schedule, seeds

GENERATED = {"circles": generators.circles, "moons": generators.moons, "blobs": generators.blobs,
             "linear": generators.linear, "spiral": generators.spiral, "gauss": generators.gauss}
CALLS = {"circles": "circles(S['samples'], S['noise'], S['factor'], S['data_seed'])",
         "moons": "moons(S['samples'], S['noise'], S['data_seed'])",
         "blobs": "blobs(S['samples'], S['classes'], S['cluster_std'], S['data_seed'])",
         "linear": "linear(S['samples'], S['data_seed'])",
         "spiral": "spiral(S['samples'], S['noise'], S['data_seed'])",
         "gauss": "gauss(S['samples'], S['noise'], S['data_seed'])"}
ACTIVATIONS = {"relu": "F.relu", "leaky_relu": "F.leaky_relu", "elu": "F.elu", "gelu": "F.gelu",
               "tanh": "torch.tanh", "sigmoid": "torch.sigmoid", "identity": "lambda x: x"}


def _source(*objects) -> str:
    return "\n\n".join(textwrap.dedent(inspect.getsource(o)).strip() for o in objects)


def _data_source(s: Settings) -> tuple[str, str]:
    """(definitions, the expression giving X, y) for the run's dataset."""
    if s.dataset in unit_square.TARGETS:
        target = unit_square.TARGETS[s.dataset]
        helpers = [unit_square._polar] if s.dataset in ("hard", "ring") else []
        code = _source(*helpers, target) + f"\n\n\nTARGETS = {{{s.dataset!r}: {target.__name__}}}\n\n\n" + \
            _source(unit_square.sample)
        return code, f"sample({s.dataset!r}, S['samples'], S['data_seed'])"
    if s.dataset == "iris":
        constants = (f"IRIS_FEATURES = {IRIS_FEATURES!r}\nIRIS_DEFAULT_FEATURES = {IRIS_DEFAULT_FEATURES!r}\n"
                     f"SPECIES = {iris.SPECIES!r}\n\n\n")
        return constants + _source(iris.load), "load(S['classes'], S['features'])[:2]"
    if s.dataset == "csv":
        shim = ("class DataError(Exception):\n    def __init__(self, path, problem):\n"
                "        super().__init__(f'{path}: {problem}')\n\n\n"
                f"_MISSING = {csv_table._MISSING!r}\n\n\n")
        return shim + _source(csv_table._rows, csv_table._class_order, csv_table.load), \
            "load(S['csv'], S['label'], S['features'])[:2]"
    return _source(GENERATED[s.dataset]), CALLS[s.dataset]


def script_text(settings: Settings, file_name: str = "run.py") -> str:
    s = settings.resolve()
    flat = {k: v for k, v in s.to_flat().items()}
    data_code, data_call = _data_source(s)
    hidden = ",".join(map(str, s.hidden)) or "none"
    activations = "{\n" + "".join(f"    {k!r}: {v},\n" for k, v in ACTIVATIONS.items()) + "}"
    return f'''"""An annclf-tui run in plain PyTorch: {s.dataset}, hidden {hidden} {s.activation}, {s.optimizer} lr {s.lr:g},
{s.epochs} epochs{f", batch {s.batch_size}" if s.batch_size else ", full batch"}.

Rebuilds the data, the network and the training of the run (the same data, initial weights, batch
order and dropout masks) with numpy, torch and scikit-learn only, and prints the final test accuracy.
Written by annclf-tui; run it with `python {file_name}`.
"""

import csv
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

S = {flat!r}

# ----- the data
{data_code}


{_source(dataset.flip_labels)}


{_source(split._scaling)}


def make_data():
    from sklearn.model_selection import train_test_split

    X, y = {data_call}
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    classes = int(y.max()) + 1
    y = flip_labels(y, S["label_noise"], classes, S["data_seed"])
    rows = np.arange(len(y))
    train, test = train_test_split(rows, test_size=S["test_size"], stratify=y, random_state=S["data_seed"])
    train, test = np.sort(train), np.sort(test)
    shift, scale = _scaling(X[train], S["scale"])
    prepare = lambda part: torch.from_numpy(((X[part] - shift) / scale).astype(np.float32))  # noqa: E731
    return prepare(train), torch.from_numpy(y[train]), prepare(test), torch.from_numpy(y[test]), classes


# ----- the network
ACTIVATION_FUNCTIONS = {activations}
_GAIN_NAME = {_GAIN_NAME!r}


{_source(MLP)}


{_source(initialise)}


{_source(loss_sum_and_correct)}


# ----- the training
SHUFFLE, DROPOUT = {seeds.SHUFFLE}, {seeds.DROPOUT}


{_source(seeds.epoch_seed)}


{_source(schedule.LearningRate)}


def make_optimizer(params):
    if S["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=S["lr"], momentum=S["momentum"], nesterov=S["nesterov"],
                               weight_decay=S["weight_decay"])
    if S["optimizer"] == "adam":
        return torch.optim.Adam(params, lr=S["lr"], weight_decay=S["weight_decay"])
    if S["optimizer"] == "adamw":
        return torch.optim.AdamW(params, lr=S["lr"], weight_decay=S["weight_decay"])
    return torch.optim.RMSprop(params, lr=S["lr"], momentum=S["momentum"], weight_decay=S["weight_decay"])


def main():
    torch.set_num_threads(1)
    X_train, y_train, X_test, y_test, classes = make_data()
    model = MLP(X_train.shape[1], S["hidden"], 1 if classes == 2 else classes, S["activation"], S["dropout"])
    initialise(model, S["init"], S["init_seed"])
    if S["dropout"] > 0:
        model.generator = torch.Generator()
    optimizer = make_optimizer(model.parameters())
    lr = LearningRate(S["lr"], S["schedule"], S["epochs"], S["step_size"], S["gamma"], S["plateau_patience"])
    n, size = len(y_train), S["batch_size"]
    best_loss, best_epoch, best_state = math.inf, 0, None
    last_good = {{k: v.clone() for k, v in model.state_dict().items()}}
    for epoch in range(1, S["epochs"] + 1):
        for group in optimizer.param_groups:
            group["lr"] = lr.at(epoch)
        if model.generator is not None:
            model.generator.manual_seed(epoch_seed(S["init_seed"], epoch, DROPOUT))
        if size and size < n:
            g = torch.Generator().manual_seed(epoch_seed(S["shuffle_seed"], epoch, SHUFFLE))
            order = torch.randperm(n, generator=g)
        else:
            order, size = torch.arange(n), n
        model.train()
        X_epoch, y_epoch = X_train[order], y_train[order]
        for start in range(0, n, size):
            xb, yb = X_epoch[start:start + size], y_epoch[start:start + size]
            loss_sum, _ = loss_sum_and_correct(model(xb), yb)
            objective = loss_sum / len(yb)
            if S["l1"]:
                objective = objective + S["l1"] * sum(layer.weight.abs().sum() for layer in model.layers)
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            test_loss = loss_sum_and_correct(model(X_test), y_test)[0].item() / len(y_test)
        if not math.isfinite(test_loss):
            print(f"the loss diverged at epoch {{epoch}}; keeping the weights of epoch {{epoch - 1}}")
            model.load_state_dict(last_good)
            break
        last_good = {{k: v.clone() for k, v in model.state_dict().items()}}
        lr.observe(test_loss)
        if test_loss < best_loss:
            best_loss, best_epoch = test_loss, epoch
            best_state = {{k: v.clone() for k, v in model.state_dict().items()}}
        elif S["patience"] and epoch - best_epoch >= S["patience"]:
            model.load_state_dict(best_state)
            print(f"early stopping at epoch {{epoch}}; the weights of epoch {{best_epoch}} restored")
            break
    model.eval()
    with torch.no_grad():
        _, right = loss_sum_and_correct(model(X_test), y_test)
    print(f"test accuracy {{right.item() / len(y_test):.4f}}")


if __name__ == "__main__":
    main()
'''


def write_script(settings: Settings, path: str | os.PathLike) -> None:
    write_text(path, script_text(settings, os.path.basename(path)))
