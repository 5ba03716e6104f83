"""Raw OParl JSON -> the frozen objects of `kg.oparl_models`, repairing what servers break.

Handled here, each with a warning in the run report: pre-1.0 draft field names, control
characters and CRLF in strings, `null` or a single value where a list belongs, objects where
a URL belongs, malformed dates and booleans, GeoJSON points written `[lat, lon]`, person names
given only as one string. Type IRIs of OParl 1.0, 1.1 and drafts are read by `kg.oparl_raw`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from kg.oparl_models import (
    BodyData,
    OParlAgendaItem,
    OParlBody,
    OParlConsultation,
    OParlFile,
    OParlMeeting,
    OParlMembership,
    OParlOrganization,
    OParlPaper,
    OParlPerson,
    WarningLog,
)
from kg.oparl_raw import RawPool
from kg.sources import guess_municipality

Raw = dict[str, Any]

# Field names of pre-1.0 drafts and vendor spellings -> OParl 1.0/1.1 names.
FIELD_VARIANTS = {
    "resolution": "resolutionText",
    "publishedDate": "date",
    "otherOParlVersions": "otherOparlVersions",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# Germany lies within these bounds, so a point is told apart from its swapped twin.
_LAT, _LON = (47.0, 55.5), (5.5, 15.5)


class Cleaner:
    """Reads fields of raw objects with repairs; every repair is a warning in `log`."""

    def __init__(self, log: WarningLog) -> None:
        self.log = log
        self._points_checked: set[str] = set()

    def field(self, raw: Raw, name: str) -> Any:
        """A field by its 1.0/1.1 name, falling back to a known variant spelling."""
        if name in raw:
            return raw[name]
        for variant, canonical in FIELD_VARIANTS.items():
            if canonical == name and variant in raw:
                self.log.warn("field-variant", f"{raw.get('id')}: '{variant}' read as '{name}'")
                return raw[variant]
        return None

    def text(self, raw: Raw, name: str, *, multiline: bool = False) -> str | None:
        """A string field with control characters and CRLF removed (None when empty)."""
        value = self.field(raw, name)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            self.log.warn("bad-value", f"{raw.get('id')}: {name} is not a string")
            return None
        return self.clean(value, f"{raw.get('id')} {name}", multiline=multiline)

    def clean(self, value: str, where: str, *, multiline: bool = False) -> str | None:
        """Normalise one string (NFC, no control characters, LF line ends)."""
        text = unicodedata.normalize("NFC", value)
        if _CONTROL.search(text) or ("\r" in text and not multiline):
            self.log.warn("control-characters", f"{where}: control characters or CRLF removed")
        text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
        if multiline:
            text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
        else:
            text = " ".join(text.split())
        return text or None

    def texts(self, raw: Raw, name: str) -> tuple[str, ...]:
        """A list of strings (a single string or `null` repaired)."""
        values = self.items(raw, name)
        cleaned = (self.clean(v, f"{raw.get('id')} {name}") for v in values if isinstance(v, str))
        return tuple(v for v in cleaned if v)

    def items(self, raw: Raw, name: str) -> list[Any]:
        """A list field; `null` and a lone value where a list belongs become lists."""
        value = self.field(raw, name)
        if value is None:
            if name in raw:
                self.log.warn("null-list", f"{raw.get('id')}: {name} is null, read as []")
            return []
        if isinstance(value, list):
            return value
        self.log.warn("bad-value", f"{raw.get('id')}: {name} should be a list")
        return [value]

    def ref(self, raw: Raw, name: str) -> str | None:
        """One reference: a URL string, or the id of an embedded object."""
        value = self.field(raw, name)
        if isinstance(value, list):
            value = value[0] if value else None
        return self._ident(value, raw, name)

    def refs(self, raw: Raw, name: str, *, single: bool = False) -> tuple[str, ...]:
        """References (URLs or embedded objects) in the server's order, each once.

        With `single`, the field holds one reference by the specification (`mainFile`), so a
        lone value is expected and a list is accepted.
        """
        value = self.field(raw, name)
        values = [value] if single and value is not None and not isinstance(value, list) else None
        found = (self._ident(v, raw, name) for v in values or self.items(raw, name))
        return tuple(dict.fromkeys(v for v in found if v))

    def _ident(self, value: object, raw: Raw, name: str) -> str | None:
        if isinstance(value, dict):
            value = value.get("id")
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None:
            self.log.warn("bad-value", f"{raw.get('id')}: {name} is not a reference")
        return None

    def date(self, raw: Raw, name: str) -> str | None:
        """An xsd:date string (the date part of a date-time is accepted)."""
        value = self.text(raw, name)
        if value is None:
            return None
        match = _DATE.match(value)
        if match:
            try:
                return dt.date(*map(int, match.groups())).isoformat()
            except ValueError:
                pass
        self.log.warn("bad-value", f"{raw.get('id')}: {name} {value!r} is not a date")
        return None

    def datetime(self, raw: Raw, name: str) -> str | None:
        """An ISO date-time as sent, if it parses."""
        value = self.text(raw, name)
        if value is None:
            return None
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.log.warn("bad-value", f"{raw.get('id')}: {name} {value!r} is not a date-time")
            return None
        return value

    def flag(self, raw: Raw, name: str) -> bool | None:
        """A boolean; "true"/"false" strings are repaired."""
        value = self.field(raw, name)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
            self.log.warn("bad-value", f"{raw.get('id')}: {name} is a string, not a boolean")
            return value.strip().lower() in ("true", "1")
        self.log.warn("bad-value", f"{raw.get('id')}: {name} {value!r:.40} is not a boolean")
        return None

    def location(self, raw: Raw, name: str) -> str | None:
        """The description of an embedded Location; checks its GeoJSON point."""
        value = self.field(raw, name)
        if isinstance(value, list):
            value = value[0] if value else None
        return self.describe_location(value)

    def describe_location(self, value: object) -> str | None:
        """A Location object's description (else its address parts); None for URLs."""
        if not isinstance(value, dict):
            return None
        self.point(value)
        parts = [self.text(value, k) for k in ("room", "streetAddress", "postalCode", "locality")]
        return self.text(value, "description") or ", ".join(p for p in parts if p) or None

    def point(self, location: Raw) -> tuple[float, float] | None:
        """(lat, lon) of a Location's GeoJSON point; `[lat, lon]` order is detected and fixed."""
        geo = location.get("geojson")
        geometry = geo.get("geometry", geo) if isinstance(geo, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not (isinstance(coords, list) and len(coords) >= 2):
            return None
        if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2]):
            return None
        lon, lat = float(coords[0]), float(coords[1])
        if _inside(lon, _LAT) and _inside(lat, _LON) and not _inside(lat, _LAT):
            where = str(location.get("id") or coords)
            if where not in self._points_checked:  # one Location is embedded in many objects
                self._points_checked.add(where)
                self.log.warn("swapped-coordinates", f"{where}: GeoJSON point {coords[:2]} is "
                              "[lat, lon]; swapped")  # fmt: skip
            lat, lon = lon, lat
        return lat, lon


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


