"""Find and read input files (text, HTML, PDF) into normalised `SourceDocument`s.

Metadata a file does not carry comes, in this order, from CLI options, a sidecar
`<file>.meta.json`, a folder manifest `INDEX.tsv` (columns file, url, city, date, body), and
finally from the text itself ("Rat der Stadt Hagen").
"""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kg.errors import SourceError
from kg.models import SourceDocument

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
MAX_BYTES = 64 * 1024 * 1024
UNKNOWN_MUNICIPALITY = "unbekannt"

_MUNICIPALITY_RE = re.compile(
    r"\b(?:Rat(?:es)? der |Rates der )?(?:Landeshauptstadt|Hansestadt|Samtgemeinde|Stadt|"
    r"Gemeinde|Landkreis|Kreis|Amt)\s+((?:Bad |Sankt |St\. )?[A-ZÄÖÜ][\w\-]+(?:-[A-ZÄÖÜ][\w]+)?)"
)


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata for one file from options, sidecars and manifests (`None` = not given)."""

    municipality: str | None = None
    body: str | None = None
    url: str | None = None
    date: str | None = None

    def merged(self, fallback: Metadata) -> Metadata:
        """This metadata with gaps filled from `fallback`."""
        return Metadata(
            municipality=self.municipality or fallback.municipality,
            body=self.body or fallback.body,
            url=self.url or fallback.url,
            date=self.date or fallback.date,
        )


def find_files(paths: list[Path]) -> Iterator[Path]:
    """Yield supported files under `paths` in sorted order, following no symlink loops.

    Raises:
        SourceError: when a given path does not exist.
    """
    for path in paths:
        if not path.exists():
            raise SourceError(f"{path}: no such file or directory")
        if path.is_file():
            yield path
            continue
        seen: set[Path] = set()
        yield from _walk(path, seen)


def _walk(folder: Path, seen: set[Path]) -> Iterator[Path]:
    real = folder.resolve()
    if real in seen:
        log.warning("%s: symlink loop, skipped", folder)
        return
    seen.add(real)
    # Sorted by name (as `sorted(folder.iterdir())` would, without comparing 10,000 Paths), and
    # `DirEntry.is_dir` answers from the directory listing instead of one `stat` per file.
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir():
            yield from _walk(folder / entry.name, seen)
        elif _supported(entry.name):
            yield folder / entry.name


def _supported(name: str) -> bool:
    """True for the name of a file `find_files` reads (a supported suffix, not hidden)."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix in SUPPORTED_SUFFIXES and not name.startswith(".")


def read_document(path: Path, options: Metadata | None = None) -> SourceDocument:
    """Read one file into a normalised document.

    Raises:
        SourceError: when the file is missing, empty, binary, too large or unreadable.
    """
    raw = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        text, media_type = pdf_text(raw, path), "application/pdf"
    elif suffix in HTML_SUFFIXES or _looks_like_html(raw):
        text, media_type = html_text(decode(raw, path)), "text/html"
    else:
        text, media_type = decode(raw, path), "text/plain"
    text = normalise_text(text)
    if not text.strip():
        raise SourceError(f"{path}: no text in file")
    meta = (options or Metadata()).merged(read_sidecar(path)).merged(read_manifest(path))
    municipality = meta.municipality or guess_municipality(text) or UNKNOWN_MUNICIPALITY
    return SourceDocument(
        key=meta.url or path.name,
        path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        municipality=municipality,
        media_type=media_type,
        body=meta.body,
        url=meta.url,
        date=meta.date,
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(f"{path}: file too large ({size // 1_000_000} MB)")
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror or error})") from error
    if not raw.strip():
        raise SourceError(f"{path}: empty file")
    return raw


