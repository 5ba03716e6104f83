"""One synthetic document being written (`Draft`): cast, speaker references, sentences within
the size budget, outcomes and votes, agenda items and discussions; for `bench.generate`."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bench.generate_fill import Fill, Gold, Outcome, Topic, counted, outcome_adverb
from bench.generate_words import BRACKET_P, COUNCIL_ROLES, GENDERED, PATTERNS, TEMPLATES
from bench.generate_world import Department, Municipality, Person


# ---------------------------------------------------------------- one document
class Draft:
    """One document being written: text parts, size budget, cast and committed ground truth
    (the layouts that write it are `bench.generate_layouts.Document`)."""

    def __init__(self, muni: Municipality, style: str, index: int, seed: int, chars: int) -> None:
        self.rng = rng = random.Random(f"{seed}/doc/{index}")
        self.muni, self.style, self.chars = muni, style, chars
        day = dt.date(2015, 1, 5) + dt.timedelta(days=rng.randrange(3800))
        self.day = day - dt.timedelta(days=max(0, day.weekday() - 3))
        self.date = self.day.isoformat()
        self.year = self.day.year
        self.body_nom, self.body_gen, tags = rng.choice(muni.bodies)
        self.tags = tags.split()
        self.is_rat = self.body_nom.startswith("Rat der")
        self.gold = Gold()
        self.parts: list[str] = []
        self.sep = "\n\n"
        self.length = 0
        self.target = int(chars * rng.uniform(0.9, 1.05))
        self.upper = int(chars * 1.15)
        self.reserve = 0
        self.paper_word = rng.choice(("Vorlage", "Drucksache", "Beschlussvorlage"))
        self.meeting: dict[str, Any] = {
            "date": self.date,
            "body": self.body_nom,
            "start": None,
            "end": None,
            "place": None,
        }
        self.item: str | None = None
        self.notes: list[str] = []
        self.chair_known = False
        self.forced_spoke = False
        self.spoken_templates: set[str] = set()
        self.pool, self.forced = self._pool()
        self._cast()
        self.topic = self._topic("presentation")

    # -- cast and topics
    def _pool(self) -> tuple[list[Person], Person | None]:
        pool = [p for p in self.muni.persons if p.serves_on(self.date)]
        if self.muni.pair is None:
            return pool, None
        keep, drop = self.muni.pair if self.rng.random() < 0.5 else self.muni.pair[::-1]
        pool = [p for p in pool if p is not drop]
        return pool, keep if self.rng.random() < 0.6 else None

    def _cast(self) -> None:
        rng = self.rng
        # sachkundige Bürger sit in committees, not in the Rat
        roles = ("rm", "bm") if self.is_rat else COUNCIL_ROLES
        council = [p for p in self.pool if p.role in roles]
        rng.shuffle(council)
        if self.forced is not None:
            council.remove(self.forced)
            council.insert(1, self.forced)
        size = min(len(council), max(5, min(16, self.chars // 220)))
        self.members = council[:size]
        self.council = council
        heads = [p for p in self.pool if p.role == "ob"]
        if self.is_rat and heads:
            self.chair = heads[0]
        else:
            others = [p for p in self.members if p is not self.forced]
            self.chair = next((p for p in others if p.role == "rm"), others[0])
        optional = [p for p in self.members if p is not self.chair and p is not self.forced]
        self.absent = rng.sample(optional, max(0, min(len(optional) - 3, rng.randint(0, 2))))
        self.speakers = [p for p in self.members if p is not self.chair and p not in self.absent]
        admins = [p for p in self.pool if p.role in ("fbl", "staff", "beig")]
        self.admins = rng.sample(admins, rng.randint(2, 4))
        if self.is_rat and self.chair.role == "ob":
            self.admins.insert(0, self.chair)
        self.voters = max(5, len(council) + 1 if self.is_rat else len(self.speakers) + 1)

    def _paper_id(self) -> str:
        if self.muni.paper_format == "slash":
            return f"{self.rng.randint(1, 1999):04d}/{self.year}"
        return f"{self.rng.randint(1000, 19999):05d}-{self.year % 100:02d}"

    def _topic(self, kind: str) -> Topic:
        rng = self.rng
        units = [p.department for p in self.admins if p.department is not None]
        tagged = [u for u in units if u.tag in self.tags or "all" in self.tags]
        unit = rng.choice(tagged or units or list(self.muni.departments))
        related = [i for i in self.muni.initiatives if i.tag == unit.tag]
        pool = related or list(self.muni.initiatives)
        initiatives = tuple(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
        places = tuple(rng.sample(self.muni.districts, rng.randint(1, 2)))
        leads = tuple((i, p) for i, p in self.muni.leads if i in initiatives and p in self.pool)
        faction = rng.choice([p.faction for p in self.speakers if p.faction] or ["SPD"])
        return Topic(unit, initiatives, places, (self._paper_id(),), faction, leads)

    def answerer(self) -> Person:
        """Return the administration member who speaks for the current topic."""
        for p in self.admins:
            if p.department == self.topic.unit:
                return p
        return self.admins[0]

    # -- references
    def ref(self, p: Person, g: Gold, case: str = "n") -> str:
        """Render a reference to ``p`` in the layout's manner and record what it shows."""
        key = p.role if p.role in ("rm", "sb", "bm", "ob", "beig") else "admin"
        nominative, dative = PATTERNS[self.style][key]
        pattern = self.rng.choice(nominative if case == "n" else dative)
        if self.muni.kind == "Gemeinde":
            pattern = pattern.replace("Oberbürgermeister", "Bürgermeister").replace("OB ", "BM ")
            pattern = pattern.replace("Stadtrat/Stadträtin", "Beigeordneter/Beigeordnete")
        given = p.given if "{G}" in pattern else (f"{p.given[0]}." if "{I}" in pattern else None)
        g.person(p, given, "{H}" in pattern or "/" in pattern, "{T}" in pattern)
        text = GENDERED.sub(lambda m: m[2] if p.female else m[1], pattern)
        herr = "Frau" if p.female else ("Herr" if case == "n" else "Herrn")
        for slot, value in (
            ("{H}", herr),
            ("{T}", f"{p.title} " if p.title else ""),
            ("{I}", f"{p.given[0]}. "),
            ("{G}", f"{p.given} "),
            ("{N}", p.surname),
        ):
            text = text.replace(slot, value)
        return text

    def opening_ref(self, p: Person, g: Gold) -> tuple[str, str | None]:
        """Reference that opens a turn; may carry "(SPD)" or a unit in brackets."""
        text = self.ref(p, g)
        if p.faction and (p is self.forced or self.rng.random() < BRACKET_P[self.style]):
            g.member(p, p.faction)
            return f"{text} ({p.faction})", p.faction
        if p.department is not None and self.style != "allris" and self.rng.random() < 0.35:
            text += f" ({self.unit_label(p.department, g)})"
        return text, None

    def unit_label(self, unit: Department, g: Gold) -> str:
        """Return "FB 55" (Niederschrift, when numbered) or the full unit name."""
        short = self.style == "niederschrift" and unit.short and self.rng.random() < 0.7
        g.unit(unit, not short)
        return unit.short if short and unit.short else unit.name

    def guest_phrase(self, p: Person, g: Gold) -> str:
        """Accusative guest reference for a welcome, naming the unit the guest leads."""
        text = self.ref(p, g, "d")
        unit = p.department
        if unit is None:
            return text
        g.unit(unit, True)
        if p.role != "fbl":
            return f"{text} {unit.form('von')}"
        g.head_of[(p.surname, unit)] = None
        new = self.rng.random() < 0.5
        word = (
            ("neue " if new else "") + "Leiterin"
            if p.female
            else ("neuen " if new else "") + "Leiter"
        )
        return f"{text} als {word} {unit.form('g')}"

    # -- budget and turns
    def fits(self, text: str) -> bool:
        """Return True when ``text`` still fits below the upper size bound."""
        return self.length + len(text) + len(self.sep) + self.reserve <= self.upper

    def commit(self, text: str, g: Gold | None = None) -> None:
        """Append a text part and its ground truth."""
        self.parts.append(text)
        self.length += len(text) + len(self.sep)
        if g is not None:
            self.gold.merge(g)

    def say(
        self,
        speaker: Person,
        kinds: tuple[str, ...],
        *,
        target: tuple[Person, int] | None = None,
        other: Person | None = None,
        guest: Person | None = None,
        answer_to: int | None = None,
        need_target: bool = False,
        anonymous: bool = False,
    ) -> int | None:
        """Render one turn and keep it if it fits.

        Returns:
            The statement index, -1 for a kept turn that is no statement, None if dropped.
        """
        chatty = kinds[0] not in ("Guest", "Open", "Procedural", "Close", "Thanks", "Call")
        for fillers in (self.rng.randint(0, 3) if chatty else 0, 0):
            g = Gold()
            fill = Fill(self, g, speaker)
            fill.target = target[0] if target else None
            fill.other = other or self.rng.choice([p for p in self.admins if p is not speaker])
            fill.guest = guest
            if anonymous:
                fill.subject = "Die Vorsitzende" if speaker.female else "Der Vorsitzende"
                fill.anonymous = True
            sentences, acts = self._sentences(fill, kinds, fillers, need_target)
            if not sentences:
                return None
            text = self._paragraphs(sentences)
            if self.fits(text):
                return self._keep(text, g, fill, acts, target, answer_to)
        return None

    def _sentences(
        self, fill: Fill, kinds: tuple[str, ...], fillers: int, need_target: bool
    ) -> tuple[list[str], list[str]]:
        sentences: list[str] = []
        acts: list[str] = []
        for position, kind in enumerate(kinds):
            t = fill.pick(kind, need_target and position == 0, position > 0)
            if t is None or len(set(acts) | set(t.acts)) > 3:
                if position == 0:
                    return [], []
                continue
            sentences.append(fill.render(t))
            acts += [act for act in t.acts if act not in acts]
            assert fill.speaker is not None
            fill.subject = "Sie" if fill.speaker.female else "Er"
            extra = ["Ask"] if "Question" in t.acts and self.rng.random() < 0.3 else []
            for kind_of_extra in extra + ["Filler"] * self.rng.randint(0, fillers):
                filler = fill.pick(kind_of_extra)
                sentences += [fill.render(filler)] if filler else []
        return sentences, acts

    def _paragraphs(self, sentences: list[str]) -> str:
        if len(sentences) >= 4 and self.rng.random() < 0.2:
            cut = self.rng.randint(2, len(sentences) - 1)
            return " ".join(sentences[:cut]) + self.sep + " ".join(sentences[cut:])
        return " ".join(sentences)

    def _keep(
        self,
        text: str,
        g: Gold,
        fill: Fill,
        acts: list[str],
        target: tuple[Person, int] | None,
        answer_to: int | None,
    ) -> int:
        assert fill.speaker is not None
        index = -1
        if not fill.anonymous or self.chair_known:
            g.person(fill.speaker)
            reply = target[1] if target and fill.used_target else answer_to
            index = len(self.gold.statements)
            g.statements.append(
                {
                    "item": self.item,
                    "speaker": fill.speaker.surname,
                    "acts": acts,
                    "reply_to": reply,
                    "on_behalf_of": fill.behalf,
                }
            )
        elif "unnamed chair" not in " ".join(self.notes):
            self.notes.append("A turn of the unnamed chair is no statement (chair not named).")
        self.commit(text, g)
        return index

    # -- decisions
    def outcome(self, kind: str) -> Outcome | None:
        """Draw the decision of an item of ``kind`` (None: no decision)."""
        rng = self.rng
        if kind == "anfragen":
            return None
        if kind in ("presentation", "mitteilungen"):
            return Outcome("TakenNote", "note") if rng.random() < 0.6 else None
        roll = rng.random()
        if roll > 0.92:
            return Outcome("Deferred", "defer")
        rejected = roll < (0.35 if kind == "antrag" else 0.1)
        weights = (20, 0, 0, 40, 40, 0) if rejected else (35, 15, 20, 10, 12, 8)
        phrase = rng.choices(("unan", "unan_abst", "maj_fac", "maj", "counts", "plain"), weights)[0]
        result = "Rejected" if rejected else "Accepted"
        if phrase in ("unan", "unan_abst"):
            return Outcome(
                result, phrase, True, abstain=rng.randint(1, 3) if phrase != "unan" else None
            )
        if phrase == "maj_fac":
            faction = rng.choice([p.faction for p in self.council if p.faction])
            return Outcome(
                result, phrase, False, no=rng.randint(1, max(1, self.voters // 4)), faction=faction
            )
        if phrase == "counts":
            big = rng.randint(self.voters // 2 + 1, self.voters)
            small = rng.randint(1, max(1, self.voters - big))
            abstain = rng.randint(0, max(0, self.voters - big - small))
            yes, no = (small, big) if rejected else (big, small)
            return Outcome(result, phrase, False, yes, no, abstain)
        return Outcome(result, phrase, False if phrase == "maj" else None)

    def _vote(self, o: Outcome) -> Gold:
        g = Gold()
        g.votes.append(
            {
                "item": self.item,
                "result": o.result,
                "unanimous": o.unanimous,
                "yes": o.yes,
                "no": o.no,
                "abstain": o.abstain,
            }
        )
        if o.faction:
            g.add("factions", o.faction)
        return g

    def decision(self, kind: str, o: Outcome) -> tuple[str, Gold]:
        """Render the decision block of the current item in the layout's manner."""
        g = self._vote(o)
        fill = Fill(self, g, None)
        body = f"Der {self.body_nom}"
        if o.phrase == "note":
            text = f"{body} nimmt den Bericht der Verwaltung zur Kenntnis."
        elif o.phrase == "defer":
            text = "Die Beratung wird in die nächste Sitzung vertagt."
        elif self.style == "niederschrift":
            adverb = f" {outcome_adverb(o)}" if outcome_adverb(o) else ""
            if kind == "antrag" and o.result == "Accepted":
                return f"{body} stimmt dem Antrag der {fill.f_FT()}{adverb} zu.", g
            if kind == "antrag":
                return f"{body} lehnt den Antrag der {fill.f_FT()}{adverb} ab.", g
            if o.result == "Accepted":
                return f"{body} beschließt{adverb} {fill.f_pap()}.", g
            return f"{body} lehnt {fill.f_pap()}{adverb} ab.", g
        elif kind == "antrag":
            text = (
                f"{body} beauftragt die Verwaltung, {fill.f_ini_a()} für {fill.f_pl()} umzusetzen."
            )
        else:
            text = f"{body} beschließt {fill.f_pap()}."
        if self.style == "allris":
            return f"Beschluss:\n\n{text}\n\nAbstimmungsergebnis:\n\n{self.allris_line(o)}", g
        if o.phrase in ("note", "defer"):
            return text, g
        return f"Beschluss:\n\n{text}\n\n{self._protokoll_line(o)}", g

    @staticmethod
    def allris_line(o: Outcome) -> str:
        """Return the ALLRIS result line ("einstimmig beschlossen", "vertagt", ...)."""
        if o.phrase in ("note", "defer"):
            return "zur Kenntnis genommen" if o.phrase == "note" else "vertagt"
        verb = "beschlossen" if o.result == "Accepted" else "abgelehnt"
        if o.phrase == "counts":
            abstain = counted(o.abstain, "Enthaltung", "Enthaltungen")
            return f"{o.yes} Ja, {o.no} Nein, {abstain}\n{verb}"
        return "geändert beschlossen" if o.phrase == "plain" else f"{outcome_adverb(o)} {verb}"

    @staticmethod
    def _protokoll_line(o: Outcome) -> str:
        if o.phrase == "counts":
            line = ", ".join(
                (
                    counted(o.yes, "Ja-Stimme", "Ja-Stimmen"),
                    counted(o.no, "Nein-Stimme", "Nein-Stimmen"),
                    counted(o.abstain, "Enthaltung", "Enthaltungen"),
                )
            )
            line += "" if o.result == "Accepted" else "\nDer Antrag ist damit abgelehnt."
        elif o.phrase == "plain":
            line = "Geändert beschlossen"
        else:
            line = outcome_adverb(o) + ("" if o.result == "Accepted" else " abgelehnt")
        return f"ABSTIMMUNGSERGEBNIS:    {line[0].upper()}{line[1:]}"

    # -- agenda items
    def title(self, kind: str, g: Gold) -> str:
        """Render the title of an item of ``kind``."""
        fill = Fill(self, g, None)
        return fill.render(self.rng.choice(TEMPLATES[f"T-{kind}"]))

    def item_stop(self) -> int:
        """Return where the discussion of the next item ends; the last item fills the budget."""
        if self.target - self.length < 1500:
            return self.target
        return self.length + self.rng.randint(900, 1500)

    def item_kind(self) -> str:
        """Draw the kind of a substantive item."""
        kinds = ("presentation", "vorlage", "antrag", "anfragen", "mitteilungen")
        return self.rng.choices(kinds, weights=(3, 4, 2, 2, 1))[0]

    def item_body(self, kind: str, stop: int, tail: int = 0) -> None:
        """Turns of the current item until ``stop`` characters, then closing and decision."""
        o = self.outcome(kind)
        decision = self.decision(kind, o) if o else None
        kept = len(decision[0]) + len(self.sep) if decision else 0
        self.reserve = kept + tail + 160
        presenter = self._open_item(kind)
        self._discussion(kind, stop)
        self.reserve = kept + tail
        self._close_item(kind, presenter, o)
        self.reserve = tail
        if decision:
            self.commit(*decision)

    def _open_item(self, kind: str) -> Person | None:
        rng = self.rng
        if kind == "antrag":
            proposers = [p for p in self.speakers if p.faction == self.topic.faction]
            proposer = proposers[0] if proposers else rng.choice(self.speakers)
            self.say(proposer, (rng.choice(("Request", "Proposal")), "Information"))
            return None
        if kind == "anfragen":
            return None
        presenter = self.answerer()
        if kind == "vorlage" and self.rng.random() < 0.3:
            self.say(self.chair, ("Call",))
        if kind == "presentation" and presenter is not self.chair:
            self.say(self.chair, ("Guest",), guest=presenter)
        first = (
            "Presentation"
            if kind == "presentation"
            else rng.choice(("Information", "Presentation"))
        )
        self.say(presenter, (first, "Information") if rng.random() < 0.4 else (first,))
        return presenter

    def _close_item(self, kind: str, presenter: Person | None, o: Outcome | None) -> None:
        anonymous = self.rng.random() < {"allris": 0.15, "protokoll": 0.5}.get(self.style, 0.0)
        if o is not None and o.phrase not in ("note", "defer"):
            kinds = (
                ("Close",) if presenter is not None and self.rng.random() < 0.4 else ("Procedural",)
            )
            self.say(self.chair, kinds, other=presenter, anonymous=anonymous)
        elif presenter is not None and presenter is not self.chair and self.rng.random() < 0.6:
            self.say(self.chair, ("Thanks",), other=presenter)

    def _discussion(self, kind: str, stop: int) -> None:
        history: list[tuple[Person, int]] = []
        pending: tuple[Person, int] | None = None
        contested: tuple[Person, int] | None = None
        while self.length + self.reserve < stop:
            if pending and (kind == "anfragen" or self.rng.random() < 0.8):
                speaker = self.answerer()
                immediate = bool(history) and history[-1][1] == pending[1]
                kinds: tuple[str, ...] = ("Answer",)
                kinds += ("Information",) if self.rng.random() < 0.3 else ()
                index = self.say(
                    speaker,
                    kinds,
                    target=pending,
                    need_target=not immediate,
                    answer_to=pending[1] if immediate else None,
                )
                pending = None
            elif contested and self.rng.random() < 0.4:
                speaker = self.answerer()
                kinds = (self.rng.choice(("Reply", "Reply", "Confirmation")),)
                index = self.say(speaker, kinds, target=contested, need_target=True)
                contested = None
            else:
                speaker = self._next_speaker(history)
                kinds, target = self._councillor_kinds(kind, history, speaker)
                index = self.say(speaker, kinds, target=target, need_target=target is not None)
            if index is None or index < 0:
                break
            history.append((speaker, index))
            acts = self.gold.statements[index]["acts"]
            pending = (speaker, index) if "Question" in acts else pending
            contested = (speaker, index) if {"Criticism", "Opposition"} & set(acts) else contested

    def _next_speaker(self, history: list[tuple[Person, int]]) -> Person:
        forced = self.forced
        if forced is not None and forced in self.speakers and not self.forced_spoke:
            self.forced_spoke = True
            return forced
        last = history[-1][0] if history else None
        return self.rng.choice([p for p in self.speakers if p is not last] or self.speakers)

    def _councillor_kinds(
        self, kind: str, history: list[tuple[Person, int]], speaker: Person
    ) -> tuple[tuple[str, ...], tuple[Person, int] | None]:
        rng = self.rng
        if kind == "anfragen":
            return ("Question",), None
        acts = (
            "Question",
            "Support",
            "Opposition",
            "Criticism",
            "Proposal",
            "Request",
            "Information",
        )
        primary = rng.choices(acts, weights=(30, 16, 7, 10, 10, 8, 5))[0]
        earlier = [(p, i) for p, i in history if p is not speaker]
        target = None
        if earlier and primary in ("Support", "Opposition", "Criticism") and rng.random() < 0.3:
            target = earlier[-1]
        if rng.random() < 0.45:
            second = rng.choice([k for k in ("Question", "Proposal", "Request") if k != primary])
            return (primary, second), target
        return (primary,), target

    # -- layouts
    def _times(self) -> tuple[str, str]:
        start = self.rng.choice(("14:00", "15:00", "15:30", "16:00", "17:00", "18:00"))
        begin = dt.datetime.combine(self.day, dt.time.fromisoformat(start))
        end = (begin + dt.timedelta(minutes=self.rng.randint(70, 200))).strftime("%H:%M")
        self.meeting.update(start=start, end=end)
        return start, end

    def _new_item(self, kind: str, number: str) -> tuple[str, Gold]:
        """Start item ``number``: set topic, render the title, record the item."""
        self.item = number
        self.topic = self._topic(kind)
        g = Gold()
        title = self.title(kind, g)
        g.items.append({"number": number, "title": title})
        return title, g
