"""The one owner of torch's thread count in this process: the training code asks here and none sets it itself.

How many threads pay off depends on the model, the batch, the machine and what else runs on it: a 2-10-10-1
model spends its time in framework overhead, where a second thread only adds contention (3,000 epochs: 5.7 s
on two threads, 2.2 s on one); a million rows through 64,64 gain from a second core when it is idle, and
lose five to one when another process holds it (circles 1M, 2 epochs: 11.0 s on two threads, 2.1 s on one).
No fixed rule of work can know the last of these, so a run times its own step at one thread and at the most
it may use, once, as it starts, and keeps the faster (`choose`).

Steps whose widest activation holds fewer elements than torch's grain size (32,768) are not split across
threads by torch at all: those take one thread without a measurement (and the same numbers to the last bit,
whatever the machine). A process can be capped: a sweep's forked worker must not reach for threads its
parent's pool holds (a child forked after its parent ran torch's thread pool waits forever on it); and it
can keep cores for other work (`reserve`): the app's screen.
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Callable

import torch

MACHINE = torch.get_num_threads()  # torch's choice for this machine, before anything changed it
GRAIN = 32768  # torch's at::internal::GRAIN_SIZE: below it an operation runs on one thread however many there are
TRIAL_SECONDS = 0.03  # each timing runs steps for at least this long (and two steps at the least)
ROUNDS = 3  # timings of each count, by turns; the median of each is compared
_cap = MACHINE
_reserved = 0
_forced = threading.local()  # .count: forced for the work of this thread (tasks of a cluster share a process)


@dataclass(frozen=True)
class Choice:
    """How many threads a run trains on, and why: what a run's record and the app's status line say."""

    threads: int
    why: str  # "measured", "small steps", "forced", "one core", "cuda"
    seconds_per_step: dict[int, float] = field(default_factory=dict)  # each count timed: its best step

    def as_dict(self) -> dict:
        return {"threads": self.threads, "why": self.why,
                "seconds_per_step": {str(n): round(s, 6) for n, s in self.seconds_per_step.items()}}

    @property
    def words(self) -> str:
        """"1 thread", "2 threads": for the status line."""
        return f"{self.threads} thread{'s' if self.threads != 1 else ''}"


def most() -> int:
    """The most threads a run may take: the machine's, less the cores kept for other work, within the cap."""
    return max(1, min(_cap, MACHINE - _reserved))


def use(threads: int) -> None:
    """This many threads from now on (within the cap)."""
    torch.set_num_threads(max(1, min(threads, _cap)))


def cap(threads: int) -> int:
    """Never more than `threads` in this process from now on, whatever the work; the cap it replaces."""
    global _cap
    before, _cap = _cap, max(1, threads)
    use(torch.get_num_threads())
    return before


def reserve(cores: int) -> int:
    """Keep `cores` of the machine for other work (the app's screen) from now on; the number it replaces."""
    global _reserved
    before, _reserved = _reserved, max(0, cores)
    return before


def choose(step: Callable[[], None], widest: int, device: torch.device | None = None) -> Choice:
    """Decide, and set, the threads for work made of `step`s (one run's step, without its update), whose
    widest activation holds `widest` elements: each count timed by turns, twice, the faster kept."""
    if getattr(_forced, "count", None) is not None:
        chosen = Choice(max(1, min(_forced.count, _cap)), "forced")
    elif device is not None and device.type != "cpu":
        chosen = Choice(1, device.type)  # the device does the work: the cores stay free
    elif most() == 1:
        chosen = Choice(1, "one core")
    elif widest < GRAIN:
        chosen = Choice(1, "small steps")
    else:
        chosen = _measured(step, most())
    use(chosen.threads)
    return chosen


def _measured(step: Callable[[], None], many: int) -> Choice:
    """Each count timed ROUNDS times by turns, the medians compared. Not the best of each: threads that have
    slept get the cores first for a moment (the scheduler's credit to sleepers), so the first timing of many
    threads beside a busy process looks as fast as on an idle machine, and the run then goes five times slower
    (circles 1M beside a busy loop, measured here)."""
    timings: dict[int, list[float]] = {1: [], many: []}
    for threads in (1, many) * ROUNDS:  # by turns: a load that comes and goes falls on both
        torch.set_num_threads(threads)
        step()  # the pool's threads woken, the buffers made
        steps, started = 0, time.perf_counter()
        while True:
            step()
            steps += 1
            elapsed = time.perf_counter() - started
            if elapsed >= TRIAL_SECONDS and steps >= 2:
                break
        timings[threads].append(elapsed / steps)
    typical = {n: statistics.median(t) for n, t in timings.items()}
    faster = min(typical, key=lambda n: (typical[n], n))
    return Choice(faster, "measured", typical)


@contextlib.contextmanager
def forced(threads: int) -> Iterator[None]:
    """`threads` for any work this thread does inside the block (a benchmark setting one count beside another,
    a cluster's task: two in one process must not undo each other's)."""
    before, _forced.count = getattr(_forced, "count", None), threads
    try:
        yield
    finally:
        _forced.count = before


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """The count as it was, again once the block is done (a sweep's stacks set their own)."""
    before = torch.get_num_threads()
    try:
        yield
    finally:
        torch.set_num_threads(before)