# ---------------------------------------------------------------- one function per type


def clean_body(raw: Raw, c: Cleaner) -> OParlBody:
    """The body object (name falls back to the short name, then the id)."""
    short = c.text(raw, "shortName")
    c.location(raw, "location")
    return OParlBody(
        id=str(raw["id"]),
        name=c.text(raw, "name") or short or str(raw["id"]),
        short_name=short,
        website=c.text(raw, "website"),
        ags=c.text(raw, "ags"),
        classification=c.text(raw, "classification"),
    )


def municipality_of(body: OParlBody, log: WarningLog) -> str:
    """The municipality a body stands for: "Stadt Köln, kreisfreie Stadt" -> "Köln".

    >>> municipality_of(OParlBody(id="x", name="Rat der Stadt Erkelenz", short_name="Rat"),
    ...                 WarningLog())
    'Erkelenz'
    """
    guessed = guess_municipality(body.name)
    if guessed:
        return guessed
    short = body.short_name
    if short and len(short) >= 4 and not any(ch.isdigit() for ch in short):
        return short
    log.warn("no-municipality", f"{body.id}: '{body.name}' names no municipality; "
             "pass --municipality")  # fmt: skip
    return body.name


def clean_organization(raw: Raw, c: Cleaner) -> OParlOrganization:
    """A council body, faction, party or unit."""
    short = c.text(raw, "shortName")
    c.location(raw, "location")
    return OParlOrganization(
        id=str(raw["id"]),
        name=c.text(raw, "name") or short or str(raw["id"]),
        short_name=short,
        organization_type=c.text(raw, "organizationType"),
        classification=c.text(raw, "classification"),
        start_date=c.date(raw, "startDate"),
        end_date=c.date(raw, "endDate"),
        sub_organization_of=c.ref(raw, "subOrganizationOf"),
    )


