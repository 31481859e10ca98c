"""Many training sessions at once: those that share the data and the network's shape train as one stack.

`batch_groups` says which sessions can train together: the same data (rows, labels, split, scaling and
input columns, checked element for element), the same network (input, hidden and output widths,
activation), device, dtype and batch size (full batch, or equal mini-batches). Everything else may differ
within a group: learning rate and schedule, optimiser kind (SGD, Adam, AdamW, RMSprop side by side),
momentum, Nesterov, weight decay, L1, initial weights, dropout rate, batch order (shuffle seed), epochs,
patience, and where a resumed session left off.

`train_together` trains one group: one batched forward and backward pass for all of its models a step
(StackedStep), and leaves every session as `session.run()` alone would have: its history, weights (the best
epoch's after early stopping), outcome, best epoch, marks, optimiser state (a checkpoint saved after it
resumes) and a share of the time. After each epoch every session gets its row of weights back and does its
own bookkeeping (`next_epoch`, `finish_epoch`, `end`: the same as run()'s); a model that ends (its epochs
reached, early stopping, divergence) leaves the stack and stops changing; the others go on. A session's feed
gets its epochs, marks and end, but no maps or reports while the stack trains; its controls are not
consulted (pause, pace, stop: `should_stop` stops the group between epochs).

A group of one trains with `session.run()`.
"""

from __future__ import annotations

import time
from typing import Callable

import torch

from . import threads
from .outcome import Outcome, Reason
from .session import TrainingSession
from .stacked_optimizer import StackedOptimizer
from .stacked_step import StackedStep

# Models of a stack whose activations exceed this many numbers are split into stacks trained in turn each
# epoch: past it an epoch's activations fall out of the cache (2-10-10-1 on 800 rows, one thread: 42 µs a
# model-epoch in stacks of 16, 65–100 µs in one stack of 64).
STACK_NUMBERS = 16 * 10 * 800


def _batch_rows(session: TrainingSession) -> int:
    size, n = session.settings.batch_size, len(session.y_train)
    return 0 if size == 0 or size >= n else size


def _key(session: TrainingSession) -> tuple:
    p = session.params
    return (session.fingerprint, tuple(session.input_names), session.settings.scale,
            tuple(tuple(span.shape) for span in p.spans), session.model.activation, str(session.device),
            p.theta.dtype, _batch_rows(session))


def _same_data(a: TrainingSession, b: TrainingSession) -> bool:
    tensors = lambda s: [s.X_train, s.y_train, *(t for part in s.held_out for t in part)]  # noqa: E731
    return all(x.shape == y.shape and torch.equal(x, y) for x, y in zip(tensors(a), tensors(b)))


def batch_groups(sessions: list[TrainingSession]) -> list[list[int]]:
    """Indices of the sessions that can train together, in order of first appearance (groups of one too)."""
    groups: list[list[int]] = []
    keys: list[tuple] = []
    for i, s in enumerate(sessions):
        key = _key(s)
        for k, group in zip(keys, groups):
            if k == key and _same_data(sessions[group[0]], s):
                group.append(i)
                break
        else:
            keys.append(key)
            groups.append([i])
    return groups


def train_together(sessions: list[TrainingSession], should_stop: Callable[[], bool] = lambda: False,
                   on_epoch: Callable[[int], None] | None = None,
                   refresh: Callable[[], bool] | None = None) -> list[Outcome]:
    """Train one group (see batch_groups) to each session's end; the outcomes in the sessions' order.
    `should_stop` is asked between epochs; `on_epoch(k)` is called after each of the group's epochs, and
    `refresh()` just before it (a client's cue to draw the sessions: each holds its weights of the epoch
    just trained, as between two epochs of run(), so nothing has to be handed out for it)."""
    if not sessions:
        return []
    if len(batch_groups(sessions)) != 1:
        raise ValueError("train_together takes one group of batch_groups(): these sessions differ in data, "
                         "network shape, device, dtype or batch size")
    if len(sessions) == 1:
        return _one_by_one(sessions, should_stop, on_epoch)
    with threads.kept():  # the stacks measure their own count; the caller's is back after
        return _train_stacks(sessions, should_stop, on_epoch, refresh)


