"""Reading back the PDFs Bangkit prints, in tests: the text shown on each page, without a PDF library."""

from __future__ import annotations

import base64
import re
import zlib


def pdf_pages(content: bytes) -> list[str]:
    """The text shown on each page of a ReportLab PDF (one content stream per page), one drawn string a line."""
    assert content.startswith(b"%PDF-")
    pages = []
    for match in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \].*?stream\r?\n(.*?)endstream", content, re.S):
        raw = zlib.decompress(base64.a85decode(match.group(1).strip().removesuffix(b"~>"))).decode("latin-1")
        strings = re.findall(r"\(((?:\\.|[^\\)])*)\) Tj", raw)
        pages.append("\n".join(re.sub(r"\\([0-7]{1,3}|.)", _unescape, text) for text in strings))
    assert len(pages) == len(re.findall(rb"/Type /Page\b(?!s)", content))
    return pages


def _unescape(match: re.Match[str]) -> str:
    escaped = match.group(1)
    return chr(int(escaped, 8)) if escaped.isdigit() else escaped
