"""Attendance tables and heads in the layouts of protocol heads across the Länder (invented)."""

from __future__ import annotations

from kg.extract import extract
from kg.models import Extraction, Protocol, SourceDocument
from kg.parse import parse
from kg.sources import normalise_text


def _parse(text: str, body: str | None = None) -> Protocol:
    document = SourceDocument(
        key="t.txt", path="t.txt", sha256="0" * 64, text=normalise_text(text),
        municipality="Musterstadt", body=body,
    )  # fmt: skip
    return parse(document)


def _rows(protocol: Protocol) -> list[tuple[str | None, str, str, str | None]]:
    return [
        (e.person.given, e.person.surname, e.status, e.person.faction) for e in protocol.attendance
    ]


def _heads(ex: Extraction) -> set[tuple[str, str]]:
    return {
        (ex.mentions[c.subject].key, ex.mentions[c.object].label)
        for c in ex.claims
        if c.kind == "head_of"
    }


HESSIAN_TABLE = (
    "Niederschrift über die 3. Sitzung des Bau- und Planungsausschusses\n\n"
    "Anwesend:\n"
    "Name                          Fraktion        Funktion\n"
    "Stv. Dr. Anton Kessler        SPD             Vorsitzender\n"
    "Stv.'in Olga Brandhorst       CDU             stellv. Vorsitzende\n"
    "Stv. Timo Rehberg             FDP\n\n"
    "Magistrat:\n"
    "Stadträtin (ehrenamtlich) Gisela Morbach\n\n"
    "Entschuldigt:\n"
    "Stv.'in Ute Lenhardt          CDU\n\n"
    "Der Vorsitzende, Herr Dr. Kessler, eröffnet die Sitzung und stellt die Beschlussfähigkeit"
    " fest.\n\n"
    "TOP 1   Mitteilungen\n\n"
    "Herr Rehberg fragt nach dem Zeitplan.\n"
)


def test_stadtverordnete_rows_with_column_gaps_keep_their_factions() -> None:
    protocol = _parse(HESSIAN_TABLE, body="Bau- und Planungsausschuss")
    assert _rows(protocol) == [
        ("Anton", "Kessler", "present", "SPD"),
        ("Olga", "Brandhorst", "present", "CDU"),
        ("Timo", "Rehberg", "present", "FDP"),
        ("Gisela", "Morbach", "present", None),
        ("Ute", "Lenhardt", "absent", "CDU"),
    ]
    olga = protocol.attendance[1].person
    assert (olga.role, olga.address) == ("Stv.'in", "Frau")


def test_a_chair_cell_heads_the_body_and_the_declined_compound_names_it() -> None:
    ex = extract(_parse(HESSIAN_TABLE, body="Bau- und Planungsausschuss"))
    assert _heads(ex) == {("kessler", "Bau- und Planungsausschuss")}


def test_tab_separated_rows_with_role_surname_given_faction() -> None:
    text = (
        "Niederschrift über die Sitzung des Ausschusses für Umwelt\n\n"
        "Anwesende\n\n"
        "Stimmberechtigte Mitglieder\n"
        "Ratsmitglied\tBrenner, Jutta\tSPD\n"
        "Ratsmitglied\tFalkenrath, Ansgar, Dr.\tCDU\tstellv. Vorsitzender\n"
        "Ratsmitglied\tWiechert, Ole\tGRÜNE\n\n"
        "Verwaltung\n"
        "Amtsleiter Ordnungsamt\tSchwalm, Jörg\n\n"
        "Öffentliche Sitzung\n"
    )
    protocol = _parse(text)
    assert _rows(protocol) == [
        ("Jutta", "Brenner", "present", "SPD"),
        ("Ansgar", "Falkenrath", "present", "CDU"),
        ("Ole", "Wiechert", "present", "GRÜNE"),
        ("Jörg", "Schwalm", "present", None),
    ]
    assert protocol.attendance[1].person.title == "Dr."


def test_a_tab_stays_a_column_gap() -> None:
    assert normalise_text("Kahl, Jan\tSPD") == "Kahl, Jan  SPD"


