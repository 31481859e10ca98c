"""torch's thread count has one owner (engine.training.threads): a small model trains on one thread, a large
one on the machine's, a capped process (a sweep's forked worker) on no more than its cap."""

import torch

from engine import Settings, TrainingSession
from engine.training import threads


def test_a_small_model_trains_on_one_thread_and_a_large_one_gets_the_machines_back():
    with threads.kept():
        small = TrainingSession(Settings(dataset="circles", samples=200, hidden=[4], epochs=1, device="cpu"))
        small.run()
        assert torch.get_num_threads() == 1
        threads.for_work(threads.LARGE_FLOPS * 2)
        assert torch.get_num_threads() == threads.MACHINE


def test_a_capped_process_never_goes_past_its_cap_and_a_forced_count_holds_only_inside_its_block():
    with threads.kept():
        before = threads.cap(1)
        try:
            threads.for_work(threads.LARGE_FLOPS * 2)
            assert torch.get_num_threads() == 1
        finally:
            threads.cap(before)
        with threads.forced(1):
            threads.for_work(threads.LARGE_FLOPS * 2)
            assert torch.get_num_threads() == 1
        threads.for_work(0)
        assert torch.get_num_threads() == 1
