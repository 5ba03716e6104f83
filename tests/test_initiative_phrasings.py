"""Initiatives named by agenda items of protocol heads across the Länder (invented)."""

from __future__ import annotations

from kg.extract_initiatives import initiative_mentions
from kg.lexicon import lexicon


def _labels(text: str) -> set[str]:
    return {m.label for m in initiative_mentions(text, lexicon())}


def test_plans_with_a_code_and_building_works_with_a_quoted_name_or_a_street() -> None:
    assert _labels('TOP 4  Bebauungsplan BP-207 "Wohnen am Mühlgraben", Aufstellungsbeschluss') == {
        "Bebauungsplan BP-207 „Wohnen am Mühlgraben“"
    }
    assert _labels('3. Neubau der Kindertagesstätte "Sonnenblume" in Altstadt') == {
        'Neubau der Kindertagesstätte "Sonnenblume" in Altstadt'
    }
    assert _labels("TOP 3   Sanierung der Lindenstraße") == {"Sanierung der Lindenstraße"}


def test_a_private_building_application_is_no_initiative() -> None:
    assert (
        _labels("TOP 1 Antrag auf Baugenehmigung zum Neubau eines Wohnhauses, Fl.Nr. 12") == set()
    )


def test_hyphenated_plans_and_the_kommunaler_ordnungsdienst() -> None:
    assert _labels("Fortschreibung der Kita-Bedarfsplanung 2025") == {"Kita-Bedarfsplanung"}
    assert _labels("Bericht zum Kommunalen Ordnungsdienst") == {"Kommunaler Ordnungsdienst"}


def test_plans_in_the_genitive_take_the_nominative_and_its_adjective_ending() -> None:
    assert _labels("Fortschreibung des Nahverkehrsplans Kreis Nordheide 2025-2029") == {
        "Nahverkehrsplan"
    }
    assert _labels("bis zum Vorliegen des Nahverkehrsplans vertagen") == set()
    assert _labels("3  Umsetzung des Kommunalen Wärmeplans für die Gemeinden") == {
        "Kommunaler Wärmeplan"
    }
    assert _labels("Beschluss zum Integrierten Radverkehrskonzept") == {
        "Integriertes Radverkehrskonzept"
    }


def test_a_process_noun_with_a_generic_head_is_no_initiative() -> None:
    assert _labels("Die Verwaltung soll bis Mai ein Finanzierungskonzept vorlegen.") == set()
    assert _labels("ein Sanierungsprogramm für die Schulen und das Umsetzungsprogramm") == set()
    assert _labels("das Haushaltssicherungskonzept 2024") == {"Haushaltssicherungskonzept"}


def test_plans_with_a_spaced_code_or_an_unquoted_name_after_the_number() -> None:
    assert _labels('Ö 5  Bebauungsplan KW 17 "Am Lindenhof" - Auslegung') == {
        "Bebauungsplan KW 17 „Am Lindenhof“"
    }
    assert _labels("TOP 2 Bebauungsplan mit Grünordnung Nr. 1904 Gleisdreieck – Billigung") == {
        "Bebauungsplan mit Grünordnung Nr. 1904 Gleisdreieck"
    }
    assert _labels("Bebauungsplan Nr. 45 Aufstellungsbeschluss") == set()


def test_a_system_with_a_quoted_name() -> None:
    assert _labels("Das Rufbussystem „Land mobil“ wird ausgeweitet.") == {"Rufbussystem Land mobil"}


def test_a_model_named_after_its_town() -> None:
    assert _labels("Mit dem Ulmer Modell soll Bauland gesichert werden.") == {"Ulmer Modell"}
    assert _labels("nach den Grundsätzen des Freiburger Modells") == {"Freiburger Modell"}
    assert _labels("Dieser Modellversuch und jeder andere") == set()


def test_a_scheme_of_the_state_or_the_eu_is_no_initiative_of_the_town() -> None:
    assert (
        _labels("Eine Förderung aus dem Sportstättenförderprogramm des Landes ist beantragt.")
        == set()
    )
    assert _labels("Das Sportstättenförderprogramm der Stadt läuft aus.") == {
        "Sportstättenförderprogramm"
    }


def test_compound_plans_of_the_town_are_initiatives() -> None:
    assert _labels("Die Stadt legt den Starkregenvorsorgeplan für die Südstadt vor.") == {
        "Starkregenvorsorgeplan"
    }
    assert _labels("Frau Ahrens fragt, wann der Baumpflanzplan endlich komme.") == {
        "Baumpflanzplan"
    }
    assert _labels("TOP 8  Bericht zur Umsetzung des Luftreinhalteplans") == {"Luftreinhalteplan"}
    assert _labels("der Weltkulturerbe-Managementplan; der Managementplan sieht das vor") == {
        "Weltkulturerbe-Managementplan"
    }


def test_budget_schedule_and_land_use_plans_are_no_initiatives() -> None:
    text = (
        "Der Wirtschaftsplan 2026 des Eigenbetriebs und der Stellenplan werden beschlossen. "
        "Das Vorhaben liegt im Zeitplan; der Bauzeitenplan und der Lageplan liegen bei. "
        "Der Kreis erstellt einen neuen Regionalplan. Bis zum Vorliegen des Klimaplans vertagt."
    )
    assert _labels(text) == set()


