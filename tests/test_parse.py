"""Parsing layouts: agenda items, attendance lists, meeting metadata and speaker turns."""

from __future__ import annotations

import pytest

from kg.ids import fold
from kg.models import SourceDocument
from kg.parse import find_body, find_date, parse
from kg.parse_refs import first_person_ref, person_ref_at, person_refs

MEETING = """Niederschrift

über die 12. Sitzung des Ausschusses für Umwelt und Klima

am 07.05.2024
Ratssaal, Rathaus Musterstadt

Sitzungsdauer: 16:00 - 18:10 Uhr

Anwesend:

SPD-Fraktion
Ratsfrau Petra Lindner
Rm Weber i. V. für Rm Schulte

CDU
Ratsherr Dr. Emre Kaya (CDU)
(Ratsfrau Albers) (CDU)

Verwaltung:
Herr Brandt Fachbereich Umwelt

Entschuldigt:
Gasper, Elmar (CDU-Fraktion)

Tagesordnung

Ö 1 Eröffnung

Die Vorsitzende eröffnet die Sitzung.

Ö 2 Klimaschutzkonzept

Frau Lindner fragt, wann das Konzept vorliege. Sie bittet um einen Zeitplan.

Auf die Frage von Frau Lindner antwortet Herr Brandt, dass es im Herbst komme.

Der Ausschussvorsitzende, Rh. Stefan Hebbel (CDU), dankt für den Bericht.

Nichtöffentlicher Teil

N 3 Grundstücksangelegenheit

Herr Dr. Kaya berichtet.
"""


def _doc(text: str) -> SourceDocument:
    return SourceDocument(key="t.txt", path="t.txt", sha256="0" * 64, text=text, municipality="X")


def test_items_with_public_and_nonpublic_parts() -> None:
    protocol = parse(_doc(MEETING))
    numbered = [(i.number, i.title, i.public) for i in protocol.items if i.number]
    assert numbered == [
        ("1", "Eröffnung", True),
        ("2", "Klimaschutzkonzept", True),
        ("3", "Grundstücksangelegenheit", False),
    ]


def test_speaker_turns_subject_inverted_and_apposition() -> None:
    protocol = parse(_doc(MEETING))
    item = next(i for i in protocol.items if i.number == "2")
    assert [t.speaker.surname for t in item.turns] == ["Lindner", "Brandt", "Hebbel"]
    first = item.turns[0]
    assert MEETING[first.span.start : first.span.end].endswith("Sie bittet um einen Zeitplan.")
    assert item.turns[2].speaker.faction == "CDU"


def test_attendance_sections_factions_and_absence() -> None:
    protocol = parse(_doc(MEETING))
    entries = {(e.person.surname, e.status, e.person.faction) for e in protocol.attendance}
    assert ("Lindner", "present", "SPD-Fraktion") in entries
    assert ("Weber", "present", "SPD-Fraktion") in entries
    assert ("Schulte", "absent", "SPD-Fraktion") in entries
    assert ("Kaya", "present", "CDU") in entries
    assert ("Albers", "absent", "CDU") in entries
    assert ("Gasper", "absent", "CDU-Fraktion") in entries
    brandt = next(e for e in protocol.attendance if e.person.surname == "Brandt")
    assert brandt.section == "Verwaltung"
    lindner = next(e for e in protocol.attendance if e.person.surname == "Lindner")
    assert (lindner.person.given, lindner.person.role, lindner.person.address) == (
        "Petra", "Ratsfrau", "Frau",
    )  # fmt: skip


def test_meeting_metadata() -> None:
    meeting = parse(_doc(MEETING)).meeting
    assert (meeting.date, meeting.start_time, meeting.end_time) == ("2024-05-07", "16:00", "18:10")
    assert meeting.body == "Ausschuss für Umwelt und Klima"
    assert meeting.place is not None and "Ratssaal" in meeting.place


def test_hannover_layout_faction_after_the_name() -> None:
    text = (
        "Anwesend:\n\nRatsfrau Schlienkamp als Vorsitzende\n-\nSPD-Fraktion\n\n"
        "(Ratsherr Bindert)\n-\nFraktion BÜNDNIS 90/DIE GRÜNEN\n\nTagesordnung\n"
    )
    entries = [(e.person.surname, e.status, e.person.faction) for e in parse(_doc(text)).attendance]
    assert entries == [
        ("Schlienkamp", "present", "SPD-Fraktion"),
        ("Bindert", "absent", "Fraktion BÜNDNIS 90/DIE GRÜNEN"),
    ]


def test_dates_and_bodies() -> None:
    assert find_date("Sitzung vom 3. März 2021") == "2021-03-03"
    assert find_date("Datum: 31.02.1899") is None
    assert find_body("Protokoll der Sitzung des Kreistages am 1.2.2020") == "Kreistag"


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Sitzung der Bezirksvertretung Hohenlimburg am 5. Mai", "Bezirksvertretung Hohenlimburg"),
        (
            "Niederschrift über die Sitzung des Ausschusses für Umwelt am 3.4.",
            "Ausschuss für Umwelt",
        ),
        ("Protokoll der Sitzung des Rates der Stadt Hagen vom 1.2.", "Rat der Stadt Hagen"),
        ("Als er die Sitzung der Bezirksvertretung schloss, gab es Applaus.", None),
        ("nach der Sitzung des Hauptausschusses tagte, so hieß es", None),
    ],
)
def test_a_body_name_does_not_go_on_into_the_prose(text: str, body: str | None) -> None:
    """Press texts name bodies in running sentences: the verb after one is no part of it."""
    assert find_body(text) == body


def test_odd_text_parses_without_turns() -> None:
    protocol = parse(_doc("Reduzieren\n\n \n\n1.\n\n(((\n"))
    assert all(not i.turns for i in protocol.items)