CAPS_LIST = (
    "Niederschrift\nGremium:       Ausschuss für Bauen und Verkehr\n\n"
    "Anwesenheit\n\n"
    "Vorsitzender\n"
    "    BRANDSTÄTTER, Gerold             Die Linke\n"
    "Stadtverordnete\n"
    "    KLEIN-ROSEN, Ulrike, Dr.         CDU\n"
    "    HAGEDORN, Tim                    SPD                      Vertreter für OSWALD, Heiko\n"
    "Gäste\n"
    "    Herr Jens Pohlmann, Ortsvorsteher Neuberesinchen\n\n"
    "Abwesend\n"
    "    LORENZEN, Paul                   AfD                      entschuldigt\n\n"
    "TOP 1  Eröffnung\n\n"
    "Der Vorsitzende, Herr Brandstätter, eröffnet die Sitzung.\n"
)


def test_surnames_in_capitals_take_the_case_of_the_prose_and_their_faction_cells() -> None:
    protocol = _parse(CAPS_LIST, body="Ausschuss für Bauen und Verkehr")
    assert _rows(protocol) == [
        ("Gerold", "Brandstätter", "present", "Die Linke"),
        ("Ulrike", "Klein-Rosen", "present", "CDU"),
        ("Tim", "Hagedorn", "present", "SPD"),
        ("Heiko", "Oswald", "absent", None),
        ("Jens", "Pohlmann", "present", None),
        ("Paul", "Lorenzen", "absent", "AfD"),
    ]
    assert protocol.attendance[1].person.title == "Dr."


def test_a_local_chair_visiting_a_committee_heads_nothing_there() -> None:
    ex = extract(_parse(CAPS_LIST, body="Ausschuss für Bauen und Verkehr"))
    assert ("pohlmann", "Ausschuss für Bauen und Verkehr") not in _heads(ex)
    persons = {m.key for m in ex.mentions if m.kind == "person"}
    assert "pohlmann" in persons
    assert "neuberesinchen" not in persons  # his district


def test_members_under_faction_labels_and_a_sachkundige_section_after_the_absent() -> None:
    text = (
        "Niederschrift über die Sitzung des Ausschusses für Technik\n\n"
        "Anwesend:\n"
        "CDU:          Gemeinderat Eberhard Maurer, Gemeinderätin Ute Kessler\n"
        "Grüne:        Gemeinderätin Friederike Rommel\n\n"
        "Es fehlten entschuldigt: Gemeinderat Otto Brenz (Freie Wähler)\n\n"
        "Sachkundige Einwohner (beratend): Herr Prof. Dr. Jan Ecker, Frau Ina Saur\n\n"
        "§ 12   Sanierung der Brücke\n"
    )
    assert _rows(_parse(text)) == [
        ("Eberhard", "Maurer", "present", "CDU"),
        ("Ute", "Kessler", "present", "CDU"),
        ("Friederike", "Rommel", "present", "Grüne"),
        ("Otto", "Brenz", "absent", "Freie Wähler"),
        ("Jan", "Ecker", "present", None),
        ("Ina", "Saur", "present", None),
    ]


BEZIRK_TABLE = (
    "Protokoll\nder 4. Sitzung des Ausschusses für Jugend und Familie\n\n"
    "Anwesenheit\n"
    "Name                          Fraktion          Funktion                  Bemerkung\n"
    "Frau Petra Lohse              CDU               Ausschussvorsitzende\n"
    "Frau Hanna Wirth              SPD               Bezirksverordnete         i. V. Herr Kolbe\n"
    "Herr Bernd Kolbe              SPD               Bezirksverordneter        entschuldigt\n"
    "Herr Dirk Raabe               AfD               Bezirksverordneter        fehlt\n\n"
    "Bezirksamt\n"
    "Frau Dr. Eva Stein, Bezirksstadträtin und Leiterin der Abteilung Jugend und Familie\n"
    "Herr Jens Ulmer, Leiter des Jugendamtes\n\n"
    "Gäste\n"
    "Frau Gudrun Pahl, Vorsitzende des Bezirkselternausschusses\n\n"
    "TOP 3   Kitaplätze\n\n"
    "Frau Dr. Stein berichtet, dass die Plätze reichen.\n"
)


