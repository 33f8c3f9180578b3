"""The format of a file from its content: magic bytes, container parts, text layer; of a
PDF, what each page is (text, scanned or blank), from the PDF opened once. The format decided
here is the report's: every reader reads the format it is given."""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.errors import ErrorCode, IngestError, InputError
from ingest.models import Format
from ingest.settings import Settings
from ingest.tools.pdfium import PageKind, PdfFile, open_pdf_file

# pdfminer warns once per glyph of a font it finds ill-described (Chromium's PDFs): thousands of
# lines about the file, none about the run; what it cannot read still raises.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|table|meta|div|p)[\s>]", re.I)


def _garbage_share(chars: Sequence[dict[str, Any]]) -> float:
    """Share of the text layer that is no real text: (cid:NN), private-use or replacement glyphs."""
    printed = [c["text"] for c in chars if c["text"].strip()]
    if not printed:
        return 1.0
    bad = sum(
        1 for t in printed
        if t.startswith("(cid:") or "\ufffd" in t or any(unicodedata.category(ch) == "Co" for ch in t)
    )
    return bad / len(printed)


@dataclass
class PdfPages:
    """A PDF opened once: pdfium (page kinds, rendering) and, for its text pages, pdfplumber (the
    text layer, each page parsed once: the reader reads the pages parsed here). A page with a text
    layer that is mostly garbage is a scanned page; that takes parsing it, so it is asked page by page."""

    file: PdfFile
    # A text page whose text layer is more than this share garbage is a scanned page.
    garbage_share: float
    _data: bytes = field(repr=False)
    _plumber: Any = None  # pdfplumber's PDF, or the InputError it could not be opened with
    _kinds: dict[int, PageKind] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.file.kinds)

    def text_layer(self) -> Any:
        """pdfplumber's PDF; a DAMAGED_DOCUMENT InputError when pdfminer cannot read the file."""
        if self._plumber is None:
            # Imported for a PDF's text only: pdfminer under it is a tenth of a CPU second of
            # every start-up, which a batch of images or Word files would pay for nothing.
            import pdfplumber

            try:
                self._plumber = pdfplumber.open(io.BytesIO(self._data), password="")
            except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
                self._plumber = InputError(
                    ErrorCode.DAMAGED_DOCUMENT, f"the PDF cannot be read: {type(exc).__name__}: {exc}"
                )
        if isinstance(self._plumber, InputError):
            raise self._plumber
        return self._plumber

    def kind(self, index: int) -> PageKind:
        """What page `index` (from 0) is; a DAMAGED_DOCUMENT InputError when its text layer cannot be parsed."""
        if index not in self._kinds:
            kind = self.file.kinds[index]
            if kind == "text":
                page = self._parsed(index)
                if _garbage_share(page.chars) > self.garbage_share:
                    kind = "scanned"
                    page.close()  # read by OCR: its parsed layer is of no more use
            self._kinds[index] = kind
        return self._kinds[index]

    def _parsed(self, index: int) -> Any:
        try:
            page = self.text_layer().pages[index]
            page.objects  # noqa: B018 - parse here, where a damaged stream is caught
        except InputError:
            raise
        except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
            raise InputError(
                ErrorCode.DAMAGED_DOCUMENT, f"page {index + 1} of the PDF cannot be read: {type(exc).__name__}: {exc}"
            ) from None
        return page

    def format(self) -> Format:
        """pdf_text when a page has a usable text layer (or no page has anything: the text reader says
        the PDF is blank); pdf_scanned when the pages with anything on them are all scans."""
        if any(self.kind(i) == "text" for i in range(self.count)):
            return "pdf_text"
        return "pdf_scanned" if any(self.kind(i) == "scanned" for i in range(self.count)) else "pdf_text"

    def close(self) -> None:
        if self._plumber is not None and not isinstance(self._plumber, InputError):
            self._plumber.close()
        self.file.close()


