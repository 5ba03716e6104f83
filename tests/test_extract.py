"""Extraction golden tests: the reference Wortprotokoll fully, two more ALLRIS pages by gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import _surname
from kg.extract import extract
from kg.extract_staff import _looks_like_unit
from kg.lexicon import lexicon
from kg.models import Extraction, SourceDocument
from kg.parse import parse
from kg.sources import read_document

GOLD = Path(__file__).parent / "gold"


def _extract(path: Path) -> Extraction:
    return extract(parse(read_document(path)))


def _labels(ex: Extraction, kind: str) -> set[str]:
    return {m.label for m in ex.mentions if m.kind == kind}


def test_reference_entities(reference: Path) -> None:
    ex = _extract(reference)
    assert {m.key for m in ex.mentions if m.kind == "person"} == {
        "engelhardt", "keller", "meier", "sauerwein", "schwanke",
    }  # fmt: skip
    assert _labels(ex, "faction") == {"SPD-Fraktion"}
    assert _labels(ex, "department") == {
        "Fachbereich Integration, Zuwanderung und Wohnraumsicherung",
        "Fachbereich Jugend und Soziales",
        "Fachbereich des Oberbürgermeisters",
        "Fachbereich Öffentliche Sicherheit und Ordnung",
    }
    assert _labels(ex, "initiative") == {
        "Kommunales Integrationsmanagement", "Kommunales Konfliktmanagement",
        "Quartiersmanagement", "Case-Management", "Kümmerergruppen",
    }  # fmt: skip
    assert _labels(ex, "place") == {"Hagen", "Altenhagen", "Wehringhausen", "Haspe"}


def test_reference_statements_acts_and_replies(reference: Path) -> None:
    ex = _extract(reference)
    speakers = [ex.mentions[s.speaker].label for s in ex.statements]
    assert speakers == [
        "Engelhardt",
        "Keller",
        "Meier",
        "Keller",
        "Sauerwein",
        "Keller",
        "Engelhardt",
    ]
    assert [set(s.acts) for s in ex.statements] == [
        {"Welcome"}, {"Presentation"}, {"Support", "Question"}, {"Answer"},
        {"Request", "Question"}, {"Answer", "Confirmation"}, {"Thanks"},
    ]  # fmt: skip
    assert [s.reply_to for s in ex.statements] == [None, None, None, 2, None, 4, None]
    assert [s.position for s in ex.statements] == [1, 2, 3, 4, 5, 6, 7]
    meier = ex.statements[2]
    assert meier.on_behalf_of is not None
    assert ex.mentions[meier.on_behalf_of].label == "SPD-Fraktion"


def test_reference_claims(reference: Path) -> None:
    ex = _extract(reference)
    claims = {
        (c.kind, ex.mentions[c.subject].label, ex.mentions[c.object].label) for c in ex.claims
    }
    new_fb = "Fachbereich Integration, Zuwanderung und Wohnraumsicherung"
    assert claims == {
        ("member_of", "Meier", "SPD-Fraktion"),
        ("head_of", "Keller", new_fb),
        ("head_of", "Schwanke", "Quartiersmanagement"),
        ("responsible_unit", "Quartiersmanagement", new_fb),
    }


def test_reference_page_artefacts_are_not_quoted(reference: Path) -> None:
    ex = _extract(reference)
    text = ex.protocol.document.text
    for statement in ex.statements:
        quote = statement.span.quote(text)
        assert "Reduzieren" not in quote
        assert "Zusammenfassung des Diskussionsergebnisses" not in quote
    assert ex.protocol.meeting.date == "2022-02-15"
    assert ex.protocol.items[0].number == "3.2"


@pytest.mark.parametrize("name", ["008", "001", "010", "048"])
def test_allris_pages_match_gold_speakers(corpus: Path, name: str) -> None:
    gold = json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    ex = _extract(corpus / gold["file"])
    predicted = [_surname(ex.mentions[s.speaker].person.surname) for s in ex.statements]  # type: ignore[union-attr]
    assert predicted == [_surname(s["speaker"]) for s in gold["statements"]]


def test_every_span_quotes_the_text(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        ex = _extract(path)
        n = len(ex.protocol.document.text)
        spans = [m.span for m in ex.mentions] + [s.span for s in ex.statements]
        spans += [c.span for c in ex.claims] + [v.span for v in ex.votes]
        assert all(0 <= s.start <= s.end <= n for s in spans), path.name


# ---------------------------------------------------------------- speech acts and replies
# (rules that generalise beyond the reference page; short texts in the protocols' style)


def _page(body: str) -> Extraction:
    text = "15.02.2022 - 4 Anfragen\nWortprotokoll\n\n" + body
    document = SourceDocument(
        key="t.txt", path="t.txt", sha256="0" * 64, text=text, municipality="Musterstadt"
    )
    return extract(parse(document))


def _acts(ex: Extraction) -> list[set[str]]:
    return [set(s.acts) for s in ex.statements]


def test_information_beside_other_acts_only_where_a_sentence_only_informs() -> None:
    ex = _page(
        "Herr Adler erklärt, dass die Toilettensituation dort problematisch ist. "
        "Er fragt, ob diese berücksichtigt wird.\n\n"
        "Frau Brenner erklärt, dass ihre Fraktion den Vorschlag ausdrücklich begrüße. "
        "Sie fragt, wann er umgesetzt werde.\n\n"
        "Herr Conrad ist der Auffassung, dass das Verfahren ausreiche. "
        "Er hält es nicht für richtig, die Satzung zu ändern.\n\n"
        "Frau Dorn betont, wie froh sie über den Bericht sei. Sie dankt der Verwaltung.\n"
    )
    assert _acts(ex) == [
        {"Information", "Question"}, {"Support", "Question"}, {"Opposition"}, {"Thanks"},
    ]  # fmt: skip


def test_negated_support_is_opposition_and_later_mentions_of_the_speaker_count() -> None:
    ex = _page(
        "Herr Adler führt aus, dass seine Fraktion sich dem Antrag nicht anschließen werde.\n\n"
        "Frau Brenner legt ihr Mandat nieder. Frau Brenner stellt daraufhin den Antrag, "
        "jeden Ausschuss einzeln zu wählen.\n"
    )
    assert _acts(ex) == [{"Opposition"}, {"Information", "Request"}]


def test_hard_wrapped_lines_are_one_sentence() -> None:
    ex = _page(
        "Frau Adler erbittet Informationen zu dem Pilotprojekt des Betriebshofs, Tütenhalter\n"
        "an Spielplätzen zu installieren und regt weitere Installationen bei den Grundschulen\n"
        "an.\n"
    )
    assert _acts(ex) == [{"Question", "Request", "Proposal"}]


def test_replies_go_to_the_open_question_else_to_the_turn_before() -> None:
    ex = _page(
        "Herr Adler fragt, wann die Ampel kommt.\n\n"
        "Frau Brenner antwortet, dass sie im Mai komme.\n\n"
        "Herr Conrad kritisiert, dass die Ampel zu spät komme.\n\n"
        "Frau Brenner antwortet, dass der Bau länger gedauert habe.\n\n"
        "Herr Adler fragt, ob die Kosten steigen.\n\n"
        "Herr Dorn antwort\n"
    )
    assert [s.reply_to for s in ex.statements] == [None, 0, None, 2, None, 4]
    assert ex.statements[-1].acts == ("Answer",)  # a cut-off turn: no Information by default


def test_answer_to_a_question_only_reported_links_to_no_turn() -> None:
    ex = _page(
        "Frau Adler fragt, wann die Ampel kommt.\n\n"
        "Herr Brenner erläutert auf die Frage von Herrn Zeller nach dem Taubenhaus, "
        "dass dieses erneuert werde.\n"
    )
    assert _acts(ex) == [{"Question"}, {"Answer", "Information"}]
    assert ex.statements[1].reply_to is None


def test_information_after_another_act_informs_and_support_of_a_named_person() -> None:
    ex = _page(
        "Herr Adler würdigt die Verdienste von Herrn Zeller und schließt sich der "
        "Argumentation von Herrn Zeller an.\n\n"
        "Frau Brenner schließt sich aus den gleichen Gründen an und tritt aus dem Beirat "
        "zurück.\n\n"
        "Herr Conrad bittet, den Punkt 5 abzusetzen.\n"
    )
    assert _acts(ex) == [
        {"Support", "Thanks"}, {"Support", "Information"}, {"Request", "Procedural"},
    ]  # fmt: skip


def test_thanks_in_a_speech_and_information_beside_it() -> None:
    ex = _page(
        "Herr Adler erklärt, dass der Haushalt ausgeglichen sei. Dieser Erfolg ist dem Team "
        "der Kämmerei zu verdanken. Deshalb an dieser Stelle: Herzlichen Dank!\n"
    )
    assert _acts(ex) == [{"Information", "Thanks"}]


def test_a_farewell_opens_the_chairs_turn() -> None:
    ex = _page(
        "Vor Eintritt in die Tagesordnung verabschiedet Herr Oberbürgermeister Kranz Herrn "
        "Zeller anlässlich seiner letzten Sitzung. Er bedankt sich für die Zusammenarbeit.\n"
    )
    assert [(ex.mentions[s.speaker].label, set(s.acts)) for s in ex.statements] == [
        ("Kranz", {"Thanks"})
    ]


# ---------------------------------------------------------------- units, heads, initiatives
# (German administration patterns seen across cities; short texts in the protocols' style)


def _document(text: str, body: str | None = None) -> Extraction:
    document = SourceDocument(
        key="t.txt", path="t.txt", sha256="0" * 64, text=text, municipality="Musterstadt", body=body
    )
    return extract(parse(document))


def _heads(ex: Extraction) -> set[tuple[str, str]]:
    return {
        (ex.mentions[c.subject].key, ex.mentions[c.object].label)
        for c in ex.claims
        if c.kind == "head_of"
    }


def test_affiliations_on_staff_lines_are_units_and_leaders_head_them() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Betriebsausschusses\n\nAnwesend:\n\nVerwaltung:\n"
        "Herr Potthast, Beteiligungscontrolling\n"
        "Herr Volkmar, Recht\n"
        "Frau Dziomba, SPD-Fraktionsbüro\n"
        "Oliver Lebrecht (Städt. Immobilienwirtschaft, Projektleiter Stabsstelle)\n"
        "Elke Kessler 57/JUGEND (Betriebsleitung)\n"
        "Carmen Höft 57/JUGEND (Leiterin päd. Bereich)\n"
        "Christiane Peil 57/JUGNED (Regionalleitung)\n"
        "Matthias Schulte (Stadtkämmerei, stellv. Amtsleiter)\n\nTagesordnung\n"
    )
    assert _labels(ex, "department") == {
        "Beteiligungscontrolling", "Recht", "Städt. Immobilienwirtschaft", "57/JUGEND",
        "päd. Bereich", "Stadtkämmerei",
    }  # fmt: skip
    assert _heads(ex) == {("kessler", "57/JUGEND"), ("hoeft", "päd. Bereich")}


def test_unit_codes_and_leader_heads_in_brackets() -> None:
    ex = _document(
        "Sitzung des Schulausschusses am 01.03.2018. Vorsitz führte: Petran, Matthias "
        "Anwesend: CDU Berg, Patrick von der Verwaltung: Burkhardt, Stephanie (Dez. II - "
        "Beigeordnete) Weiskopf, Marlene (FBL 40 Schule und Sport) Krämer, Andrea (stellv. "
        "FBL 40 Schule und Sport) Tagesordnung Ö"
    )
    assert _labels(ex, "department") == {"Dez. II", "Fachbereich 40 Schule und Sport"}
    assert _heads(ex) == {
        ("petran", "Schulausschuss"), ("burkhardt", "Dez. II"),
        ("weiskopf", "Fachbereich 40 Schule und Sport"),
    }  # fmt: skip


def test_comma_affiliations_outside_staff_sections_and_names_across_lines() -> None:
    ex = _document(
        "Es sind anwesend:\nFrau Senatorin Borns, FB 4 Kultur\n"
        "Frau Senatorin Dr. Hoffmann, FB 3 Umwelt, Sicherheit und\nOrdnung\n"
        "Herr Scharnberg, Fachbereichscontrolling FB 2\n"
        "Herr Wicke, Entsorgungsbetriebe Musterstadt\n"
        "Herr Duwe, Bürgermeisterkanzlei, Protokollführer\n\nTagesordnung\n"
    )
    assert _labels(ex, "department") == {
        "Fachbereich 4 Kultur", "Fachbereich 3 Umwelt, Sicherheit und Ordnung",
        "Fachbereichscontrolling FB 2", "Entsorgungsbetriebe Musterstadt", "Bürgermeisterkanzlei",
    }  # fmt: skip
    assert _heads(ex) == {
        ("borns", "Fachbereich 4 Kultur"),
        ("hoffmann", "Fachbereich 3 Umwelt, Sicherheit und Ordnung"),
    }


def test_appositions_compound_leaders_and_led_by_name_heads() -> None:
    ex = _document(
        "Wortprotokoll\n\nFrau Keller, Leiterin des Fachbereichs Jugend und\nFamilie, stellt "
        "den Bericht vor. Der Leiter des Amtes für Wohnungswesen, Herr Brandt, ergänzt. Der "
        "Erfolg ist dem Team um Kämmereileiterin Susanne Schmitz zu verdanken. Sie war beim "
        "Rechtsamt der Stadt unter der damaligen Leitung von Herrn Körfer tätig. Die stellv. "
        "Leiterin des Fachbereichs Finanzen, Frau Lang, fehlt.\n"
    )
    assert _labels(ex, "department") == {
        "Fachbereich Jugend und Familie", "Amt für Wohnungswesen", "Kämmerei", "Rechtsamt",
        "Fachbereich Finanzen",
    }  # fmt: skip
    assert _heads(ex) == {
        ("keller", "Fachbereich Jugend und Familie"), ("brandt", "Amt für Wohnungswesen"),
        ("schmitz", "Kämmerei"), ("koerfer", "Rechtsamt"),
    }  # fmt: skip


def test_office_holders_named_without_a_form_of_address() -> None:
    ex = _document(
        "Sitzung des Schulausschusses am 01.03.2018. Vorsitz führte: Petran, Matthias "
        "\n\nWortprotokoll\n\nFrau Adler war beim Rechtsamt der "
        "Stadt unter der damaligen Leitung des Stadtoberamtmannes Körfer tätig. Das Projekt "
        "steht unter der Leitung des Fachbereichs Jugend.\n",
        body="Schulausschuss",
    )
    persons = {m.key: m.person for m in ex.mentions if m.kind == "person" and m.person}
    assert persons["petran"].given == "Matthias"
    assert persons["koerfer"].address == "Herr"
    assert "jugend" not in persons
    assert _heads(ex) == {("petran", "Schulausschuss"), ("koerfer", "Rechtsamt")}


def test_office_holders_with_letters_beyond_german_umlauts() -> None:
    ex = _document(
        "Wortprotokoll\n\nFrau Adler war beim Rechtsamt der Stadt unter der damaligen Leitung "
        "des Stadtoberamtmannes Yıldız tätig. Ihr folgte Herr Şahin-Kaya.\n"
    )
    assert _heads(ex) == {("yildiz", "Rechtsamt")}


def test_chairs_of_a_body_named_in_the_genitive() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Naturschutzbeirats\n\nWortprotokoll\n\n"
        "Frau Selter legt den Vorsitz des Naturschutzbeirats nieder. Herr Adler dankt ihr.\n",
        body="Naturschutzbeirat",
    )
    assert _heads(ex) == {("selter", "Naturschutzbeirat")}


def test_a_unit_as_meeting_place_and_swapped_letters_are_no_new_units() -> None:
    ex = _document(
        "Sitzung des Betriebsausschusses\nJugendamt, Raum 350, 3. Etage\n\nVerwaltung:\n"
        "Cornelia Ferber 57/FABIDO (Betriebsleitung)\nCarmen Höft 57/FABIDO\n"
        "Christiane Peil 57/FABDIO (Regionalleitung)\n\nTagesordnung\n"
    )
    assert _labels(ex, "department") == {"57/FABIDO"}


def test_named_programmes_plans_and_projects_are_initiatives() -> None:
    ex = _document(
        "Wortprotokoll\n\nHerr Adler fragt nach dem Spielflächenbedarfsplan und dem Kinder- und "
        "Jugendförderplan. Es gibt eine sogenannte Leitlinie Licht. Eine Schülerin aus dem "
        "Projekt “Schüler in die Kommunalpolitik“ ist da. Frau Dorn fragt nach dem Pilotprojekt "
        "des\nBetriebshofs, „Tütenhalter“ und der Änderung des Bebauungsplanes Nr. 27 B "
        "„Waagmühle 3“. Die Bürgerinitiative und die Kinderladeninitiative sind da; beide "
        "Ausschüsse haben ein großes Arbeitsprogramm. Die Schulsozialarbeit wird fortgesetzt. "
        "Der Rat hat den Neubau des Feuerwehrgerätehauses in Mariental beschlossen; die "
        "Erweiterung der Anlage folgt.\n"
    )
    assert _labels(ex, "initiative") == {
        "Spielflächenbedarfsplan", "Jugendförderplan", "Leitlinie Licht",
        "Projekt Schüler in die Kommunalpolitik", "Pilotprojekt Tütenhalter",
        "Bebauungsplan Nr. 27 B „Waagmühle 3“", "Schulsozialarbeit",
        "Neubau des Feuerwehrgerätehauses in Mariental",
    }  # fmt: skip


# ---------------------------------------------------------------- votes and decisions
# (wordings of decisions across councils; short texts in the minutes' style)


def _votes(ex: Extraction) -> list[tuple[str | None, str, bool | None, int | None, int | None]]:
    items = ex.protocol.items
    return [(items[v.item].number, v.result, v.unanimous, v.yes, v.no) for v in ex.votes]


def test_decisions_by_party_bloc_ratio_taking_note_and_counts_on_the_next_line() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Gemeinderates\n\n"
        "TOP 1 Bebauungsplan Nr. 14 „Am Mühlbach“\n\n"
        "Der Antrag wird mit den Stimmen von SPD und GRÜNEN gegen die Stimmen der CDU "
        "angenommen.\n\n"
        "TOP 2 Ausbau der Kita Sonnenschein\n\nAbstimmungsergebnis: mehrheitlich (5:2)\n\n"
        "TOP 3 Bericht über den Stand der Breitbandversorgung\n\n"
        "Der Bauausschuss nimmt von dem Bericht Kenntnis.\n\n"
        "TOP 4 Antrag der CDU zur Parkraumbewirtschaftung\n\nAbgelehnt\n"
        "Ja 4, Nein 9, Enthaltungen 1\n\n"
        "TOP 5 Antrag auf Zuschuss für den Sportverein\n\nAbstimmung:\nJa 11, Nein 2\n"
    )
    assert _votes(ex) == [
        ("1", "Accepted", False, None, None),
        ("2", "Accepted", False, 5, 2),
        ("3", "TakenNote", None, None, None),
        ("4", "Rejected", False, 4, 9),
        ("5", "Accepted", False, 11, 2),
    ]


def test_several_decisions_of_one_item_and_a_chairs_announcement() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Gemeinderates\n\n"
        "TOP 1 Haushaltssatzung 2024\n\n"
        "Der Änderungsantrag der FDP wird mehrheitlich abgelehnt. Die Haushaltssatzung wird in "
        "der geänderten Fassung mit 21 Ja-Stimmen bei 6 Nein-Stimmen beschlossen.\n\n"
        "TOP 2 Antrag der Fraktion DIE LINKE zur Einrichtung eines Jugendbeirats\n\n"
        "Vorsitzende Hartmann: Wer der Überweisung zustimmen möchte, den bitte ich um das "
        "Handzeichen. – Gegenprobe. – Damit ist die Überweisung mehrheitlich abgelehnt.\n"
    )
    assert _votes(ex) == [
        ("1", "Rejected", False, None, None),
        ("1", "Accepted", False, 21, 6),
        ("2", "Rejected", False, None, None),
    ]


def test_taking_note_in_a_paragraph_after_a_decision_is_a_decision_of_its_own() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Ortsbeirates\n\n"
        "TOP 1 Sachstandsbericht Spielplätze\n\nBeschluss:\n"
        "Der Ortsbeirat bittet die Verwaltung, den Spielplatz am Teich zu erneuern.\n\n"
        "- einstimmig beschlossen -\n\n"
        "Darüber hinaus nimmt der Ortsbeirat den Bericht zur Kenntnis.\n\n"
        "TOP 2 Neubau der Sporthalle\n\nBeschluss:\n\n"
        "Der Ortsbeirat nimmt die Planung zur Kenntnis.\n\nAbstimmungsergebnis: einstimmig\n"
    )
    assert _votes(ex) == [
        ("1", "Accepted", True, None, None),
        ("1", "TakenNote", None, None, None),
        ("2", "TakenNote", True, None, None),
    ]


def test_decisions_inside_a_turn_and_quoted_decisions_of_other_meetings() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Gemeinderates\n\n"
        "TOP 1 Neubau der Feuerwache\n\n"
        "Herr Brandt beantragt, die Beratung zu vertagen. Die Beratung wird auf die nächste "
        "Sitzung vertagt.\n\n"
        "TOP 2 Radweg an der Kreisstraße\n\n"
        "Frau Lindner berichtet, der Bauausschuss habe folgenden Beschluss gefasst: 1. Der "
        "Antrag wird vertagt. Sie fragt, wann die Planung vorliegt.\n"
    )
    assert _votes(ex) == [("1", "Deferred", None, None, None)]


def test_a_whole_page_on_one_line_reads_decisions_sentence_by_sentence() -> None:
    ex = _document(
        "Niederschrift Gemeinderat Herr Sommer erläutert die Planung anhand einer Präsentation. "
        "Frau Lindner fragt, warum die Zufahrt nicht über die Kreisstraße erfolgt. Herr Sommer "
        "antwortet, dass der Landesbetrieb dies abgelehnt habe. Der Gemeinderat beschließt den "
        "Bebauungsplan als Satzung. Abstimmungsergebnis: 14 Ja-Stimmen, 3 Nein-Stimmen. "
        "Der Gemeinderat lehnt den Antrag der FWG zur Straßenbeleuchtung mehrheitlich ab."
    )
    assert _votes(ex) == [(None, "Accepted", False, 14, 3), (None, "Rejected", False, None, None)]


def test_the_decision_at_the_head_of_an_item_page_before_its_wortprotokoll() -> None:
    ex = _document(
        "12.03.2021 - 5.2 Bericht über die Schulsozialarbeit\n\nBeschluss:\n"
        "zur Kenntnis genommen\nReduzieren\n\nWortprotokoll\n\n \n\n"
        "Frau Lenz begrüßt Herrn Abel als Leiter des Fachbereichs Jugend und übergibt das "
        "Wort.\n\n \n\nHerr Abel stellt den Bericht vor.\n"
    )
    assert _votes(ex) == [("5.2", "TakenNote", None, None, None)]


def test_hard_wrapped_announcements_labelled_counts_and_a_decision_to_defer() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Ortsrates\n\n"
        "zu 1  Antrag der Gruppe SPD/GRÜNE zur Verkehrsberuhigung in der Schulstraße\n\n"
        "Ortsbürgermeisterin Lenz:\n"
        "Wer der Verweisung in den Verkehrsausschuss zustimmt, den bitte ich um das Handzeichen.\n"
        "– Gegenstimmen? – Enthaltungen? – Damit ist die Verweisung in den Fachausschuss\n"
        "mehrheitlich abgelehnt. Wir stimmen über den Antrag ab. – Der Antrag ist bei\n"
        "Gegenstimmen der CDU und Enthaltung der FDP angenommen.\n\n"
        "zu 2  Genehmigung der Niederschrift der letzten Sitzung\n"
        "Abstimmungsergebnis: Ja: 7  Nein: 0  Enthaltung: 2\n\n"
        "zu 3  Sanierung des Dorfgemeinschaftshauses\n"
        "Der Ortsrat beschließt, die Angelegenheit bis zum Vorliegen der Kostenschätzung\n"
        "zurückzustellen.\n"
        "Abstimmungsergebnis: Ja: 8  Nein: 1  Enthaltung: 0\n"
    )
    assert _votes(ex) == [
        ("1", "Rejected", False, None, None),
        ("1", "Accepted", False, None, None),
        ("2", "Accepted", None, 7, 0),
        ("3", "Deferred", False, 8, 1),
    ]


# ---------------------------------------------------------------- chairs, unit leaders, schemes
# (head_of for chairs named in a protocol head, units named by their leader's title, named
# schemes; short texts written in the protocols' style)


def test_chairs_named_by_label_heading_title_or_marker_head_the_meeting_body() -> None:
    labelled = _document(
        "Niederschrift der Stadtverordnetenversammlung\n"
        "Vorsitz: Stadtverordnetenvorsteherin Anna Brehm (SPD)\n\nTagesordnung\n",
        body="Stadtverordnetenversammlung",
    )
    assert _heads(labelled) == {("brehm", "Stadtverordnetenversammlung")}
    heading = _document(
        "Niederschrift über die Sitzung des Kreistages Musterkreis\n\nAnwesend:\n\n"
        "Vorsitzender des Kreistages\nHerr Paul Wendt\n\nVorsitzende des Seniorenbeirates\n"
        "Frau Ida Lamm\n",
        body="Kreistag Musterkreis",
    )
    assert _heads(heading) == {("wendt", "Kreistag Musterkreis")}
    titled = _document(
        "Sitzung des Ortsrates Musterdorf\n\nOrtsbürgermeisterin Jäger eröffnet die Sitzung.\n",
        body="Ortsrat Musterdorf",
    )
    assert _heads(titled) == {("jaeger", "Ortsrat Musterdorf")}
    acting = _document(
        "Sitzung des Ortsrates Musterdorf\n\nFrau Lenz eröffnet als Vorsitzende die Sitzung. "
        "Herr Kunz spricht als stellv. Vorsitzender. Herr Ott spricht als Vorsitzender des "
        "Vereins.\n",
        body="Ortsrat Musterdorf",
    )
    assert _heads(acting) == {("lenz", "Ortsrat Musterdorf")}


def test_units_named_by_a_leaders_title_and_after_a_unit_heading_role() -> None:
    ex = _document(
        "Wortprotokoll\n\nStadträtin Ott, Dezernentin für Schule und Sport, berichtet. "
        "Herr Bürgermeister Kunz, Dezernat III, antwortet. Fachbereichsleiter Lang ergänzt. "
        "Die stellv. Dezernentin für Finanzen und Recht, Frau Roth, fehlt.\n"
    )
    assert {"Dezernat für Schule und Sport", "Dezernat III"} <= _labels(ex, "department")
    assert _heads(ex) == {("ott", "Dezernat für Schule und Sport"), ("kunz", "Dezernat III")}


def test_unit_names_with_shared_endings_and_named_units() -> None:
    ex = _document(
        "Wortprotokoll\n\nDas Tief- und Grünflächenamt und Herr Lorenz (Fachamt Stadt- und "
        "Landschaftsplanung) prüfen das; das Mobilitätsreferat und der Bauhof helfen.\n"
    )
    assert _labels(ex, "department") == {
        "Tief- und Grünflächenamt", "Fachamt Stadt- und Landschaftsplanung", "Mobilitätsreferat",
        "Bauhof",
    }  # fmt: skip


def test_numbered_units_with_a_dash_and_an_amt_that_is_the_municipality() -> None:
    ex = _document(
        "Amt Nordheide  Der Amtsvorsteher\nNiederschrift über die Sitzung des Amtsausschusses "
        "des Amtes Nordheide\n\nHerr Tom Lutz, Fachbereich 2 – Finanzen und Personal, "
        "berichtet.\n\nVerwaltung\nAmt für Umwelt und Klima    Kessler, Anna\n"
    )
    assert _labels(ex, "department") == {
        "Fachbereich 2 – Finanzen und Personal", "Amt für Umwelt und Klima",
    }  # fmt: skip
    district = _document(
        "Sitzung der Bezirksvertretung Nordstadt\n\nFrau Dr. Lamm, Leiterin des Bezirksamtes "
        "Nordstadt, berichtet. Das Bauamt Unterlagen geprüft.\n",
        body="Bezirksvertretung Nordstadt",
    )
    assert _labels(district, "department") == {"Bezirksamt Nordstadt", "Bauamt"}
    assert _heads(district) == {("lamm", "Bezirksamt Nordstadt")}
    leader = _document(
        "Verwaltung: Bezirksamtsleiterin Dr. Eva Lutz, Herr Tom Kunz (Fachamt Stadtgrün)\n",
        body="Bezirksvertretung Nordstadt",
    )
    assert ("lutz", "Bezirksamt") in _heads(leader)


def test_schemes_with_a_defined_abbreviation_or_a_model_or_fund_head_are_initiatives() -> None:
    ex = _document(
        "Wortprotokoll\n\nFrau Ott (SPD) lobt die Kooperative Baulandentwicklung (KoBaLa); "
        "die KoBaLa gilt auch für das Einheimischenmodell und den Verfügungsfonds. Die "
        "Kassenärztliche Vereinigung (KV) und die Unabhängige Wählergemeinschaft (UWG) sind "
        "da. Die Schulnetzplanung und das Landesprogramm werden erwähnt; der Rat beschließt "
        "die Erweiterung der Grundschule am Bach und die Errichtung\neines Jugendzentrums. "
        "Das Quartier liegt im Gebiet der Integrierten Stadtteilerneuerung\n(ISE). Das "
        "Landesprogramm „Dorf vital“ fördert den Platz und die Sanierung des\nStadtparks.\n"
    )
    labels = _labels(ex, "initiative")
    assert labels == {
        "Kooperative Baulandentwicklung (KoBaLa)", "Einheimischenmodell", "Verfügungsfonds",
        "Erweiterung der Grundschule", "Errichtung eines Jugendzentrums",
        "Integrierten Stadtteilerneuerung (ISE)", "Landesprogramm Dorf vital",
        "Sanierung des Stadtparks",
    }  # fmt: skip
    uses = [m for m in ex.mentions if m.kind == "initiative" and m.label.endswith("(KoBaLa)")]
    assert len(uses) == 2


# ---------------------------------------------------------------- motions, stances, replies
# (how minutes report a motion's reasons, a stance and a reply to a named member)


def test_reasons_for_a_motion_are_a_proposal_and_stances_are_support_or_concern() -> None:
    ex = _page(
        "Herr Rudnik begründet den Änderungsantrag seiner Fraktion.\n\n"
        "Frau Brink erklärt die Zustimmung ihrer Fraktion.\n\n"
        "Herr Lange spricht sich dafür aus, die Mittel im Haushalt bereitzustellen.\n\n"
        "Frau Hoppe gibt zu bedenken, dass die Folgekosten weiter steigen könnten.\n\n"
        "Herr Vogt begründet die Dringlichkeit des Antrags.\n\n"
        "Herr Ott erklärt für die FDP-Fraktion Zustimmung.\n\n"
        "Frau Albers erklärt namens der Gruppe SPD/GRÜNE, man sehe den Standort kritisch, "
        "werde der Planung aber zustimmen.\n\n"
        "Herr Kranz erklärt, seine Fraktion werde nicht zustimmen.\n"
    )
    assert _acts(ex) == [
        {"Proposal"}, {"Support"}, {"Proposal"}, {"Criticism"}, {"Request"}, {"Support"},
        {"Support", "Criticism"}, {"Opposition"},
    ]  # fmt: skip


def test_verbs_in_a_row_verb_final_votes_and_closing_the_debate() -> None:
    ex = _page(
        "Ratsfrau Lenz eröffnet die Sitzung, begrüßt die Gäste und stellt die "
        "Beschlussfähigkeit fest.\n\n"
        "Herr Kunz erklärt, dass seine Fraktion der Vorlage nicht zustimmen werde. Er fragt, ob "
        "es Alternativen gebe.\n\n"
        "Frau Abel erklärt, dass ihre Fraktion dem Antrag zustimmen werde.\n\n"
        "Herr Ott schließt die Aussprache.\n"
    )
    assert _acts(ex) == [
        {"Welcome", "Procedural"}, {"Opposition", "Question"}, {"Support"}, {"Procedural"},
    ]  # fmt: skip


def test_a_reply_to_a_named_member_links_to_that_members_latest_turn() -> None:
    ex = _page(
        "Herr Nowak fragt nach den Kosten der Maßnahme.\n\n"
        "Frau Lindner antwortet, dass die Kosten bei 2 Mio. Euro liegen.\n\n"
        "Herr Nowak hält den Betrag für zu hoch.\n\n"
        "Frau Kuhn fragt, wann gebaut wird.\n\n"
        "Herr Brandt entgegnet Herrn Nowak, dass die Kosten im Haushalt eingeplant sind.\n\n"
        "Frau Lindner sagt Frau Kuhn eine schriftliche Beantwortung zu.\n"
    )
    assert [s.reply_to for s in ex.statements] == [None, 0, None, None, 2, 3]


def test_replies_to_a_named_speaker_with_titles_or_to_a_named_contribution() -> None:
    ex = _page(
        "Frau Dr. Roth stellt die Ergebnisse der Befragung vor.\n\n"
        "Herr Simon fragt nach den Kosten.\n\n"
        "Herr Dr. Kaiser kritisiert die Darstellung von Frau Dr. Roth. Er fragt nach dem "
        "Zeitplan.\n\n"
        "Frau Dr. Roth erwidert auf den Beitrag von Herrn Simon, dass die Kosten gedeckt sind.\n"
    )
    assert [s.reply_to for s in ex.statements] == [None, None, 0, 1]


def test_thanks_to_a_named_speaker_is_no_reply() -> None:
    ex = _page(
        "Frau Roth stellt den Jahresbericht der Jugendhilfe vor.\n\n"
        "Herr Lenz dankt Frau Roth für die Ausführungen.\n"
    )
    assert [(s.acts, s.reply_to) for s in ex.statements] == [
        (("Presentation",), None), (("Thanks",), None),
    ]  # fmt: skip


def test_an_apposition_between_name_and_verb_keeps_the_verb_at_the_speaker() -> None:
    ex = _page(
        "Herr Jonas Weber, Anwohner der Bergstraße, fragt, warum die Ampel abgebaut wurde.\n\n"
        "Frau Ilse Brand, wohnhaft in Oberdorf, erkundigt sich nach dem Zeitplan.\n"
    )
    assert _acts(ex) == [{"Question"}, {"Question"}]


def test_a_page_on_one_line_links_a_unit_to_its_leader_only() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Rates. Anwesend: Ratsmitglied Ott, Ratsmitglied "
        "Kunz, Ratsmitglied Brehm. Zu 1. Bauleistungen: Fachbereichsleiter Lang vom Fachbereich "
        "2 – Bauen und Umwelt erläutert die Vergabe. Frau Roth, Leiterin des Fachbereichs "
        "Finanzen, ergänzt.\n"
    )
    heads = _heads(ex)
    assert not {h for h in heads if h[0] in ("ott", "kunz", "brehm")}
    assert ("roth", "Fachbereich Finanzen") in heads


# ---------------------------------------------------------------- held-out gap classes
# (role titles after a name: abbreviations, brackets in running text, units in the next column)


def test_an_abbreviated_leader_word_before_a_unit_makes_the_head() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Bauausschusses\n\nAnwesend:\n\nVon der Verwaltung:\n"
        "Herr Kaiser, Ltr. Stabsstelle Wirtschaftsförderung\n"
        "Frau Brehm, stellv. Ltr. Stabsstelle Wirtschaftsförderung\n\nTagesordnung\n"
    )
    assert _heads(ex) == {("kaiser", "Stabsstelle Wirtschaftsförderung")}


def test_a_leader_title_in_brackets_after_a_speaker_makes_the_head() -> None:
    ex = _document(
        "Zu TOP 4: Bürgermeister Dr. Kramer-Lenz (Dezernent für Umwelt und Verkehr) bringt die "
        "Vorlage ein. Stadträtin Roth (SPD) fragt nach den Kosten.\n"
    )
    heads = _heads(ex)
    assert any(p == "kramer-lenz" and "Umwelt und Verkehr" in org for p, org in heads)
    assert not [h for h in heads if h[0] == "roth"]


def test_an_official_named_from_a_top_unit_heads_it() -> None:
    ex = _document(
        "Zu TOP 3: Die Vorsitzende bittet Herrn Bürgermeister Haas vom Dezernat III um eine "
        "Einführung. Anschließend berichtet Amtsleiter Kohl vom Fachbereich Bauen über die "
        "Kosten.\n"
    )
    heads = _heads(ex)
    assert ("haas", "Dezernat III") in heads
    assert not [h for h in heads if h[0] == "kohl"]


def test_the_chair_of_a_local_advisory_board_by_its_title_heads_it() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Ortsbeirates Nordhafen\n\nAnwesend:\n"
        "Ortsbeiratsvorsitzender Jens Paulsen (SPD)\nMaren Lüth (CDU), stellv. Vorsitzende\n\n"
        "Tagesordnung\n",
        body="Ortsbeirat Nordhafen",
    )
    heads = _heads(ex)
    assert any(p == "paulsen" and "Nordhafen" in org for p, org in heads)
    assert not [h for h in heads if h[0] == "lueth"]


def test_a_compound_leader_word_in_brackets_after_a_name_makes_the_head() -> None:
    ex = _document(
        "Anwesend:\nVerwaltung: Eva Roth (Bauamtsleiterin), Jan Wulf (Protokoll)\n\nTagesordnung\n"
    )
    assert _heads(ex) == {("roth", "Bauamt")}


def test_a_bavarian_referent_title_names_the_referat_and_its_head() -> None:
    ex = _document(
        "Zu TOP 2: Die Planungs- und Baureferentin, Frau Dr. Ertl, erläutert den Entwurf. "
        "Kulturreferent Herr Huber ergänzt. Die Fachreferentin Frau Lang beantwortet Fragen.\n"
    )
    assert _labels(ex, "department") == {"Planungs- und Baureferat", "Kulturreferat"}
    assert _heads(ex) == {("ertl", "Planungs- und Baureferat"), ("huber", "Kulturreferat")}


def test_labelled_counts_a_bavarian_tally_a_dash_announcement_and_a_removed_item() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Bauausschusses\n\n"
        "TOP 1 Neubau der Feuerwache Nord\n\n"
        "Beschluss:\nDer Ausschuss empfiehlt dem Stadtrat, den Neubau zu beschließen.\n\n"
        "Abstimmungsergebnis:\nJa-Stimmen: 8   Nein-Stimmen: 3   Enthaltungen: 1\n\n"
        "TOP 2 Bebauungsplan Nr. 52 „Am Anger“\n\n"
        "Stadträtin Weber beantragt, die Firsthöhe zu begrenzen. Der Antrag wird mit 3 : 8 "
        "Stimmen abgelehnt.\n\n"
        "Beschluss:\nDer Ausschuss billigt den Entwurf.\nAbstimmungsergebnis: 9 : 2 Stimmen\n\n"
        "TOP 3 Sanierung der Stadthalle\n\n"
        "Oberbürgermeisterin Kraus: Wer stimmt der Vorlage zu? – Das ist mit großer Mehrheit "
        "so beschlossen.\n\n"
        "TOP 4 Verkehrsversuch Marktplatz\n\nDer Punkt wird von der Tagesordnung abgesetzt.\n"
    )
    assert [(n, r, y, no) for n, r, _, y, no in _votes(ex)] == [
        ("1", "Accepted", 8, 3),
        ("2", "Rejected", 3, 8),
        ("2", "Accepted", 9, 2),
        ("3", "Accepted", None, None),
        ("4", "Deferred", None, None),
    ]


def test_a_municipal_enterprise_or_local_office_with_the_towns_name_is_a_unit() -> None:
    ex = _document(
        "Herr Lenz sagt zu, die Anfrage an den Entsorgungsbetrieb Musterstadt und die "
        "Ortsverwaltung Nordheide weiterzugeben. Ein Handwerksbetrieb Meier aus dem Ort habe "
        "angeboten zu helfen; der Schulbetrieb Montag laufe weiter.\n",
        body="Ortsbeirat Nordheide",
    )
    assert _labels(ex, "department") == {
        "Entsorgungsbetrieb Musterstadt", "Ortsverwaltung Nordheide",
    }  # fmt: skip


def test_a_double_surname_on_a_staff_line_is_no_unit_code() -> None:
    lex = lexicon()
    assert not _looks_like_unit("Meyer-Sommer", lex, in_staff=True)
    assert _looks_like_unit("WBF-Do", lex, in_staff=True)
    assert _looks_like_unit("dortmund-project", lex, in_staff=True)


def test_a_unit_number_in_brackets_after_the_name_is_the_same_unit() -> None:
    ex = _document(
        "Von der Verwaltung:\nFrau Kirsch, Leiterin des Fachbereichs Schule und Sport (FB 40)\n\n"
        "Frau Kirsch erläutert, der FB 40 habe die Planung abgeschlossen.\n"
    )
    assert _labels(ex, "department") == {"Fachbereich Schule und Sport"}


def test_a_plan_with_a_quoted_name_is_an_initiative_with_or_without_a_number() -> None:
    ex = _document(
        'TOP 5 Bebauungsplan Nr. 8/12 "Am Kirchberg" – Satzungsbeschluss\n\n'
        "Der Rat beschließt den Bebauungsplan „Alter Güterbahnhof“ als Satzung. Ein neuer "
        "Bebauungsplan sei nicht erforderlich.\n"
    )
    assert _labels(ex, "initiative") == {
        "Bebauungsplan Nr. 8/12 „Am Kirchberg“", "Bebauungsplan „Alter Güterbahnhof“",
    }  # fmt: skip


def test_packages_funding_guidelines_and_trials_with_a_name_are_initiatives() -> None:
    ex = _document(
        "Frau Roth erläutert das Maßnahmenpaket Hitzeschutz. Anträge seien nach der "
        "Förderrichtlinie Barrierefreies Wohnen möglich; der Verkehrsversuch Marktstraße "
        "laufe bis Oktober. Ein Maßnahmenpaket werde noch geschnürt.\n"
    )
    assert _labels(ex, "initiative") == {
        "Maßnahmenpaket Hitzeschutz", "Förderrichtlinie Barrierefreies Wohnen",
        "Verkehrsversuch Marktstraße",
    }  # fmt: skip


def test_heads_in_the_genitive_and_traffic_works_named_by_their_street() -> None:
    ex = _document(
        "Herr Roth berichtet über den Stand des Förderprogramms „Bunte Gärten“ und des "
        "Projektes „Bus on demand“. Im Rahmen des Mobilitätsplans Morgen werde der Radweg "
        "Lindenallee gebaut, die Busspur Talstraße folge. Ein Förderprogramm des Landes "
        "fehle noch. Die Stabsstelle Qualitätsmanagement prüft.\n"
    )
    assert _labels(ex, "initiative") == {
        "Förderprogramm Bunte Gärten", "Projekt Bus on demand", "Mobilitätsplan Morgen",
        "Radweg Lindenallee", "Busspur Talstraße",
    }  # fmt: skip


def test_a_role_and_unit_column_after_a_listed_name_makes_the_head() -> None:
    ex = _document(
        "Anwesend\nMitglieder\nFrau Ute Lamm\tSPD\nVerwaltung\n"
        "Herr Paul Kessler\tDezernent, Dezernat Bildung und Sport\n"
        "Frau Eva Brandt\tSachbearbeiterin, Fachdienst Schulen\n"
        "Bau- und Kulturreferentin Prof. Dr. Anna Huber\n\nTagesordnung\n"
    )
    assert _heads(ex) == {
        ("kessler", "Dezernat Bildung und Sport"), ("huber", "Bau- und Kulturreferat"),
    }  # fmt: skip


def test_a_role_heading_over_listed_names_makes_each_the_head_of_the_unit_beside_it() -> None:
    ex = _document(
        "Anwesend sind:\nStadtverordnete\nFrau Ute Lamm\tSPD\nHerr Jan Kohl\tCDU\n"
        "Beigeordnete\nFrau Dr. Eva Lutz\tGeschäftsbereich Soziales und Gesundheit\n"
        "Herr Tim Rahn\tGeschäftsbereich Ordnung und Sicherheit\n"
        "Verwaltung\nFrau Ida Sommer\tGeschäftsbereich Soziales und Gesundheit\n\n"
        "Tagesordnung\n"
    )
    assert _heads(ex) == {
        ("lutz", "Geschäftsbereich Soziales und Gesundheit"),
        ("rahn", "Geschäftsbereich Ordnung und Sicherheit"),
    }


def test_joint_local_groups_joined_by_slashes_are_one_faction() -> None:
    ex = _document(
        "Anwesend:\nMitglieder des Gremiums\nHerr Tom Reuter (SPD/Heimatpartei/Volt)\n"
        "Frau Ina Lamm (Grüne/zukunft!)\nHerr Jan-Ole Brandt (Seepartei/Bürgerallianz)\n"
        "Frau Eva Kohl (Bauen/Planen)\n"
    )
    members = {
        (ex.mentions[c.subject].label, ex.mentions[c.object].label)
        for c in ex.claims
        if c.kind == "member_of"
    }
    assert members == {
        ("Tom Reuter", "Fraktion SPD/Heimatpartei/Volt"),
        ("Ina Lamm", "Fraktion Grüne/zukunft!"),
        ("Jan-Ole Brandt", "Fraktion Seepartei/Bürgerallianz"),
    }


def test_a_cue_verb_after_where_the_speaker_comes_from_counts() -> None:
    ex = _page(
        "Frau Petersen aus Keitum fragt, wann die Wohnungen fertig seien.\n\n"
        "Herr Lund aus Bad Oldesloe kritisiert die Planung.\n\n"
        "Frau Brandt von der Stabsstelle Klimaschutz stellt den Bericht vor.\n"
    )
    assert _acts(ex) == [{"Question"}, {"Criticism"}, {"Presentation"}]


def test_the_chairs_first_person_procedure_in_a_verbatim_protocol() -> None:
    ex = _page(
        "Vorsteherin Kahl: Ich rufe Tagesordnungspunkt 5 auf. Wortmeldungen? – Keine.\n\n"
        "Herr Lund (SPD): Wir stimmen zu. Warum? Weil es nötig ist.\n\n"
        "Vorsteherin Kahl: Ich lasse über die Vorlage abstimmen. – Gegenprobe? – Enthaltungen?\n"
    )
    assert _acts(ex) == [{"Procedural"}, {"Support", "Question"}, {"Procedural"}]


def test_a_verbatim_speech_opening_by_addressing_an_earlier_speaker_replies_to_that_speaker() -> (
    None
):
    ex = _page(
        "Stadtrat Voigt (CDU): Wir lehnen die Vorlage ab.\n\n"
        "Oberbürgermeisterin Kahl: Frau Lenz, bitte.\n\n"
        "Stadträtin Lenz (SPD): Herr Voigt, das sehe ich anders. Wir stimmen zu.\n\n"
        "Stadtrat Roth (FDP): Frau Oberbürgermeisterin, wir enthalten uns.\n"
    )
    replies = [(ex.mentions[s.speaker].label, s.reply_to) for s in ex.statements]
    assert replies == [("Voigt", None), ("Kahl", None), ("Lenz", 0), ("Roth", None)]


def _members(ex: Extraction) -> set[tuple[str, str]]:
    return {
        (ex.mentions[c.subject].key, ex.mentions[c.object].label)
        for c in ex.claims
        if c.kind == "member_of"
    }


def test_local_voter_groups_where_a_faction_goes_are_factions() -> None:
    ex = _document(
        "Anwesend:\nMitglieder\nHerr Jan Brandt Bürger für Musterstadt\n"
        "Frau Ida Lamm     Unabhängige Liste\nFrau Eva Kohl (BfM)\n"
        "Herr Tom Roth Die Grünen – Rosa Liste\n\n"
        "Verwaltung:\nHerr Uwe Kahl Amt für Sport\n\nTagesordnung\n\nTOP 1 Haushalt\n\n"
        "Ratsherr Voigt (WählerGemeinschaft Tal) fragt nach den Kosten.\n"
        "Herr Lenz erklärt für die Fraktion Wir für Tal Zustimmung.\n"
        "Herr Dr. Kübler (AfU) berichtet. Die Bürger für mehr Grün kamen nicht. "
        "Die Fraktion stimmt zu.\n"
    )
    assert _members(ex) == {
        ("brandt", "Fraktion Bürger für Musterstadt"),
        ("lamm", "Fraktion Unabhängige Liste"),
        ("kohl", "Fraktion BfM"),
        ("roth", "Fraktion Die Grünen – Rosa Liste"),
        ("voigt", "Fraktion WählerGemeinschaft Tal"),
        ("lenz", "Fraktion Wir für Tal"),
    }
    assert {"Fraktion Bürger für Musterstadt", "Fraktion Wir für Tal"} <= _labels(ex, "faction")
    assert not any("Sport" in f or "AfU" in f or "mehr" in f for f in _labels(ex, "faction"))


def test_indirect_speech_cues_of_criticism_motions_and_announced_rejection() -> None:
    ex = _page(
        "Herr Lang äußert Bedenken wegen der Kosten.\n\n"
        "Frau Kern begrüßt den Plan, vermisst aber einen Zeitplan.\n\n"
        "Herr Voigt erklärte sich mit der Antwort nicht zufrieden.\n\n"
        "Frau Lenz beantragt, den Zuschuss auf 3.000 Euro zu erhöhen.\n\n"
        "Herr Brandt kündigt die Ablehnung seiner Fraktion an.\n\n"
        "Frau Kahl stellt die Wirtschaftlichkeit infrage.\n\n"
        "Herr Pohl erkundigt sich nach dem Stand und bittet darum, den Bericht nachzureichen.\n"
    )
    assert _acts(ex) == [
        {"Criticism"},
        {"Support", "Criticism"},
        {"Criticism"},
        {"Proposal"},
        {"Opposition"},
        {"Criticism"},
        {"Question", "Request"},
    ]


def test_an_answer_that_goes_on_in_reported_speech_stays_an_answer() -> None:
    ex = _page(
        "Frau Roth fragt nach dem Stand der Sanierung.\n\n"
        "Herr Lang antwortet, die Ausschreibung sei ohne Angebot geblieben. "
        "Die Neuausschreibung erfolge im März.\n\n"
        "Herr Voigt fragt, wann die Halle öffnet.\n\n"
        "Der Beigeordnete, Herr Kahl, antwortete, die Halle öffne im Mai.\n"
    )
    assert _acts(ex) == [{"Question"}, {"Answer"}, {"Question"}, {"Answer"}]


def test_introducing_or_explaining_the_paper_itself_is_a_presentation() -> None:
    ex = _page(
        "Frau Roth bringt die Vorlage ein.\n\n"
        "Herr Lang erläutert die Planung.\n\n"
        "Frau Kern erläutert, dass die Planung noch nicht abgeschlossen sei.\n\n"
        "Herr Voigt bringt ein Beispiel aus der Nachbarstadt.\n"
    )
    assert _acts(ex) == [{"Presentation"}, {"Presentation"}, {"Information"}, {"Information"}]


def test_the_chair_calling_a_member_for_a_faction_does_not_speak_for_it() -> None:
    ex = _page(
        "Stadtverordnetenvorsteherin Kahl:\nVielen Dank. – Herr Rauch für die CDU-Fraktion.\n\n"
        "Stadtverordneter Rauch:\nWir lehnen ab.\n\n"
        "Stadträtin Yılmaz (90/GRÜNE) erklärt für die Fraktion, sie stimme zu.\n"
    )
    assert _members(ex) == {("yilmaz", "Fraktion Bündnis 90/Die Grünen")}


def test_absences_and_presence_stated_in_the_minutes_prose() -> None:
    ex = _page(
        "Herr Lang stellt die Beschlussfähigkeit fest. Ratsmitglied Kahl fehlt. "
        "Er begrüßt Herrn Voigt, der das erste Mal an einer Sitzung teilnimmt.\n\n"
        "Frau Roth verliest für den abwesenden Herrn Brandt dessen Erklärung.\n"
    )
    attendance = {(ex.mentions[m].key, status) for m, status in ex.attendees}
    assert attendance == {("kahl", "absent"), ("voigt", "present"), ("brandt", "absent")}


def test_the_chair_calling_the_vote_is_procedure_and_presenting_a_motion_no_request() -> None:
    ex = _page(
        "Vorsteherin Kahl: Wir kommen zu Tagesordnungspunkt 5. Wer zustimmt, den bitte ich um "
        "das Handzeichen. – Gegenprobe? – Damit ist der Antrag angenommen.\n\n"
        "Herr Lund (SPD) stellt den Antrag vor.\n\n"
        "Frau Lenz (CDU) bittet um einen Bericht.\n"
    )
    assert _acts(ex) == [{"Procedural"}, {"Presentation"}, {"Request"}]


def test_carrying_a_paper_reminders_and_first_person_plural_cues() -> None:
    ex = _page(
        "Herr Voigt erklärt, man trage die Vorlage mit.\n\n"
        "Frau Lenz sprach für ihre Fraktion die Zustimmung aus, mahnte aber an, die Stellen "
        "zu besetzen.\n\n"
        "Stadträtin Roth (SPD): Wir freuen uns über die Vorlage. Wir möchten aber wissen: "
        "Wann beginnt der Bau?\n"
    )
    assert _acts(ex) == [{"Support"}, {"Support", "Request"}, {"Support", "Question"}]


def test_an_objection_with_aber_that_says_no_more_is_criticism() -> None:
    ex = _page(
        "Stadtrat Krenz (CDU): Wir teilen das Anliegen, aber der Antrag nennt keine Deckung.\n\n"
        "Herr Lang erklärt, seine Fraktion halte die Aufstockung aber für überzogen.\n\n"
        "Herr Voigt erklärt, gewählt werde einzeln, dafür aber in einem Wahlgang.\n\n"
        "Frau Roth begrüßt den Plan, fragt aber, wann er umgesetzt werde.\n"
    )
    assert _acts(ex) == [{"Criticism"}, {"Criticism"}, {"Information"}, {"Support", "Question"}]


def test_a_unit_name_stops_before_an_agenda_item_after_a_comma() -> None:
    ex = _document(
        "Verwaltung\nFrau Lindqvist      Amt für Umwelt, TOP 4\n\n"
        "Frau Lindqvist, Amt für Umwelt, stellt den Bericht vor.\n"
    )
    assert _labels(ex, "department") == {"Amt für Umwelt"}


def test_a_bare_unit_is_the_one_the_text_names_with_its_place() -> None:
    ex = _document(
        "Bezirksamt Nordstadt\nNiederschrift der Bezirksversammlung Nordstadt\n\n"
        "Verwaltung: Bezirksamtsleiterin Dr. Eva Lutz, Herr Tom Kunz (Fachamt Stadtgrün)\n\n"
        "Die Fraktion bittet das Bezirksamt um einen Bericht.\n",
        body="Bezirksversammlung Nordstadt",
    )
    assert _labels(ex, "department") == {"Bezirksamt Nordstadt", "Fachamt Stadtgrün"}
    assert ("lutz", "Bezirksamt Nordstadt") in _heads(ex)


def test_the_unit_of_a_dezernent_fuer_is_the_dezernat_the_text_names() -> None:
    ex = _document(
        "Federführend:\tDezernat Umwelt und Ordnung\n\n"
        "Frau Dr. Anna Kessler (Dezernentin für Umwelt und Ordnung) bringt die Vorlage ein.\n"
    )
    assert _labels(ex, "department") == {"Dezernat Umwelt und Ordnung"}


def test_heads_of_enterprises_groups_and_dezernate_in_more_layouts() -> None:
    """Werkleiter of an Eigenbetrieb, a Fachgruppe, a Bürgermeister's bracket with his
    Dezernat, a Kreisrätin or Stadtbaurat beside a Dezernat, and a unit whose name wraps."""
    ex = _document(
        "Niederschrift über die Sitzung des Werkausschusses\n\nAnwesend:\n\nVerwaltung:\n"
        "Herr Udo Zeller, Werkleiter des Eigenbetriebs Stadtentwässerung\n"
        "Frau Nina Kaps, Leiterin der Fachgruppe Stadtplanung\n"
        "Wolff, Markus (Bürgermeister, Dezernat Bauen)\n"
        "Kreisrätin Dr. Ina Rohde, Dezernat III - Bauen, Umwelt und Mobilität\n"
        "Stadtbaurat Tom Senn                Dezernat IV\n"
        "Herr Olaf Brink, Werkleiter Abfallwirtschaftsbetrieb Musterstadt\n\n"
        "Von der Verwaltung nahmen Frau Eva Lohse, Bürgermeisterin, und Herr Jan Prell, Leiter\n"
        "der Stabsstelle\nDigitalisierung, teil.\n\nTagesordnung\n"
    )
    assert _heads(ex) >= {
        ("zeller", "Eigenbetrieb Stadtentwässerung"),
        ("kaps", "Fachgruppe Stadtplanung"),
        ("wolff", "Dezernat Bauen"),
        ("rohde", "Dezernat III - Bauen, Umwelt und Mobilität"),
        ("senn", "Dezernat IV"),
        ("brink", "Abfallwirtschaftsbetrieb Musterstadt"),
        ("prell", "Stabsstelle Digitalisierung"),
    }


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Frau Eva Ruh (Fachbereichsleiterin Fachbereich Tiefbau und Verkehr)",
            "Fachbereich Tiefbau und Verkehr",
        ),
        ("Burkhardt, Stephanie (Dez. II - Beigeordnete)", "Dez. II"),
        (
            "Frau Ute Lenz, Geschäftsbereich II - Bürgerdienste und Soziales;",
            "Geschäftsbereich II - Bürgerdienste und Soziales",
        ),
    ],
)
def test_unit_labels_neither_double_the_head_word_nor_take_in_the_office(
    text: str, label: str
) -> None:
    ex = _document(f"Anwesend:\n\nVerwaltung:\n{text}\n\nTagesordnung\n")
    assert label in _labels(ex, "department")


def test_a_head_word_alone_on_its_line_takes_no_name_from_the_next() -> None:
    ex = _document("Anwesend:\n\nAmt\nHerr Udo Zeller\nStabsstelle\nPresse und Kommunikation\n")
    assert not any(label.startswith("Amt Herr") for label in _labels(ex, "department"))
    assert "Stabsstelle Presse und Kommunikation" not in _labels(ex, "department")


def test_a_presentation_with_content_informs_and_a_vote_call_asks_nothing() -> None:
    ex = _page(
        "Frau Adler stellt die Planung vor. Vorgesehen seien zwei Querungshilfen und "
        "zusätzliche Fahrradbügel.\n\n"
        "Herr Brandt stellt den Zwischenbericht vor.\n\n"
        "Oberbürgermeisterin Kahl: Wir kommen zu Punkt 6. Wer ist dafür? – 30. "
        "Wer ist dagegen? – 4. Enthaltungen? – 2. Damit ist der Antrag angenommen.\n\n"
        "Frau Conrad erklärt sich damit einverstanden.\n\n"
        "Beigeordnete Orth: Das sagen wir gerne zu.\n"
    )
    assert _acts(ex) == [
        {"Presentation", "Information"},  # the sentence after the presentation is its content
        {"Presentation"},
        {"Procedural"},  # neither a Question nor Support: the chair calls the vote
        {"Confirmation"},
        {"Answer"},
    ]


def test_decisions_after_a_dash_taking_note_with_vom_and_a_body_deferring() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Kreistages\n\n"
        "TOP 1 Antrag der FWG\n\n"
        "Landrat Hahn: Ich lasse über den Antrag der FWG abstimmen.\n"
        "- Der Antrag wird abgelehnt.\n\n"
        "TOP 2 Zwischenbericht Hochwasserschutz\n\n"
        "Vom Zwischenbericht wird Kenntnis genommen.\n\n"
        "TOP 3 Dorfentwicklungsprogramm\n\n"
        "Der Kreistag stellt die Beschlussfassung einstimmig zurück.\n\n"
        "TOP 4 Anfragen\n\n"
        "Die Antragstellerin zieht ihren Antrag zurück.\n"
    )
    assert _votes(ex) == [
        ("1", "Rejected", None, None, None),
        ("2", "TakenNote", None, None, None),
        ("3", "Deferred", True, None, None),
    ]


@pytest.mark.parametrize(
    ("heading", "heads"),
    [
        ("Präsident der Bürgerschaft", {("kieckhaefer", "Bürgerschaft der Hansestadt Stralsund")}),
        (
            "Präsidentin der Bürgerschaft",
            {("kieckhaefer", "Bürgerschaft der Hansestadt Stralsund")},
        ),
        ("Präsident des Landesamtes", set()),  # another body's president chairs nothing here
    ],
)
def test_the_president_of_a_buergerschaft_heading_the_list_chairs_it(
    heading: str, heads: set[tuple[str, str]]
) -> None:
    ex = _document(
        "Niederschrift über die Sitzung der Bürgerschaft der Hansestadt Stralsund\n\nAnwesend\n\n"
        f"{heading}\nHerr Torsten Kieckhäfer                  CDU/FDP\nMitglieder\n"
        "Frau Annegret Lüdtke                     CDU/FDP\n\nTagesordnung\n",
        body="Bürgerschaft der Hansestadt Stralsund",
    )
    assert _heads(ex) == heads


def test_a_chair_naming_the_next_speaker_answers_nothing() -> None:
    """ "Frau Stadträtin Kowalczyk." after a question only gives the floor; her answer then
    replies to the question."""
    ex = _page(
        "Stadtverordneter Rauch (CDU): Wie werden die Stellen finanziert?\n\n"
        "Stadtverordnetenvorsteherin Wenzel: Frau Stadträtin Kowalczyk.\n\n"
        "Stadträtin Kowalczyk: Herr Rauch, die Stellen sind im Stellenplan eingeplant.\n\n"
        "Oberbürgermeisterin Hadžić: Dazu wird Herr Lindqvist antworten.\n"
    )
    assert _acts(ex)[1] == {"Procedural"} and _acts(ex)[3] == {"Procedural"}
    assert [s.reply_to for s in ex.statements][:3] == [None, None, 0]


def test_names_listed_after_a_plural_role_word_are_persons() -> None:
    ex = _document(
        "Ratsvorsitzender Schmidt eröffnet die Sitzung. Namentlich begrüßt er die "
        "Fachbereichsleiter (FBL) Kock und Rosendahl sowie die Bezirksvorsteher Erich Eilers, "
        "Erwin Eilers, Krause und Tammen. Die Ratsfrau Lenz und Herr Brandt fehlen.\n"
    )
    persons = {m.label for m in ex.mentions if m.kind == "person"}
    assert {"Kock", "Rosendahl", "Erich Eilers", "Erwin Eilers", "Krause", "Tammen"} <= persons
    assert "Herr" not in persons and "Brandt" in persons  # a list ends at a form of address


def test_recommendations_followed_counted_assent_no_votes_against_and_taking_note() -> None:
    ex = _document(
        "Niederschrift über die Sitzung des Bauausschusses\n\n"
        "Punkt 3:\nUmgestaltung der Kreuzung\n\n"
        "Der Ausschuss stimmt der Variante 2 (Kreisverkehr) mit 7:2:1 Stimmen zu.\n\n"
        "Punkt 4:\nVerkehrsberuhigung Ortskern\n\n"
        "Der Empfehlung des Ortsbeirates wird gefolgt. (einstimmig)\n\n"
        "Punkt 5:\nFörderrichtlinie Ladenlokale\n\n"
        "Beschluss: ohne Gegenstimmen bei zwei Enthaltungen\n\n"
        "Punkt 6:\nSachstand Hafenspitze, Informationsvorlage\n\nKenntnisnahme\n"
    )
    assert [(number, result) for number, result, *_ in _votes(ex)] == [
        ("3", "Accepted"), ("4", "Accepted"), ("5", "Accepted"), ("6", "TakenNote"),
    ]  # fmt: skip
