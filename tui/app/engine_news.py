"""The engine's news, drained from a session's feed, as the messages the views take: one message per kind of
news in a batch, never one per epoch."""

from __future__ import annotations

from textual.message import Message

from tui.app.messages import EpochsArrived, GridArrived, NetworkArrived, ReportArrived, RunFinished


def messages(events: list, session) -> list[Message]:
    if not events:
        return []  # no import either: before the first frame the engine (torch) is not loaded yet
    from engine.training.events import (EpochDone, EpochProgress, GridReady, Marked, NetworkReady, ReportReady,
                                        RunEnded, ThreadsChosen)

    out: list[Message] = []
    epochs = EpochsArrived()
    grid = network = report = end = None
    for event in events:
        if isinstance(event, EpochDone):
            epochs.records.append(event.record)
            epochs.seconds = event.seconds
            epochs.inside = None  # the epoch under way is done
        elif isinstance(event, EpochProgress):
            epochs.inside = (event.epoch, event.rows_done, event.rows, event.seconds)
        elif isinstance(event, ThreadsChosen):
            epochs.threads = event.choice.words
        elif isinstance(event, Marked):
            epochs.marks.append(event.mark)
        elif isinstance(event, GridReady):
            grid = GridArrived(event.grid, session, event.still)
        elif isinstance(event, NetworkReady):
            network = NetworkArrived(event.picture, event.epoch, session)
        elif isinstance(event, ReportReady):
            report = ReportArrived(event.report, event.epoch, session)
        elif isinstance(event, RunEnded):
            end = RunFinished(event.outcome, event.best_epoch, event.seconds)
    if epochs.records or epochs.marks or epochs.inside or epochs.threads:
        out.append(epochs)
    out += [m for m in (grid, network, report, end) if m is not None]
    return out