def open_pdf_pages(data: bytes, settings: Settings) -> PdfPages:
    """The PDF opened and its pages sorted by pdfium; raises for damaged, locked or oversized PDFs."""
    return PdfPages(open_pdf_file(data, settings.limits.pdf_pages), settings.readers.pdf_garbage_share, data)


@dataclass(frozen=True)
class Detected:
    format: Format
    # Decoded text for text and HTML inputs.
    text: str | None = None
    encoding: str | None = None
    # A PDF, open, with the kind of each page: the readers take their pages from it.
    pdf: PdfPages | None = None


def _plausible_text(text: str) -> bool:
    """Decoded text that a person wrote: almost no control characters or private-use glyphs."""
    sample = text[:20000]
    if not sample:
        return False
    odd = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return odd <= len(sample) * 0.01


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding name: BOMs, then UTF-8, UTF-16 without BOM, GB18030, detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    candidates = ["utf-8"]
    if b"\x00" in data[:4000]:
        candidates += ["utf-16-le", "utf-16-be"]
    candidates.append("gb18030")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text):
            return text, enc
    # Detection looks at a sample only: its time must not grow with the file.
    from charset_normalizer import from_bytes  # for text files only (see PdfPages.text_layer)

    best = from_bytes(data[:65536]).best()
    if best is not None:
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            text = ""
        if _plausible_text(text):
            return text, best.encoding
    raise InputError(ErrorCode.UNDECODABLE_TEXT, "the text is in no encoding recognised (UTF-8, UTF-16, GB18030)")


def _zip_format(data: bytes) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise InputError(ErrorCode.UNKNOWN_FORMAT, f"a damaged ZIP container: {exc}") from exc
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        raise InputError(ErrorCode.UNKNOWN_FORMAT, "an Excel or PowerPoint file, not a report document")
    raise InputError(ErrorCode.UNKNOWN_FORMAT, "a ZIP archive that is not a Word document")


def _ole2_format(data: bytes) -> Format:
    # Directory entries may sit anywhere in the file (often at its end, after images).
    if "WordDocument".encode("utf-16-le") in data or b"WordDocument" in data:
        return "doc"
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(ErrorCode.PASSWORD_PROTECTED, "a password-protected (encrypted) Office document")
    raise InputError(ErrorCode.UNKNOWN_FORMAT, "an Office (OLE2) file that is not a Word document")


def _pdf(data: bytes, settings: Settings) -> Detected:
    """A PDF with a usable text layer on any page is read as text (its scanned pages by OCR); one
    without is a scan. One all blank is left to the text reader, which says so; so is one
    that cannot be opened or parsed (damaged, locked, too long): still a PDF, the reader says why."""
    try:
        pdf = open_pdf_pages(data, settings)
    except IngestError:
        return Detected("pdf_text")
    try:
        return Detected(pdf.format(), pdf=pdf)
    except IngestError:
        return Detected("pdf_text", pdf=pdf)


def detect(data: bytes, settings: Settings | None = None) -> Detected:
    """The input's format, from its bytes only; a PDF is opened (the caller closes `pdf`)."""
    if not data.strip():
        raise InputError(ErrorCode.EMPTY_FILE, "the file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return _pdf(data, settings or Settings())
    for magic, _name in _IMAGE_MAGIC:
        if data.startswith(magic):
            return Detected("image")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Detected("image")
    if data.startswith(b"PK\x03\x04"):
        return Detected(_zip_format(data))
    if data.startswith(_OLE2):
        return Detected(_ole2_format(data))
    if data.lstrip().startswith(b"{\\rtf"):
        raise InputError(ErrorCode.UNKNOWN_FORMAT, "an RTF document (not supported)")
    try:
        text, encoding = decode_text(data)
    except InputError:  # its one fault: no text encoding fits
        raise InputError(ErrorCode.UNKNOWN_FORMAT, "binary data of no known document format") from None
    probe = text[:20000].encode("utf-8", "ignore")
    if _HTML.search(probe):
        return Detected("html", text, encoding)
    return Detected("text", text, encoding)