def test_faction_ending_a_list_line_belongs_to_that_name() -> None:
    text = (
        "Anwesend:\n\nBeratende Mitglieder\n\nRM Nursen Konak Fraktion „Die Linken im Rat“\n"
        "RM Axel Thieme DVU\nRM Joachim Fischer (SPD\nRM Olga Brandt\n\nVerwaltung\n"
    )
    entries = [(e.person.surname, e.person.faction) for e in parse(_doc(text)).attendance]
    assert entries == [
        ("Konak", "Die Linken"), ("Thieme", "DVU"), ("Fischer", "SPD"), ("Brandt", None),
    ]  # fmt: skip


def test_single_reference_lookups_agree_with_person_refs() -> None:
    text = (
        MEETING + "\nAuf die Frage von Herrn Dr. Meier (SPD) antwortet Bürgermeisterin Ute Kranz.\n"
    )
    starts = sorted({m.start for m in person_refs(text)} | set(range(0, len(text), 7)))
    for start in starts:
        end = min(len(text), start + 160)
        first = next(person_refs(text, start, end), None)
        assert first_person_ref(text, start, end) == first
        at = person_ref_at(text, start, end)
        assert at == (first if first is not None and first.start == start else None)


def test_a_name_hidden_inside_a_rejected_match_is_still_listed() -> None:
    # A name does not run on into the next line ("Rm Günther\nRm" is no name); each line is
    # one reference, and "Rm Wendt" on the next line is still found.
    text = "Anwesend waren:\n\nGrüne\nRm Günther\nRm Wendt\nRm Bräuer\n\nVerwaltung:\n"
    assert [e.person.surname for e in parse(_doc(text)).attendance] == [
        "Günther", "Wendt", "Bräuer",
    ]  # fmt: skip


def test_names_keep_letters_beyond_german_umlauts() -> None:
    text = (
        "Frau Dr. Yılmaz begrüßt die Gäste. Herr Okan Kılıç-Wagner (SPD) fragt nach dem Zeitplan. "
        "Ratsfrau Małgorzata Nowak-Øberg dankt Herrn Şahin."
    )
    refs = [m.ref for m in person_refs(text)]
    assert [(r.given, r.surname, r.title) for r in refs] == [
        (None, "Yılmaz", "Dr."),
        ("Okan", "Kılıç-Wagner", None),
        ("Małgorzata", "Nowak-Øberg", None),
        (None, "Şahin", None),
    ]
    assert refs[1].faction == "SPD"


def test_a_title_without_a_matching_name_is_no_surname() -> None:
    assert [m.ref.surname for m in person_refs("Frau Dr. 'Berg' und Herr Prof. 3")] == []


def test_attendance_lines_with_turkish_and_polish_letters() -> None:
    text = "Anwesend:\n\nAydoğan, Deniz (SPD)\nArıkan, Gül\nLeyla Yıldız\n\nTagesordnung\n"
    assert [e.person.surname for e in parse(_doc(text)).attendance] == [
        "Aydoğan", "Arıkan", "Yıldız",
    ]  # fmt: skip


def test_fold_transcribes_letters_without_a_decomposition() -> None:
    assert fold("Arıkan") == fold("ARIKAN") == "arikan"
    assert fold("Søren Łuczak") == "soeren luczak"
    assert fold("S\u0327ahin") == fold("Şahin") == "sahin"


def test_agenda_headings_with_zu_colon_and_tagesordnungspunkt() -> None:
    text = (
        "Niederschrift über die Sitzung des Gemeinderates\n\n"
        "Zu TOP 1: Eröffnung und Begrüßung\nDer Vorsitzende eröffnet die Sitzung.\n\n"
        "zu 2  Bebauungsplan Mühlenweg\nHerr Brandt erläutert den Entwurf.\n"
        "Zu 3. Haushaltssatzung 2025: Frau Keller stellt den Entwurf vor.\n"
        "Es wurde zu 2 Punkten nachgefragt und zu 4 Fragen Stellung genommen. Die Satzung tritt\n"
        "zu 1. Januar 2026 in Kraft.\n"
        "Tagesordnungspunkt 4\nNeubau der Kindertagesstätte Lindenstraße\n\n"
        "Herr Brandt berichtet um 19:30 Uhr.\n"
    )
    numbered = [(i.number, i.title) for i in parse(_doc(text)).items if i.number]
    assert numbered == [
        ("1", "Eröffnung und Begrüßung"),
        ("2", "Bebauungsplan Mühlenweg"),
        ("3", "Haushaltssatzung 2025"),
        ("4", "Neubau der Kindertagesstätte Lindenstraße"),
    ]
    item_3 = parse(_doc(text)).items[3]
    assert [t.speaker.surname for t in item_3.turns] == ["Keller"]


def test_a_top_field_names_the_item_of_a_single_item_page() -> None:
    text = (
        "Protokoll: Ausschuss für Klima und Umwelt\nNiederschrift Nr. 88\nTOP:        5\n"
        "Betreff:    Radverkehrskonzept Innenstadt\n\nHerr Brandt erläutert das Konzept.\n"
        "1. Der Ausschuss stimmt zu.\n"
    )
    items = parse(_doc(text)).items
    assert [(i.number, i.title) for i in items] == [("5", "Radverkehrskonzept Innenstadt")]
    assert [t.speaker.surname for t in items[0].turns] == ["Brandt"]


WORTPROTOKOLL = """Ö 4  Radschnellweg Nord

Stadtverordneter Jonas Brehm (SPD):
Herr Vorsteher, meine Damen und Herren! Der Radschnellweg verbindet drei Stadtteile.
Wir bitten um Zustimmung.

(Beifall bei der SPD)

Stadträtin Lenz, Dezernentin für Mobilität und Umwelt:
Vielen Dank. Die Förderzusage des Landes liegt vor.

Herr Dr. Krüger (CDU): Wir lehnen die Vorlage ab.
Dr. Anja Roth (GRÜNE):
Wir stimmen zu.
Die Linke (SPD):
Stadtverordnetenvorsteherin Albers:
Damit ist die Vorlage angenommen.
Hinweis: Die Anlage liegt bei.
"""