def test_a_plan_head_keeps_its_name() -> None:
    assert _labels("2.2 Masterplan Einzelhandel") == {"Masterplan Einzelhandel"}
    assert _labels("Der Masterplan wird überarbeitet.") == set()


def test_a_quoted_name_broken_over_two_lines() -> None:
    text = 'Im Rahmen des Projekts "Offene Bibliothek\nSüdstadt" werden Räume geöffnet.'
    assert _labels(text) == {"Projekt Offene Bibliothek Südstadt"}
    assert _labels('Bebauungsplan Nr. 17 "Wohnen am\n  Lindenbach" - Satzung') == {
        "Bebauungsplan Nr. 17 „Wohnen am Lindenbach“"
    }


def test_building_works_on_a_building_in_the_short_genitive() -> None:
    assert _labels("TOP 4  Sanierung des Hallenbads Oststadt") == {"Sanierung des Hallenbads"}


def test_a_generic_concept_or_plan_for_a_named_district() -> None:
    assert _labels("Frau Lenz stellt das Entwicklungskonzept Oberdorf-Süd vor.") == {
        "Entwicklungskonzept Oberdorf-Süd"
    }
    assert _labels("Vorlage 12/2025: Rahmenplan Hafen-Ost; der Rahmenplan sieht Wohnungen vor") == {
        "Rahmenplan Hafen-Ost"
    }
    assert _labels("Ein Entwicklungskonzept für den Ortsteil fehlt noch.") == set()


def test_federal_urban_development_programmes_are_no_initiatives_of_the_town() -> None:
    text = (
        "Der Umbau werde aus dem Förderprogramm Lebendige Zentren bezahlt; die Stadt bewirbt "
        "sich zudem für das Programm „Zukunft Stadtgrün“ und das Förderprogramm Stadtumbau\nWest."
    )
    assert _labels(text) == set()
    assert _labels("Das Förderprogramm Grüne Dächer der Stadt startet im Mai.") == {
        "Förderprogramm"
    }


def test_the_quoted_title_of_a_motion_names_the_measure_it_asks_for() -> None:
    assert _labels('TOP 9  Antrag der CDU-Fraktion Nr. 2024/311 "Nachtbus am Wochenende"') == {
        "Nachtbus am Wochenende"
    }
    assert _labels(
        "Antrag der Gruppe FW/FDP vom 3.2.2025 „Kostenlose Schwimmkurse für Kinder“"
    ) == {"Kostenlose Schwimmkurse für Kinder"}


def test_a_motion_title_naming_an_action_or_a_question_is_no_initiative() -> None:
    assert _labels('Antrag der SPD-Fraktion Nr. 2025/009 "Verlegung der Bushaltestelle"') == set()
    assert _labels('Antrag der Fraktion Die PARTEI "Wann kommt der Nachtbus?"') == set()


def test_management_disciplines_offices_and_expert_reports_are_no_initiatives() -> None:
    text = (
        "Herr Uhl dankt dem Citymanagement. Das Energiemanagement der Schulen und das "
        "Entwässerungskonzept des Baugebiets liegen vor; der Beschluss wartet auf das "
        "Brandschutzkonzept."
    )
    assert _labels(text) == set()
    assert _labels("Das Quartiersmanagement im Nordviertel wird verlängert.") == {
        "Quartiersmanagement"
    }


def test_an_agenda_title_names_its_project_before_a_step_of_its_life() -> None:
    text = (
        "TOP 5  Stadtbahnlinie Nordring – Sachstandsbericht\n"
        "Ö 6.2  Quartiersgarage Am Anger - Vorstellung der Entwurfsplanung\n"
        "Punkt 7 Wohnpark Lindenhöhe III - Erschließungsvertrag\n"
    )
    assert _labels(text) == {
        "Stadtbahnlinie Nordring",
        "Quartiersgarage Am Anger",
        "Wohnpark Lindenhöhe III",
    }


def test_a_topic_an_action_or_a_paper_before_a_step_is_no_project() -> None:
    text = (
        "TOP 4  Verkehrssicherheit an der Grundschule – Sachstandsbericht\n"
        "TOP 5  Anfrage F0456/25 – Sachstand\n"
        "TOP 6  Seniorenarbeit – Umsetzung der Leitlinien\n"
        "Die Stadtbahn – Vorstellung folgt im Mai.\n"
    )
    assert _labels(text) == set()


def test_a_titled_project_found_by_another_rule_is_not_repeated() -> None:
    assert _labels("Ö 3  Klimaschutzkonzept 2035 – Fortschreibung") == {"Klimaschutzkonzept"}


def test_a_network_with_its_target_year_is_a_plan() -> None:
    assert _labels("Mit dem Radnetz 2030 erhalten alle Ortsteile eine Anbindung.") == {
        "Radnetz 2030"
    }
    assert _labels("Das Busnetz wird 2025 neu geordnet; das Glasfasernetz bleibt.") == set()


def test_the_integrated_urban_development_concept_by_its_abbreviation() -> None:
    assert _labels("Die Maßnahme ist Teil des ISEK Nordstadt.") == {"ISEK Nordstadt"}


def test_plans_for_one_case_or_one_service_and_budget_parts_are_no_initiatives() -> None:
    text = (
        "Der Erfolgsplan und der Vermögensplan des Eigenbetriebs, der Hilfeplan des Kindes und "
        "der Winterdienstplan werden erläutert."
    )
    assert _labels(text) == set()
