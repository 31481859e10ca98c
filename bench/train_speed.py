"""The engine's training speed beside the classic PyTorch tutorial loops, a plain PyTorch loop, and
scikit-learn's MLPClassifier.

Two configurations, from the same data (the engine's split) and, for the torch loops, the same initial
weights (the engine's):
  A  circles 1,000, 80/20, 2-10-10-1 ReLU, BCE with logits, SGD 0.1, 1,000 epochs full batch; the
     tutorial loop trains a step, then in eval mode and `inference_mode` passes the test set, and reads
     train and test loss and accuracy with `.item()` every epoch.
  B  circles 10,000, 67/33, 2-10-1 ReLU, SGD 0.1, batch 64; the tutorial loop uses a `Dataset` subclass,
     a shuffled `DataLoader`, a sigmoid output with `BCELoss`, and appends `loss.item()` every step.
The plain loop is what a careful person writes without a framework of their own, the same for A and B:
autograd and torch.optim.SGD, BCE with logits, the rows sliced by hand from a shuffled index (no
`Dataset`, no `DataLoader`; a full batch takes the tensors as they are), and the engine's history (train
loss and accuracy from the training pass, test loss and accuracy after it) kept on the device and read
once an epoch. The tutorial ratio says what the engine gains over code as the tutorials teach it; the
plain ratio, what it gains over plain PyTorch done well: its own step (forward and backward passes by
hand, the optimiser on one flat buffer), not the data loading.
MLPClassifier runs the same layers with solver "sgd" (no momentum, no L2). The engine's time includes
its per-epoch history of train and test loss and accuracy. Everything on one thread, interleaved, the
medians of the repeats compared.

`.venv/bin/python bench/train_speed.py [--repeats 5] [--epochs-b 20]`
Last line: RESULT A_vs_tutorial=<x> B_vs_tutorial=<x> A_vs_plain=<x> B_vs_plain=<x> A_vs_sklearn=<x>
B_vs_sklearn=<x> (each: the engine's steps a second over the other's)
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

from engine import Settings, TrainingSession  # noqa: E402

CONFIG_A = Settings(dataset="circles", samples=1000, noise=0.03, test_size=0.2, hidden=[10, 10],
                    activation="relu", optimizer="sgd", lr=0.1, epochs=1000, batch_size=0, device="cpu")
CONFIG_B = Settings(dataset="circles", samples=10_000, noise=0.05, test_size=0.33, hidden=[10],
                    activation="relu", optimizer="sgd", lr=0.1, epochs=20, batch_size=64, device="cpu")


@dataclass
class Timing:
    seconds: float
    epochs: int
    steps: int
    test_accuracy: float


# ----- the tutorial loops, written as the tutorials write them
def accuracy_fn(y_true: torch.Tensor, y_pred: torch.Tensor) -> float:
    correct = torch.eq(y_true, y_pred).sum().item()
    return (correct / len(y_pred)) * 100


def tutorial_full_batch(session: TrainingSession, epochs: int) -> Timing:
    X_train, X_test = session.X_train, session.X_test
    y_train, y_test = session.y_train.float(), session.y_test.float()
    model = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
    model.load_state_dict(_sequential_state(session))
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(params=model.parameters(), lr=0.1)
    history = []
    started = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        y_logits = model(X_train).squeeze()
        y_pred = torch.round(torch.sigmoid(y_logits))
        loss = loss_fn(y_logits, y_train)
        acc = accuracy_fn(y_true=y_train, y_pred=y_pred)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.inference_mode():
            test_logits = model(X_test).squeeze()
            test_pred = torch.round(torch.sigmoid(test_logits))
            test_loss = loss_fn(test_logits, y_test)
            test_acc = accuracy_fn(y_true=y_test, y_pred=test_pred)
        history.append((loss.item(), acc, test_loss.item(), test_acc))
    seconds = time.perf_counter() - started
    return Timing(seconds, epochs, epochs, test_acc / 100)


class CirclesDataset(Dataset):
    def __init__(self, X: torch.Tensor, y: torch.Tensor):
        self.X, self.y = X, y

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, index: int):
        return self.X[index], self.y[index]


def tutorial_mini_batch(session: TrainingSession, epochs: int) -> Timing:
    train = CirclesDataset(session.X_train, session.y_train.float().unsqueeze(1))
    loader = DataLoader(train, batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1), nn.Sigmoid())
    model.load_state_dict(_sequential_state(session))
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    steps = 0
    started = time.perf_counter()
    for epoch in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = loss_fn(outputs, targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            steps += 1
    seconds = time.perf_counter() - started
    with torch.no_grad():
        predicted = (model(session.X_test)[:, 0] > 0.5).long()
    return Timing(seconds, epochs, steps, float((predicted == session.y_test).float().mean()))


# ----- plain PyTorch, written with care
def plain_loop(session: TrainingSession, epochs: int, batch_size: int) -> Timing:
    widths = [session.X_train.shape[1], *session.settings.hidden, 1]
    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    model.load_state_dict(_sequential_state(session))
    loss_fn = nn.BCEWithLogitsLoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=session.settings.lr)
    X, y = session.X_train, session.y_train.float()
    X_test, y_test = session.X_test, session.y_test.float()
    n = len(y)
    size = batch_size if batch_size and batch_size < n else n
    history, steps = [], 0
    started = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        if size < n:
            order = torch.randperm(n)
            X_epoch, y_epoch = X[order], y[order]
        else:
            X_epoch, y_epoch = X, y
        train_loss, train_right = torch.zeros(()), torch.zeros(())
        for start in range(0, n, size):
            xb, yb = X_epoch[start:start + size], y_epoch[start:start + size]
            logits = model(xb)[:, 0]
            loss = loss_fn(logits, yb)
            optimizer.zero_grad()
            (loss / len(yb)).backward()
            optimizer.step()
            steps += 1
            with torch.no_grad():
                train_loss += loss
                train_right += ((logits > 0).float() == yb).sum()
        model.eval()
        with torch.no_grad():
            logits = model(X_test)[:, 0]
            test_right = ((logits > 0).float() == y_test).sum()
            sums = torch.stack([train_loss, train_right, loss_fn(logits, y_test), test_right])
        history.append(sums.tolist())  # the epoch's one read
    seconds = time.perf_counter() - started
    return Timing(seconds, epochs, steps, history[-1][3] / len(y_test))


def _sequential_state(session: TrainingSession) -> dict:
    """The engine's initial weights under nn.Sequential's names (linear layers at 0, 2, 4...)."""
    state = {}
    for i, layer in enumerate(session.model.layers):
        state[f"{2 * i}.weight"] = layer.weight.detach().clone()
        state[f"{2 * i}.bias"] = layer.bias.detach().clone()
    return state


# ----- scikit-learn
def sklearn_mlp(session: TrainingSession, epochs: int, batch_size: int) -> Timing:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, y_train = session.X_train.numpy(), session.y_train.numpy()
    n = len(y_train)
    mlp = MLPClassifier(hidden_layer_sizes=tuple(session.settings.hidden), activation="relu", solver="sgd",
                        learning_rate_init=0.1, momentum=0.0, nesterovs_momentum=False, alpha=0.0,
                        batch_size=batch_size or n, max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1,
                        shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        mlp.fit(X_train, y_train)
        seconds = time.perf_counter() - started
    steps = epochs * math.ceil(n / (batch_size or n))
    return Timing(seconds, epochs, steps, float(mlp.score(session.X_test.numpy(), session.y_test.numpy())))


# ----- the engine
def engine(session: TrainingSession, epochs: int) -> Timing:
    started = time.perf_counter()
    session.run()
    seconds = time.perf_counter() - started
    n, size = len(session.y_train), session.settings.batch_size
    assert session.history.epoch == epochs and len(session.history.records) == epochs
    return Timing(seconds, epochs, epochs * math.ceil(n / (size or n)), session.history.records[-1].test_accuracy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs-b", type=int, default=CONFIG_B.epochs, help="epochs of configuration B")
    args = parser.parse_args()
    torch.set_num_threads(1)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # numpy's BLAS under scikit-learn: one thread too
    config_b = CONFIG_B.replace(epochs=args.epochs_b)
    contenders = {
        ("A", "tutorial"): lambda: tutorial_full_batch(TrainingSession(CONFIG_A), CONFIG_A.epochs),
        ("A", "plain"): lambda: plain_loop(TrainingSession(CONFIG_A), CONFIG_A.epochs, 0),
        ("A", "sklearn"): lambda: sklearn_mlp(TrainingSession(CONFIG_A), CONFIG_A.epochs, 0),
        ("A", "engine"): lambda: engine(TrainingSession(CONFIG_A), CONFIG_A.epochs),
        ("B", "tutorial"): lambda: tutorial_mini_batch(TrainingSession(config_b), config_b.epochs),
        ("B", "plain"): lambda: plain_loop(TrainingSession(config_b), config_b.epochs, 64),
        ("B", "sklearn"): lambda: sklearn_mlp(TrainingSession(config_b), config_b.epochs, 64),
        ("B", "engine"): lambda: engine(TrainingSession(config_b), config_b.epochs),
    }
    for run in contenders.values():  # warm up: first calls pay for imports and allocations
        run()
    timings: dict[tuple[str, str], list[Timing]] = {key: [] for key in contenders}
    for _ in range(args.repeats):
        for key, run in contenders.items():
            timings[key].append(run())

    def median(key, what: str) -> float:
        return statistics.median(getattr(t, what) / t.seconds for t in timings[key])

    print(f"{'config':6} {'loop':9} {'epochs/s':>10} {'steps/s':>10} {'test acc':>9}   "
          f"(medians of {args.repeats}, one thread)")
    for key in contenders:
        accuracy = statistics.median(t.test_accuracy for t in timings[key])
        print(f"{key[0]:6} {key[1]:9} {median(key, 'epochs'):10,.0f} {median(key, 'steps'):10,.0f} "
              f"{100 * accuracy:8.1f}%")
    for config in ("A", "B"):
        for loop in ("tutorial", "plain"):
            gap = 100 * abs(statistics.median(t.test_accuracy for t in timings[(config, "engine")])
                            - statistics.median(t.test_accuracy for t in timings[(config, loop)]))
            print(f"{config}: engine's test accuracy {gap:.1f} points from the {loop} loop's "
                  f"({'within' if gap <= 2 else 'NOT within'} 2)")
    others = ("tutorial", "plain", "sklearn")
    ratio = {f"{c}_vs_{other}": median((c, "engine"), "steps") / median((c, other), "steps")
             for other in others for c in ("A", "B")}
    print("RESULT " + " ".join(f"{c}_vs_{other}={ratio[f'{c}_vs_{other}']:.2f}" for other in others
                               for c in ("A", "B")))


if __name__ == "__main__":
    main()