def test_wortprotokoll_speaker_lines_start_turns() -> None:
    item = next(i for i in parse(_doc(WORTPROTOKOLL)).items if i.number == "4")
    speakers = [(t.speaker.surname, t.speaker.faction) for t in item.turns]
    assert speakers == [
        ("Brehm", "SPD"), ("Lenz", None), ("Krüger", "CDU"), ("Roth", "GRÜNE"), ("Albers", None),
    ]  # fmt: skip
    first = WORTPROTOKOLL[item.turns[0].span.start : item.turns[0].span.end]
    assert first.endswith("(Beifall bei der SPD)")
    assert WORTPROTOKOLL[item.turns[1].span.start : item.turns[1].span.end].endswith("liegt vor.")


def test_a_name_after_a_colon_or_in_a_sentence_is_no_speaker_line() -> None:
    text = (
        "1. Bericht\n\nVorsitz: Ratsfrau Albers\nSchriftführung: Frau Ostertag\n\n"
        "Laut Ratsherr Brehm: Der Bau ruht.\n"
    )
    assert [t.speaker.surname for i in parse(_doc(text)).items for t in i.turns] == []


def test_role_word_then_form_of_address_and_council_titles() -> None:
    text = (
        "Der Vorsitzende Herr Dr. Brandl eröffnet die Sitzung. Gemeinderätin Maier (FW) fragt "
        "nach den Kosten. Bauamtsleiterin Ertl antwortet. Frau Vorsteherin, Herr Kreisrat, Herr"
    )
    refs = [(m.ref.surname, m.ref.role, m.ref.address, m.ref.title) for m in person_refs(text)]
    assert refs == [
        ("Brandl", "Vorsitzende", "Herr", "Dr."),
        ("Maier", "Gemeinderätin", "Frau", None),
        ("Ertl", "Bauamtsleiterin", "Frau", None),
    ]


def test_attendance_ends_at_the_first_agenda_item() -> None:
    text = (
        "Anwesend:\nRatsfrau Petra Lindner\n\n1. Verwaltung\nHerr Brandt\n\n"
        "Entschuldigt: Ratsherr Olaf Kuhn\n\n"
        "3. Radwegekonzept\n\nHerr Brandt erläutert das Konzept. Frau Keller fragt nach.\n"
    )
    entries = [(e.person.surname, e.status) for e in parse(_doc(text)).attendance]
    assert entries == [("Lindner", "present"), ("Brandt", "present"), ("Kuhn", "absent")]


def test_runs_of_names_with_faction_brackets() -> None:
    text = (
        "Anwesend:\nVorsitz: Jutta Brehm (SPD)\n"
        "Mitglieder: Malte Kurz (GRÜNE), Dr. Wiebke von Alten (CDU), Insa Paulsen (FDP),\n"
        "Hakan Demir (SPD), Olaf Kuhn (entschuldigt), Bauen (Fachbereich 3)\n"
        "Abwesend: Birte Lohse (DIE LINKE)\n\n1. Eröffnung\n"
    )
    entries = [
        (e.person.given, e.person.surname, e.person.faction, e.status)
        for e in parse(_doc(text)).attendance
    ]
    assert entries == [
        ("Jutta", "Brehm", "SPD", "present"),
        ("Malte", "Kurz", "GRÜNE", "present"),
        ("Wiebke", "von Alten", "CDU", "present"),
        ("Insa", "Paulsen", "FDP", "present"),
        ("Hakan", "Demir", "SPD", "present"),
        ("Olaf", "Kuhn", None, "absent"),
        ("Birte", "Lohse", "DIE LINKE", "absent"),
    ]


def test_flattened_two_column_rows_give_no_fake_persons() -> None:
    text = (
        "Anwesend\nstimmberechtigte Mitglieder\n"
        "Herr Hans-Jörg Carstens  Bürgermeister Gemeinde Altenhof\n"
        "Herr Jannes Feddersen  Gemeinde Holtsee\n"
        "Frau Ilse Wichmann  Fachbereichsleiterin Bauen und Umwelt\n\nTagesordnung\n"
    )
    refs = [(m.ref.given, m.ref.surname) for m in person_refs(text)]
    assert refs == [("Hans-Jörg", "Carstens"), ("Jannes", "Feddersen"), ("Ilse", "Wichmann")]
    assert [e.person.surname for e in parse(_doc(text)).attendance] == [
        "Carstens", "Feddersen", "Wichmann",
    ]  # fmt: skip


def test_faction_on_the_name_line_belongs_to_that_name() -> None:
    text = (
        "Anwesend:\n"
        "Ratsherr Olaf Kuhn, CDU\nRatsfrau Petra Lindner, SPD\n"
        "Ortsratsmitglied Lena Arndt, Freie Wählergemeinschaft (FWG)\n"
        "Name                 Fraktion                  Anwesenheit\n"
        "Jutta Brehm          Die Grünen – Rosa Liste   anwesend (Vorsitz)\n"
        "Anton Huber          CSU                       entschuldigt\n"
        "Frau Sabine Jung  GRÜNE\nHerr Lars Berg  SPD\n"
        "Es fehlten entschuldigt:\nRatsherr Tim Wolf, FDP\n\nTagesordnung\n"
    )
    entries = [(e.person.surname, e.person.faction, e.status) for e in parse(_doc(text)).attendance]
    assert entries == [
        ("Kuhn", "CDU", "present"),
        ("Lindner", "SPD", "present"),
        ("Arndt", "Freie Wählergemeinschaft", "present"),
        ("Brehm", "Die Grünen – Rosa Liste", "present"),
        ("Huber", "CSU", "absent"),
        ("Jung", "GRÜNE", "present"),
        ("Berg", "SPD", "present"),
        ("Wolf", "FDP", "absent"),
    ]


