"""Reading files: encodings, line endings, HTML, metadata, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources import Metadata, find_files, normalise_text, read_document


def test_cp1252_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes("Frau Müller erklärt\r\ndie Aus-\r\nschusssitzung.\u00a0".encode("cp1252"))
    doc = read_document(path, Metadata(municipality="Hagen"))
    assert doc.text == "Frau Müller erklärt\ndie Ausschusssitzung. "
    assert doc.municipality == "Hagen"


def test_soft_hyphen_and_compound_hyphen_across_lines() -> None:
    assert normalise_text("Quartiers\u00admanagement Case-\nManagement") == (
        "Quartiersmanagement Case-Management"
    )


def test_html_page_loses_navigation_and_scripts(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        "<html><head><title>x</title><script>evil()</script></head><body>"
        "<nav>Startseite Gremien</nav><div class='navigation'>Menü</div>"
        "<p>Herr Meier fragt, ob das geht.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(path, Metadata(municipality="Hagen"))
    assert doc.text.strip() == "Herr Meier fragt, ob das geht."
    assert doc.media_type == "text/html"


def test_sidecar_metadata(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Frau Keller antwortet.", encoding="utf-8")
    meta = {"municipality": "Hagen", "body": "Rat", "url": "https://x.test/1", "date": "2022-01-02"}
    (tmp_path / "p.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    doc = read_document(path)
    assert (doc.municipality, doc.body, doc.url, doc.date, doc.key) == (
        "Hagen", "Rat", "https://x.test/1", "2022-01-02", "https://x.test/1",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"\x00\x01\x02binary\x00" * 50, "binary data"), (b"   \n ", "empty")],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason) as info:
        read_document(path)
    assert "\n" not in str(info.value)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        list(find_files([tmp_path / "nope"]))


def test_index_tsv_gives_city_and_url(corpus: Path) -> None:
    doc = read_document(corpus / "008.txt")
    assert doc.municipality == "Hagen"
    assert doc.url is not None and doc.url.startswith("https://allris.hagen.de/")


def _pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF whose pages show `pages` lines in Helvetica (text layer only)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for lines in pages:
        stream = (
            "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            "/Encoding /WinAnsiEncoding >> >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_text_without_page_headers_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "niederschrift.pdf"
    path.write_bytes(
        _pdf(
            [
                ["Stadt Musterstadt - Niederschrift", "Herr Meier fragt nach dem Radweg.", "- 1 -"],
                [
                    "Stadt Musterstadt - Niederschrift",
                    "Frau Keller antwortet, dass er kommt.",
                    "- 2 -",
                ],
            ]
        )
    )
    doc = read_document(path, Metadata(municipality="Musterstadt"))
    assert doc.media_type == "application/pdf"
    assert "Herr Meier fragt nach dem Radweg." in doc.text
    assert "Frau Keller antwortet" in doc.text
    assert "Niederschrift" not in doc.text and "- 1 -" not in doc.text


def test_pdf_without_text_layer_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([[]]))
    with pytest.raises(SourceError, match="no text layer"):
        read_document(path)


def test_broken_pdf_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF")
    with pytest.raises(SourceError, match=r"broken\.pdf"):
        read_document(path)


def test_find_files_lists_folders_sorted_by_name_depth_first(tmp_path: Path) -> None:
    for name in ["b.txt", "B.HTML", "a/z.pdf", "a/y.md", "c.txt.meta.json", ".hidden.txt", "d"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in find_files([tmp_path])]
    assert found == ["B.HTML", "a/y.md", "a/z.pdf", "b.txt"]
    via_link = [
        p.relative_to(tmp_path / "loop").as_posix() for p in find_files([tmp_path / "loop"])
    ]
    assert via_link == found
