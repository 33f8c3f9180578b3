"""The format of a file from its content: magic bytes, container parts, text layer."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ingest.errors import EmptyFile, UndecodableText, UnknownFormat
from ingest.models import Format

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


@dataclass(frozen=True)
class Detected:
    format: Format
    # Decoded text for text and HTML inputs.
    text: str | None = None
    encoding: str | None = None


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding name: BOMs, then UTF-8, UTF-16 without BOM, GB18030, detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        enc = "utf-16-le" if sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00") else "utf-16-be"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise UndecodableText("the text is in no encoding recognised (UTF-8, UTF-16, GB18030)")
    return str(best), best.encoding


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample and not (sample.count(b"\x00") > len(sample) // 4):
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def _zip_format(data: bytes) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        raise UnknownFormat(f"a damaged ZIP container: {exc}") from exc
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        raise UnknownFormat("an Excel or PowerPoint file, not a report document")
    raise UnknownFormat("a ZIP archive that is not a Word document")


def _ole2_format(data: bytes) -> Format:
    if "WordDocument".encode("utf-16-le") in data[:1_000_000] or b"WordDocument" in data[:1_000_000]:
        return "doc"
    if "EncryptedPackage".encode("utf-16-le") in data[:200_000]:
        raise UnknownFormat("a password-protected Office document")
    raise UnknownFormat("an Office (OLE2) file that is not a Word document")


def detect(data: bytes) -> Detected:
    """The input's format, from its bytes only."""
    if not data.strip():
        raise EmptyFile("the file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return Detected("pdf_text")
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
        raise UnknownFormat("an RTF document (not supported)")
    if _looks_binary(data):
        raise UnknownFormat("binary data of no known document format")
    text, encoding = decode_text(data)
    probe = text[:20000].encode("utf-8", "ignore")
    if _HTML.search(probe):
        return Detected("html", text, encoding)
    return Detected("text", text, encoding)