def test_a_bezirk_table_with_remarks_and_the_bezirksamt_section() -> None:
    protocol = _parse(BEZIRK_TABLE, body="Ausschuss für Jugend und Familie")
    assert _rows(protocol) == [
        ("Petra", "Lohse", "present", "CDU"),
        ("Hanna", "Wirth", "present", "SPD"),
        (None, "Kolbe", "absent", None),  # his faction only from his own row
        ("Bernd", "Kolbe", "absent", "SPD"),
        ("Dirk", "Raabe", "absent", "AfD"),
        ("Eva", "Stein", "present", None),
        ("Jens", "Ulmer", "present", None),
        ("Gudrun", "Pahl", "present", None),
    ]


def test_a_guest_chairing_another_body_and_an_office_apposition_are_no_heads_here() -> None:
    heads = _heads(extract(_parse(BEZIRK_TABLE, body="Ausschuss für Jugend und Familie")))
    assert ("pahl", "Ausschuss für Jugend und Familie") not in heads
    assert ("lohse", "Ausschuss für Jugend und Familie") in heads
    assert {unit for person, unit in heads if person == "stein"} == {"Abteilung Jugend und Familie"}


def test_surname_given_lines_under_fraktion_headers_with_status_brackets() -> None:
    text = (
        "Teilnehmer:\n\n"
        "Oberbürgermeister\nWalther, Frank\n\n"
        "Fraktion CDU\n"
        "Thal, Karsten                (entschuldigt)\n"
        "Zorn, Ralf                   ab 17:30 Uhr\n\n"
        "Fraktion SPD/Grüne\n"
        "Dr. Rauch, Bernd             bis TOP 8\n\n"
        "Verwaltung\n"
        "Sachbearbeiterin Ratsangelegenheiten        Pelz, Yvonne (Protokoll)\n\n"
        "TOP 7   Kita-Bedarfsplanung\n"
    )
    rows = _rows(_parse(text))
    assert rows[:4] == [
        ("Frank", "Walther", "present", None),
        ("Karsten", "Thal", "absent", "Fraktion CDU"),
        ("Ralf", "Zorn", "present", "Fraktion CDU"),
        ("Bernd", "Rauch", "present", "Fraktion SPD/Grüne"),
    ]
    assert [(given, surname) for given, surname, _, _ in rows[4:]] == [("Yvonne", "Pelz")]


def test_leader_cells_before_the_name_and_leader_words_after_a_name_head_their_units() -> None:
    text = (
        "Niederschrift über die Sitzung des Ausschusses für Ordnung\n\n"
        "Anwesende\n\n"
        "Verwaltung\n"
        "Amtsleiterin Umwelt- und Grünflächenamt\tVoss, Annette, Dr.\n"
        "Fachbereichsleiter Ordnung und Sicherheit   Mewes, Torsten\n"
        "stellv. Amtsleiter Ordnungsamt\tKrug, Jörg\n"
        "Fachbereich Finanzen   Lorenz, Jana\n"
        "Schriftführung\tKolb, Nina\n"
        "Herr Olaf Tamm, Sachgebietsleiter Hochbau\n"
        "Frau Rita Kuhn, Fachdienstleiterin Verkehrsmanagement\n\n"
        "Öffentliche Sitzung\n"
    )
    assert _heads(extract(_parse(text))) == {
        ("voss", "Umwelt- und Grünflächenamt"),
        ("mewes", "Fachbereich Ordnung und Sicherheit"),
        ("tamm", "Sachgebiet Hochbau"),
        ("kuhn", "Fachdienst Verkehrsmanagement"),
    }


def test_a_semicolon_run_with_a_stand_in_bracket_and_a_local_list() -> None:
    text = (
        "Anwesend:\n"
        "Stadtrat Holger Wendland (CDU), Vorsitzender; Stadträtin Anna-Lena von Bredow (FDP);\n"
        "Stadtrat Lutz Reimers (SPD) (Vertretung für Frau Ilona Sterz); Stadträtin Mandy Fink"
        " (Die Linke); Stadtrat\n"
        "Christoph Harms (Harzer Bürgerliste)\n\n"
        "Von der Verwaltung:\n"
        "Frau Dr. Franziska Lenz, Fachbereichsleiterin Stadtentwicklung und Bauen\n\n"
        "TOP 1 Eröffnung\n"
    )
    assert _rows(_parse(text)) == [
        ("Holger", "Wendland", "present", "CDU"),
        ("Anna-Lena", "von Bredow", "present", "FDP"),
        ("Lutz", "Reimers", "present", "SPD"),
        ("Ilona", "Sterz", "absent", None),
        ("Mandy", "Fink", "present", "Die Linke"),
        ("Christoph", "Harms", "present", "Harzer Bürgerliste"),
        ("Franziska", "Lenz", "present", None),
    ]


