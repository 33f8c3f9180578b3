"""Set-up of a process that converts scans, done once before conversions are forked from it."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib

import cv2

from ingest.scan.ocr.consensus import load_engines
from ingest.settings import Settings

_M_MMAP_THRESHOLD = -3  # mallopt(3)


def prepare_process(settings: Settings, load_ocr: bool) -> None:
    """OpenCV on `scan.threads` threads, NumPy's arrays on the kernel's ordinary pages
    (`scan.huge_pages`), large arrays memory-mapped (`scan.mmap_threshold`), and,
    with `load_ocr`, the OCR models loaded now: processes forked later share them instead
    of each loading its own (half a second and some 70 MB each)."""
    cv2.setNumThreads(settings.scan.threads)
    # NumPy's switch for its madvise(MADV_HUGEPAGE) (NUMPY_MADVISE_HUGEPAGE at import, else this).
    with contextlib.suppress(ImportError, AttributeError):
        importlib.import_module("numpy._core.multiarray")._set_madvise_hugepage(settings.scan.huge_pages)
    if settings.scan.mmap_threshold > 0:
        # Not glibc: its own allocator's choice stands.
        with contextlib.suppress(OSError, AttributeError):
            _libc().mallopt(_M_MMAP_THRESHOLD, settings.scan.mmap_threshold)
    if load_ocr:
        load_engines(settings)


def release_freed_memory() -> None:
    """Memory freed inside glibc's heap given back to the system (malloc_trim(3)): a page's
    arrays, freed between other allocations, would otherwise stay in the process and add up
    page after page (a 300-dpi page's leave ~40 MB each). A few milliseconds a page."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None)