def test_name_per_line_lists_with_unlisted_first_names_and_titles() -> None:
    text = (
        "Anwesend:\nStimmberechtigte Mitglieder\nWendelin Auer\nDr. Petra Lindner\n"
        "Hannoversche Linke\nDie Linke\nSachkundige Einwohner\nKastner Bauunternehmung\n"
        "Tagesordnung\n"
    )
    entries = [(e.person.given, e.person.surname) for e in parse(_doc(text)).attendance]
    assert entries == [("Wendelin", "Auer"), ("Petra", "Lindner")]


def test_table_rows_with_unlisted_first_names_and_magistrate_header() -> None:
    text = (
        "Vom Magistrat anwesend: Bürgermeister Ralf Kunze, Stadträtin Ines Pohl\n"
        "Name                 Fraktion      Anwesenheit\n"
        "Wendelin Auer        CSU           anwesend\n"
        "Korbinian Staudt     ÖDP           entschuldigt\n\n1. Eröffnung\n"
    )
    entries = [(e.person.surname, e.person.faction, e.status) for e in parse(_doc(text)).attendance]
    assert entries == [
        ("Kunze", None, "present"),
        ("Pohl", None, "present"),
        ("Auer", "CSU", "present"),
        ("Staudt", "ÖDP", "absent"),
    ]


def test_role_words_and_their_compounds_are_no_persons() -> None:
    text = (
        "Frau Vorsteherin, meine Damen und Herren! Herr Stadtkämmerer, Sie sagten es. "
        "Frau Bezirksamtsleiterin, danke. Herr Erster Beigeordneter Lenz antwortet. "
        "Frau Hofmeister fragt nach."
    )
    assert [(m.ref.surname, m.ref.role) for m in person_refs(text)] == [
        ("Lenz", "Beigeordneter"), ("Hofmeister", None),
    ]  # fmt: skip


def test_council_member_abbreviations_of_baden_wuerttemberg() -> None:
    text = "GR Maier (FW) regt an, den Platz zu begrünen. GRin Vogt fragt. Der GR Beschluss gilt."
    assert [(m.ref.surname, m.ref.address, m.ref.faction) for m in person_refs(text)] == [
        ("Maier", "Herr", "FW"), ("Vogt", "Frau", None),
    ]  # fmt: skip


def test_parties_of_other_states_are_factions() -> None:
    text = (
        "Anwesend:\n\nStadtrat Josef Huber (CSU)\nStadträtin Eva Maier (ÖDP)\n"
        "Ratsherr Jens Petersen (SSW)\nKreisrätin Anja Lenz (BVB/FREIE WÄHLER)\n"
        "Stadtrat Paul Roth (CDU/CSU)\n\nVerwaltung\n"
    )
    entries = [(e.person.surname, e.person.faction) for e in parse(_doc(text)).attendance]
    assert entries == [
        ("Huber", "CSU"), ("Maier", "ÖDP"), ("Petersen", "SSW"),
        ("Lenz", "BVB/FREIE WÄHLER"), ("Roth", "CDU/CSU"),
    ]  # fmt: skip


def test_a_top_field_with_public_marker_names_the_item() -> None:
    text = (
        "Stadtrat\nAuszug - Sanierung der Stadtbibliothek\n\nTOP: Ö 7.2\n"
        "Datum:\tDi, 04.03.2025\tStatus:\töffentlich\n\n"
        "Herr Brandt erläutert die Vorlage.\n"
    )
    items = parse(_doc(text)).items
    assert [(i.number, i.public) for i in items] == [("7.2", True)]
    assert [t.speaker.surname for t in items[0].turns] == ["Brandt"]


def test_a_number_alone_on_its_line_heads_an_item_after_a_section_line() -> None:
    text = (
        "Niederschrift über die Sitzung des Bauausschusses\n\n"
        "Öffentliche Sitzung\n1.\nNeubau der Grundschule Am Anger\nVorlage: 2025/114\n\n"
        "Herr Brandt erläutert die Planung.\n\n"
        "2.\nRadweg an der Kreisstraße\n\nFrau Keller berichtet.\n"
        "Die Kosten betragen\n3.\nMillionen Euro und mehr.\n"
    )
    items = [i for i in parse(_doc(text)).items if i.number]
    assert [(i.number, i.title) for i in items] == [
        ("1", "Neubau der Grundschule Am Anger"),
        ("2", "Radweg an der Kreisstraße"),
    ]
    assert [t.speaker.surname for t in items[0].turns] == ["Brandt"]


def test_an_unlisted_first_name_before_a_surname_and_what_follows_a_name() -> None:
    def names(text: str) -> list[tuple[str | None, str]]:
        return [(m.ref.given, m.ref.surname) for m in person_refs(text)]

    assert names("Frau Swaantje Dorsch erklärt, der Antrag sei erledigt.") == [
        ("Swaantje", "Dorsch")
    ]
    assert names("Herr Talke Immendorf CDU\nFrau Enna Vossberg Bündnis 90/Die Grünen") == [
        ("Talke", "Immendorf"),
        ("Enna", "Vossberg"),
    ]
    assert names("Frau Inka Brüggemann Sachgebietsleiterin, Fachbereich Bauen") == [
        ("Inka", "Brüggemann")
    ]
    assert names("Herr Talke Immendorf Bauleiter\nFrau Enna Vossberg Bauleiterin") == [
        ("Talke", "Immendorf"),
        ("Enna", "Vossberg"),
    ]
    assert names("Ratsherr Wendel Oltrogge i. V. für Ratsherrn Kamp") == [
        ("Wendel", "Oltrogge"),
        (None, "Kamp"),
    ]
    # a noun after the surname is no surname, and a sentence goes on after it
    assert names("Hierzu nimmt Herr Dorsch Stellung.") == [(None, "Dorsch")]
    assert names("Frau Dorsch Bereich Stadtplanung") == [(None, "Dorsch")]
    assert names("Dazu gibt Frau Dorsch Auskunft über die Kosten.") == [(None, "Dorsch")]


