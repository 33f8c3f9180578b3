"""Every error code of the product, and the exception tree whose codes land in a result's `error.code`.

An exception carries its code: code that catches an `IngestError` writes `exc.code`, never a string of its
own; its class (`InputError`, `ToolError`) says only whether trying again may help. The HTTP API answers
errors in the same shape (`{"error": {"code", "message"}}`), so its codes are here too: one namespace, no two meanings.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """An error's code as written in JSON (results, the service's index, HTTP answers)."""

    # The input cannot give a result: the same bytes would fail again (never retried).
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    UNREADABLE_FILE = "unreadable_file"
    UNKNOWN_FORMAT = "unknown_format"
    UNDECODABLE_TEXT = "undecodable_text"
    PASSWORD_PROTECTED = "password_protected"
    DAMAGED_DOCUMENT = "damaged_document"
    ATTACHMENT_ONLY = "attachment_only"
    NOT_A_REPORT = "not_a_report"
    OLD_FORMAT = "old_format"
    # An external program (soffice, tesseract, an OCR engine) failed: may be transient, the service retries.
    TOOL_FAILED = "tool_failed"
    TOOL_TIMEOUT = "tool_timeout"
    # The process, not the document.
    INTERNAL_ERROR = "internal_error"  # a bug met while converting one file; the run goes on
    WORKER_CRASHED = "worker_crashed"  # the process converting the file died
    WRITE_FAILED = "write_failed"  # `ingest run` could not write the result (there is no JSON then)
    UNREADABLE_RESULT = "unreadable_result"  # `ingest export` met a result file that is not JSON
    JOB_TIMEOUT = "job_timeout"  # a service job ran over INGEST_JOB_TIMEOUT on every attempt
    JOB_FAILED = "job_failed"  # a service job raised something else (database, storage) on every attempt
    # HTTP API answers (workers/api.py, workers/review.py).
    UNAUTHORIZED = "unauthorized"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INVALID_REQUEST = "invalid_request"
    TOO_LARGE = "too_large"
    BUSY = "busy"
    URL_NOT_ALLOWED = "url_not_allowed"
    FETCH_FAILED = "fetch_failed"
    REDIS_UNAVAILABLE = "redis_unavailable"
    UNKNOWN_JOB = "unknown_job"
    UNKNOWN_REPORT = "unknown_report"
    NOT_READY = "not_ready"
    CONFLICT = "conflict"
    INVALID_VALUE = "invalid_value"
    HTTP_ERROR = "http_error"  # another HTTP error (its status says which)


class IngestError(Exception):
    """A file could not be converted; `code` lands in the result's `error.code`.

    Only the two kinds below are raised: the class says whether trying again may help, the code what went
    wrong (`raise InputError(ErrorCode.EMPTY_FILE, "the file is empty")`).
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[IngestError], tuple[ErrorCode, str]]:
        # Both arguments survive pickling (a worker process's exception reaches its parent whole).
        return type(self), (self.code, self.message)


class InputError(IngestError):
    """The input itself is unusable (empty, too large, damaged, locked, not a report): nothing to retry."""


class ToolError(IngestError):
    """An external program (soffice, tesseract) failed or timed out: may be transient."""


# The codes of faults that may go away on their own (the service's job raises a ToolError of the code again,
# so that RQ retries the job).
TRANSIENT = frozenset({ErrorCode.TOOL_FAILED, ErrorCode.TOOL_TIMEOUT})
