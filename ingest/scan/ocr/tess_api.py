"""Tesseract's own library (its C API through ctypes), loaded once a process and kept.

A `tesseract` run costs about 0.14 CPU s before it reads anything (starting the program and
loading its model), more than reading a page's value crops does; a page's tables cost one
such start each. Kept in the process, the model is loaded once and each reading pays for the
reading alone. The words are the program's: the same TSV it writes for `image_to_data`.

Not available (no libtesseract 5, or an OpenMP runtime loaded before it that would run it
on several threads): `tsv_words` returns None and the program is run instead."""

from __future__ import annotations

import atexit
import ctypes
import os
import threading
import time
from functools import cache

import numpy as np

from ingest.errors import ErrorCode, ToolError

_LIBRARY = "libtesseract.so.5"
_OPENMP = "libgomp.so.1"
# TSV columns: level, page, block, paragraph, line, word, left, top, width, height, conf, text.
_COLUMNS = 12


class _Api:
    """One initialised TessBaseAPI for a language and its variables."""

    def __init__(self, lib: ctypes.CDLL, lang: str, psm: int, variables: dict[str, str]) -> None:
        self.lib = lib
        self.handle = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self.handle, None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(self.handle)
            raise ToolError(ErrorCode.TOOL_FAILED, f"tesseract cannot load the {lang} model")
        lib.TessBaseAPISetPageSegMode(self.handle, psm)
        # Its notes on what it could not read (a sliver too small to scale, a line it cannot
        # recognise) went to stderr, among a run's output; a reading that fails gives no words.
        lib.TessBaseAPISetVariable(self.handle, b"debug_file", os.devnull.encode())
        for name, value in variables.items():
            lib.TessBaseAPISetVariable(self.handle, name.encode(), value.encode())
        self.lock = threading.Lock()

    def tsv(self, image: np.ndarray, timeout: float) -> str:
        gray = np.ascontiguousarray(image, dtype=np.uint8)
        height, width = gray.shape
        lib = self.lib
        with self.lock:
            lib.TessBaseAPISetImage(self.handle, gray.ctypes.data, width, height, 1, width)
            monitor = lib.TessMonitorCreate()
            try:
                lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
                started = time.monotonic()
                if lib.TessBaseAPIRecognize(self.handle, monitor) != 0:
                    if time.monotonic() - started >= timeout:
                        raise ToolError(ErrorCode.TOOL_TIMEOUT, f"tesseract took more than {timeout:.0f}s")
                    raise ToolError(ErrorCode.TOOL_FAILED, "tesseract failed to read the image")
                text = lib.TessBaseAPIGetTsvText(self.handle, 0)
                try:
                    return ctypes.string_at(text).decode("utf-8", "replace")
                finally:
                    lib.TessDeleteText(text)
            finally:
                lib.TessMonitorDelete(monitor)
                lib.TessBaseAPIClear(self.handle)


def _one_thread_openmp() -> bool:
    """Whether the OpenMP runtime Tesseract uses will run it on one thread: OMP_THREAD_LIMIT
    is read when the runtime loads, so it is set first, and checked after (a runtime some
    other library loaded earlier may have read it unset)."""
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        openmp = ctypes.CDLL(_OPENMP)
    except OSError:  # a Tesseract built without OpenMP
        return True
    finally:
        if before is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = before
    limit: int = openmp.omp_get_thread_limit()
    return limit == 1


@cache
def _library() -> ctypes.CDLL | None:
    if not _one_thread_openmp():
        return None
    try:
        lib = ctypes.CDLL(_LIBRARY)
    except OSError:
        return None
    pointer = ctypes.c_void_p
    lib.TessBaseAPICreate.restype = pointer
    lib.TessBaseAPIInit3.argtypes = [pointer, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetPageSegMode.argtypes = [pointer, ctypes.c_int]
    lib.TessBaseAPISetVariable.argtypes = [pointer, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetImage.argtypes = [pointer, pointer, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.TessMonitorCreate.restype = pointer
    lib.TessMonitorSetDeadlineMSecs.argtypes = [pointer, ctypes.c_int]
    lib.TessMonitorDelete.argtypes = [pointer]
    lib.TessBaseAPIRecognize.argtypes = [pointer, pointer]
    lib.TessBaseAPIGetTsvText.argtypes = [pointer, ctypes.c_int]
    # A char* kept as an address, to be given back to TessDeleteText.
    lib.TessBaseAPIGetTsvText.restype = pointer
    lib.TessDeleteText.argtypes = [pointer]
    lib.TessBaseAPIClear.argtypes = [pointer]
    lib.TessBaseAPIDelete.argtypes = [pointer]
    return lib


_apis: dict[tuple[str, int, tuple[tuple[str, str], ...]], _Api] = {}
_apis_lock = threading.Lock()


@atexit.register
def _end() -> None:
    """The models let go before the library's own clean-up at exit, which warns of each one
    still held."""
    with _apis_lock:
        for api in _apis.values():
            api.lib.TessBaseAPIDelete(api.handle)
        _apis.clear()


def _api(lang: str, psm: int, variables: dict[str, str]) -> _Api | None:
    lib = _library()
    if lib is None:
        return None
    key = (lang, psm, tuple(sorted(variables.items())))
    with _apis_lock:
        if key not in _apis:
            _apis[key] = _Api(lib, lang, psm, variables)
        return _apis[key]


def load(lang: str, psm: int, variables: dict[str, str]) -> bool:
    """The model for these settings loaded now (before conversions are forked); whether the
    library is used."""
    return _api(lang, psm, variables) is not None


def tsv_words(image: np.ndarray, lang: str, psm: int, variables: dict[str, str],
              timeout: float) -> list[tuple[str, float, int, int]] | None:
    """The words Tesseract reads on a gray image: (text, confidence 0-100 as the program
    prints it, cut to a whole number, top, height); None when the library cannot be used."""
    api = _api(lang, psm, variables)
    if api is None:
        return None
    words = []
    for row in api.tsv(image, timeout).splitlines():
        cells = row.split("\t")
        if len(cells) < _COLUMNS - 1:
            continue
        text = cells[_COLUMNS - 1] if len(cells) >= _COLUMNS else ""
        words.append((text, float(int(float(cells[10]))), int(cells[7]), int(cells[9])))
    return words