def test_a_job_after_a_named_person_is_no_surname_given_entry() -> None:
    text = (
        "Niederschrift über die Sitzung des Hauptausschusses\n\nAnwesend:\n"
        "Herr Uwe Kahl  Dezernent, Dezernat Finanzen und Ordnung\n"
        "Frau Dr. Eva Roth  Fachbereich Bildung, Kultur und Sport\n"
        "Verwaltung:\nBrandt, Jonas\nKeller, Petra\n\nTagesordnung\n"
    )
    listed = [(a.person.surname, a.person.given) for a in parse(_doc(text)).attendance]
    assert listed == [("Kahl", "Uwe"), ("Roth", "Eva"), ("Brandt", "Jonas"), ("Keller", "Petra")]


def test_a_first_name_before_a_surname_with_particle() -> None:
    def names(text: str) -> list[tuple[str | None, str, str | None]]:
        return [(m.ref.given, m.ref.surname, m.ref.faction) for m in person_refs(text)]

    assert names("Frau Anna von Berg (CDU) fragt nach.") == [("Anna", "von Berg", "CDU")]
    assert names("Herr Talke von der Heide SPD\n") == [("Talke", "von der Heide", None)]
    # an office or a place after "von" is no surname
    assert names("Herr Kahl von der Verwaltung erläutert.") == [(None, "Kahl", None)]
    assert names("Herr Kahl von der Stadt erläutert.") == [(None, "Kahl", None)]
    assert names("Ich bitte Herrn Bürgermeister Lutz vom Dezernat II.") == [(None, "Lutz", None)]


def test_a_status_column_after_a_named_member_marks_absence() -> None:
    text = (
        "Niederschrift über die Sitzung des Finanzausschusses\n\nAnwesend:\n"
        "Herr Jan Kahl   FDP   entschuldigt\n"
        "Frau Dr. Eva Roth   Bündnis 90/Die Grünen\n"
        "Herr Uwe Brandt (SPD), Frau Petra Keller (CDU) verhindert\n\nTagesordnung\n"
    )
    status = {a.person.surname: a.status for a in parse(_doc(text)).attendance}
    assert status == {"Kahl": "absent", "Roth": "present", "Brandt": "present", "Keller": "absent"}


def test_a_comma_run_of_first_name_and_surname_after_a_label() -> None:
    text = (
        "Protokoll der Sitzung des Ortsbeirates\n\nAnwesend:\n"
        "Ortsbeiratsmitglieder: Talke Immendorf, Dr. Enna Vossberg, Jonas von Alten (SPD), "
        "Wendel Oltrogge\n"
        "entschuldigt: Imke Harms, Jasper Tönnies\n\nTagesordnung:\n"
    )
    listed = [
        (a.person.given, a.person.surname, a.person.faction, a.status)
        for a in parse(_doc(text)).attendance
    ]
    assert listed == [
        ("Talke", "Immendorf", None, "present"),
        ("Enna", "Vossberg", None, "present"),
        ("Jonas", "von Alten", "SPD", "present"),
        ("Wendel", "Oltrogge", None, "present"),
        ("Imke", "Harms", None, "absent"),
        ("Jasper", "Tönnies", None, "absent"),
    ]


def test_a_flattened_run_of_surname_and_first_name_stays_flipped() -> None:
    text = (
        "Niederschrift\n\nAnwesend:\nSPD-Fraktion Kahl, Uwe Roth, Eva Brandt, Jonas\n"
        "Verwaltung: Keller, Petra\n\nTagesordnung\n"
    )
    listed = [(a.person.given, a.person.surname) for a in parse(_doc(text)).attendance]
    assert listed == [("Uwe", "Kahl"), ("Eva", "Roth"), ("Jonas", "Brandt"), ("Petra", "Keller")]


def test_a_header_word_inside_a_sentence_starts_no_attendance_list() -> None:
    text = (
        "Stadtrat\nAuszug - Haushalt 2026\n\nTOP: Ö 4\n\n"
        "Frau Keller (SPD): Ich frage die Verwaltung: Wann liegt der Bericht vor?\n"
        "Herr Brandt antwortet, im Herbst.\n"
    )
    protocol = parse(_doc(text))
    assert protocol.attendance == ()
    assert [t.speaker.surname for t in protocol.items[0].turns] == ["Keller", "Brandt"]
    listed = parse(_doc("Anwesend: Kahl, Uwe (SPD) von der Verwaltung: Roth, Eva\n")).attendance
    assert [(a.person.surname, a.section) for a in listed] == [
        ("Kahl", "Anwesend"),
        ("Roth", "Verwaltung"),
    ]


def test_a_job_title_before_academic_titles_and_a_full_name() -> None:
    text = (
        "Niederschrift\n\nAnwesend:\nVerwaltung\nUmweltreferentin Prof. Dr. Enna Vossberg\n"
        "Stadtoberinspektor Dr. Brandt\n\nTagesordnung\n"
    )
    listed = [(a.person.given, a.person.surname) for a in parse(_doc(text)).attendance]
    assert listed == [("Enna", "Vossberg"), (None, "Brandt")]


def test_the_attendance_list_ends_where_the_minutes_begin() -> None:
    text = (
        "Niederschrift über die Sitzung des Ortsbeirates\n\nAnwesend:\n"
        "Ortsvorsteher Jan Kahl (SPD)\nEva Roth (CDU)\n\n"
        "Es fehlte entschuldigt: Frau Petra Keller (FDP)\n\n"
        "Ortsvorsteher Kahl eröffnet um 19:00 Uhr die Sitzung und begrüßt die Gäste.\n"
        "Frau Keller ist entschuldigt.\n"
    )
    status = [(a.person.surname, a.status) for a in parse(_doc(text)).attendance]
    assert status == [("Kahl", "present"), ("Roth", "present"), ("Keller", "absent")]


