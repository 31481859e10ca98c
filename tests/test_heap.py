"""engine.heap: glibc keeps the blocks that a CSV's parsers (and a Dask worker's training steps) free for the
next, instead of mapping and faulting in fresh pages for each."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import ctypes
libc = ctypes.CDLL(None)
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
libc.mallinfo2.restype = Info
libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
def mapped(size):  # whether a block of `size` bytes gets a mapping of its own
    before = libc.mallinfo2().hblks
    block = libc.malloc(size)
    own = libc.mallinfo2().hblks > before
    libc.free(block)
    return own
def resident():
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) << 10 for line in handle if line.startswith("VmRSS:"))
first = mapped(1 << 20)  # (glibc then raises its threshold to this block's size, and no further)
from engine import heap
print(first, heap.roomy(), mapped(24 << 20), mapped(64 << 20), heap.roomy())
block = libc.malloc(24 << 20)
ctypes.memset(block, 1, 24 << 20)
libc.free(block)  # kept by the heap, still resident
kept = resident()
heap.hand_back().join()
print(kept - resident() > 20 << 20)  # handed back
"""


def _glibc_with_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except OSError:
        return False


@pytest.mark.skipif(not _glibc_with_mallinfo2(), reason="glibc 2.33 or later: the thresholds are glibc's")
def test_after_roomy_a_block_of_megabytes_is_served_from_the_heap_and_a_huge_one_still_mapped():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=True)
    # a fresh process maps a megabyte apart (glibc's threshold starts at 128 KiB); after roomy() 24 MB is the
    # heap's, kept for the next once freed; 64 MB, beyond 32 MiB, is mapped as before; roomy() is once a process;
    # what the heap keeps free is handed back to the system by hand_back()
    assert done.stdout.split() == ["True", "True", "False", "True", "True", "True"]


def test_without_glibc_roomy_and_hand_back_do_nothing(monkeypatch):
    from engine import heap

    monkeypatch.setattr(heap, "_done", [])
    monkeypatch.setattr(heap, "_libc", lambda: None)  # macOS, musl, Windows: no mallopt to call
    assert heap.roomy() is False and heap.hand_back() is None
