"""One exception tree; each class carries the error code written into the JSON."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be converted; `code` lands in the result's `error.code`."""

    code = "ingest_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(IngestError):
    """The input itself is unusable: nothing to retry."""

    code = "bad_input"


class EmptyFile(InputError):
    code = "empty_file"


class FileTooLarge(InputError):
    code = "file_too_large"


class UnknownFormat(InputError):
    code = "unknown_format"


class FormatNotSupportedYet(InputError):
    code = "format_not_supported_yet"


class UndecodableText(InputError):
    code = "undecodable_text"


class NotAReport(InputError):
    code = "not_a_report"


class OldFormat(InputError):
    """A report in the statistics format used until 2018 (指标名称 / 计量单位 / 统计数): its
    table is not the national template, so no cell of ours can be read from it."""

    code = "old_format"


class PasswordProtected(InputError):
    code = "password_protected"


class DamagedDocument(InputError):
    """The container is of a known format but its content cannot be read."""

    code = "damaged_document"


class AttachmentOnly(InputError):
    """A web page that only links to the report as an attached file."""

    code = "attachment_only"


class ToolError(IngestError):
    """An external program (soffice, tesseract) failed or timed out: may be transient."""

    code = "tool_failed"


class ToolTimeout(ToolError):
    code = "tool_timeout"