def test_turns_of_a_citizen_from_a_place_and_an_ordinal_role() -> None:
    text = (
        "Ö 3  Einwohnerfragestunde\n\n"
        "Frau Keller aus Bad Pyrmont fragt nach dem Radweg. Zweiter Bürgermeister Brandt "
        "antwortet, die Planung beginne im Frühjahr.\nHerr Kahl aus der Nachbarschaft ist "
        "ebenfalls anwesend.\n"
    )
    turns = parse(_doc(text)).items[-1].turns
    assert [t.speaker.surname for t in turns] == ["Keller", "Brandt"]


def test_a_titled_name_without_address_speaks_with_a_speech_verb() -> None:
    text = (
        "Ö 2  Klimaschutzkonzept\n\nFrau Keller fragt nach den Kosten. Prof. Dr. Vossberg "
        "erwidert, die Kosten seien gedeckt.\nDr. Kahl-Immendorf erläutert die Förderung.\n"
        "Dr. Roth ist Mitglied des Beirats.\n"
    )
    turns = parse(_doc(text)).items[-1].turns
    assert [(t.speaker.surname, t.speaker.title) for t in turns] == [
        ("Keller", None),
        ("Vossberg", "Prof. Dr."),
        ("Kahl-Immendorf", "Dr."),
    ]


def test_herrn_opening_a_sentence_is_no_speaker() -> None:
    text = (
        "Ö 5  Radverkehr\n\nHerr Brandt (SPD): Wir stimmen zu.\n\n"
        "Frau Keller (CDU): Herrn Brandt möchte ich widersprechen. Die Kosten sind zu hoch.\n"
    )
    turns = parse(_doc(text)).items[-1].turns
    assert [t.speaker.surname for t in turns] == ["Brandt", "Keller"]
    assert text[turns[1].span.start : turns[1].span.end].endswith("zu hoch.")


def test_a_run_entry_with_a_task_in_brackets_is_a_person() -> None:
    text = (
        "Protokoll\n\nAnwesend:\n"
        "Verwaltung: Talke Immendorf (Amtsleiterin), Wendel Oltrogge (Protokoll)\n"
        "Gäste: Freie Wählergemeinschaft (FWG)\n\nTagesordnung:\n"
    )
    listed = [(a.person.given, a.person.surname) for a in parse(_doc(text)).attendance]
    assert listed == [("Talke", "Immendorf"), ("Wendel", "Oltrogge")]


def test_headings_with_nr_paragraph_and_punkt_der_tagesordnung() -> None:
    text = (
        "Niederschrift über die Sitzung des Kreistags\n\n"
        "Nr. 104    Berufliche Schulen – Sanierung der Turnhalle\n          Vorlage KT 12/2025\n\n"
        "Landrat Dr. Weller führt ein. Der Zuschuss folgt aus\n"
        "Nr. 3 BauGB und aus\n§ 35 BauGB nach Prüfung.\n\n"
        "§ 105\nFeuerwehrbedarfsplan\n\nFrau Kessler berichtet.\n\n"
        "Punkt 106 der Tagesordnung:\nRadwegekonzept des Kreises\n\n"
        "Herr Brandt erläutert das Konzept.\n\n"
        "100 Jahre Kreismuseum\n\nDer Landrat dankt.\n"
    )
    items = [i for i in parse(_doc(text)).items if i.number]
    assert [(i.number, i.title) for i in items] == [
        ("104", "Berufliche Schulen – Sanierung der Turnhalle"),
        ("105", "Feuerwehrbedarfsplan"),
        ("106", "Radwegekonzept des Kreises"),
    ]
    assert [[t.speaker.surname for t in i.turns] for i in items] == [
        ["Weller"],
        ["Kessler"],
        ["Brandt"],
    ]


def test_sub_items_right_below_their_heading_and_bracket_numbers() -> None:
    text = (
        "Niederschrift über die Sitzung des Stadtrates\n\n"
        "4.  Anfragen der Stadträte\n4.1 Anfrage A0031/25 – Sanierung des Hallenbads\n"
        "    Stadtrat Voigt, Fraktion CDU\n\n"
        "Herr Voigt fragte nach dem Zeitplan.\n\n"
        "5.  Beschlussvorlagen\n5.1 Parkraumkonzept Altstadt                        DS0117/25\n"
        "5.2 Spielplatz Lindenhof                          DS0118/25\n\n"
        "Frau Albers stellte die Vorlage vor.\n\n"
        "6) Verschiedenes\n\nDer Vorsitzende schließt die Sitzung.\n"
    )
    items = [i for i in parse(_doc(text)).items if i.number]
    assert [(i.number, i.title) for i in items] == [
        ("4", "Anfragen der Stadträte"),
        ("4.1", "Anfrage A0031/25 – Sanierung des Hallenbads"),
        ("5", "Beschlussvorlagen"),
        ("5.1", "Parkraumkonzept Altstadt"),
        ("5.2", "Spielplatz Lindenhof"),
        ("6", "Verschiedenes"),
    ]
    assert [t.speaker.surname for t in items[1].turns] == ["Voigt"]
    assert [t.speaker.surname for t in items[4].turns] == ["Albers"]


def test_zu_headings_alone_or_with_one_space_take_the_agenda_title() -> None:
    text = (
        "Niederschrift über die Sitzung der Gemeindevertretung\n\n"
        "Öffentlicher Teil\nÖ 1     Eröffnung\nÖ 4     Einwohnerfragestunde\n\n"
        "Protokoll:\nzu Ö 1\nBürgervorsteherin Lorenzen eröffnet die Sitzung.\n\n"
        "zu Ö 4\nHerr Petersen aus Morsum fragt nach dem Radweg. GVin Hansen fragt nach.\n\n"
        "zu 4.2 Radweg am Deich\nKreiskämmerer Ohlsen antwortet, das Geld sei da.\n"
        "Im Ausschuss wurde\nzu 4 Punkten nachgefragt.\n"
    )
    items = [i for i in parse(_doc(text)).items if i.number]
    assert [(i.number, i.title) for i in items] == [
        ("1", "Eröffnung"),
        ("4", "Einwohnerfragestunde"),
        ("4.2", "Radweg am Deich"),
    ]
    speakers = [[t.speaker.surname for t in i.turns] for i in items]
    assert speakers == [["Lorenzen"], ["Petersen", "Hansen"], ["Ohlsen"]]


