"""Large arrays that are written once, in the system's ordinary pages.

numpy asks for transparent huge pages for every array of 4 MB or more. On the virtual machines measured here
the first write to such an array costs about 3 ms per 2 MB page (80 MB: 0.26 s; the same in ordinary pages:
0.045 s), which is most of what reading a large CSV file spent beyond parsing it. An array mapped here is
anonymous memory that nobody advises, so the kernel gives it small pages, and hands it back when the array
goes."""

from __future__ import annotations

import mmap

import numpy as np


def empty(shape: tuple[int, ...], dtype, order: str = "C") -> np.ndarray:
    dtype = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if size < mmap.PAGESIZE:
        return np.empty(shape, dtype=dtype, order=order)
    return np.ndarray(shape, dtype=dtype, buffer=mmap.mmap(-1, size), order=order)
