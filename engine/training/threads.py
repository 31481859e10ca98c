"""The one owner of torch's thread count in this process: the training code asks here and none sets it itself.

Small models spend their time in framework overhead, where a second thread only adds contention (3,000
epochs: 5.7 s on two threads, 2.2 s on one) and starves the UI; a large one gets torch's own choice for the
machine. The count is the process's: a large model after a small one must get the threads back. A process
can be capped: a sweep's forked worker must not reach for threads its parent's pool holds (a child forked
after its parent ran torch's thread pool waits forever on it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

MACHINE = torch.get_num_threads()  # torch's choice for this machine, before anything changed it
LARGE_FLOPS = 5e8  # an epoch's work (multiply-adds × 6) past which a model gets the machine's threads
_cap = MACHINE
_forced: int | None = None


def use(threads: int) -> None:
    """This many threads from now on (within the cap)."""
    torch.set_num_threads(max(1, min(threads, _cap)))


def cap(threads: int) -> int:
    """Never more than `threads` in this process from now on, whatever the work; the cap it replaces."""
    global _cap
    before, _cap = _cap, max(1, threads)
    use(torch.get_num_threads())
    return before


def for_work(flops_per_epoch: float) -> None:
    """The threads for epochs of this much work: one for a small model, the machine's for a large one."""
    use(_forced or (1 if flops_per_epoch < LARGE_FLOPS else MACHINE))


@contextlib.contextmanager
def forced(threads: int) -> Iterator[None]:
    """`threads` for any work inside the block (a benchmark setting one count beside another)."""
    global _forced
    before, _forced = _forced, threads
    try:
        yield
    finally:
        _forced = before


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """The count as it was, again once the block is done (a sweep's stacks set their own)."""
    before = torch.get_num_threads()
    try:
        yield
    finally:
        torch.set_num_threads(before)