def test_turns_after_long_leads_and_appositions_with_commas() -> None:
    text = (
        "TOP 3 Hallenbad\n\n"
        "Die Beigeordnete für Bildung, Jugend und Sport, Frau Albers, antwortete, es gehe los.\n"
        "Herr Kowalski, Leiter des Dezernats III – Umwelt, Verkehr und Bauen, entgegnet "
        "Stadträtin Albers, die Kosten stiegen.\n"
        "Frau Brandt von der Stabsstelle Klimaschutz berichtet über den Stand.\n"
        "Herr Meier, Frau Lenz und Herr Roth, die Vertreter der Vereine, sind anwesend.\n"
    )
    turns = parse(_doc(text)).items[0].turns
    assert [t.speaker.surname for t in turns] == ["Albers", "Kowalski", "Brandt"]


def test_a_name_on_the_attendance_list_starts_no_turn() -> None:
    text = (
        "Niederschrift über die Sitzung des Stadtrates\n\nAnwesend:\nMitglieder des Gremiums\n"
        "Frau Jana Pohl (SPD)\nHerr Uwe Kranz (CDU)\nAbwesend:\n"
        "Herr Timo Brause (FDP), entschuldigt\n\n"
        "TOP 1 Eröffnung\n\nHerr Kranz eröffnet die Sitzung.\n"
    )
    protocol = parse(_doc(text))
    assert [(e.person.surname, e.status) for e in protocol.attendance][-1] == ("Brause", "absent")
    turns = [(i.number, t.speaker.surname) for i in protocol.items for t in i.turns]
    assert turns == [("1", "Kranz")]


def test_a_lower_case_header_alone_on_its_line_opens_an_attendance_section() -> None:
    text = (
        "Niederschrift über die Sitzung des Stadtrates\n\nAnwesenheit\nMitglieder\n"
        "Albers, Petra                    CDU\nKranz, Uwe                       SPD\n\n"
        "entschuldigt\nBrause, Timo                     FDP\n\nTagesordnung\n"
    )
    status = {e.person.surname: e.status for e in parse(_doc(text)).attendance}
    assert status == {"Albers": "present", "Kranz": "present", "Brause": "absent"}


def test_the_chair_named_only_by_the_role_is_the_chair_of_the_protocol_head() -> None:
    text = (
        "Niederschrift über die Sitzung des Kreistags\n\n"
        "Vorsitzender: Landrat Dr. Heiko Brandt\n\n"
        "TOP 1 Radwegekonzept\n\nKreisrat Voigt beantragt eine Vertagung.\n"
        "Der Vorsitzende sagt dies zu.\nDie Vorsitzende des Beirats und der Vorsitzende\n"
        "Der Vorsitzende der Fraktion sei verhindert.\n"
    )
    turns = parse(_doc(text)).items[-1].turns
    assert [
        (t.speaker.surname, text[t.speaker.span.start : t.speaker.span.end]) for t in turns
    ] == [
        ("Voigt", "Kreisrat Voigt"),
        ("Brandt", "Der Vorsitzende"),
    ]
    no_chair = parse(_doc(text.replace("Vorsitzender: ", "")))
    assert [t.speaker.surname for t in no_chair.items[-1].turns] == ["Voigt"]


def test_local_groups_in_the_faction_column_and_remarks_under_a_faction_header() -> None:
    text = (
        "Niederschrift über die Sitzung des Gemeinderates\n\nAnwesend:\nMitglieder\n"
        "Herr Jan Brandt Bürger für Musterstadt\nFrau Ida Lamm\tWir für Tal\tentschuldigt\n"
        "Frau Eva Kohl       UWG\nHerr Tom Roth Die Unabhängigen\n"
        "Die PARTEI/Liste für Tal: StRin Moosbach\n"
        "CSU: StR Reiser (Vertretung durch StR Kohler)\n\n"
        "Verwaltung:\nHerr Uwe Kahl Amt für Sport\nHerr Olaf Roth IHK\n\nTagesordnung\n"
    )
    entries = {(e.person.surname, e.status, e.person.faction) for e in parse(_doc(text)).attendance}
    assert entries >= {
        ("Brandt", "present", "Bürger für Musterstadt"),
        ("Lamm", "absent", "Wir für Tal"),
        ("Kohl", "present", "UWG"),
        ("Roth", "present", "Die Unabhängigen"),
        ("Moosbach", "present", "Die PARTEI/Liste für Tal"),
        ("Reiser", "present", "CSU"),
        ("Kahl", "present", None),
    }
    assert ("Roth", "present", "IHK") not in entries


def test_absence_markers_substitutes_and_local_group_headers() -> None:
    text = (
        "Niederschrift über die Sitzung des Ortsrates\n\nVorsitz führte: Kahl, Ida\n"
        "Anwesend:\nWir für Tal\nHerr Peter Albers\nFrau Jana Kranz Vertretung für Herrn Roth\n"
        "Fraktion WGH\nHerr Uwe Brause\nKern, Olaf (SPD) unentschuldigt\n"
        "Lamm, Eva vertritt: Lenz, Tom\n"
        "Nicht anwesend / entschuldigt:\nHerr Olaf Pohl (CDU)\n\nTagesordnung\n"
    )
    entries = {(e.person.surname, e.status, e.person.faction) for e in parse(_doc(text)).attendance}
    assert entries == {
        ("Kahl", "present", None),
        ("Albers", "present", "Wir für Tal"),
        ("Kranz", "present", "Wir für Tal"),
        ("Roth", "absent", "Wir für Tal"),
        ("Brause", "present", "WGH"),
        ("Kern", "absent", "SPD"),
        ("Lamm", "present", "WGH"),
        ("Lenz", "absent", "WGH"),
        ("Pohl", "absent", "CDU"),
    }


