"""A sweep's training: 64 configurations trained together (engine/training/batched.py) against the same 64
trained one after another with `TrainingSession(...).run()`, in one process, on the CPU.

The 64: circles 1,000 samples (80/20), 2-10-10-1 ReLU, SGD, full batch, 1,000 epochs, train and test loss
and accuracy kept every epoch; lr over 8 values × 8 seeds (`seed`: each seed draws its own data, so the
sweep is 8 groups of 8 models that share their data). Building the sessions (data, split, initial
weights) costs both ways the same and is not timed; what is timed is training them to the end, history,
outcome and final weights included. Ways measured, interleaved, medians of the repeats:
  one_by_one      `run()` for each (the engine's single-run fast path; one thread, as it chooses)
  together        `train_together` for each group, one thread (what the engine uses)
  together_2      the same on two threads
  vmap            `torch.func.vmap` of the same hand-written SGD step over each group, one thread
  processes       `train_groups`: the groups dealt to two forked processes, `train_together` on one
                  thread in each, the trained states sent back and restored (what a sweep uses)
  dask_2          the groups sent to a Dask LocalCluster of two worker processes of one thread
                  (`--executor dask`): each task rebuilds its sessions from their settings, trains them with
                  `train_together` and sends the states back. The cluster is started, and its workers have
                  loaded PyTorch, before the timing: a cluster outlives the sweeps sent to it
On CUDA (when present) one_by_one and together are measured on `device="cuda"` too.

Two figures answer two questions, each against one_by_one on one thread: what batching gains, on the same
one thread of one process (together); and what batching plus worker processes gains (processes), which also
uses a second core, so it says what a sweep gets from the machine, not what batching does.

`.venv/bin/python bench/sweep_speed.py [--repeats 3] [--epochs 1000]`
Last line: RESULT batching_1_thread=<x> batching_and_2_processes=<x> [cuda_batching=<x>] (each over
one_by_one on the same device) dask_2_workers_vs_local_executor=<x> (processes' time over dask_2's; above 1:
the cluster is faster); a way not measured (or dask_2 without the [cluster] extra) is left out
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from engine import Settings, TrainingSession  # noqa: E402
from engine.training import threads  # noqa: E402
from engine.training.batched import batch_groups, train_together  # noqa: E402
from engine.training.parallel_groups import train_groups  # noqa: E402
from engine.training.outcome import Reason  # noqa: E402

LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
SEEDS = range(8)
BASE = Settings(dataset="circles", samples=1000, noise=0.03, test_size=0.2, hidden=[10, 10], activation="relu",
                optimizer="sgd", batch_size=0)


def build(epochs: int, device: str) -> list[TrainingSession]:
    return [TrainingSession(BASE.replace(lr=lr, seed=seed, epochs=epochs, device=device)) for seed in SEEDS for lr in LRS]


def groups_of(sessions):
    return [[sessions[i] for i in g] for g in batch_groups(sessions)]


# ----- the ways
def one_by_one(sessions) -> None:
    for s in sessions:
        s.run()


def together(sessions) -> None:
    for group in groups_of(sessions):
        train_together(group)


def together_2(sessions) -> None:
    with threads.forced(2):
        together(sessions)


def vmap_way(sessions) -> None:
    """The same arithmetic as the stacked step (forward, hand-written backward, SGD, the epoch's four
    numbers), written for one model and vectorised over the group with torch.func.vmap."""
    threads.use(1)
    for group in groups_of(sessions):
        first = group[0]
        spans = first.params.spans
        XT, XtT = first.X_train.t().contiguous(), first.X_test.t().contiguous()
        target = first.y_train.to(XT.dtype).unsqueeze(0)
        labels = [first.y_train.to(XT.dtype), first.y_test.to(XT.dtype)]

        def step(theta, lr):
            W = [theta[s.start:s.stop].view(s.shape) for s in spans[::2]]
            b = [theta[s.start:s.stop].view(-1, 1) for s in spans[1::2]]
            inputs, post = [XT], []
            a = XT
            for w, c in zip(W[:-1], b[:-1]):
                a = torch.relu(w @ a + c)
                post.append(a)
                inputs.append(a)
            logits = W[-1] @ a + b[-1]
            g = (torch.sigmoid(logits) - target) / XT.shape[1]
            grads = []
            for i in range(len(W) - 1, -1, -1):
                grads += [g.sum(1), (g @ inputs[i].t()).reshape(-1)]
                if i == 0:
                    break
                g = torch.where(post[i - 1] > 0, W[i].t() @ g, 0.0)
            new = theta - lr * torch.cat(list(reversed(grads)))
            W = [new[s.start:s.stop].view(s.shape) for s in spans[::2]]  # the test set sees the updated weights
            b = [new[s.start:s.stop].view(-1, 1) for s in spans[1::2]]
            a = XtT
            for w, c in zip(W[:-1], b[:-1]):
                a = torch.relu(w @ a + c)
            test_logits = W[-1] @ a + b[-1]
            sums = []
            for z, y in ((logits[0], labels[0]), (test_logits[0], labels[1])):
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="sum")
                sums += [loss, ((z > 0).to(z.dtype) == y).to(z.dtype).sum()]
            return new, torch.stack(sums)

        vstep = torch.func.vmap(step)
        theta = torch.stack([s.params.theta for s in group])
        for epoch in range(1, first.settings.epochs + 1):
            started = time.perf_counter()
            plans = [s.next_epoch() for s in group]
            lrs = torch.tensor([lr for _, lr, _ in plans], dtype=theta.dtype)
            theta, sums = vstep(theta, lrs)
            sums = sums.tolist()
            share = (time.perf_counter() - started) / len(group)
            for s, row, (number, lr, _), (loss, right, test_loss, test_right) in zip(group, theta, plans, sums):
                s.params.theta.copy_(row)  # the session's own bookkeeping, as a stack does it
                s.finish_epoch(number, lr, [[loss, test_loss], [right, test_right]], share)
        for s in group:
            s.end(Reason.COMPLETED)


def processes(sessions) -> None:
    train_groups(sessions, workers=2)


_cluster = {}


def dask_2(sessions) -> None:
    _cluster["executor"].train(sessions, batch_groups(sessions), lambda: False, lambda _: None, lambda _: None)


def start_cluster() -> bool:
    """Two worker processes of one thread each, warmed up (PyTorch loaded); False without the extra."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return False
    from engine.training.dask_groups import DaskExecutor

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    executor = DaskExecutor(cluster.scheduler_address)
    executor.connect()
    executor.client.run(lambda: __import__("engine.training.dask_groups"))
    _cluster.update(cluster=cluster, executor=executor)
    return True


