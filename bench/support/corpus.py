"""Realistic German blog posts in any number, for the search benchmark and for trying search out.

    .venv/bin/python -m smartregion.site.devdb exec -- .venv/bin/python -m bench.support.corpus 10000

adds 10,000 posts to the development database (``--seed N`` for other posts); bench/search.py
fills its own database with ``generate_posts()``.

Posts are put together from vocabulary lists and sentence templates about how businesses,
administrations and schools of the region went digital. Word frequencies are skewed like real
text: "Unternehmen", "Region" and "Digitalisierung" occur in a large share of the posts, most
tools and places in a few percent, some words only in a handful.

``generate_posts(count, seed=…)`` is deterministic: post number ``i`` depends only on the seed
and ``i``, so 10,000 and then 90,000 more give the same posts as 100,000 at once. It writes with
``bulk_create`` in batches (the search triggers index each batch in one statement).
"""

from __future__ import annotations

import argparse
import html
import os
import random
import sys
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

SLUG_PREFIX = "generiert-"
AUTHOR_DOMAIN = "generiert.example.org"
BATCH = 2_000

# (sector, "a sector" in the nominative, the field of work, topic slugs it goes with)
SECTORS = [
    ("Handwerksbetrieb", "ein Handwerksbetrieb", "Handwerk", ["smart-economy", "smart-building"]),
    ("Einzelhändler", "ein Einzelhändler", "Einzelhandel", ["smart-economy"]),
    ("Logistikunternehmen", "ein Logistikunternehmen", "Logistik", ["smart-mobility"]),
    ("Arztpraxis", "eine Arztpraxis", "Gesundheitswesen", ["gesundheit-pflege"]),
    ("Pflegedienst", "ein Pflegedienst", "Pflege", ["gesundheit-pflege", "smart-demography"]),
    ("Steuerkanzlei", "eine Steuerkanzlei", "Beratung", ["smart-economy"]),
    ("Bäckerei", "eine Bäckerei", "Lebensmittelhandwerk", ["smart-economy"]),
    ("Stadtverwaltung", "eine Stadtverwaltung", "Verwaltung", ["egovernment"]),
    ("Grundschule", "eine Grundschule", "Schule", ["bildung"]),
    ("Berufskolleg", "ein Berufskolleg", "Berufsausbildung", ["bildung"]),
    ("Sportverein", "ein Sportverein", "Ehrenamt", ["smart-demography"]),
    (
        "Maschinenbauer",
        "ein Maschinenbauer",
        "Industrie",
        ["smart-economy", "kuenstliche-intelligenz"],
    ),
    ("Energieversorger", "ein Energieversorger", "Energiewirtschaft", ["smart-energy"]),
    ("Wohnungsgesellschaft", "eine Wohnungsgesellschaft", "Wohnungswirtschaft", ["smart-building"]),
    ("Spedition", "eine Spedition", "Transport", ["smart-mobility"]),
    ("Hotel", "ein Hotel", "Tourismus", ["smart-economy"]),
    (
        "Architekturbüro",
        "ein Architekturbüro",
        "Planung",
        ["smart-building", "virtual-augmented-reality"],
    ),
    ("Start-up", "ein Start-up", "Gründungsszene", ["smart-economy", "kuenstliche-intelligenz"]),
    (
        "Hochschulinstitut",
        "ein Hochschulinstitut",
        "Forschung",
        ["kuenstliche-intelligenz", "bildung"],
    ),
    ("Kreisverwaltung", "eine Kreisverwaltung", "Verwaltung", ["egovernment"]),
    (
        "Physiotherapiepraxis",
        "eine Physiotherapiepraxis",
        "Gesundheitswesen",
        ["gesundheit-pflege"],
    ),
    ("Gärtnerei", "eine Gärtnerei", "Gartenbau", ["smart-economy", "smart-energy"]),
    ("Druckerei", "eine Druckerei", "Medienproduktion", ["smart-economy"]),
    ("Bibliothek", "eine Bibliothek", "Kultur", ["bildung", "egovernment"]),
]

