"""A sweep's groups trained on a Dask cluster (the `[cluster]` extra): each group one task, a stack of
same-shape models, placed by the scheduler on whichever worker is free.

The submitting side has built the sessions (to group them, and to keep them once trained). A task is sent
the group's settings, and a file's rows when the data comes from one (a worker needs neither the file nor the
runs directory nor a terminal; a generated set it makes itself, the same), builds the same sessions there, with the same initial weights drawn from the
same seeds, trains them with `train_together` on one thread as the local workers do, and returns each
session's trained state and outcome (what a checkpoint keeps). The submitting side restores them into its own
sessions and keeps each group's runs as it arrives. On a CPU the numbers are the local executor's, bit for bit.

While the stacks train, each task logs its epochs to a topic of the sweep's, at most twice a second; the
submitting side hears them in Dask's event thread and counts them in its own. A stop (F7, Ctrl-C) sets a Dask
event of the sweep's that the tasks look at between epochs, at most twice a second: each ends its models at
their last whole epoch and returns. A worker that dies has its task run again elsewhere by the scheduler (up
to its `distributed.scheduler.allowed-failures`, 3 by default); a task that never finishes is reported with
its configurations as lost.

A task asks for the resource "GPU" when the sweep asks for CUDA: `annclf-tui worker --device cuda:N`
advertises one (one worker per GPU), so the stacks are placed one per GPU.
"""

from __future__ import annotations

import logging
import queue
import secrets
import time
import warnings
from dataclasses import dataclass
from typing import Callable

from .. import heap
from ..errors import AnnclfError
from ..schema import Settings
from . import threads
from .batched import train_together
from .feed import drained
from .outcome import Outcome
from .session import TrainingSession

EVERY = 0.5  # seconds between two progress messages of a task, and between two looks at the stop
CONNECT_SECONDS = 10
GPU = "GPU"  # the resource a worker of one GPU advertises


class ClusterError(AnnclfError):
    """The cluster cannot be used: the extra is missing, or the scheduler does not answer."""

    title = "cannot use the cluster"


@dataclass(frozen=True)
class Lost:
    """A group whose task never finished: its runs' settings, and why."""

    settings: tuple[Settings, ...]
    why: str


def address_problem(address: str) -> str | None:
    """What is wrong with a scheduler's address as written (no port, a port out of range), or None: said at
    once, rather than after waiting for an answer that cannot come."""
    from distributed.comm import parse_address, parse_host_port

    try:
        protocol, location = parse_address(address)
        if protocol in ("tcp", "tls"):
            port = parse_host_port(location)[1]
            if not 0 < port < 65536:
                return f"port {port} is out of range (1 to 65535)"
    except (ValueError, TypeError) as error:
        return str(error)
    return None


