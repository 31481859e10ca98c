"""torch's thread count has one owner (engine.training.threads): a run times its own step at one thread and
at the most it may use, once, as it starts, and keeps the faster; a step too small for torch to split takes one
thread unmeasured; a capped process (a sweep's forked worker) never goes past its cap; the count chosen is in the
run's record."""

import time

import pytest
import torch

from engine import Feed, Settings, ThreadsChosen, TrainingSession
from engine.exports import results
from engine.training import threads


@pytest.fixture
def two_cores(monkeypatch):
    """A machine of two cores, none kept for a screen (an app test of this process may have kept one), whatever
    this one has, and torch's count back after."""
    monkeypatch.setattr(threads, "MACHINE", 2)
    monkeypatch.setattr(threads, "_cap", 2)
    monkeypatch.setattr(threads, "_reserved", 0)
    with threads.kept():
        yield


def step_taking(seconds_at: dict[int, float]):
    """A stand-in for a step that takes seconds_at[threads] at each count."""
    return lambda: time.sleep(seconds_at[torch.get_num_threads()])


@pytest.mark.parametrize("faster", [1, 2])
def test_the_count_timed_faster_is_the_one_kept_and_set(two_cores, faster):
    slower = 3 - faster
    choice = threads.choose(step_taking({faster: 0.001, slower: 0.004}), threads.GRAIN)
    assert choice.threads == faster == torch.get_num_threads() and choice.why == "measured"
    assert choice.seconds_per_step[faster] < choice.seconds_per_step[slower]
    assert choice.words == ("1 thread" if faster == 1 else "2 threads")


def test_a_step_torch_would_not_split_takes_one_thread_unmeasured(two_cores):
    choice = threads.choose(step_taking({1: 0.004, 2: 0.001}), threads.GRAIN - 1)
    assert (choice.threads, choice.why, choice.seconds_per_step) == (1, "small steps", {})


def test_a_capped_process_a_forced_count_and_cores_kept_for_the_screen(two_cores):
    fast_on_two = step_taking({1: 0.004, 2: 0.001})
    before = threads.cap(1)
    try:
        assert threads.choose(fast_on_two, threads.GRAIN).threads == 1 == torch.get_num_threads()
    finally:
        threads.cap(before)
    with threads.forced(1):
        assert threads.choose(fast_on_two, threads.GRAIN).why == "forced"
    kept = threads.reserve(1)
    try:
        assert threads.most() == 1 and threads.choose(fast_on_two, threads.GRAIN).why == "one core"
    finally:
        threads.reserve(kept)
    assert threads.choose(fast_on_two, threads.GRAIN).threads == 2


def test_a_run_measures_its_own_step_once_and_its_record_says_what_it_chose(two_cores):
    # 4,000 rows through 64 units: a full batch of 3,200 training rows is one step of 204,800 elements
    session = TrainingSession(Settings(dataset="circles", samples=4000, hidden=[64], epochs=2, device="cpu"))
    feed = Feed()
    session.attach(feed)
    before = session.params.theta.clone()
    choice = session.step.threads_for(session.X_train, session.y_train, 0)
    assert torch.equal(session.params.theta, before)  # measured without an update
    session.run()
    chosen = [e.choice for e in feed.drain() if isinstance(e, ThreadsChosen)]
    assert len(chosen) == 1 and chosen[0].why == "measured" and set(chosen[0].seconds_per_step) == {1, 2}
    assert torch.get_num_threads() == chosen[0].threads and choice.why == "measured"
    session.change(epochs=4)
    session.run()  # continued: the same choice, not measured again
    assert not [e for e in feed.drain() if isinstance(e, ThreadsChosen)]
    record = results(session, session.outcome)["threads"]
    assert record["threads"] == chosen[0].threads and record["why"] == "measured"
    assert set(record["seconds_per_step"]) == {"1", "2"}


def test_a_small_model_trains_on_one_thread_unmeasured(two_cores):
    session = TrainingSession(Settings(dataset="circles", samples=200, hidden=[4], epochs=1, device="cpu"))
    session.run()
    assert torch.get_num_threads() == 1 and session.thread_choice.why == "small steps"


def test_a_count_forced_in_one_thread_is_that_threads_alone(two_cores):
    import threading

    inside, other = threading.Event(), []
    leave = threading.Event()

    def task():
        with threads.forced(1):
            inside.set()
            leave.wait(60)

    worker = threading.Thread(target=task)
    worker.start()
    inside.wait(60)
    # a cluster's task forcing one thread in its own thread leaves this one measuring
    other.append(threads.choose(step_taking({1: 0.004, 2: 0.001}), threads.GRAIN).why)
    leave.set()
    worker.join(60)
    assert other == ["measured"]