def test_prose_attendance_with_a_name_across_a_line_break_and_a_missing_member() -> None:
    text = (
        "Anwesenheit\n\n"
        "Anwesend waren die Mitglieder Frau Kathrin Lenz (Vorsitzende), Herr Karl-Heinz\n"
        "Stegemann sowie ab 18:50 Uhr Frau Anke Fries. Es fehlte entschuldigt Herr Dennis Roll;\n"
        "Frau Martina Schaal war unentschuldigt abwesend.\n\n"
        "TOP 1 Eröffnung\n"
    )
    assert [(s, status) for _, s, status, _ in _rows(_parse(text))] == [
        ("Lenz", "present"),
        ("Stegemann", "present"),
        ("Fries", "present"),
        ("Roll", "absent"),
        ("Schaal", "absent"),
    ]


def test_a_first_name_at_a_line_end_does_not_swallow_the_next_entry() -> None:
    text = "Anwesend:\nHerr Fick\nHerr Gaul\nFrau Kasper\nRatsherr Lemke\n\nTOP 1 Eröffnung\n"
    assert [s for _, s, _, _ in _rows(_parse(text))] == ["Fick", "Gaul", "Kasper", "Lemke"]


def test_a_minute_taker_label_ends_the_absent_list_and_heads_one_line() -> None:
    text = (
        "Anwesend:           Stadtrat Jan Ruhl (CDU)\n"
        "Entschuldigt:       Stadträtin Heike Sommer (CDU)\n"
        "Schriftführerin:    Frau Sandra Mett\n\n"
        "Schriftführung:\nFrau Lea Hartig, Büro der Stadtverordnetenversammlung\n\n"
        "TOP 1 Eröffnung\n"
    )
    assert [(s, status) for _, s, status, _ in _rows(_parse(text))] == [
        ("Ruhl", "present"),
        ("Sommer", "absent"),
        ("Mett", "present"),
        ("Hartig", "present"),
    ]
    alone = "Vorsitz: BM Jan Ruhl\nProtokollführung:     Frau Ostend\n\nBetreff: Hitzeplan\n"
    assert _parse(alone).attendance == ()


def test_a_label_cell_before_surname_given_is_no_name() -> None:
    text = "Anwesende\n\nVerwaltung\nSchriftführung\tKolb, Nina\n\nÖffentliche Sitzung\n"
    assert _rows(_parse(text)) == [("Nina", "Kolb", "present", None)]


def test_a_chair_label_alone_on_its_line_names_the_chair_on_the_next() -> None:
    text = (
        "Niederschrift über die öffentliche Sitzung des Gemeinderates\n\n"
        "Vorsitzender:\nErster Bürgermeister Andreas Wagner\n\n"
        "Anwesend:\nGemeinderat Florian Obermaier (CSU)\n\n"
        "TOP 1 Eröffnung\n"
    )
    protocol = _parse(text, body="Gemeinderat")
    assert [s for _, s, _, _ in _rows(protocol)] == ["Wagner", "Obermaier"]
    assert _heads(extract(protocol)) == {("wagner", "Gemeinderat")}


def test_local_group_labels_on_name_lines_and_the_minutes_after_a_blank_line() -> None:
    text = (
        "Anwesend waren:\n\n"
        "Ortsbeiratsmitglieder:\n"
        "CDU:        Herr Werner Lanz, Frau Ingrid Kolb\n"
        "GRÜNE:      Frau Dr. Eva Schnell\n"
        "FBG:        Herr Heinz Mauer\n\n"
        "Entschuldigt fehlten:\n"
        "Frau Tanja Riess (SPD)\n\n"
        "Die Ortsvorsteherin eröffnet die Sitzung und begrüßt insbesondere die\n"
        "Beigeordnete Frau Dr. Mohr.\n\n"
        "TOP 1 Einwohnerfragen\n"
    )
    assert _rows(_parse(text)) == [
        ("Werner", "Lanz", "present", "CDU"),
        ("Ingrid", "Kolb", "present", "CDU"),
        ("Eva", "Schnell", "present", "GRÜNE"),
        ("Heinz", "Mauer", "present", "FBG"),
        ("Tanja", "Riess", "absent", "SPD"),
    ]