WAYS = {"one_by_one": one_by_one, "together": together, "together_2": together_2, "vmap": vmap_way,
        "processes": processes, "dask_2": dask_2}


def timed(way, epochs: int, device: str) -> tuple[float, list[TrainingSession]]:
    sessions = build(epochs, device)
    with threads.kept():
        started = time.perf_counter()
        WAYS[way](sessions)
        if device == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - started
    return seconds, sessions


def gap(a: list[TrainingSession], b: list[TrainingSession]) -> float:
    """The largest difference of any train or test loss, any epoch, any model."""
    return max(abs(x - y) for s, t in zip(a, b) for r, q in zip(s.history.records, t.history.records)
               for x, y in ((r.train_loss, q.train_loss), (r.test_loss, q.test_loss)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--ways", default=",".join(WAYS))
    args = parser.parse_args()
    ways = args.ways.split(",")
    if "dask_2" in ways and not start_cluster():
        ways.remove("dask_2")
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    times: dict[tuple[str, str], list[float]] = {}
    results: dict[tuple[str, str], list[TrainingSession]] = {}
    for _ in range(args.repeats):
        for device in devices:
            for way in ways if device == "cpu" else ["one_by_one", "together"]:
                seconds, results[device, way] = timed(way, args.epochs, device)
                times.setdefault((device, way), []).append(seconds)
    model_epochs = len(LRS) * len(SEEDS) * args.epochs
    print(f"timed: training {len(LRS) * len(SEEDS)} sessions ({len(LRS)} lr × {len(SEEDS)} seeds, 8 groups) "
          f"for {args.epochs} epochs each, history, outcome and final weights included; not timed: building them")
    print(f"{'device':6} {'way':11} {'seconds':>8} {'model-epochs/s':>15} {'vs one by one':>14} {'max loss gap':>13}")
    ratio = {}
    for (device, way), values in times.items():
        median = statistics.median(values)
        base = statistics.median(times[device, "one_by_one"])
        ratio[device, way] = base / median
        print(f"{device:6} {way:11} {median:8.2f} {model_epochs / median:15,.0f} {base / median:13.2f}× "
              f"{gap(results[device, 'one_by_one'], results[device, way]):13.1e}")
    names = {("cpu", "together"): "batching_1_thread", ("cpu", "processes"): "batching_and_2_processes",
             ("cuda", "together"): "cuda_batching"}
    shown = [f"{name}={ratio[key]:.2f}" for key, name in names.items() if key in ratio]
    if ("cpu", "dask_2") in ratio and ("cpu", "processes") in ratio:
        shown.append(f"dask_2_workers_vs_local_executor={ratio['cpu', 'dask_2'] / ratio['cpu', 'processes']:.2f}")
    if _cluster:
        _cluster["executor"].close()
        _cluster["cluster"].close()
    print("RESULT " + " ".join(shown))


if __name__ == "__main__":
    main()