def _one_by_one(sessions, should_stop, on_epoch) -> list[Outcome]:
    outcomes = []
    for s in sessions:
        if should_stop():
            outcomes.append(s.end(Reason.STOPPED))
            continue

        def each(record, s=s):
            if on_epoch is not None:
                on_epoch(record.epoch)
            if should_stop():
                s.controls.stop()
        outcomes.append(s.run(each))
    return outcomes


def _train_stacks(sessions, should_stop, on_epoch, refresh=None) -> list[Outcome]:
    # the rows of a stack sorted by optimiser kind: each kind's update works on a contiguous slice
    order = sorted(range(len(sessions)), key=lambda i: StackedOptimizer.kind_order(sessions[i].optimizer.kind))
    widest = max(max(span.shape[0] for span in sessions[0].params.spans), 1)
    per_stack = max(1, STACK_NUMBERS // (widest * (_batch_rows(sessions[0]) or len(sessions[0].y_train))))
    count = -(-len(order) // per_stack)  # stacks of nearly equal size
    chunks = [order[k::count] for k in range(count)]
    stacks = [_Stack([sessions[i] for i in sorted(chunk, key=order.index)]) for chunk in chunks]
    if stacks[0].step is not None:  # measured once, on the first stack's step: the others are of its shape
        stacks[0].step.threads_for(stacks[0].batch_size)
    epoch = 0
    while any(stack.sessions for stack in stacks):
        if should_stop():
            for stack in stacks:
                stack.stop()
            break
        for stack in stacks:
            if stack.sessions:
                stack.epoch()
        epoch += 1
        if refresh is not None:
            refresh()
        if on_epoch is not None:
            on_epoch(epoch)
    return [s.outcome for s in sessions]


class _Stack:
    """Sessions trained as one StackedStep; a session that ends leaves it (the stack is rebuilt)."""

    def __init__(self, sessions: list[TrainingSession]):
        done = [s for s in sessions if s.history.epoch >= s.settings.epochs]
        for s in done:  # nothing left to train: as run() would
            s.end(Reason.COMPLETED)
        self._build([s for s in sessions if s not in done])

    def _build(self, sessions: list[TrainingSession]) -> None:
        self.sessions = sessions
        self.step = StackedStep(sessions) if sessions else None
        self.rows = self.step.theta.unbind(0) if sessions else ()
        self.batch_size = _batch_rows(sessions[0]) if sessions else 0

    def epoch(self) -> None:
        started = time.perf_counter()
        step, sessions = self.step, self.sessions
        plans = [s.next_epoch() for s in sessions]
        step.set_lrs([lr for _, lr, _ in plans])
        order = torch.stack([order for _, _, order in plans]) if self.batch_size else None
        sums = step.epoch(order, self.batch_size).tolist()  # the epoch's one read from the device
        share = (time.perf_counter() - started) / len(sessions)
        ended: dict[int, Outcome] = {}
        for row, (s, (epoch, lr, _), row_sums) in enumerate(zip(sessions, plans, sums)):
            s.params.theta.copy_(self.rows[row])
            s.params.grad.copy_(step.grad[row])  # its last step's, for its pictures and its checkpoint
            outcome = s.finish_epoch(epoch, lr, row_sums, share)
            if outcome is not None:
                ended[row] = outcome
        if ended:
            self._leave(ended)

    def _leave(self, ended: dict[int, Outcome]) -> None:
        for row in range(len(self.sessions)):  # the stack is rebuilt from the sessions' own optimisers
            if row not in ended or ended[row].reason != Reason.DIVERGED:  # a diverged one forgot its moments
                self.step.optimizer.write_back(row)
        for row, outcome in ended.items():
            self.sessions[row].end(outcome)
        self._build([s for row, s in enumerate(self.sessions) if row not in ended])

    def stop(self) -> None:
        """Stopped between epochs: every session keeps its last whole epoch."""
        for row, s in enumerate(self.sessions):
            self.step.optimizer.write_back(row)
            s.end(Reason.STOPPED)
        self._build([])