def test_a_dezernent_title_with_its_dezernat_in_brackets_names_one_unit() -> None:
    text = (
        "Niederschrift über die Sitzung des Ausschusses für Ordnung\n\n"
        "Anwesende\n\nVerwaltung\n"
        "Dezernent für Umwelt, Sicherheit und Ordnung (Dezernat V)\tStark, Uwe\n\n"
        "Öffentliche Sitzung\n"
    )
    ex = extract(_parse(text))
    assert {m.label for m in ex.mentions if m.kind == "department"} == {"Dezernat V"}
    assert _heads(ex) == {("stark", "Dezernat V")}


def test_a_faction_cell_after_a_trailing_title_heads_no_later_row() -> None:
    text = (
        "Anwesende\n\nStimmberechtigte Mitglieder\n"
        "Ratsmitglied\tKrome, Ansgar, Dr.\tCDU\n"
        "Sachkundiger Bürger\tRath, Fabian\tSPD\tVertretung für Herrn Till\n\n"
        "Öffentliche Sitzung\n"
    )
    assert _rows(_parse(text)) == [
        ("Ansgar", "Krome", "present", "CDU"),
        ("Fabian", "Rath", "present", "SPD"),
        (None, "Till", "absent", None),
    ]


def test_a_bracketed_leader_apposition_after_a_speaker() -> None:
    text = (
        "Niederschrift über die Sitzung des Stadtrates\n\n"
        "TOP 1 Einwohnerfragen\n\n"
        "Herr Lindholm (Leiter des Amtes für Verkehrsplanung): Der Bezirksrat wurde beteiligt.\n"
    )
    assert _heads(extract(_parse(text, body="Stadtrat"))) == {
        ("lindholm", "Amt für Verkehrsplanung")
    }


def test_people_welcomed_by_name_are_present_a_bare_welcome_is_not() -> None:
    text = (
        "Niederschrift über die Sitzung des Rates\n\n"
        "TOP 1 Eröffnung\n\n"
        "Ratsvorsitzender Schmitz eröffnet die Sitzung und begrüßt alle Anwesenden. Namentlich"
        " begrüßt er Bürgermeister Hauber und Frau Grove von der Zeitung. Er begrüßt Herrn Lenz.\n"
    )
    ex = extract(_parse(text, body="Rat"))
    present = {ex.mentions[m].key for m, status in ex.attendees if status == "present"}
    assert {"hauber", "grove"} <= present
    assert "lenz" not in present


def test_a_roman_numbered_section_after_the_absent_goes_back_to_those_present() -> None:
    text = (
        "Anwesend:\n\nI. Mitglieder der Bezirksvertretung\n\n"
        "Fibich, Hans-Ulrich\nRoesler, Friedrich Bezirksbürgermeister\n\n"
        "Entschuldigt ist:\nWaidner, Iris\n\n"
        "II. Mitglieder des Rates\n\nBalser, Hans-Peter\n\n"
        "Veröffentlichte Tagesordnung:\n"
    )
    assert [(s, status) for _, s, status, _ in _rows(_parse(text))] == [
        ("Fibich", "present"),
        ("Roesler", "present"),
        ("Waidner", "absent"),
        ("Balser", "present"),
    ]


def test_members_under_a_joint_fraktion_header_belong_to_the_joint_group() -> None:
    text = (
        "Teilnehmer:\n\nFraktion SPD/Grüne\nAmsel, Katharina\nRauch, Bernd\n\n"
        "TOP 7   Kita-Bedarfsplanung\n\nFrau Amsel fragt nach den Plätzen.\n"
    )
    ex = extract(_parse(text))
    members = {
        (ex.mentions[c.subject].key, ex.mentions[c.object].key)
        for c in ex.claims
        if c.kind == "member_of"
    }
    assert members == {("amsel", "spd/gruene"), ("rauch", "spd/gruene")}


def test_a_chair_bracket_in_prose_attendance_heads_the_body() -> None:
    text = (
        "Protokoll der 5. Sitzung des Ortsbeirates Lankow\n\nAnwesenheit\n\n"
        "Anwesend waren die Mitglieder Frau Kathrin Lenz (Vorsitzende), Herr Uwe Pieper\n"
        "(stellvertretender Vorsitzender) und Frau Jana Wendt.\n\nTOP 1 Eröffnung\n"
    )
    heads = _heads(extract(_parse(text, body="Ortsbeirat Lankow")))
    assert heads == {("lenz", "Ortsbeirat Lankow")}