def test_a_substitute_shares_the_row_faction_and_a_role_before_the_faction_column() -> None:
    text = (
        "Niederschrift über die Sitzung des Bauausschusses\n\nAnwesend:\nMitglieder\n"
        "Stadtrat Jan Kurz i. V. für Stadträtin Eva Lang, CSU\n"
        "Frau Monika Roth, Bezirksbürgermeisterin        SPD\n\nTagesordnung\n"
    )
    entries = {(e.person.surname, e.status, e.person.faction) for e in parse(_doc(text)).attendance}
    assert entries == {
        ("Kurz", "present", "CSU"),
        ("Lang", "absent", "CSU"),
        ("Roth", "present", "SPD"),
    }


def test_local_groups_after_a_comma_in_flipped_rows_and_under_member_headers() -> None:
    text = (
        "Niederschrift über die Sitzung des Rates\n\nAnwesend:\n"
        "Frau Jana Kranz, Fraktion Bürger für Musterstadt\n"
        "Herr Peter Albers (CDU) - entschuldigt -\n"
        "Lamm, Eva                  Unabhängige Liste\n"
        "Brause, Uwe                BfM             entschuldigt\n"
        "Mitglieder der Fraktion Wir für Tal:\nHerr Uwe Kern\n\nTagesordnung\n"
    )
    entries = {(e.person.surname, e.status, e.person.faction) for e in parse(_doc(text)).attendance}
    assert entries == {
        ("Kranz", "present", "Bürger für Musterstadt"),
        ("Albers", "absent", "CDU"),
        ("Lamm", "present", "Unabhängige Liste"),
        ("Brause", "absent", "BfM"),
        ("Kern", "present", "Wir für Tal"),
    }


def test_a_short_name_with_the_town_in_the_faction_column_is_a_local_group() -> None:
    text = (
        "Niederschrift über die Sitzung des Stadtrates\n\nAnwesenheit\nMitglieder\n"
        "Vogt, Sabine             Zukunft Musterstadt\n"
        "Herr Jan Kahl            Stadtwerke Musterstadt\nHerr Olaf Roth           Musterstadt\n"
        "\nTagesordnung\n"
    )
    document = SourceDocument(
        key="t.txt", path="t.txt", sha256="0" * 64, text=text, municipality="Musterstadt"
    )
    factions = {e.person.surname: e.person.faction for e in parse(document).attendance}
    assert factions == {"Vogt": "Zukunft Musterstadt", "Kahl": None, "Roth": None}


def test_a_comma_inside_a_job_description_is_no_surname_given_pair() -> None:
    text = (
        "Niederschrift\n\nAnwesenheit\nVerwaltung\n"
        "Dr. Brandt, Konstanze        Beigeordnete für Umwelt, Kultur und Sport\n"
        "Anwesend: Berg, Patrick Conzen, Tim vertritt: Schall, Simon\n\nTagesordnung\n"
    )
    surnames = [e.person.surname for e in parse(_doc(text)).attendance]
    assert surnames == ["Brandt", "Berg", "Conzen", "Schall"]


@pytest.mark.parametrize(
    ("text", "surname", "role"),
    [
        ("Herr Oberbürgermister Schulz begrüßt die Anwesenden.", "Schulz", "Oberbürgermeister"),
        ("Frau Oberbürgermeisterin Krause eröffnet die Sitzung.", "Krause", "Oberbürgermeisterin"),
        ("Herr Oberbügermeister Schulz begrüßt die Anwesenden.", "Schulz", "Oberbürgermeister"),
        ("Herr Oberbürgermister erklärt, dass", None, None),
        ("Herr Schwarzenberger fragt nach.", "Schwarzenberger", None),
    ],
    ids=["letter-left-out", "spelt-right", "another-letter-left-out", "no-name", "long-surname"],
)
def test_a_role_word_with_a_typo_is_no_surname(
    text: str, surname: str | None, role: str | None
) -> None:
    """Real protocols are typed by hand: 'Herr Oberbürgermister Schulz' is Schulz, the mayor."""
    ref = first_person_ref(text, 0, len(text))
    assert (ref.ref.surname, ref.ref.role) == (surname, role) if ref else surname is None


@pytest.mark.parametrize(
    ("text", "given", "surname", "faction"),
    [
        ("Herr Hans Peter Müller (SPD) fragt, ob", "Hans Peter", "Müller", "SPD"),
        ("Ratsfrau Lisa Kristin Radke sagt, die", "Lisa Kristin", "Radke", None),
        ("Herr Karl Heinz Berg\nFrau Ute Kranz\n", "Karl Heinz", "Berg", None),
        ("Herr Peter Müller Meyer fragt", "Peter", "Müller", None),  # Müller is no first name
        ("Herr Hans Peter fragt, ob", "Hans", "Peter", None),  # nothing after: Peter is the name
        ("Herr Hans Peter Frau Schulz", "Hans", "Peter", None),  # the next reference stays one
        ("Herr Jörn Feddersen aus Mürwik fragt", "Jörn", "Feddersen", None),  # a citizen's home
    ],
)
def test_two_first_names_without_a_hyphen_then_the_surname(
    text: str, given: str, surname: str, faction: str | None
) -> None:
    ref = first_person_ref(text, 0, len(text))
    assert ref is not None
    assert (ref.ref.given, ref.ref.surname, ref.ref.faction) == (given, surname, faction)
    assert text[ref.start : ref.end].endswith(f"({faction})" if faction else surname)
