"""The three layouts of synthetic protocols (`Document`): ALLRIS TOP pages, doRat-like
Niederschriften with attendance lists, Protokolle with bracketed factions; for `bench.generate`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.generate_fill import Gold, counted, fraktion_of
from bench.generate_speech import Draft
from bench.generate_words import (
    BUILDINGS,
    HEADER_VARIANTS,
    MONTHS,
    ROOMS,
    STREETS,
    SYSTEMS,
    WEEKDAYS,
)
from bench.generate_world import Person


class Document(Draft):
    """Builds one document in one of the three layouts (`STYLES`)."""

    def allris(self) -> None:
        """One ALLRIS TOP page (three header variants)."""
        rng = self.rng
        kind = self.item_kind()
        a, b = rng.randint(3, 12), rng.randint(1, 9)
        number = rng.choice((f"{a}", f"{a}.{b}", f"I.{a}.{b}"))
        title, g = self._new_item(kind, number)
        first = f"{self.day:%d.%m.%Y} - {number} {title}"
        variant = rng.choice("ABC")
        if variant == "C":
            self._allris_grunddaten(kind, number, first, g)
            return
        self.sep = "\n\n\u00a0\n\n"
        o = self.outcome(kind) if variant == "B" else None
        if o is not None:
            g.merge(self._vote(o))
            head = [first, f"Beschluss:\n{self.allris_line(o)}\nReduzieren"]
        else:
            head = [first, "Reduzieren"]
        head.append("Wortprotokoll")
        if variant == "A" and rng.random() < 0.6:
            head.append("Zusammenfassung des Diskussionsergebnisses:")
        self.commit("\n\n".join(head), g)
        tail = len("Reduzieren") + len(self.sep) if variant == "A" else 0
        if o is not None:
            self.reserve = 160
            presenter = self._open_item(kind)
            self._discussion(kind, self.target)
            self._close_item(kind, presenter, o)
        else:
            self.item_body(kind, self.target, tail)
        if variant == "A":
            self.commit("Reduzieren")

    def _allris_grunddaten(self, kind: str, number: str, first: str, g: Gold) -> None:
        """ALLRIS page with a "Grunddaten" block (body and start time stated), one turn a line."""
        self.sep = "\n"
        start, _ = self._times()
        self.meeting["end"] = None
        weekday = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")[self.day.weekday()]
        head = (
            f"{first}\nGrunddaten\n- TOP:\n- Ö {number}\n- Sitzung:\n-\nSitzung {self.body_gen}\n"
            f"- Gremium:\n- {self.body_nom}\n- Datum:\n- {weekday}, {self.day:%d.%m.%Y}\n"
            f"- Uhrzeit:\n- {start}\n- Anlass:\n- normale Sitzung\nWortprotokoll"
        )
        self.commit(head, g)
        self.item_body(kind, self.target)

    def niederschrift(self) -> None:
        """A doRat-like Niederschrift of a whole meeting."""
        rng = self.rng
        start, end = self._times()
        place = f"{rng.choice(ROOMS)}, {rng.choice(BUILDINGS)}, {rng.choice(STREETS)}"
        self.meeting["place"] = place
        number = rng.randint(2, 48)
        self.commit(
            f"Niederschrift\n\nüber die {number}. Sitzung {self.body_gen}\n\n\n"
            f"am {self.day:%d.%m.%Y}\n{place}\n\n\n\nÖffentliche Sitzung\n\n"
            f"Sitzungsdauer: {start} - {end} Uhr"
        )
        self._attendance_lists()
        self.commit("Öffentlicher Teil:")
        self._regularien(number)
        group, sub = 2, 0
        while self.length + 300 < self.target:
            if sub and rng.random() < 0.5:
                group, sub = group + 1, 0
            sub += 1
            kind = self.item_kind()
            title, g = self._new_item(kind, f"{group}.{sub}")
            head = f"zu TOP {group}.{sub}\n{title}"
            if kind in ("vorlage", "antrag"):
                g.add("papers", self.topic.papers[0])
                head += f"\n(Drucksache Nr.: {self.topic.papers[0]})"
            self.commit(head, g)
            self.item_body(kind, self.item_stop())

    def _regularien(self, number: int) -> None:
        g = Gold()
        self.item = "1.1"
        word = "Ratsmitgliedes" if self.is_rat else "Ausschussmitgliedes"
        title = f"Benennung eines {word} zur Mitunterzeichnung der Niederschrift"
        g.items.append({"number": "1.1", "title": title})
        self.commit(f"zu TOP 1.1\n{title}\n\n{self.ref(self.speakers[0], g)} wird benannt.", g)
        g = Gold()
        g.items.append({"number": "1.2", "title": "Feststellung der Tagesordnung"})
        if self.rng.random() < 0.5:
            text = "Die Tagesordnung wird einstimmig festgestellt."
            g.votes.append(self._simple_vote("1.2", True, None))
        else:
            text = "Die Tagesordnung wird in der vorliegenden Form festgestellt."
        self.commit(f"zu TOP 1.2\nFeststellung der Tagesordnung\n\n{text}", g)
        g = Gold()
        previous = self.day - dt.timedelta(days=self.rng.randint(21, 60))
        title = (
            f"Genehmigung der Niederschrift über die {number - 1}. Sitzung {self.body_gen} "
            f"am {previous:%d.%m.%Y}"
        )
        g.items.append({"number": "1.3", "title": title})
        abstain = self.rng.choice((None, 1, 2))
        if abstain is None:
            text = "Die Niederschrift wird einstimmig genehmigt."
        else:
            text = f"Die Niederschrift wird bei {counted(abstain, 'Enthaltung', 'Enthaltungen')} "
            text += "genehmigt."
        g.votes.append(self._simple_vote("1.3", True if abstain is None else None, abstain))
        self.commit(f"zu TOP 1.3\n{title}\n\n{text}", g)

    @staticmethod
    def _simple_vote(item: str, unanimous: bool | None, abstain: int | None) -> dict[str, Any]:
        return {
            "item": item,
            "result": "Accepted",
            "unanimous": unanimous,
            "yes": None,
            "no": None,
            "abstain": abstain,
        }

    def _attendance_lists(self) -> None:
        g = Gold()
        rng = self.rng
        lines: list[str] = []
        if self.is_rat:
            total = len(self.council) + 1
            lines.append(
                f"Laut Anwesenheitsliste, die der Originalniederschrift als Anlage beigefügt "
                f"ist, waren {total - len(self.absent)} von z. Z. {total} Ratsmitgliedern anwesend."
            )
        else:
            lines += ["Anwesend waren:", "", "a) Stimmberechtigte Mitglieder:"]
            comma = rng.random() < 0.3
            for faction in self.muni.factions:
                group = [p for p in self.members if p.faction == faction and p not in self.absent]
                if group:
                    g.add("factions", faction)
                    options = (*HEADER_VARIANTS.get(faction, (faction,)), fraktion_of(faction))
                    lines.append(rng.choice(options))
                for p in group:
                    g.member(p, faction)
                    g.present[p.surname] = None
                    if comma:
                        g.person(p, p.given)
                        lines.append(f"{p.surname}, {p.given}")
                    else:
                        lines.append(self.ref(p, g))
            lines.append("")
        lines.append("Von der Verwaltung waren anwesend:" if self.is_rat else "b) Verwaltung:")
        for p in self.admins:
            g.present[p.surname] = None
            lines.append(self._admin_line(p, g))
        if self.absent:
            lines += [
                "",
                "Entschuldigt fehlten:" if len(self.absent) > 1 else "Entschuldigt fehlte:",
            ]
            for p in self.absent:
                assert p.faction is not None
                g.member(p, p.faction)
                g.absent[p.surname] = None
                lines.append(f"{self.ref(p, g)} ({p.faction})")
        self.commit("\n".join(lines), g)

    def _admin_line(self, p: Person, g: Gold) -> str:
        unit = p.department
        if unit is None:
            return self.ref(p, g)
        roll = self.rng.random()
        if p.role == "fbl" and roll < 0.5:
            g.unit(unit, True)
            g.head_of[(p.surname, unit)] = None
            word = "Leiterin" if p.female else "Leiter"
            if self.style == "protokoll":
                return f"{self.ref(p, g)} ({word} {unit.form('g')})"
            return f"{self.ref(p, g)}, {word} {unit.form('g')}"
        if self.style == "niederschrift" and roll < 0.75:
            g.person(p, p.given)
            return f"{p.given} {p.surname} {self.unit_label(unit, g)}"
        label = self.unit_label(unit, g)
        return (
            f"{self.ref(p, g)} ({label})"
            if self.style == "protokoll"
            else f"{self.ref(p, g)} {label}"
        )

    def protokoll(self) -> None:
        """A Protokoll with bracketed factions, an agenda and ``TOP n`` blocks."""
        rng = self.rng
        _, end = self._times()
        start = self.meeting["start"]
        place = f"{rng.choice(BUILDINGS)}, {rng.choice(ROOMS)}"
        self.meeting["place"] = place
        weekday, month = WEEKDAYS[self.day.weekday()], MONTHS[self.day.month - 1]
        number = rng.randint(2, 48)
        self.commit(
            f"PROTOKOLL\n\n{number}. Sitzung {self.body_gen} am {weekday}, {self.day.day}. "
            f"{month} {self.year},\n{place}\n\nBeginn {start.replace(':', '.')} Uhr\n"
            f"Ende {end.replace(':', '.')} Uhr\n\n{'_' * 70}"
        )
        self._protokoll_attendance()
        agenda_at = len(self.parts)
        agenda = ["Tagesordnung:", "I. Ö F F E N T L I C H E R   T E I L"]
        self.length += sum(len(line) + 2 for line in agenda)
        prefix = rng.choice(("TOP ", "Ö "))
        for position, kind in enumerate(self._protokoll_plan(), start=1):
            if position > 3 and self.length + 300 > self.target:
                break
            title, g = self._procedural_item(kind, str(position))
            agenda.append(f"{position}. {title}")
            self.length += len(agenda[-1]) + 2
            self.commit(f"{prefix}{position} {title}\n\nProtokoll:", g)
            self._protokoll_item_body(kind, position)
        self.parts.insert(agenda_at, "\n\n".join(agenda))

    def _protokoll_plan(self) -> list[str]:
        plan = ["eroeffnung", "genehmigung"] + (["fragestunde"] if self.rng.random() < 0.5 else [])
        return plan + [self.item_kind() for _ in range(12)]

    def _procedural_item(self, kind: str, number: str) -> tuple[str, Gold]:
        titles = {
            "eroeffnung": "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Einberufung und "
            "Beschlussfähigkeit sowie Feststellung der Tagesordnung",
            "genehmigung": f"Genehmigung des Protokolls über die letzte Sitzung {self.body_gen}",
            "fragestunde": "Einwohnerfragestunde",
        }
        if kind not in titles:
            return self._new_item(kind, number)
        self.item = number
        g = Gold()
        g.items.append({"number": number, "title": titles[kind]})
        return titles[kind], g

    def _protokoll_item_body(self, kind: str, position: int) -> None:
        number = str(position)
        if kind == "eroeffnung":
            self.say(self.chair, ("Open",), anonymous=self.rng.random() < 0.5)
            if self.rng.random() < 0.5:
                g = Gold()
                g.votes.append(self._simple_vote(number, True, None))
                self.commit("Die Tagesordnung wird einstimmig festgestellt.", g)
        elif kind == "genehmigung":
            g = Gold()
            abstain = self.rng.choice((None, 1, 2))
            g.votes.append(self._simple_vote(number, True, abstain))
            line = (
                "Einstimmig"
                if abstain is None
                else f"Einstimmig bei {counted(abstain, 'Enthaltung', 'Enthaltungen')}"
            )
            self.commit(
                f"Beschluss:\n\nDas Protokoll wird genehmigt.\n\nABSTIMMUNGSERGEBNIS:    {line}", g
            )
        elif kind == "fragestunde":
            self.commit("Es erfolgen keine Wortmeldungen.")
        else:
            self.item_body(kind, self.item_stop())

    def _protokoll_attendance(self) -> None:
        g = Gold()
        lines = ["Anwesend:", "", "(verhindert waren)", ""]
        if self.rng.random() < 0.7:
            self.chair_known = True
            chair = self.chair
            role = "Vorsitzende" if chair.female else "Vorsitzender"
            faction = f" ({chair.faction})" if chair.faction else ""
            if chair.faction:
                g.member(chair, chair.faction)
            g.head_of[(chair.surname, self.body_nom)] = None
            g.present[chair.surname] = None
            lines.append(f"{self.ref(chair, g)}{faction} als {role}")
        if self.is_rat:
            present = len(self.council) + 1 - len(self.absent)
            lines.append(f"{present} Ratsmitglieder laut Anwesenheitsliste")
        for p in self.members:
            if p is self.chair or (self.is_rat and p not in self.absent):
                continue
            assert p.faction is not None
            g.member(p, p.faction)
            absent = p in self.absent
            (g.absent if absent else g.present)[p.surname] = None
            ref = self.ref(p, g)
            lines.append(f"({ref}) ({p.faction})" if absent else f"{ref} ({p.faction})")
        lines += ["", "Verwaltung:"]
        for p in self.admins:
            if p is not self.chair or not self.chair_known:
                g.present[p.surname] = None
                lines.append(self._admin_line(p, g))
        self.commit("\n".join(lines), g)

    # -- result
    def build(self) -> tuple[str, dict[str, Any]]:
        """Render the document; return its text and its gold dict (without "file")."""
        getattr(self, self.style)()
        text = self.sep.join(self.parts).rstrip() + "\n"
        header = {"city": self.muni.name, "system": SYSTEMS[self.style], "meeting": self.meeting}
        pair = self.muni.pair
        for p in pair or ():
            if p in self.gold.persons:
                other = pair[1] if p is pair[0] else pair[0]  # type: ignore[index]
                self.notes.append(
                    f"{p.surname} ({p.faction}) shares the surname with a member of "
                    f"{other.faction} who does not occur here."
                )
        notes = f"Synthetic {self.style} document from bench.generate. " + " ".join(self.notes)
        return text, self.gold.to_json(header, notes.strip())