def test_a_guest_affiliation_is_an_outside_organisation_not_a_unit() -> None:
    text = (
        "Anwesend:\nStadtrat Jan Ruhl (CDU)\n\nVerwaltung:\nHerr Jens Ulmer, 57/FABIDO\n\n"
        "Gäste:\nHerr Prof. Dr. Jakub Szary, Hochschule Zittau/Görlitz\n\nTOP 5 Konzept\n"
    )
    units = {m.label for m in extract(_parse(text)).mentions if m.kind == "department"}
    assert units == {"57/FABIDO"}


def test_a_bezirksamt_section_heading_is_no_unit() -> None:
    text = (
        "Anwesenheit\nFrau Petra Lohse     CDU     Bezirksverordnete\n\n"
        "Bezirksamt\nHerr Jens Ulmer, Leiter des Jugendamtes\n\n"
        "TOP 3   Kitaplätze\n\nDas Jugendamt berichtet.\n"
    )
    units = {m.label for m in extract(_parse(text)).mentions if m.kind == "department"}
    assert units == {"Jugendamt"}


def test_a_member_stood_in_for_without_a_form_of_address_is_absent() -> None:
    text = (
        "Anwesend:\n\nKathrin Gies (Beschäftigtenvertreterin)\n"
        "Ansgar Klepp (Beschäftigtenvertreter) i. V. für Michael Gdanski\n\nTagesordnung\n"
    )
    assert [(s, status) for _, s, status, _ in _rows(_parse(text))] == [
        ("Gies", "present"),
        ("Klepp", "present"),
        ("Gdanski", "absent"),
    ]


def test_an_organisation_after_a_surname_is_no_surname() -> None:
    text = "Anwesend:\nHerr Barth Handwerkskammer\nFrau Lenz Mieterverein\n\nTagesordnung\n"
    assert [s for _, s, _, _ in _rows(_parse(text))] == ["Barth", "Lenz"]


def test_units_and_jobs_in_a_bracket_after_a_name_are_no_surname_given_pairs() -> None:
    text = (
        "Anwesend:\n\nVerwaltung:\n"
        "Oliver Lenz (Städt. Immobilienwirtschaft, Projektleiter Stabsstelle, Sonderprojekte)\n"
        "Sabine Stark (Amt für Liegenschaften - Immobilienentwicklung, Geschäftsbereich 1)\n\n"
        "Tagesordnung\n"
    )
    assert [s for _, s, _, _ in _rows(_parse(text))] == ["Lenz", "Stark"]


def test_heads_of_units_in_their_many_phrasings_and_staff_who_head_nothing() -> None:
    text = (
        "Anwesend:\nGemeinderat Jan Ruhl (CDU)\n\nVon der Verwaltung:\n"
        "Amtsleiter Herr Frank Weigel (Tiefbauamt)\n"
        "Herr Georg Schaal, Grünflächenamt (Amtsleiter)\n"
        "Frau Christine Oster, Leiterin des Stadtplanungs- und Vermessungsamts\n"
        "Herr Dominik Zell, Stadtplanungs- und Vermessungsamt\n"
        "Frau Eva Roth, Fachbereichsleiterin Finanzen\n"
        "Herr Mehmet Aksoy, Stabsstelle Beteiligungscontrolling\n\n"
        "TOP 1 Eröffnung\n"
    )
    assert _heads(extract(_parse(text))) == {
        ("weigel", "Tiefbauamt"),
        ("schaal", "Grünflächenamt"),
        ("oster", "Stadtplanungs- und Vermessungsamt"),
        ("roth", "Fachbereich Finanzen"),
    }


def test_a_name_line_with_a_job_after_it_and_the_job_is_no_unit() -> None:
    text = (
        "Anwesend:\n\nV. Verwaltung\n\nChrista Fichte 33/GF BV-Innenstadt\n\n"
        "Karl-Walter Hollweg Geschäftsführer Bezirksvertretung IN-West\n\n"
        "Veröffentlichte Tagesordnung:\n"
    )
    protocol = _parse(text)
    assert [s for _, s, _, _ in _rows(protocol)] == ["Fichte", "Hollweg"]
    units = {m.label for m in extract(protocol).mentions if m.kind == "department"}
    assert not any(u.startswith("Geschäftsführer") for u in units)