# (tool in the accusative, in the dative, as a title, topic slugs it goes with)
TOOLS = [
    ("Videokonferenzen", "Videokonferenzen", "Videokonferenzen", ["smart-economy"]),
    ("eine Cloud-Telefonanlage", "einer Cloud-Telefonanlage", "Cloud-Telefonie", ["smart-economy"]),
    ("einen Onlineshop", "einem Onlineshop", "Onlineshop", ["smart-economy"]),
    (
        "eine digitale Terminbuchung",
        "einer digitalen Terminbuchung",
        "Digitale Terminbuchung",
        ["egovernment", "gesundheit-pflege"],
    ),
    ("ein Ticketsystem", "einem Ticketsystem", "Ticketsystem", ["smart-economy"]),
    (
        "ein digitales Klassenbuch",
        "einem digitalen Klassenbuch",
        "Digitales Klassenbuch",
        ["bildung"],
    ),
    ("vernetzte Sensoren", "vernetzten Sensoren", "Sensorik", ["smart-building", "smart-energy"]),
    ("ein Energiemonitoring", "einem Energiemonitoring", "Energiemonitoring", ["smart-energy"]),
    ("eine eigene App", "einer eigenen App", "Eigene App", ["smart-economy"]),
    ("einen Chatbot", "einem Chatbot", "Chatbot", ["kuenstliche-intelligenz", "egovernment"]),
    ("den 3D-Druck", "dem 3D-Druck", "3D-Druck", ["smart-economy"]),
    ("eine Lernplattform", "einer Lernplattform", "Lernplattform", ["bildung"]),
    (
        "einen digitalen Zwilling",
        "einem digitalen Zwilling",
        "Digitaler Zwilling",
        ["smart-building", "virtual-augmented-reality"],
    ),
    ("Drohnen", "Drohnen", "Drohnen", ["smart-mobility"]),
    ("die E-Rechnung", "der E-Rechnung", "E-Rechnung", ["egovernment", "smart-economy"]),
    (
        "eine Kollaborationsplattform",
        "einer Kollaborationsplattform",
        "Kollaborationsplattform",
        ["smart-economy"],
    ),
    (
        "ein Warenwirtschaftssystem",
        "einem Warenwirtschaftssystem",
        "Warenwirtschaft",
        ["smart-economy"],
    ),
    ("die Telemedizin", "der Telemedizin", "Telemedizin", ["gesundheit-pflege"]),
    ("VR-Brillen", "VR-Brillen", "Virtuelle Realität", ["virtual-augmented-reality"]),
    ("ein Kundenportal", "einem Kundenportal", "Kundenportal", ["smart-economy", "egovernment"]),
    (
        "künstliche Intelligenz",
        "künstlicher Intelligenz",
        "Künstliche Intelligenz",
        ["kuenstliche-intelligenz"],
    ),
    ("offene Daten", "offenen Daten", "Open Data", ["egovernment"]),
    (
        "eine Ladeinfrastruktur",
        "einer Ladeinfrastruktur",
        "Ladeinfrastruktur",
        ["smart-mobility", "smart-energy"],
    ),
    ("ein Sharing-Angebot", "einem Sharing-Angebot", "Sharing", ["smart-mobility"]),
    (
        "eine Photovoltaikanlage mit Speicher",
        "einer Photovoltaikanlage mit Speicher",
        "Solarstrom",
        ["smart-energy"],
    ),
    (
        "digitale Dienstpläne",
        "digitalen Dienstplänen",
        "Digitale Dienstpläne",
        ["gesundheit-pflege", "smart-demography"],
    ),
    ("die elektronische Akte", "der elektronischen Akte", "E-Akte", ["egovernment"]),
    ("Augmented Reality", "Augmented Reality", "Augmented Reality", ["virtual-augmented-reality"]),
    ("eine Smart-Home-Steuerung", "einer Smart-Home-Steuerung", "Smart Home", ["smart-building"]),
    ("Tablets im Unterricht", "Tablets im Unterricht", "Tablets im Unterricht", ["bildung"]),
    ("eine Fernwartung", "einer Fernwartung", "Fernwartung", ["smart-economy"]),
    ("ein Bürgerportal", "einem Bürgerportal", "Bürgerportal", ["egovernment"]),
    ("Podcasts", "Podcasts", "Podcast", ["bildung"]),
    (
        "eine Routenplanung in Echtzeit",
        "einer Routenplanung in Echtzeit",
        "Routenplanung",
        ["smart-mobility"],
    ),
    (
        "ein Sturzmeldesystem",
        "einem Sturzmeldesystem",
        "Sturzmelder",
        ["gesundheit-pflege", "smart-demography"],
    ),
]