def clean_person(raw: Raw, c: Cleaner) -> OParlPerson:
    """A person; name parts the server leaves out are read from `name` ("Dr. Max Muster")."""
    titles = c.texts(raw, "title") if isinstance(raw.get("title"), list) else ()
    if isinstance(raw.get("title"), str):
        titles = tuple(t for t in [c.text(raw, "title")] if t)
    name = c.text(raw, "name") or ""
    family, given = c.text(raw, "familyName"), c.text(raw, "givenName")
    if not family:
        family, given, found = split_name(name, given)
        titles = titles or found
    return OParlPerson(
        id=str(raw["id"]),
        name=name,
        family_name=family,
        given_name=given,
        titles=titles,
        form_of_address=c.text(raw, "formOfAddress"),
        gender=c.text(raw, "gender"),
    )


_TITLE = re.compile(r"^(?:Prof|Dr|Dipl|Ing|med|rer|nat|phil|jur|h\.c|M\.A|B\.A)[.\-\w]*\.?$")
_ADDRESS_WORDS = frozenset({"herr", "herrn", "frau", "ratsherr", "ratsfrau"})


def split_name(
    name: str, given: str | None = None
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(family name, given name, titles) of a printed name.

    >>> split_name("Prof. Dr. Max Mustermann")
    ('Mustermann', 'Max', ('Prof.', 'Dr.'))
    >>> split_name("Keller, Anna")
    ('Keller', 'Anna', ())
    """
    words = [w for w in name.replace(",", " , ").split() if w.lower() not in _ADDRESS_WORDS]
    titles = tuple(w for w in words if _TITLE.match(w))
    words = [w for w in words if not _TITLE.match(w)]
    if "," in words:
        cut = words.index(",")
        family_words, given_words = words[:cut], [w for w in words[cut + 1 :] if w != ","]
    else:
        family_words, given_words = words[-1:], words[:-1]
    family = " ".join(family_words) or None
    return family, given or " ".join(given_words) or None, titles


def clean_membership(raw: Raw, c: Cleaner) -> OParlMembership:
    """A membership (the person comes from the embedding person when not given)."""
    return OParlMembership(
        id=str(raw["id"]),
        person=c.ref(raw, "person"),
        organization=c.ref(raw, "organization"),
        role=c.text(raw, "role"),
        voting_right=c.flag(raw, "votingRight"),
        start_date=c.date(raw, "startDate"),
        end_date=c.date(raw, "endDate"),
        on_behalf_of=c.ref(raw, "onBehalfOf"),
    )


MEETING_FILE_FIELDS = ("invitation", "resultsProtocol", "verbatimProtocol", "auxiliaryFile")


def clean_meeting(raw: Raw, c: Cleaner) -> OParlMeeting:
    """A meeting with its organizers, participants and files by role."""
    files = tuple(
        (name, ident)
        for name in MEETING_FILE_FIELDS
        for ident in c.refs(raw, name, single=name != "auxiliaryFile")
    )
    return OParlMeeting(
        id=str(raw["id"]),
        name=c.text(raw, "name"),
        start=c.datetime(raw, "start"),
        end=c.datetime(raw, "end"),
        organizations=c.refs(raw, "organization"),
        participants=c.refs(raw, "participant"),
        location=c.location(raw, "location"),
        cancelled=bool(c.flag(raw, "cancelled")),
        files=files,
    )


def clean_agenda_item(raw: Raw, c: Cleaner) -> OParlAgendaItem:
    """An agenda item; `resolutionFile` may be an object or (wrongly) a URL."""
    return OParlAgendaItem(
        id=str(raw["id"]),
        meeting=c.ref(raw, "meeting"),
        number=c.text(raw, "number"),
        name=c.text(raw, "name"),
        public=c.flag(raw, "public"),
        result=c.text(raw, "result"),
        resolution_text=c.text(raw, "resolutionText", multiline=True),
        consultations=c.refs(raw, "consultation", single=True),
        files=c.refs(raw, "resolutionFile", single=True) + c.refs(raw, "auxiliaryFile"),
    )


def clean_consultation(raw: Raw, c: Cleaner) -> OParlConsultation:
    """A consultation linking a paper to an agenda item/meeting."""
    return OParlConsultation(
        id=str(raw["id"]),
        paper=c.ref(raw, "paper"),
        agenda_item=c.ref(raw, "agendaItem"),
        meeting=c.ref(raw, "meeting"),
        organizations=c.refs(raw, "organization"),
        role=c.text(raw, "role"),
        authoritative=c.flag(raw, "authoritative"),
    )


def clean_paper(raw: Raw, c: Cleaner) -> OParlPaper:
    """A paper with number, type, originators and the unit in charge."""
    locations = [c.describe_location(value) for value in c.items(raw, "location")]
    return OParlPaper(
        id=str(raw["id"]),
        name=c.text(raw, "name"),
        reference=c.text(raw, "reference"),
        date=c.date(raw, "date"),
        paper_type=c.text(raw, "paperType"),
        originator_persons=c.refs(raw, "originatorPerson"),
        originator_organizations=c.refs(raw, "originatorOrganization"),
        under_direction_of=c.refs(raw, "underDirectionOf"),
        related_papers=c.refs(raw, "relatedPaper"),
        files=c.refs(raw, "mainFile", single=True) + c.refs(raw, "auxiliaryFile"),
        locations=tuple(loc for loc in locations if loc),
    )


def clean_file(raw: Raw, c: Cleaner) -> OParlFile:
    """A file; `text` keeps its line breaks."""
    return OParlFile(
        id=str(raw["id"]),
        name=c.text(raw, "name"),
        file_name=c.text(raw, "fileName"),
        mime_type=c.text(raw, "mimeType"),
        date=c.date(raw, "date"),
        access_url=c.text(raw, "accessUrl"),
        download_url=c.text(raw, "downloadUrl"),
        text=c.text(raw, "text", multiline=True),
        modified=c.text(raw, "modified"),
    )


def _all(
    pool: RawPool, kind: str, clean: Callable[[Raw, Cleaner], Any], c: Cleaner
) -> tuple[Any, ...]:
    return tuple(clean(raw, c) for raw in pool.get(kind))


def build_body_data(
    body_raw: Raw,
    objects: Iterable[tuple[Raw, str | None]],
    log: WarningLog,
    *,
    municipality: str | None = None,
    unavailable: dict[str, str] | None = None,
) -> BodyData:
    """Clean a body and its objects (raw object, expected type) into `BodyData`.

    >>> data = build_body_data({"id": "b", "name": "Stadt Hagen"},
    ...     [({"id": "p", "type": "https://schema.oparl.org/1.1/Person", "familyName": "Keller",
    ...       "membership": [{"id": "m", "organization": "o"}]}, "Person")], WarningLog())
    >>> data.municipality, data.memberships[0].person
    ('Hagen', 'p')
    """
    cleaner = Cleaner(log)
    pool = RawPool(log)
    for raw, expected in objects:
        pool.add(raw, expected)
    body = clean_body(body_raw, cleaner)
    return BodyData(
        body=body,
        municipality=municipality or municipality_of(body, log),
        organizations=_all(pool, "Organization", clean_organization, cleaner),
        persons=_all(pool, "Person", clean_person, cleaner),
        memberships=_all(pool, "Membership", clean_membership, cleaner),
        meetings=_all(pool, "Meeting", clean_meeting, cleaner),
        agenda_items=_all(pool, "AgendaItem", clean_agenda_item, cleaner),
        consultations=_all(pool, "Consultation", clean_consultation, cleaner),
        papers=_all(pool, "Paper", clean_paper, cleaner),
        files=_all(pool, "File", clean_file, cleaner),
        unavailable=tuple(sorted((unavailable or {}).items())),
    )