def test_faction_lines_without_a_header_above_them_are_the_members_present() -> None:
    """Bavarian heads list members by Fraktion right under the chair, with no "Anwesend:";
    "(i. V. für StRin Stadler)" names the member a substitute stands in for, not a faction."""
    text = (
        "Niederschrift über die Sitzung des Werkausschusses\n\n"
        "Vorsitzende: Bürgermeisterin Angelika Rieder-Haas\n\n"
        "CSU:              StR Korbinian Huber, StRin Theresa Gschwendtner\n"
        "Grüne:            StRin Miriam Dallmayr\n"
        "SPD:              StR Herbert Wimmer (i. V. für StRin Ursula Stadler)\n"
        "Verwaltung:       Herr Markus Zehetmair, Kämmerer\n\n"
        "Nr. 3   Wirtschaftsplan\n"
    )
    entries = {(e.person.surname, e.status, e.person.faction) for e in _parse(text).attendance}
    assert entries == {
        ("Rieder-Haas", "present", None),
        ("Huber", "present", "CSU"),
        ("Gschwendtner", "present", "CSU"),
        ("Dallmayr", "present", "Grüne"),
        ("Wimmer", "present", "SPD"),
        ("Stadler", "absent", "SPD"),
        ("Zehetmair", "present", None),
    }


def test_a_faction_label_in_the_prose_opens_no_list() -> None:
    text = (
        "Niederschrift über die Sitzung des Rates\n\nTOP 1 Haushalt\n"
        "SPD: Frau Lamm fragt, wann der Haushalt vorgelegt werde.\n"
    )
    assert [e.person.surname for e in _parse(text).attendance] == []


def test_local_groups_by_place_or_demonym_members_headers_and_a_comma_after_the_name() -> None:
    """ "Pro Kirchmöser", "Offene Klever" (in Kleve), a "Mitglieder Freie Wähler" header, and
    "Herr Kevin Sauer, Fachgruppe …" (a first name the list does not know, then a comma)."""
    protocol = _parse(
        "Niederschrift über die Sitzung des Ortsbeirates Kirchmöser\n\nAnwesend:\n"
        "Herr Uwe Freitag (Pro Kirchmöser)\nHerr Udo Rütten (Offene Klever)\n"
        "Mitglieder Freie Wähler\nHerr Klaus Wichern\n"
        "Verwaltung\nHerr Kevin Sauer, Fachgruppe Straßen und Brücken\n\nTagesordnung\n",
    )
    rows = {(e.person.given, e.person.surname, e.person.faction) for e in protocol.attendance}
    assert rows >= {
        ("Uwe", "Freitag", "Pro Kirchmöser"),
        ("Klaus", "Wichern", "Freie Wähler"),
        ("Kevin", "Sauer", None),
    }
    assert not any(surname == "Kevin" for _, surname, _ in rows)


def test_faction_lines_after_an_absent_header_stay_absent() -> None:
    text = (
        "Niederschrift über die Sitzung des Werkausschusses\n\n"
        "Vorsitzende: Bürgermeisterin Angelika Rieder-Haas\n\n"
        "Abwesend:\nCSU:              StR Korbinian Huber\n\nNr. 3   Wirtschaftsplan\n"
    )
    entries = {(e.person.surname, e.status) for e in _parse(text).attendance}
    assert entries == {("Rieder-Haas", "present"), ("Huber", "absent")}


def test_voting_and_advisory_committee_members_under_lettered_headings_are_present() -> None:
    text = (
        "Niederschrift\nüber die Sitzung des Hauptausschusses\n\n"
        "a) stimmberechtigte Ausschussmitglieder\nHerr Klaus Puschaddel, Vorsitzender\n"
        "Herr Fick\nFrau Kaske\n"
        "b) nicht stimmberechtigtes Ausschussmitglied\nHerr Saxe, Bürgermeister\n\nTagesordnung\n"
    )
    entries = {(e.person.surname, e.status) for e in _parse(text).attendance}
    assert entries == {
        ("Puschaddel", "present"), ("Fick", "present"), ("Kaske", "present"),
        ("Saxe", "present"),
    }  # fmt: skip