PREFIXES = (
    "Zechenblick Emscherbogen Lippeauen Haldenblick Förderturm Kanalblick Ruhrstern Vestische "
    "Haard Kokerei Schacht Grubenlicht Hafenkante Seeblick Rheinelbe Ewald Hugo Zollverein "
    "Kowalski Nowak Schulte Brinkmann Yılmaz Hoffmann Wiesner Overbeck Tenbrink Kaminski "
    "Wojcik Bergmann Heitkamp Dreier Lenz Albers Grewe Möllers Sträter Öztürk"
).split()
TRADES = (
    "Software Haustechnik Logistik Elektro Holzbau Pflege Physiotherapie Steuerberatung "
    "Druckerei Metallbau Medien Energie Robotik Consulting Gartenbau Bäckerei Sanitär Dachtechnik "
    "Datenwerk Lernwerkstatt Mobilität Gebäudeservice Optik Fahrradwerkstatt"
).split()
LEGAL = ["GmbH", "GmbH", "GmbH & Co. KG", "e.K.", "KG", "eG", "e.V.", "AG", "UG"]
PEOPLE = (
    "Sabine Kowalski|Mehmet Yılmaz|Jana Brinkmann|Thomas Schulte|Aylin Öztürk|Markus Heitkamp|"
    "Petra Wiesner|Lukas Nowak|Katharina Overbeck|Jürgen Sträter|Miriam Albers|Stefan Grewe|"
    "Anna Wojcik|Dirk Tenbrink|Elif Kaya|Ralf Möllers"
).split("|")
ROLES = [
    "Geschäftsführerin",
    "Geschäftsführer",
    "Projektleiterin",
    "Projektleiter",
    "Inhaberin",
    "Inhaber",
    "Schulleiterin",
    "Digitalisierungsbeauftragter",
    "Pflegedienstleiterin",
    "Bürgermeister",
]
MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
RARE = (
    "Grubenwasser Halden-Monitoring Bergsenkung Kanalschleuse Zechensiedlung Taubenzucht "
    "Kohlenmischhalle Seilscheibe Kaue Schrebergarten Trinkhalle Fördergerüst Brieftauben "
    "Kettenschmiede Wasserstoffbus Moorlandschaft Schleusenwärter Streuobstwiese"
).split()

TITLES = [
    "Wie {sector_a} {from_city} mit {tool_dat} durch die Krise kam",
    "{tool_title} im {field}: {org_short} zeigt, wie es geht",
    "{city}: {sector} setzt auf {tool_title}",
    "Mit {tool_dat} näher an die Kundschaft",
    "Digitalisierung im {field}: Erfahrungen {from_city}",
    "Vom Aktenordner zur Plattform: {org_short}",
    "{tool_title} statt Zettelwirtschaft",
    "Neue Wege im {field} mit {tool_dat}",
    "{org_short} stellt den Alltag um",
    "Kleine Schritte, große Wirkung: {tool_title} {in_city}",
    "Was {sector_a} von {tool_dat} lernen kann",
    "{tool_title} im Praxistest bei {org_short}",
    "Durchstarten mit {tool_dat}: ein Bericht {from_city}",
    "{org_short}: Mut zur Veränderung",
    "Gemeinsam stärker: {sector} und {tool_title}",
]

TEASERS = [
    "Wie {org} {from_city} mit {tool_dat} durch die Krise kam, und was davon bleibt.",
    "{sector_a_cap} {from_city} erzählt, wie sich der Arbeitsalltag mit {tool_dat} verändert hat.",
    "Innerhalb weniger Wochen hat {org} {tool} eingeführt. Ein Erfahrungsbericht {from_city}.",
    "Die Digitalisierung kam schneller als geplant: {org} berichtet von den ersten Monaten mit {tool_dat}.",
    "Warum {org} auf {tool} setzt und welche Fehler man dabei vermeiden sollte.",
    "Ein Betrieb {from_city} zeigt, wie {tool} auch kleinen Teams hilft.",
    "{person} über Zweifel, Rückschläge und den Moment, in dem es endlich lief.",
    "Was als Notlösung begann, ist heute fester Bestandteil der Arbeit bei {org}.",
]

HEADINGS = [
    ["Ausgangslage", "Wie alles begann", "Die Herausforderung", "Vor der Krise"],
    ["Unser Weg", "Die Idee", "Umsetzung", "Die ersten Schritte", "So sind wir vorgegangen"],
    ["Was bleibt", "Ergebnis", "Bilanz", "Was wir gelernt haben", "Ausblick"],
]