class DaskExecutor:
    """A sweep's line to a Dask scheduler (`tcp://host:8786`, or a LocalCluster's address in this process)."""

    def __init__(self, scheduler: str):
        self.scheduler = scheduler
        self.client = None
        self.working: set[str] = set()  # the workers that reported training: where a stack is, or was

    def connect(self) -> None:
        """ClusterError (one line) when the extra is not installed or the scheduler does not answer."""
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("--executor dask", "needs the cluster extra: pip install 'annclf-tui[cluster]'") from None
        # Dask logs a lost connection, a dead worker, a closed comm as tracebacks on stderr: through a terminal
        # app or a one-line CLI they would garble the screen; what they mean is reported here (Lost, ClusterError)
        for handler in logging.getLogger("distributed").handlers:  # its loggers' records all end at these
            handler.setLevel(logging.CRITICAL + 1)
        problem = address_problem(self.scheduler)
        if problem is not None:
            raise ClusterError(self.scheduler, f"is not a scheduler's address (tcp://host:8786): {problem}")
        try:
            self.client = Client(self.scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            raise ClusterError(self.scheduler, f"the Dask scheduler does not answer ({error})"[:300]) from None

    @property
    def workers(self) -> int:
        return len(self._workers())

    @property
    def gpu_workers(self) -> int:
        """The workers that advertise a GPU (`annclf-tui worker --device cuda:N`): the only ones a sweep that
        asks for CUDA is placed on."""
        return sum(1 for w in self._workers().values() if w.get("resources", {}).get(GPU))

    def _workers(self) -> dict:
        return self.client.scheduler_info(n_workers=-1)["workers"] if self.client is not None else {}

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def train(self, sessions: list[TrainingSession], groups: list[list[int]], should_stop: Callable[[], bool],
              on_epoch: Callable[[int], None], on_group: Callable[[list[int]], None]) -> list[Lost]:
        """Every group trained on the cluster; `on_group(group)` as each one's sessions are back here (trained,
        or stopped at their last whole epoch), `on_epoch(k)`: k group-epochs done so far, all groups counted.
        `should_stop` is asked ten times a second. The groups that never came back, and why."""
        from distributed import Event

        if self.client is None:
            self.connect()
        client, key = self.client, secrets.token_hex(4)
        topic, stop = f"annclf-progress-{key}", Event(f"annclf-stop-{key}", client=client)
        news: queue.SimpleQueue = queue.SimpleQueue()
        client.subscribe_topic(topic, news.put)  # called in the client's event thread: queued for this one
        tasks = {}
        with warnings.catch_warnings():  # a file's rows "in the graph" are meant: a worker may not have the file
            warnings.simplefilter("ignore", UserWarning)
            for n, group in enumerate(groups):
                first = sessions[group[0]]
                data = first.dataset if first.requested.dataset == "csv" else None  # else made there, the same
                needs = {GPU: 1} if first.requested.device == "cuda" else None
                future = client.submit(train_stack, [sessions[i].requested for i in group], data, topic,
                                       stop.name, n, key=f"annclf-stack-{key}-{n}", resources=needs, pure=False)
                tasks[future] = group
        epochs: dict[int, int] = {}  # group → its epochs done, as last told; a group there has started
        lost: list[Lost] = []
        pending, stopping = set(tasks), False
        try:
            while pending:
                try:  # a task's last word comes just before its result: the wait ends with it
                    heard = [news.get(timeout=0.1)]
                except queue.Empty:
                    heard = []
                for _, message in heard + drained(news):
                    epochs[message["stack"]] = max(epochs.get(message["stack"], -1), message["epochs"])
                    self.working.add(message["worker"])
                if heard:
                    on_epoch(sum(epochs.values()))
                for future in [f for f in pending if f.done()]:
                    pending.discard(future)
                    group = tasks[future]
                    if future.status == "finished":
                        for i, (state, outcome) in zip(group, future.result()):
                            sessions[i].restore_saved_state(state)
                            sessions[i].end(outcome)
                        on_group(group)
                    else:
                        lost.append(Lost(tuple(sessions[i].requested for i in group), _why(future, client)))
                if not stopping and should_stop():
                    stopping = True
                    stop.set()  # each task that started ends its models at their last whole epoch and returns
                    unbegun = [f for f in pending if _stack(f) not in epochs]
                    client.cancel(unbegun)
                    pending.difference_update(unbegun)  # not waited on: nothing of them is to come back
        finally:
            try:
                if pending:  # only when this side failed: the others came back
                    client.cancel(list(pending))
                client.unsubscribe_topic(topic)
            except Exception:  # the scheduler is gone: there is nothing left there to cancel
                pass
        return lost


def _stack(future) -> int:
    return int(future.key.rsplit("-", 1)[1])


def _why(future, client) -> str:
    if client.status != "running":  # however Dask words it (the reason may be "unknown"): the link is gone
        return "the connection to the scheduler was lost"
    try:
        future.result(timeout=CONNECT_SECONDS)
        return "it never came back"
    except Exception as error:  # what the cluster says of it, whatever it is
        if type(error).__name__ == "KilledWorker":
            return "every worker it was sent to died while training it"
        if type(error).__name__ == "FutureCancelledError":  # the scheduler's own words, first sentence
            words = " ".join((getattr(error, "msg", None) or getattr(error, "reason", "") or "").split())
            said = words.split(". ")[0].rstrip(".") or "no reason given"
            if "deserializ" in words:  # it could not read the task: not the same program there
                said += " (is the same annclf-tui installed there?)"
            return f"the cluster gave it up: {said}"[:300]
        text = " ".join(str(error).split()) or "no message"
        return f"it failed on its worker: {type(error).__name__}: {text}"[:300]


def train_stack(settings: list[Settings], dataset, topic: str, stop_name: str,
                stack: int) -> list[tuple[dict, Outcome]]:
    """A Dask task: one group trained on this worker; each session's saved state (on the CPU) and outcome."""
    from distributed import Event, get_worker

    heap.roomy()  # Dask's nanny has glibc hand freed memory back at once: a training step's tensors then cost 2.4x
    worker = get_worker()
    stop = Event(stop_name)
    clock = {"asked": -EVERY, "stopping": False, "told": time.monotonic()}

    def should_stop() -> bool:
        now = time.monotonic()
        if now - clock["asked"] >= EVERY:
            clock["asked"], clock["stopping"] = now, stop.is_set()
        return clock["stopping"]

    def on_epoch(k: int) -> None:
        clock["epochs"] = k
        if time.monotonic() - clock["told"] >= EVERY:
            worker.log_event(topic, {"stack": stack, "epochs": k})
            clock["told"] = time.monotonic()

    worker.log_event(topic, {"stack": stack, "epochs": 0})  # begun: a stop now waits for its return
    with threads.forced(1):  # one thread a stack, as the local workers train: the same numbers to the bit
        sessions = [TrainingSession(s, dataset) for s in settings]
        train_together(sessions, should_stop, on_epoch)
    worker.log_event(topic, {"stack": stack, "epochs": clock.get("epochs", 0)})
    return [(_on_cpu(s.saved_state()), s.outcome) for s in sessions]


def _on_cpu(value):
    """A state with every tensor on the CPU: a GPU worker's is read back on a machine that may have none."""
    if isinstance(value, dict):
        return {k: _on_cpu(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_on_cpu(v) for v in value)
    return value.cpu() if hasattr(value, "cpu") else value
