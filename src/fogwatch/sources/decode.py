"""The one boundary where bytes become text: explicit encoding fallbacks and a binary check.

Order: a byte-order mark, then strict UTF-8, then cp1252 (what Windows-made files and many older
news sites use), then latin-1, which never fails — so the binary check has to come first.
"""

from __future__ import annotations

import codecs
import unicodedata

from fogwatch.errors import SourceError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_ALLOWED_CONTROLS = {9, 10, 12, 13}
# Text in any language has almost no C0 control bytes; random or compressed data has ~12%.
# 1% leaves room for a stray form feed or escape code in a scraped file.
MAX_CONTROL_SHARE = 0.01


def _check_binary(data: bytes, origin: str) -> None:
    sample = data[:65536]
    if b"\x00" in sample:
        raise SourceError("E003", origin, detail="contains NUL bytes")
    controls = sum(1 for b in sample if b < 32 and b not in _ALLOWED_CONTROLS or b == 127)
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise SourceError("E003", origin, detail=f"{controls} control bytes in {len(sample)}")


def decode_bytes(data: bytes, origin: str, declared: str | None = None) -> str:
    """Bytes to str, or a SourceError saying why not. `declared` is a charset from HTTP or HTML."""
    if not data.strip():
        raise SourceError("E002", origin)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            if not text.lstrip("\ufeff").strip():
                raise SourceError("E002", origin)  # a byte-order mark and nothing else
            return text
    _check_binary(data, origin)
    # UTF-8 first even over a declared charset: a strict UTF-8 decode of anything else almost
    # never succeeds, while servers often declare latin-1 for UTF-8 pages.
    candidates = ["utf-8"] + ([declared] if declared else []) + ["cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return unicodedata.normalize("NFC", text)
    raise SourceError("E003", origin, detail="no encoding fits")  # unreachable: latin-1 always fits