# Sentences per section. Slots: {org} {org_short} {city} {in_city} {from_city} {other_city}
# {sector} {sector_a} {field} {tool} {tool_dat} {tool_title} {n} {percent} {month} {person}
# {role} {rare} {year}
OPENING = [
    "Im {month} standen wir vor einer Frage, die sich viele Betriebe gestellt haben.",
    "Unsere Abläufe hingen an Papier, an Telefonlisten und an der Kaffeeküche.",
    "Als {sector} mit {n} Beschäftigten hatten wir bis dahin kaum digitale Werkzeuge.",
    "Die Kundschaft konnte plötzlich nicht mehr persönlich vorbeikommen.",
    "Viele Unternehmen {in_city} mussten von einem Tag auf den anderen umdenken.",
    "Die Digitalisierung stand schon lange auf unserer Liste, aber es fehlte die Zeit.",
    "Wie arbeiten wir weiter, wenn niemand ins Büro kommen kann?",
    "Im {field} ist der persönliche Kontakt wichtig, das gilt auch heute noch.",
    "Die Auftragslage brach im ersten Monat um {percent} Prozent ein.",
    "Unsere Mitarbeiterinnen und Mitarbeiter waren verunsichert.",
    "Für einen kleinen Betrieb sind solche Investitionen kein Selbstläufer.",
    "Im Gewerbegebiet gab es damals noch kein schnelles Internet.",
    "Die Verwaltung arbeitete noch mit Formularen auf Papier.",
    "{person}, {role} von {org_short}, erinnert sich gut an diese Wochen.",
    "Die Region hat einen langen Strukturwandel hinter sich.",
    "Der Fachkräftemangel im {field} hat uns schon vorher beschäftigt.",
    "Eine Umfrage unter unseren Kundinnen und Kunden brachte Klarheit.",
    "Vieles lief über E-Mail-Anhänge und Tabellen, die niemand mehr überblickte.",
    "Schon vor der Pandemie gab es erste Gespräche mit der Wirtschaftsförderung.",
    "Unser Team war über drei Standorte verteilt.",
    "Die Lieferketten waren unterbrochen, Material kam Wochen zu spät.",
    "Wir hatten keine eigene IT-Abteilung, nur einen Kollegen, der sich auskannte.",
    "Die Telefone standen nicht still, aber niemand konnte die Anrufe annehmen.",
    "Unsere Stammkundschaft ist im Durchschnitt über sechzig Jahre alt.",
    "Der Betrieb besteht seit {n} Jahren und ist in der dritten Generation in Familienhand.",
    "Zu Beginn wussten wir nicht, wie lange die Einschränkungen dauern würden.",
    "Das Homeoffice war für uns bis dahin ein Fremdwort.",
    "Papierakten mussten wir jeden Morgen aus dem Keller holen.",
    "Die Förderbedingungen waren für uns zunächst schwer zu durchschauen.",
    "Wir haben lange gezögert, weil wir die Kosten gescheut haben.",
    "In der Schule fehlten Geräte, Zugänge und ein Konzept.",
    "Die Nachfrage nach unseren Angeboten hat sich fast verdoppelt.",
    "Viele ältere Menschen {in_city} leben allein.",
    "Unsere Fahrzeuge standen still, die Touren mussten neu geplant werden.",
    "Die Energiepreise sind stark gestiegen, das hat uns unter Druck gesetzt.",
    "Die Wege zu unseren Kundinnen und Kunden sind lang.",
    "Wir sind ein kleines Team mit großen Plänen.",
    "Angefangen hat alles mit einer einfachen Frage aus der Belegschaft.",
    "Die Ausstattung war veraltet, manche Rechner waren zehn Jahre alt.",
    "Viele Abläufe kannte nur eine einzige Person im Haus.",
    "Die Pandemie hat Schwächen sichtbar gemacht, die es schon lange gab.",
    "Unsere Räume waren für Abstand nicht gemacht.",
    "Im Sommer {year} kam dann die Entscheidung.",
]
MIDDLE = [
    "Innerhalb von zwei Wochen haben wir {tool} eingeführt.",
    "Wichtig war uns, dass alle mitkommen, auch die Kolleginnen und Kollegen ohne Technikerfahrung.",
    "Deshalb gab es kurze Schulungen in kleinen Gruppen und eine offene Sprechstunde.",
    "Ein Partner aus {other_city} hat uns bei der Einrichtung unterstützt.",
    "Die Kosten lagen bei rund {n}.000 Euro, ein Teil davon wurde gefördert.",
    "Mit {tool_dat} können wir Anfragen heute deutlich schneller beantworten.",
    "Die digitale Verwaltung unserer Aufträge spart jede Woche viele Stunden.",
    "Gemeinsam mit der Hochschule haben wir einen Prototyp entwickelt.",
    "Der Datenschutz hat uns anfangs viel Kopfzerbrechen bereitet.",
    "Wir haben bewusst klein angefangen und das System Schritt für Schritt erweitert.",
    "Besonders geholfen hat der Austausch mit anderen Unternehmen aus dem Netzwerk.",
    "Für die Umstellung unserer Prozesse haben wir uns externe Beratung geholt.",
    "Unsere Auszubildenden haben die Einführung mit viel Energie vorangetrieben.",
    "Die Wirtschaftsförderung hat uns bei der Suche nach Fördermitteln beraten.",
    "Heute läuft die Terminvergabe komplett online.",
    "Wir setzen auf offene Standards, damit wir nicht von einem Anbieter abhängig sind.",
    "Die Sensoren melden Störungen, bevor ein Schaden entsteht.",
    "Ein Pilotprojekt mit {n} Haushalten hat gezeigt, dass die Idee funktioniert.",
    "Künstliche Intelligenz hilft uns inzwischen bei der Planung.",
    "Kleine Unternehmen profitieren besonders von einfachen, bezahlbaren Lösungen.",
    "Die Umstellung auf {tool} war leichter als gedacht.",
    "Einmal im Monat treffen wir uns zu einem digitalen Stammtisch.",
    "Unsere Kundschaft kann jetzt rund um die Uhr bestellen.",
    "Die Daten bleiben auf Servern in Deutschland.",
    "Dabei ging es auch um {rare}, was zunächst niemand erwartet hatte.",
    "Die Zusammenarbeit mit {org_short} läuft inzwischen fast vollständig digital.",
    "Ein Förderprogramm des Landes hat die Anschaffung erleichtert.",
    "Wir messen den Energieverbrauch heute in Echtzeit.",
    "Die Bürgerinnen und Bürger können viele Anliegen online erledigen.",
    "Digitale Werkzeuge ersetzen nicht das Gespräch, aber sie schaffen Zeit dafür.",
    "Jede Abteilung hat eine Ansprechperson benannt, die Fragen sammelt.",
    "Die ersten Wochen waren holprig, manches mussten wir zweimal erklären.",
    "Ein Dienstleister hat die Geräte vorbereitet und ausgeliefert.",
    "Wir haben jeden Freitag besprochen, was gut lief und was nicht.",
    "Die Rückmeldungen der Kundschaft waren überwiegend positiv.",
    "Für ältere Kundinnen und Kunden gibt es weiterhin eine Telefonnummer.",
    "Ein Studierendenteam hat im Rahmen einer Projektarbeit mitgeholfen.",
    "Wir haben das Angebot zuerst {in_city} getestet und dann ausgeweitet.",
    "Die Schnittstelle zur Buchhaltung war der schwierigste Teil.",
    "Inzwischen arbeiten {n} Betriebe mit derselben Lösung.",
    "Die Tourenplanung berücksichtigt jetzt Verkehr und Ladezeiten.",
    "Im Lager wissen wir jederzeit, was vorrätig ist.",
    "Die Schülerinnen und Schüler haben schneller gelernt als die Lehrkräfte.",
    "Über eine Plattform teilen wir Dokumente mit unseren Partnern.",
    "Die Pflegekräfte dokumentieren direkt am Tablet.",
    "Wir haben Wert auf Barrierefreiheit gelegt.",
    "Ein Workshop mit dem Netzwerk SMART REGION hat uns die Augen geöffnet.",
    "Die Investition hat sich nach gut {n} Monaten gerechnet.",
    "Rechnungen gehen heute ausschließlich elektronisch raus.",
    "Wir haben eine klare Regel: Was digital geht, machen wir digital.",
    "Die Wartung übernimmt ein Betrieb {from_city}.",
    "Mit {tool_dat} sparen wir Wege, Papier und Nerven.",
    "Unser Konzept wurde inzwischen von anderen Kommunen übernommen.",
    "Die Beschäftigten konnten eigene Vorschläge einbringen.",
    "Eine Lernplattform sorgt dafür, dass neues Wissen nicht verloren geht.",
    "Die Videosprechstunde wird vor allem von Berufstätigen genutzt.",
    "Für die IT-Sicherheit haben wir ein externes Audit beauftragt.",
    "Der Stromverbrauch ist um {percent} Prozent gesunken.",
    "Die Wartezeiten haben sich halbiert.",
    "Wir veröffentlichen unsere Daten unter einer offenen Lizenz.",
    "Die Abstimmung mit dem Betriebsrat hat Zeit gekostet, aber sie hat sich gelohnt.",
    "Die Geräte werden zentral verwaltet und automatisch aktualisiert.",
    "Wir haben mit einem einzigen Arbeitsbereich begonnen.",
    "Nach drei Monaten haben wir Bilanz gezogen und nachgesteuert.",
    "Die Fahrerinnen und Fahrer bekommen ihre Aufträge aufs Handy.",
    "Ein Bildschirm im Eingangsbereich zeigt die aktuellen Wartezeiten.",
    "Die Anmeldung funktioniert auch ohne eigenes Konto.",
    "Wir drucken kaum noch etwas aus.",
    "Jeder Arbeitsplatz hat eine Kamera und ein Headset bekommen.",
    "Die Buchungen laufen über ein Portal, das rund um die Uhr erreichbar ist.",
    "Ein Kollege aus dem Vertrieb hat sich zum Experten entwickelt.",
    "Die Abläufe sind heute klar beschrieben und für alle nachvollziehbar.",
    "Unser Lieferant hat seine Schnittstelle für uns geöffnet.",
    "Die Heizung regelt sich nach der tatsächlichen Belegung der Räume.",
    "Der Server steht jetzt nicht mehr im Abstellraum, sondern in einem Rechenzentrum.",
    "Für Notfälle gibt es einen Plan, den alle kennen.",
    "Wir haben die Dokumentation an einem Ort gebündelt.",
    "Die Eltern werden über eine App informiert.",
    "Bestellungen können wir jetzt am selben Tag ausliefern.",
    "Das Team trifft sich morgens kurz vor dem Bildschirm.",
    "Alte Geräte haben wir an eine gemeinnützige Werkstatt gespendet.",
    "Wir haben eine Kundenbefragung direkt in das Portal eingebaut.",
    "Die Stadtwerke haben uns bei der Planung unterstützt.",
    "Der Zugang zum Gebäude funktioniert mit einer Karte statt mit Schlüsseln.",
    "Wir können den Füllstand der Behälter aus der Ferne ablesen.",
    "Die Handwerkerinnen und Handwerker sehen ihre Einsätze auf dem Tablet.",
    "Die Lehrkräfte haben sich gegenseitig fortgebildet.",
    "Die Leitstelle bekommt Meldungen jetzt in Echtzeit.",
    "Neue Beschäftigte finden sich dadurch schneller zurecht.",
    "Die Ausgaben für Porto sind deutlich gesunken.",
    "Ein Ehrenamtlicher hat die Webseite neu aufgebaut.",
    "Die Messwerte werden jede Nacht ausgewertet.",
    "Wir haben uns für eine Lösung aus dem Ruhrgebiet entschieden.",
    "Die Bewohnerinnen und Bewohner können Schäden per Foto melden.",
    "Zwei Kolleginnen kümmern sich um Fragen der Kundschaft im Chat.",
    "Das Kassensystem ist mit dem Onlineshop verbunden.",
    "Vorträge und Seminare zeichnen wir auf und stellen sie bereit.",
    "Die Ladesäulen auf dem Hof nutzen auch Nachbarn.",
    "Die Anträge werden vollständig elektronisch bearbeitet.",
    "Jede Änderung ist nachvollziehbar dokumentiert.",
]
CLOSING = [
    "Heute arbeiten wir hybrid und wollen nicht mehr zurück.",
    "Die Krise hat uns gezwungen, Dinge auszuprobieren, die wir sonst noch Jahre vor uns hergeschoben hätten.",
    "Als Nächstes wollen wir {tool} auch an unserem zweiten Standort einführen.",
    "Unser Tipp: Fangen Sie klein an und holen Sie alle an einen Tisch.",
    "Mehr dazu erzählen wir gerne beim nächsten Netzwerktreffen {in_city}.",
    "Für uns ist das kein Projekt mehr, sondern Alltag.",
    "Für die Region ist das ein gutes Zeichen.",
    "Wir suchen weitere Betriebe, die mitmachen wollen.",
    "Der Umsatz liegt inzwischen wieder über dem Niveau vor der Krise.",
    "Viele Ideen sind aus dem Austausch im Netzwerk SMART REGION entstanden.",
    "Wer Fragen hat, kann sich gerne direkt an {person} wenden.",
    "Ohne die Unterstützung aus der Nachbarschaft hätten wir das nicht geschafft.",
    "Wir würden es jederzeit wieder so machen.",
    "Der nächste Schritt ist die Anbindung an das Bürgerportal.",
    "Die Erfahrungen geben wir gerne an andere weiter.",
    "Wir sind gespannt, wie sich das Angebot in den nächsten Jahren entwickelt.",
    "Die Kundschaft hat sich schneller umgestellt als wir selbst.",
    "Nicht alles hat funktioniert, aber wir haben viel gelernt.",
    "Im kommenden Jahr soll ein weiteres Pilotprojekt starten.",
    "Gerade kleine Betriebe sollten den Schritt wagen.",
    "Veränderung bleibt eine Daueraufgabe.",
    "Wir freuen uns über Besuch und zeigen gerne, wie es läuft.",
]
LIST_ITEMS = [
    "eine gemeinsame Ablage für Angebote und Rechnungen",
    "Videokonferenzen für die Montagsrunde",
    "ein einfaches Ticketsystem für Anfragen",
    "digitale Formulare statt Papier",
    "Schulungen in kleinen Gruppen",
    "ein Dashboard für den Energieverbrauch",
    "feste Ansprechpersonen für jede Abteilung",
    "eine Checkliste für den Datenschutz",
    "Tablets für den Außendienst",
    "ein wöchentlicher Austausch im Team",
    "ein Onlinekalender für alle Termine",
    "eine digitale Unterschrift für Verträge",
    "ein Messenger für kurze Absprachen",
    "automatische Erinnerungen an Termine",
    "eine Übersicht über alle laufenden Aufträge",
]
QUOTES = [
    "Die Krise hat uns gezwungen, mutiger zu werden.",
    "Digitalisierung heißt bei uns vor allem: weniger suchen, mehr machen.",
    "Am Anfang waren alle skeptisch, heute will niemand mehr zurück.",
    "Wir haben gelernt, dass man nicht alles auf einmal machen muss.",
    "Die beste Technik nützt nichts, wenn die Menschen nicht mitgenommen werden.",
]