def test_two_status_columns_counted_faction_groups_and_checkboxes() -> None:
    """ "anwesend      entschuldigt" over two columns of names; "Stimmberechtigt anwesend:"
    over "CSU (4): StRin …" groups; a "Teilnehmerliste" of "[x]"/"[ ]" rows."""
    columns = _parse(
        "Niederschrift über die Sitzung des Ausschusses für Umwelt und Technik\n\n"
        "anwesend                                      entschuldigt\n"
        "Stadtrat Bernd Kaltenbach (CDU)               Stadträtin Ilona Brugger (CDU)\n"
        "Stadträtin Miriam Sütterlin (CDU)\n\nTOP 3   Radweg\n"
    )
    assert {(e.person.surname, e.status) for e in columns.attendance} == {
        ("Kaltenbach", "present"), ("Brugger", "absent"), ("Sütterlin", "present"),
    }  # fmt: skip
    groups = _parse(
        "Niederschrift über die Sitzung des Stadtentwicklungsausschusses\n\n"
        "Stimmberechtigt anwesend: 3 von 4\n"
        "CSU (2): StRin Dr. Theresa Eichinger, StR Korbinian Hölzl\n"
        "SPD (1): StR Matthias Baumgartl\n"
        "Entschuldigt: StR Andreas Lindinger (CSU)\n\nTOP 3   Bebauungsplan\n"
    )
    assert {(e.person.surname, e.status, e.person.faction) for e in groups.attendance} >= {
        ("Eichinger", "present", "CSU"), ("Baumgartl", "present", "SPD"),
        ("Lindinger", "absent", "CSU"),
    }  # fmt: skip
    boxes = _parse(
        "Niederschrift über die Sitzung des Ortsrates Erbach\n\n"
        "Teilnehmerliste ([x] = anwesend, [ ] = nicht anwesend)\n"
        "[x]  1. Becker, Karin           SPD    Ortsvorsteherin\n"
        "[ ]  2. Wack, Melanie           CDU    entschuldigt\n"
        "[ ]  3. Schwarz, Patrick        AfD\n\nTOP 3  Bebauungsplan\n"
    )
    assert {(e.person.surname, e.status) for e in boxes.attendance} == {
        ("Becker", "present"), ("Wack", "absent"), ("Schwarz", "absent"),
    }  # fmt: skip


def test_part_time_members_under_absent_and_the_heads_of_baden_wuerttemberg_minutes() -> None:
    protocol = _parse(
        "Niederschrift über die öffentliche Sitzung des Gemeinderats\n\n"
        "Anwesend:           29 Mitglieder (siehe Anwesenheitsliste, Anlage 1)\n"
        "Abwesend:           Stadträtin Bettina Kurz (GRÜNE), entschuldigt\n"
        "                    Stadtrat Emre Yılmaz (SPD), ab § 47 anwesend\n"
        "Urkundspersonen:    Stadträtin Hanna Vogt (SPD), Stadtrat Bernhard Lenz (FDP)\n\n"
        "Zeitweise anwesend:\nRolf Stukenbrock        Reserveliste          FDP        ab TOP 5\n\n"
        "§ 46   Sanierung des Hallenbads\n"
    )
    assert {(e.person.surname, e.status) for e in protocol.attendance} == {
        ("Kurz", "absent"), ("Yılmaz", "present"), ("Vogt", "present"), ("Lenz", "present"),
        ("Stukenbrock", "present"),
    }  # fmt: skip


def test_a_table_with_bars_between_its_columns_gives_each_row_its_own_faction() -> None:
    protocol = _parse(
        "Niederschrift der Sitzung des Haupt- und Finanzausschusses\n\n"
        "Anwesenheit lt. Sitzplan\nPlatz | Name                   | Fraktion          | Bemerkung\n"
        "01    | Hallbauer, Thomas      | -                 | Oberbürgermeister, Vorsitz\n"
        "02    | Ritter, Claudia        | CDU               |\n"
        "03    | Neubert, Elke          | AfD               |\n"
        "04    | Kunze, Andrea          | Die Linke         | entschuldigt\n\nTOP 4   Hundesteuer\n"
    )
    rows = {(e.person.surname, e.person.faction) for e in protocol.attendance}
    assert {("Ritter", "CDU"), ("Neubert", "AfD"), ("Kunze", "Die Linke")} <= rows
