"""A sweep's groups trained side by side in worker processes, one thread each: the fastest way measured on
a 2-core CPU (bench/sweep_speed.py: 64 configurations in 8 groups, 3.5× one by one, where one process with
its stacks makes 2.0× and the same on two threads loses to one, the small products contending).

The workers are forked, so they start with the sessions already built; each trains its share of the groups
with `train_together` and sends back each session's trained state (weights, optimiser, schedule, best
epoch, history, marks, time: what a checkpoint keeps) and outcome, which the parent restores into its own
sessions. A feed attached to a session gets its end (RunEnded) but not its epochs. Without fork (not
Linux), on CUDA, with one worker or one group, the groups train in this process, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from multiprocessing.connection import wait
from typing import Callable

from . import threads
from .batched import batch_groups, train_together
from .outcome import Outcome
from .session import TrainingSession

_PROGRESS, _DONE, _FAILED = "progress", "done", "failed"


def train_groups(sessions: list[TrainingSession], should_stop: Callable[[], bool] = lambda: False,
                 on_epoch: Callable[[int], None] | None = None, workers: int | None = None) -> list[Outcome]:
    """Every session trained to its end, each group of `batch_groups` together; the outcomes in order.
    `on_epoch(k)`: k group-epochs done so far, all groups counted; `should_stop` is asked between them."""
    groups = batch_groups(sessions)
    workers = min(workers or os.cpu_count() or 1, len(groups))
    forking = "fork" in multiprocessing.get_all_start_methods()
    if workers <= 1 or not forking or any(s.device.type != "cpu" for s in sessions):
        done = 0

        def counted(_):
            nonlocal done
            done += 1
            if on_epoch is not None:
                on_epoch(done)
        for group in groups:
            train_together([sessions[i] for i in group], should_stop, counted)
        return [s.outcome for s in sessions]
    return _in_workers(sessions, groups, workers, should_stop, on_epoch)


def _shares(sessions, groups, workers) -> list[list[list[int]]]:
    """Groups dealt to the workers, the longest first, each to the least loaded (epochs × models)."""
    cost = lambda g: max(sessions[i].settings.epochs for i in g) * len(g)  # noqa: E731
    shares, loads = [[] for _ in range(workers)], [0] * workers
    for group in sorted(groups, key=cost, reverse=True):
        k = loads.index(min(loads))
        shares[k].append(group)
        loads[k] += cost(group)
    return shares


def _worker(sessions, share, stop_event, connection, parent: int) -> None:
    # one thread, for a large model too: a forked child that uses the thread pool its parent started waits
    # forever on threads it does not have
    threads.cap(1)

    def orphaned() -> bool:
        # the parent killed (SIGKILL: no stop event is ever set): this child was given to another parent. Its
        # pipe does not break, as its siblings hold copies of the parents' ends, so it is asked between epochs
        return os.getppid() != parent

    try:
        for group in share:
            train_together([sessions[i] for i in group], lambda: stop_event.is_set() or orphaned(),
                           lambda _: connection.send((_PROGRESS, 1)))
            if orphaned():
                return  # no one to send the sessions to: a send could wait forever on a full pipe
        results = [(i, sessions[i].saved_state(), sessions[i].outcome) for group in share for i in group]
        connection.send_bytes(pickle.dumps((_DONE, results)))
    except Exception:  # the parent raises it: a sweep must not end as if these had trained
        connection.send((_FAILED, traceback.format_exc()))
    finally:
        connection.close()


def _in_workers(sessions, groups, workers, should_stop, on_epoch) -> list[Outcome]:
    context = multiprocessing.get_context("fork")  # the workers start with the built sessions
    stop_event = context.Event()
    pipes, processes = [], []
    for share in _shares(sessions, groups, workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(sessions, share, stop_event, sender, os.getpid()),
                                  daemon=True)
        process.start()
        sender.close()
        pipes.append(receiver)
        processes.append(process)
    done, open_pipes = 0, list(pipes)
    try:
        while open_pipes:
            for pipe in wait(open_pipes, timeout=0.1):
                try:
                    message = pickle.loads(pipe.recv_bytes())
                except EOFError:
                    raise RuntimeError("a training worker ended without sending its sessions back") from None
                if message[0] == _FAILED:
                    raise RuntimeError(f"a training worker failed:\n{message[1]}")
                if message[0] == _PROGRESS:
                    done += 1
                    if on_epoch is not None:
                        on_epoch(done)
                    continue
                for i, state, outcome in message[1]:
                    sessions[i].restore_saved_state(state)
                    sessions[i].end(outcome)
                open_pipes.remove(pipe)
            if should_stop():
                stop_event.set()
    finally:
        stop_event.set()
        for process in processes:
            process.join()
    return [s.outcome for s in sessions]
