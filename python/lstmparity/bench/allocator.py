"""Keep freed memory in the process, so large arrays are not page-faulted in again on every call.

glibc's malloc hands blocks larger than its mmap threshold straight back to the
operating system when they are freed. A forward + backward pass allocates a
dozen (T, B, 4H) buffers, so every call would fault all of their pages in again:
on this project's 2-core VMs that doubled the time of the forward pass
(B=32, T=64, H=128: 33 ms -> 18 ms with this tuning; torch in the same process
gets the same allocator). This is process-wide, so the library never does it on
import: the `lstmparity` command calls :func:`keep_freed_memory` for its own
process, and a user may call it in theirs (or set the equivalent environment
variables ``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=2147483647``).
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_freed_memory(mmap_threshold: int = 32 * 1024 * 1024, trim_threshold: int = 2**31 - 1) -> bool:
    """Raise glibc's mmap and trim thresholds. Returns False where glibc is not available."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1
    return mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1 and ok