def decode(raw: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

    Raises:
        SourceError: when the bytes are binary data rather than text.
    """
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(f"{path}: binary data, not a text protocol")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # German council systems that are not UTF-8 publish Windows-1252 (a superset of the
    # printable Latin-1 range); Latin-1 decodes whatever cp1252 leaves undefined.
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if _control_ratio(text) > 0.05:
        raise SourceError(f"{path}: binary data, not a text protocol")
    return text


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return bad / max(1, len(sample))


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


# The hyphen and line break come first, so that the engine looks behind only there.
_LINE_BREAK_HYPHEN = re.compile(r"-\n(?<=[a-zäöüß]-\n)(?=[a-zäöüß])")
_LINE_BREAK_COMPOUND = re.compile(r"-\n(?<=\w-\n)(?=[A-ZÄÖÜ])")
# Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) but "\n" and "\f".
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b\x0d-\x1f\x7f-\x9f]")


def normalise_text(text: str) -> str:
    r"""Normalise line endings, spaces, soft hyphens and hyphenation across line breaks.

    >>> normalise_text("Aus-\r\nschuss\u00a0für\u00adSoziales")
    'Ausschuss fürSoziales'
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\u200b", "")
    text = re.sub(r"[\u00a0\u2007\u202f]", " ", text)
    text = text.replace("\t", "  ")  # a tab separates table columns: keep it a column gap
    text = _CONTROL_RE.sub("", text)
    text = _LINE_BREAK_HYPHEN.sub("", text)
    return _LINE_BREAK_COMPOUND.sub("-", text)


class _TextExtractor(html.parser.HTMLParser):
    """Collect visible text, dropping scripts, styles and navigation."""

    SKIP: ClassVar[set[str]] = {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "noscript",
        "form",
        "head",
        "button",
    }
    BLOCK: ClassVar[set[str]] = {
        "p",
        "div",
        "br",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "td",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role")).lower()
        if tag in self.SKIP or (self.skip_depth and tag not in ("br",)) or "navigation" in classes:
            if tag not in ("br", "img", "meta", "link", "input", "hr"):
                self.skip_depth += 1
            return
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """Visible text of an HTML page (navigation, scripts and styles removed).

    >>> html_text("<html><nav>Menü</nav><p>Frau Keller <b>antwortet</b>.</p></html>").strip()
    'Frau Keller antwortet.'
    """
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError) as error:  # pragma: no cover - html.parser is lenient
        log.warning("HTML parser stopped early: %s", error)
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def pdf_text(raw: bytes, path: Path) -> str:
    """Text layer of a PDF with repeated page headers/footers and page numbers removed.

    Raises:
        SourceError: for encrypted, broken or image-only PDFs.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise SourceError(f"{path}: encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise SourceError(f"{path}: broken PDF ({error})") from error
    if not "".join(pages).strip():
        raise SourceError(f"{path}: PDF has no text layer (scanned image?)")
    return "\n\n".join(strip_page_furniture(pages))


def strip_page_furniture(pages: list[str]) -> list[str]:
    """Drop lines that repeat at the top or bottom of most pages, and bare page numbers.

    >>> strip_page_furniture(["Stadt X\\nA\\n- 1 -", "Stadt X\\nB\\n- 2 -", "Stadt X\\nC"])
    ['A', 'B', 'C']
    """
    edges: dict[str, int] = {}
    for page in pages:
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        for line in set(lines[:2] + lines[-2:]):
            edges[line] = edges.get(line, 0) + 1
    repeated = {ln for ln, n in edges.items() if len(pages) > 1 and n >= max(2, len(pages) // 2)}
    page_number = re.compile(r"^[-–\s]*(Seite\s+)?\d+(\s*(von|/)\s*\d+)?[-–\s]*$")
    cleaned = []
    for page in pages:
        kept = [
            ln
            for ln in page.splitlines()
            if ln.strip() not in repeated and not page_number.match(ln.strip())
        ]
        cleaned.append("\n".join(kept))
    return cleaned


def read_sidecar(path: Path) -> Metadata:
    """Metadata from `<file>.meta.json`, if present.

    Raises:
        SourceError: when the sidecar exists but is not a JSON object.
    """
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.is_file():
        return Metadata()
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SourceError(f"{sidecar}: invalid metadata JSON ({error})") from error
    if not isinstance(data, dict):
        raise SourceError(f"{sidecar}: metadata must be a JSON object")
    return Metadata(
        **{k: _text_or_none(data.get(k)) for k in ("municipality", "body", "url", "date")}
    )


def read_manifest(path: Path) -> Metadata:
    """Metadata for `path` from an `INDEX.tsv` in the same folder, if it lists the file."""
    manifest = path.parent / "INDEX.tsv"
    if not manifest.is_file():
        return Metadata()
    rows = _manifest_rows(manifest)
    row = rows.get(path.name)
    if row is None:
        return Metadata()
    return Metadata(
        municipality=_text_or_none(row.get("city") or row.get("municipality")),
        body=_text_or_none(row.get("body")),
        url=_text_or_none(row.get("url")),
        date=_text_or_none(row.get("date")),
    )


_MANIFEST_CACHE: dict[tuple[str, float], dict[str, dict[str, str]]] = {}


def _manifest_rows(manifest: Path) -> dict[str, dict[str, str]]:
    cache_key = (str(manifest.resolve()), manifest.stat().st_mtime)
    if cache_key not in _MANIFEST_CACHE:
        with manifest.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            _MANIFEST_CACHE[cache_key] = {row.get("file", ""): row for row in reader}
    return _MANIFEST_CACHE[cache_key]


def _text_or_none(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def guess_municipality(text: str) -> str | None:
    """The municipality named in the first part of a protocol, if any.

    >>> guess_municipality("Sitzung des Rates der Stadt Hagen am 1.2.2020")
    'Hagen'
    """
    match = _MUNICIPALITY_RE.search(text[:3000])
    return match.group(1) if match else None