def _place(name: str) -> tuple[str, str]:
    """("in Marl", "aus Marl"), ("im Kreis Recklinghausen", "aus dem Kreis …") and so on."""
    if name.startswith("Kreis "):
        return f"im {name}", f"aus dem {name}"
    if name.startswith("Region "):
        return f"in der {name}", f"aus der {name}"
    return f"in {name}", f"aus {name}"


@dataclass(frozen=True)
class Generated:
    title: str
    teaser: str
    body: str
    body_html: str
    organisation_name: str
    municipality_index: int
    topic_slugs: tuple[str, ...]


def _organisation(rng: random.Random) -> tuple[str, str]:
    prefix, trade = rng.choice(PREFIXES), rng.choice(TRADES)
    short = f"{prefix} {trade}"
    return f"{short} {rng.choice(LEGAL)}", short


def generate(seed: int, index: int, cities: list[str]) -> Generated:
    """Post number ``index`` for ``seed``: the same inputs always give the same post."""
    rng = random.Random(f"{seed}:{index}")
    sector, sector_a, field, sector_topics = rng.choice(SECTORS)
    tool, tool_dat, tool_title, tool_topics = rng.choice(TOOLS)
    org, org_short = _organisation(rng)
    city_index = rng.randrange(len(cities))
    in_city, from_city = _place(cities[city_index])
    slots = {
        "org": org,
        "org_short": org_short,
        "city": cities[city_index],
        "in_city": in_city,
        "from_city": from_city,
        "other_city": rng.choice([c for c in cities if _place(c)[0] == f"in {c}"] or cities),
        "sector": sector,
        "sector_a": sector_a,
        "sector_a_cap": sector_a[:1].upper() + sector_a[1:],
        "field": field,
        "tool": tool,
        "tool_dat": tool_dat,
        "tool_title": tool_title,
        "n": rng.randint(3, 250),
        "percent": rng.randint(10, 80),
        "month": rng.choice(MONTHS),
        "year": rng.randint(2019, 2025),
        "person": rng.choice(PEOPLE),
        "role": rng.choice(ROLES),
        "rare": rng.choice(RARE),
    }
    title = rng.choice(TITLES).format(**slots)
    teaser = rng.choice(TEASERS).format(**slots)
    headings = [rng.choice(group) for group in HEADINGS]
    opening = rng.sample(OPENING, rng.randint(6, 10))
    middle = rng.sample(MIDDLE, rng.randint(14, 22))
    closing = rng.sample(CLOSING, rng.randint(3, 5))
    sections = [
        [opening[: len(opening) // 2], opening[len(opening) // 2 :]],
        [middle[:5], middle[5:10], middle[10:15], middle[15:]],
        [closing],
    ]
    markdown, markup = [], []
    for number, (heading, paragraphs) in enumerate(zip(headings, sections, strict=True)):
        markdown.append(f"## {heading}")
        markup.append(f"<h2>{html.escape(heading)}</h2>")
        for sentences in paragraphs:
            text = " ".join(sentence.format(**slots) for sentence in sentences)
            markdown.append(text)
            markup.append(f"<p>{html.escape(text, quote=False)}</p>")
        if number == 1 and rng.random() < 0.6:
            items = rng.sample(LIST_ITEMS, rng.randint(2, 4))
            markdown.append("\n".join(f"- {item}" for item in items))
            markup.append(
                "<ul>\n" + "\n".join(f"<li>{html.escape(i)}</li>" for i in items) + "\n</ul>"
            )
        if number == 2 and rng.random() < 0.3:
            quote = rng.choice(QUOTES)
            markdown.append(f"> {quote}")
            markup.append(f"<blockquote>\n<p>{html.escape(quote)}</p>\n</blockquote>")
    topics = sorted(set(rng.sample(sector_topics, 1) + rng.sample(tool_topics, 1)))
    return Generated(
        title=title[:150],
        teaser=teaser[:300],
        body="\n\n".join(markdown) + "\n",
        body_html="\n".join(markup),
        organisation_name=org,
        municipality_index=city_index,
        topic_slugs=tuple(topics),
    )


def generated_count() -> int:
    from blog.models import Post

    return Post.objects.filter(slug__startswith=SLUG_PREFIX).count()


def trim_generated(keep: int) -> int:
    """Delete the generated posts beyond the newest ``keep``; returns how many went.

    Plain SQL: generated posts have no images, reports or log entries, only Themenfelder, and
    the ORM would collect a million of them one by one.
    """
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            """
            CREATE TEMPORARY TABLE search_trimmed ON COMMIT DROP AS
            SELECT id FROM blog_post WHERE slug LIKE %s
             ORDER BY published_at DESC, id DESC OFFSET %s
            """,
            [SLUG_PREFIX + "%", keep],
        )
        cursor.execute(
            "DELETE FROM blog_post_topics WHERE post_id IN (SELECT id FROM search_trimmed)"
        )
        cursor.execute("DELETE FROM blog_post WHERE id IN (SELECT id FROM search_trimmed)")
        return cursor.rowcount


def generate_posts(count: int, *, seed: int = 1, progress=None) -> int:
    """Add ``count`` published posts after those generated before; returns how many were added.

    Publication times go back from now (from the first generated post, when continuing),
    30 minutes apart plus a little jitter, so post 0 is the newest.
    """
    from blog.models import Post
    from smartregion.core.models import Municipality, Topic
    from smartregion.core.text import german_slugify

    municipalities = list(Municipality.objects.order_by("position", "pk"))
    topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
    if not municipalities or not topics:
        raise RuntimeError("No municipalities or topics: has the database been migrated?")
    cities = [m.name for m in municipalities]
    start = generated_count()
    # Post 0 is the newest; continuing later keeps going back in time from the same point.
    first = Post.objects.filter(author_email=f"autor0@{AUTHOR_DOMAIN}").first()
    now = first.published_at if first and start else timezone.now()
    through = Post.topics.through
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        posts, post_topics = [], []
        for index in range(start + done, start + done + size):
            item = generate(seed, index, cities)
            published_at = now - timedelta(minutes=30 * index + (index * 7919) % 29)
            posts.append(
                Post(
                    title=item.title,
                    slug=f"{SLUG_PREFIX}{german_slugify(item.title, max_length=120)}-{index}",
                    teaser=item.teaser,
                    body=item.body,
                    body_html=item.body_html,
                    organisation_name=item.organisation_name,
                    municipality=municipalities[item.municipality_index],
                    cover_alt="Ein Team bei der Arbeit",
                    author_name="Generiert",
                    author_email=f"autor{index}@{AUTHOR_DOMAIN}",
                    consent_at=published_at - timedelta(days=2),
                    status=Post.Status.PUBLISHED,
                    created_at=published_at - timedelta(days=2),
                    confirmed_at=published_at - timedelta(days=1),
                    published_at=published_at,
                )
            )
            post_topics.append([topics[s] for s in item.topic_slugs if s in topics])
        with transaction.atomic():
            created = Post.objects.bulk_create(posts)
            through.objects.bulk_create(
                [
                    through(post_id=post.pk, topic_id=topic_id)
                    for post, topic_ids in zip(created, post_topics, strict=True)
                    for topic_id in topic_ids
                ]
            )
        done += size
        if progress:
            progress(done)
    return done


def main(argv: list[str] | None = None, stdout=sys.stdout) -> None:
    """The command line: add COUNT posts after those generated before."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.support.corpus",
        description="Add COUNT realistic German blog posts (published, deterministic for a seed) "
        "after those generated before. They are indexed by the database.",
    )
    parser.add_argument("count", type=int, help="how many posts to add")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same posts")
    parser.add_argument("-v", "--verbose", action="store_true", help="report every batch")
    args = parser.parse_args(argv)

    def progress(done: int) -> None:
        if args.verbose or done == args.count:
            print(f"{done} of {args.count} posts written", file=stdout)

    generate_posts(args.count, seed=args.seed, progress=progress)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartregion.site.settings")
    import django

    django.setup()
    main()
