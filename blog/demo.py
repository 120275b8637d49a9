"""Demo content for the blog "Ideenreich durch die Krise".

All organisations, people and projects here are invented. The pictures are drawn with Pillow
(gradients, shapes and a big word), nothing is downloaded. They go through the same pipeline
as a real submission: ``verify_image()``, the private original store, and for published posts
``render_images()`` for the public renditions.

Idempotent: a post whose slug exists already is left alone.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from blog import services
from blog.models import Post, PostImage
from smartregion.core.images import verify_image
from smartregion.core.models import ModerationLog, Municipality, Topic

S = Post.Status
COVER_SIZE = (1600, 900)
GALLERY_SIZE = (1200, 800)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
EDITOR_EMAIL = "redaktion@example.org"

# Colour pairs for the gradients (start, end), with German names for the alternative text.
PALETTES = [
    (("Dunkelblau", (16, 42, 94)), ("Türkis", (0, 150, 160))),
    (("Tannengrün", (20, 90, 60)), ("Hellgrün", (110, 170, 60))),
    (("Violett", (80, 40, 150)), ("Pink", (200, 30, 110))),
    (("Rot", (170, 30, 40)), ("Orange", (230, 110, 0))),
    (("Petrol", (0, 80, 95)), ("Grün", (40, 140, 90))),
    (("Anthrazit", (40, 44, 52)), ("Orange", (220, 100, 20))),
    (("Nachtblau", (20, 24, 70)), ("Magenta", (170, 30, 140))),
    (("Blau", (25, 90, 180)), ("Hellblau", (70, 160, 220))),
    (("Bordeaux", (110, 20, 50)), ("Koralle", (220, 90, 80))),
    (("Dunkelgrün", (15, 70, 50)), ("Türkis", (0, 140, 140))),
]

# Motif -> how it is described in the alternative text.
MOTIFS = {
    "kreise": "halbtransparenten Kreisen",
    "ringe": "konzentrischen Ringen",
    "streifen": "diagonalen Streifen",
    "dreiecke": "hellen Dreiecken",
    "raster": "einem Raster aus kleinen Quadraten",
    "sechsecke": "verstreuten Sechsecken",
    "wellen": "geschwungenen Linien",
}


@dataclass(frozen=True)
class Art:
    """A generated picture: a gradient in one of the PALETTES, a motif and a big word."""

    word: str
    palette: int
    motif: str

    @property
    def alt(self) -> str:
        (start, _), (end, _) = PALETTES[self.palette]
        return (
            f"Farbverlauf von {start} zu {end} mit {MOTIFS[self.motif]} "
            f"und dem Schriftzug „{self.word}“ in weißer Schrift"
        )


@dataclass(frozen=True)
class DemoPost:
    slug: str
    title: str
    teaser: str
    body: str
    organisation: str
    author: str
    email: str
    municipality: str
    topics: tuple[str, ...]
    website: str
    cover: Art
    gallery: tuple[Art, ...] = ()
    video: str = ""
    days_ago: int = 0  # published that many days ago; for the queue: submitted
    status: str = S.PUBLISHED


POSTS = [
    DemoPost(
        slug="broetchen-per-klick-kortmann-backwaren",
        title="Brötchen per Klick: Wie Kortmann Backwaren den eigenen Lieferdienst erfand",
        teaser=(
            "Als die Kundschaft ausblieb, hat die Familienbäckerei aus Gladbeck in drei Wochen "
            "einen Online-Shop mit Lieferdienst aufgebaut. Heute kommt jede fünfte Bestellung "
            "digital."
        ),
        body="""\
Als die Läden schließen mussten und viele Stammkundinnen und Stammkunden zu Hause blieben, brach bei Kortmann Backwaren fast die Hälfte des Umsatzes weg. „Wir hatten volle Backstuben und leere Verkaufsräume“, erinnert sich Geschäftsführerin Miriam Kortmann.

## Vom Zettel zum Online-Shop

Statt auf bessere Zeiten zu warten, hat das Team einen einfachen Online-Shop eingerichtet. Bestellt wird bis 18 Uhr, geliefert am nächsten Morgen bis 8 Uhr. Die Touren plant eine kostenlose Routen-Software, ausgefahren wird mit zwei Elektro-Transportern.

## Was gut funktioniert hat

- ein kleines Sortiment zum Start: zwölf Artikel statt sechzig
- feste Lieferfenster, damit die Backstube planen kann
- Bezahlung nur online, damit die Fahrerinnen und Fahrer kein Bargeld brauchen

## Wie es weitergeht

Der Lieferdienst ist geblieben, auch als die Filialen wieder öffneten. Inzwischen beliefert die Bäckerei auch Büros und zwei Pflegeeinrichtungen. Als Nächstes sollen Abonnements dazukommen: das Frühstück jeden Samstag, ohne jedes Mal neu zu bestellen.
""",
        organisation="Kortmann Backwaren",
        author="Miriam Kortmann",
        email="m.kortmann@example.org",
        municipality="gladbeck",
        topics=("smart-economy",),
        website="https://example.org/kortmann-backwaren",
        cover=Art("Lieferdienst", 3, "kreise"),
        gallery=(Art("Backstube", 5, "raster"), Art("Bestellung", 3, "wellen")),
        video="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        days_ago=6,
    ),
    DemoPost(
        slug="formulare-ohne-papier-formularwerk-lippe",
        title="Formulare ohne Papier: Formularwerk Lippe digitalisiert Anträge für Vereine",
        teaser=(
            "Ein Softwarehaus aus Marl hat während der Kontaktbeschränkungen einen Baukasten "
            "für Online-Anträge entwickelt. Vereine und Verbände nutzen ihn heute für "
            "Mitgliedsanträge und Förderanfragen."
        ),
        body="""\
Mitgliedsanträge, Hallenbuchungen, Zuschussanfragen: Im Vereinsleben läuft noch erstaunlich viel über Papier. Als Geschäftsstellen plötzlich nicht mehr besetzt waren, stand bei vielen Vereinen die Verwaltung still.

## Die Idee

Das Team von Formularwerk Lippe hat einen Baukasten entwickelt, mit dem Ehrenamtliche ohne Programmierkenntnisse ein barrierearmes Online-Formular erstellen. Die Daten landen verschlüsselt in einem Postfach des Vereins, nicht in einer fremden Cloud.

## Datenschutz von Anfang an

„Gerade kleine Vereine haben keine eigene Datenschutzbeauftragte“, sagt Produktentwickler Jonas Albrecht. Deshalb fragt jedes Formular nur ab, was wirklich nötig ist, und löscht Einsendungen nach einer einstellbaren Frist automatisch.

## Ergebnis

Inzwischen arbeiten mehr als vierzig Vereine mit dem Baukasten. Die Rückmeldungen sind eindeutig: weniger Rückfragen, weniger Tipparbeit und Anträge, die auch am Wochenende eingehen können.
""",
        organisation="Formularwerk Lippe GmbH",
        author="Jonas Albrecht",
        email="j.albrecht@example.org",
        municipality="marl",
        topics=("egovernment", "smart-economy"),
        website="https://example.org/formularwerk-lippe",
        cover=Art("Formulare", 0, "raster"),
        gallery=(Art("Antrag", 7, "streifen"),),
        days_ago=19,
    ),
    DemoPost(
        slug="rad-statt-stau-velotakt-pendel-app",
        title="Rad statt Stau: Eine Pendel-App aus Dorsten bringt Kolleginnen und Kollegen zusammen",
        teaser=(
            "Velotakt hat eine App gebaut, mit der Beschäftigte Fahrgemeinschaften und "
            "gemeinsame Radtouren zur Arbeit verabreden. Drei Betriebe aus der Region testen "
            "sie seit dem Frühjahr."
        ),
        body="""\
Volle Busse wollte in der Krise niemand, und das eigene Auto ist für viele Beschäftigte teuer geworden. Das junge Team von Velotakt hat daraus eine Geschäftsidee gemacht.

## So funktioniert die App

Beschäftigte geben ihren Arbeitsweg und ihre Schichtzeiten ein. Die App schlägt passende Fahrgemeinschaften vor oder verabredet kleine Gruppen, die gemeinsam mit dem Rad fahren. Wer mitmacht, sammelt Punkte, die der Arbeitgeber zum Beispiel in Gutscheine für die Fahrradwerkstatt umtauscht.

## Erste Zahlen aus dem Test

In den drei Testbetrieben sind bereits rund 180 Beschäftigte angemeldet. Im Schnitt spart jede Fahrgemeinschaft nach eigenen Angaben etwa 60 Euro Spritkosten im Monat.

## Ausblick

Als Nächstes will Velotakt die App mit den Fahrplänen des Nahverkehrs verknüpfen, damit sich Rad, Bus und Mitfahrgelegenheit in einer Route kombinieren lassen.
""",
        organisation="Velotakt Mobilitätslösungen UG",
        author="Lea Brinkhoff",
        email="lea.brinkhoff@example.org",
        municipality="dorsten",
        topics=("smart-mobility", "smart-economy"),
        website="https://example.org/velotakt",
        cover=Art("Pendeln", 1, "streifen"),
        days_ago=33,
    ),
    DemoPost(
        slug="lastspitzen-senken-brandhoff-metallguss",
        title="Lastspitzen senken: Wie eine Gießerei mit Sensoren und Prognosen Energie spart",
        teaser=(
            "Als die Strompreise stiegen, hat Brandhoff Metallguss aus Castrop-Rauxel ihre "
            "Öfen mit Sensoren ausgestattet. Ein lernendes Prognosemodell verteilt die Last "
            "heute gleichmäßiger über den Tag."
        ),
        body="""\
Für eine Gießerei ist Energie kein Nebenkostenpunkt, sondern ein großer Teil der Kalkulation. Als sich die Preise innerhalb weniger Monate vervielfachten, musste Brandhoff Metallguss schnell handeln.

## Messen, bevor man spart

Zuerst wurden an allen Öfen, Kompressoren und Lüftungsanlagen Stromzähler mit Funkanbindung montiert. „Wir wussten vorher nur, was die Rechnung sagt, nicht, wann und wo der Strom verbraucht wird“, erklärt Energiemanager Timo Hagedorn.

## Ein Modell plant mit

Auf Grundlage der Messdaten sagt ein Prognosemodell voraus, wann Lastspitzen drohen. Die Schichtplanung verschiebt dann energieintensive Schritte, etwa das Vorwärmen, in ruhigere Zeiten.

## Das Ergebnis nach einem Jahr

- rund 18 Prozent weniger Leistungsspitzen
- deutlich niedrigere Netzentgelte
- ein Dashboard, das jede Schicht einsehen kann

Das Unternehmen will seine Erfahrungen nun an andere Mittelständler weitergeben.
""",
        organisation="Brandhoff Metallguss GmbH",
        author="Timo Hagedorn",
        email="t.hagedorn@example.org",
        municipality="castrop-rauxel",
        topics=("smart-energy", "kuenstliche-intelligenz"),
        website="https://example.org/brandhoff-metallguss",
        cover=Art("Lastspitzen", 5, "wellen"),
        gallery=(Art("Messdaten", 0, "raster"), Art("Dashboard", 6, "kreise")),
        days_ago=47,
    ),
    DemoPost(
        slug="das-buerohaus-das-mitdenkt",
        title="Das Bürohaus, das mitdenkt: Smarte Gebäudetechnik bei Lindemeyer & Partner",
        teaser=(
            "Halb leere Büros, volle Heizkosten: Eine Hausverwaltung aus Recklinghausen steuert "
            "Heizung, Licht und Lüftung ihrer Bürohäuser inzwischen nach der tatsächlichen "
            "Belegung."
        ),
        body="""\
Mit dem mobilen Arbeiten änderte sich die Nutzung von Bürogebäuden grundlegend. An manchen Tagen war kaum ein Viertel der Arbeitsplätze besetzt, trotzdem liefen Heizung und Lüftung überall wie gewohnt.

## Belegung statt Zeitplan

Die Hausverwaltung Lindemeyer & Partner hat in zwei Bürohäusern Präsenz- und CO₂-Sensoren nachgerüstet. Die Gebäudeleittechnik regelt nun Raum für Raum: Wo niemand arbeitet, sinkt die Temperatur, und das Licht bleibt aus.

## Mieterinnen und Mieter reden mit

Über eine Web-App können die Mietparteien ihre Büroflächen für den nächsten Tag als „belegt“ oder „frei“ markieren. So wird rechtzeitig vorgeheizt, und niemand sitzt morgens im Kalten.

## Erfahrungen

Der Wärmeverbrauch ist im ersten Winter um etwa ein Viertel gesunken. „Die Technik war der einfachere Teil. Wichtiger war, alle Beteiligten früh mitzunehmen“, sagt Projektleiterin Sabine Lindemeyer.
""",
        organisation="Hausverwaltung Lindemeyer & Partner",
        author="Sabine Lindemeyer",
        email="s.lindemeyer@example.org",
        municipality="recklinghausen",
        topics=("smart-building", "smart-energy"),
        website="https://example.org/lindemeyer-partner",
        cover=Art("Gebäude", 7, "sechsecke"),
        gallery=(Art("Sensoren", 4, "kreise"),),
        video="https://youtu.be/eRsGyueVLvQ",
        days_ago=62,
    ),
    DemoPost(
        slug="ki-sortiert-den-posteingang",
        title="KI sortiert den Posteingang: Ein Versicherungsmakler aus Herten entlastet sein Team",
        teaser=(
            "Hunderte E-Mails am Tag, dazu Briefe und Fotos von Schadensfällen: Okonkwo & Reuter "
            "lässt eingehende Nachrichten von einem Sprachmodell vorsortieren. Entscheiden "
            "bleibt Sache der Menschen."
        ),
        body="""\
In der Krise stieg bei Okonkwo & Reuter die Zahl der Anfragen sprunghaft an: Betriebsschließungen, Stornierungen, Fragen zu Beiträgen. Das Team von acht Personen kam kaum hinterher.

## Vorsortieren, nicht entscheiden

Ein Sprachmodell liest eingehende E-Mails und eingescannte Briefe, erkennt das Anliegen und ordnet es dem passenden Vorgang zu. Dringende Fälle, etwa ein Wasserschaden, landen sofort ganz oben.

## Klare Regeln

- Die KI schreibt keine Antworten an Kundinnen und Kunden.
- Personenbezogene Daten verlassen das eigene Rechenzentrum nicht.
- Jede Zuordnung lässt sich mit einem Klick korrigieren, daraus lernt das System.

## Was es gebracht hat

Die Bearbeitungszeit für einfache Anfragen hat sich halbiert. „Wir haben wieder Zeit für die Beratung, für die uns unsere Kundschaft eigentlich schätzt“, sagt Mitinhaberin Grace Okonkwo.
""",
        organisation="Okonkwo & Reuter Versicherungsmakler",
        author="Grace Okonkwo",
        email="g.okonkwo@example.org",
        municipality="herten",
        topics=("kuenstliche-intelligenz", "smart-economy"),
        website="https://example.org/okonkwo-reuter",
        cover=Art("Posteingang", 6, "ringe"),
        days_ago=80,
    ),
    DemoPost(
        slug="kueche-planen-in-virtual-reality",
        title="Die neue Küche schon vorher betreten: Tischlerei Wewers plant in Virtual Reality",
        teaser=(
            "Als Beratungstermine vor Ort kaum möglich waren, hat eine Tischlerei aus Haltern "
            "am See ihre Entwürfe in 3D-Brillen gebracht. Kundinnen und Kunden gehen heute "
            "virtuell durch ihre neue Küche."
        ),
        body="""\
Eine Küche kauft man nicht nach Katalog. Die Beratung im Ausstellungsraum war für die Tischlerei Wewers immer der wichtigste Moment. Dann durfte plötzlich niemand mehr kommen.

## Vom Grundriss in die Brille

Tischlermeister Henrik Wewers hat die Planungssoftware der Werkstatt um einen VR-Export erweitert. Mit einer handelsüblichen 3D-Brille können Kundinnen und Kunden durch die geplante Küche gehen, Schubladen öffnen und Fronten tauschen.

## Auch zu Hause

Wer keine Brille hat, bekommt einen Link: Die Küche lässt sich dann im Browser am Tablet drehen und von allen Seiten ansehen. Ein Video zeigt, wie das aussieht.

## Weniger Änderungen, zufriedenere Kundschaft

Seit der Einführung gibt es deutlich weniger nachträgliche Änderungen. „Wer einmal in seiner Küche gestanden hat, merkt sofort, ob die Arbeitsplatte zu hoch ist“, sagt Wewers.
""",
        organisation="Tischlerei Wewers",
        author="Henrik Wewers",
        email="h.wewers@example.org",
        municipality="haltern-am-see",
        topics=("virtual-augmented-reality", "smart-economy"),
        website="https://example.org/tischlerei-wewers",
        cover=Art("Virtuell", 2, "dreiecke"),
        gallery=(
            Art("Werkstatt", 8, "streifen"),
            Art("Entwurf", 9, "raster"),
            Art("Probegang", 2, "ringe"),
        ),
        video="https://vimeo.com/76979871",
        days_ago=101,
    ),
    DemoPost(
        slug="nachbarschaft-per-tablet-sonnenwinkel",
        title="Nachbarschaft per Tablet: Wie ein Seniorentreff in Waltrop in Verbindung blieb",
        teaser=(
            "Der Seniorentreff Sonnenwinkel hat Tablets verliehen und Videotreffen organisiert. "
            "Aus der Notlösung ist ein fester Teil des Programms geworden."
        ),
        body="""\
Für viele ältere Menschen war die Zeit der Kontaktbeschränkungen vor allem eins: einsam. Der Seniorentreff Sonnenwinkel e. V. wollte seine Mitglieder nicht allein lassen.

## Tablets zum Ausleihen

Mit Spenden hat der Verein zwanzig Tablets angeschafft, auf denen nur die nötigsten Apps installiert sind. Große Symbole, ein Knopf für den Videoanruf, fertig. Ehrenamtliche haben die Geräte nach Hause gebracht und eingerichtet.

## Das Programm

- montags Gedächtnistraining per Video
- mittwochs ein digitaler Spielenachmittag
- freitags die offene Kaffeerunde

## Was bleibt

Heute trifft sich die Gruppe wieder im Vereinsraum, aber die Videorunden laufen weiter. Sie erreichen Mitglieder, die nicht mehr gut zu Fuß sind. „Manche haben mit über achtzig zum ersten Mal ihre Enkel per Video gesehen“, erzählt die Vorsitzende Ursula Feldkamp.
""",
        organisation="Seniorentreff Sonnenwinkel e. V.",
        author="Ursula Feldkamp",
        email="u.feldkamp@example.org",
        municipality="waltrop",
        topics=("smart-demography", "gesundheit-pflege"),
        website="https://example.org/sonnenwinkel",
        cover=Art("Nachbarschaft", 8, "kreise"),
        gallery=(Art("Kaffeerunde", 3, "sechsecke"), Art("Videoanruf", 0, "wellen")),
        days_ago=123,
    ),
    DemoPost(
        slug="unterricht-auf-distanz-lernwerk-emscher",
        title="Unterricht auf Distanz: Lernwerk Emscher baut ein digitales Nachhilfe-Klassenzimmer",
        teaser=(
            "Eine Nachhilfeschule aus Bottrop hat in kurzer Zeit auf Online-Unterricht "
            "umgestellt und dabei gelernt, was digitale Lerngruppen wirklich brauchen."
        ),
        body="""\
Als die Schulen geschlossen wurden, stieg der Bedarf an Nachhilfe, aber niemand durfte mehr in die Räume des Lernwerks. Leiterin Aylin Demir hat das Angebot innerhalb einer Woche ins Netz verlegt.

## Kleine Gruppen, feste Gesichter

Der Online-Unterricht findet in Gruppen von höchstens vier Schülerinnen und Schülern statt, immer mit derselben Lehrkraft. Ein digitales Whiteboard ersetzt die Tafel, Aufgaben werden mit dem Smartphone fotografiert und hochgeladen.

## Niemand bleibt zurück

Nicht jede Familie hatte ein passendes Gerät. Das Lernwerk hat deshalb Leihgeräte ausgegeben und Eltern in kurzen Videosprechstunden gezeigt, wie die Plattform funktioniert.

## Hybrid als Normalfall

Heute können die Lernenden selbst wählen, ob sie vor Ort oder online teilnehmen. Gerade vor Prüfungen nutzen viele beide Möglichkeiten.
""",
        organisation="Lernwerk Emscher",
        author="Aylin Demir",
        email="a.demir@example.org",
        municipality="bottrop",
        topics=("bildung",),
        website="https://example.org/lernwerk-emscher",
        cover=Art("Lernen", 9, "dreiecke"),
        gallery=(Art("Whiteboard", 7, "raster"),),
        video="https://www.youtube.com/watch?v=R6MlUcmOul8",
        days_ago=148,
    ),
    DemoPost(
        slug="dienstplan-in-der-hosentasche",
        title="Der Dienstplan in der Hosentasche: Pflegeteam Rosenhügel organisiert sich digital",
        teaser=(
            "Kurzfristige Ausfälle, ständig neue Regeln: Ein ambulanter Pflegedienst aus "
            "Oer-Erkenschwick hat Dienstplanung und Übergaben aufs Smartphone gebracht."
        ),
        body="""\
In der ambulanten Pflege muss jeden Tag alles passen: Touren, Medikamente, Übergaben. In der Krise fielen regelmäßig Kolleginnen und Kollegen aus, und der Dienstplan an der Pinnwand war oft schon veraltet, bevor er hing.

## Eine App für das ganze Team

Das Pflegeteam Rosenhügel nutzt seitdem eine Dienstplan-App. Wer ausfällt, meldet sich dort ab, und die Pflegedienstleitung sieht sofort, wer einspringen kann. Tauschwünsche werden in der App abgestimmt statt in Telefonketten.

## Übergaben ohne Zettel

Wichtige Hinweise zu Patientinnen und Patienten werden verschlüsselt in der Tour hinterlegt. So weiß auch eine Vertretung, dass Frau M. morgens erst ab acht Uhr öffnet.

## Mehr Ruhe im Alltag

„Die Zahl der Anrufe in der Freizeit ist deutlich gesunken“, sagt Pflegedienstleiter Marco Pietrzak. Für ihn ist das auch ein Argument, wenn es um neue Fachkräfte geht.
""",
        organisation="Pflegeteam Rosenhügel",
        author="Marco Pietrzak",
        email="m.pietrzak@example.org",
        municipality="oer-erkenschwick",
        topics=("gesundheit-pflege", "smart-demography"),
        website="https://example.org/pflegeteam-rosenhuegel",
        cover=Art("Dienstplan", 4, "raster"),
        gallery=(Art("Tourenplan", 1, "kreise"),),
        days_ago=170,
    ),
    DemoPost(
        slug="anprobieren-mit-dem-smartphone",
        title="Anprobieren mit dem Smartphone: Ein Modehaus in Datteln setzt auf Augmented Reality",
        teaser=(
            "Seidel & Töchter zeigt Brillen, Hüte und Schals per Augmented Reality direkt am "
            "eigenen Gesicht. Das hat in der Krise den Verkauf gerettet und bringt heute neue "
            "Kundschaft ins Geschäft."
        ),
        body="""\
Ein kleines Modehaus lebt von der persönlichen Beratung. Als die Tür geschlossen bleiben musste, suchten die Inhaberinnen von Seidel & Töchter nach einem Weg, Accessoires trotzdem anprobieren zu lassen.

## Die virtuelle Anprobe

Über die Website öffnet sich die Kamera des Smartphones, und Brillen, Hüte oder Schals erscheinen passend am eigenen Gesicht. Die Produktbilder dafür hat das Team selbst mit einem einfachen 3D-Scanner erstellt.

## Vom Bildschirm in den Laden

Überraschend war, was danach passierte: Viele Kundinnen und Kunden kamen mit einem Screenshot ins Geschäft, um ihr Lieblingsstück „in echt“ zu sehen. Die Beratung ist dadurch kürzer und gezielter geworden.

## Tipps aus der Praxis

- mit wenigen, gut verkauften Artikeln beginnen
- Fotos und 3D-Modelle in gleichem Licht aufnehmen
- die Anprobe ohne Registrierung möglich machen
""",
        organisation="Modehaus Seidel & Töchter",
        author="Clara Seidel",
        email="c.seidel@example.org",
        municipality="datteln",
        topics=("virtual-augmented-reality", "smart-economy"),
        website="https://example.org/seidel-toechter",
        cover=Art("Anprobe", 2, "kreise"),
        gallery=(Art("Schaufenster", 6, "streifen"), Art("Kamera", 8, "sechsecke")),
        days_ago=195,
    ),
    DemoPost(
        slug="lastenraeder-fuer-die-letzte-meile",
        title="Lastenräder für die letzte Meile: Die Emscherflitzer liefern emissionsfrei",
        teaser=(
            "Ein Kurierkollektiv aus Gelsenkirchen bündelt Lieferungen lokaler Geschäfte und "
            "bringt sie mit elektrischen Lastenrädern zur Kundschaft. Die Touren plant eine "
            "eigene Software."
        ),
        body="""\
Viele Geschäfte wollten in der Krise liefern, aber kaum eines konnte sich einen eigenen Fahrdienst leisten. Die Emscherflitzer haben daraus ein gemeinsames Angebot gemacht.

## Ein Lager, viele Läden

Teilnehmende Geschäfte melden ihre Bestellungen bis zum Mittag in einem gemeinsamen Portal an. Am Nachmittag holen die Kurierinnen und Kuriere alles ab, sortieren im kleinen Lager und starten die Touren.

## Software aus dem Kollektiv

Die Tourenplanung hat ein Mitglied des Kollektivs selbst programmiert. Sie berücksichtigt Gewicht, Steigungen und Ladezustand der Akkus. Die Strecke wird so geplant, dass kein Rad unterwegs nachladen muss.

## Zahlen aus dem ersten Jahr

- 26 teilnehmende Geschäfte
- über 14.000 Lieferungen
- rund 40.000 Kilometer ohne Auto

Das Kollektiv sucht weitere Geschäfte, die mitmachen wollen, und bildet neue Fahrerinnen und Fahrer aus.
""",
        organisation="Kurierkollektiv Emscherflitzer",
        author="Deniz Yıldırım",
        email="d.yildirim@example.org",
        municipality="gelsenkirchen",
        topics=("smart-mobility", "smart-energy"),
        website="https://example.org/emscherflitzer",
        cover=Art("Lastenrad", 4, "streifen"),
        gallery=(Art("Tourenplanung", 0, "wellen"), Art("Ladestation", 1, "dreiecke")),
        video="https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=30s",
        days_ago=221,
    ),
    DemoPost(
        slug="digitale-sprechstunde-kompassrose",
        title="Beratung ohne Wartezimmer: Der Beratungsverbund Kompassrose bietet Videosprechstunden an",
        teaser=(
            "Ein gemeinnütziger Beratungsverbund im Kreis Recklinghausen hat Termine, "
            "Unterlagen und Gespräche digitalisiert, ohne die Menschen zu vergessen, die lieber "
            "persönlich kommen."
        ),
        body="""\
Wer Sorgen mit Schulden, Mietrückständen oder Anträgen hat, braucht schnell ein Gespräch. Während der Krise war das kaum möglich, gleichzeitig wuchs der Bedarf.

## Termine online buchen

Der Beratungsverbund Kompassrose e. V. hat eine Online-Terminbuchung eingeführt. Ratsuchende wählen einen freien Termin und entscheiden selbst, ob sie per Video, am Telefon oder vor Ort sprechen möchten.

## Unterlagen sicher hochladen

Kontoauszüge und Bescheide können vorab über ein verschlüsseltes Postfach hochgeladen werden. So ist im ersten Gespräch schon alles da, was die Beraterinnen und Berater brauchen.

## Digital, aber nicht nur

„Wir haben keinen einzigen Präsenztermin gestrichen“, betont Koordinatorin Petra Nowak. Die digitalen Wege sind ein zusätzliches Angebot, vor allem für Berufstätige und Alleinerziehende, die tagsüber nicht in eine Beratungsstelle kommen können.
""",
        organisation="Beratungsverbund Kompassrose e. V.",
        author="Petra Nowak",
        email="p.nowak@example.org",
        municipality="kreis-recklinghausen",
        topics=("egovernment", "smart-demography"),
        website="https://example.org/kompassrose",
        cover=Art("Sprechstunde", 7, "ringe"),
        days_ago=248,
    ),
    DemoPost(
        slug="solarstrom-vom-vereinsdach",
        title="Solarstrom vom Vereinsdach: Eine Energiegenossenschaft an der Lippe wächst",
        teaser=(
            "Als die Energiepreise stiegen, wollten plötzlich viele mitmachen: Die "
            "Energiegenossenschaft Auenlicht baut Solaranlagen auf Sporthallen und "
            "Vereinsheimen und verwaltet alles digital."
        ),
        body="""\
Die Energiegenossenschaft Auenlicht eG gab es schon vor der Krise, aber sie war klein: zwei Anlagen, etwa sechzig Mitglieder. Mit den steigenden Strompreisen änderte sich das schlagartig.

## Mitglied werden in zehn Minuten

Der Beitritt war bisher ein Papierverfahren mit Unterschriften und Überweisungen. Heute werden Anteile online gezeichnet, die Mitgliederverwaltung läuft über ein digitales Portal.

## Jede Anlage im Blick

Alle Solaranlagen melden ihre Erträge in Echtzeit. Auf der Website sieht jedes Mitglied, wie viel Strom gerade auf welchem Dach erzeugt wird. Störungen fallen so sofort auf.

## Ausbau

Inzwischen gehören rund 450 Menschen zur Genossenschaft, und auf sieben Vereinsdächern wird Strom erzeugt. Vorstand Bernd Schulte-Vogelsang: „Die Vereine sparen Pacht ein, die Mitglieder bekommen eine Dividende, und die Energie bleibt in der Region.“
""",
        organisation="Energiegenossenschaft Auenlicht eG",
        author="Bernd Schulte-Vogelsang",
        email="b.schulte-vogelsang@example.org",
        municipality="haltern-am-see",
        topics=("smart-energy", "smart-building"),
        website="https://example.org/energiegenossenschaft-auenlicht",
        cover=Art("Solarstrom", 3, "sechsecke"),
        gallery=(Art("Dachanlage", 9, "streifen"),),
        days_ago=276,
    ),
    DemoPost(
        slug="chatbot-fuer-azubis-lehrlingshafen",
        title="Ein Chatbot für Azubis: Der Ausbildungsverbund Lehrlingshafen antwortet rund um die Uhr",
        teaser=(
            "Welche Unterlagen brauche ich? Wann ist Berufsschule? Ein KI-Assistent beantwortet "
            "die häufigsten Fragen von Auszubildenden und Bewerbenden, auch nachts und am "
            "Wochenende."
        ),
        body="""\
Der Ausbildungsverbund Lehrlingshafen begleitet Auszubildende aus rund dreißig kleinen Betrieben. In der Krise ging der persönliche Kontakt verloren, und die Ausbilderinnen und Ausbilder wurden mit Fragen überhäuft.

## Wissen an einem Ort

Zuerst hat das Team alle Informationen gesammelt: Ausbildungspläne, Fristen, Ansprechpersonen, Formulare. Daraus entstand eine Wissensbasis, auf die der Chatbot zugreift. Er antwortet nur aus diesen geprüften Inhalten.

## Wenn der Bot nicht weiterweiß

Bei persönlichen Anliegen oder Problemen im Betrieb verweist der Chatbot direkt an eine Ansprechperson. Gespräche werden nicht gespeichert, wenn die Nutzerin oder der Nutzer das nicht möchte.

## Erste Erfahrungen

Die meisten Fragen kommen abends zwischen 20 und 23 Uhr. „Genau dann, wenn bei uns niemand mehr im Büro ist“, sagt Ausbildungsleiterin Katharina Böhm. Der Verbund möchte den Assistenten nun auch für die Berufsorientierung an Schulen anbieten.
""",
        organisation="Ausbildungsverbund Lehrlingshafen",
        author="Katharina Böhm",
        email="k.boehm@example.org",
        municipality="gelsenkirchen",
        topics=("kuenstliche-intelligenz", "bildung"),
        website="https://example.org/lehrlingshafen",
        cover=Art("Chatbot", 0, "sechsecke"),
        gallery=(Art("Ausbildung", 5, "dreiecke"),),
        days_ago=305,
    ),
    DemoPost(
        slug="marktplatz-statt-marktstand-frischekorb",
        title="Marktplatz statt Marktstand: Wochenmarkt-Händlerinnen und -Händler gehen gemeinsam online",
        teaser=(
            "Die Händlergemeinschaft Frischekorb aus Castrop-Rauxel verkauft Obst, Käse und "
            "Blumen vom Wochenmarkt über einen gemeinsamen Online-Marktplatz mit Abholstation."
        ),
        body="""\
Wochenmärkte leben vom Gespräch über den Stand hinweg. Als weniger Menschen kamen, haben sich neun Händlerinnen und Händler zusammengetan, statt jeder für sich einen Online-Shop zu bauen.

## Ein Warenkorb für alle Stände

Auf dem gemeinsamen Marktplatz lassen sich Waren von allen Ständen in einen Warenkorb legen. Bezahlt wird einmal, die Gemeinschaft rechnet intern ab.

## Abholen ohne Warten

Die Bestellungen werden am Markttag in einer gekühlten Abholstation bereitgestellt. Ein Code auf dem Smartphone öffnet das passende Fach.

## Was die Händlerinnen und Händler gelernt haben

- Gute Produktfotos verkaufen besser als lange Texte.
- Feste Bestellschlüsse machen die Planung einfacher.
- Die Stammkundschaft nutzt beides: Online-Bestellung und Marktbummel.

Die Gemeinschaft will im nächsten Schritt auch Lieferungen für Menschen anbieten, die nicht mehr selbst zum Markt kommen können.
""",
        organisation="Händlergemeinschaft Frischekorb",
        author="Anna Lewandowski",
        email="a.lewandowski@example.org",
        municipality="castrop-rauxel",
        topics=("smart-economy",),
        website="https://example.org/frischekorb",
        cover=Art("Marktplatz", 1, "kreise"),
        gallery=(Art("Abholstation", 4, "raster"), Art("Wochenmarkt", 3, "dreiecke")),
        days_ago=333,
    ),
    DemoPost(
        slug="therapie-mit-bildschirm-bewegungsraum",
        title="Therapie mit Bildschirm: Die Physiopraxis Bewegungsraum Kühn setzt auf Video-Übungen",
        teaser=(
            "Eine Physiotherapiepraxis aus Bottrop hat Übungsvideos und eine App für das "
            "Training zu Hause entwickelt. Die Therapie vor Ort ergänzen sie bis heute."
        ),
        body="""\
Physiotherapie braucht Übung, und zwar nicht nur in der Praxis. Als Termine ausfallen mussten, hat das Team des Bewegungsraums Kühn die Übungen zu den Patientinnen und Patienten nach Hause gebracht.

## Übungsvideos statt Zettel

Früher gab es nach der Behandlung ein Blatt mit Strichmännchen. Heute bekommen Patientinnen und Patienten einen persönlichen Trainingsplan mit kurzen Videos, die das Team selbst in der Praxis gedreht hat.

## Rückmeldung per App

Nach jeder Übung lässt sich in der App angeben, wie anstrengend sie war und ob Schmerzen aufgetreten sind. Die Therapeutinnen und Therapeuten sehen das vor dem nächsten Termin und passen den Plan an.

## Fazit

„Wer regelmäßig zu Hause übt, kommt schneller wieder auf die Beine“, sagt Praxisinhaber Felix Kühn. Die Video-Übungen sind fester Bestandteil der Behandlung geblieben.
""",
        organisation="Physiopraxis Bewegungsraum Kühn",
        author="Felix Kühn",
        email="f.kuehn@example.org",
        municipality="bottrop",
        topics=("gesundheit-pflege", "virtual-augmented-reality"),
        website="https://example.org/bewegungsraum-kuehn",
        cover=Art("Bewegung", 8, "wellen"),
        gallery=(Art("Übungsplan", 9, "kreise"),),
        video="https://www.youtube.com/watch?v=eRsGyueVLvQ",
        days_ago=362,
    ),
    DemoPost(
        slug="digitalpaten-jung-hilft-alt",
        title="Digitalpaten: Junge Menschen helfen Älteren in der ganzen Region beim Schritt ins Netz",
        teaser=(
            "Ein Verein bringt Schülerinnen, Studierende und Seniorinnen zusammen: In "
            "Sprechstunden und zu Hause zeigen die Digitalpaten, wie Videoanruf, Online-Banking "
            "und Terminbuchung funktionieren."
        ),
        body="""\
Plötzlich ging vieles nur noch online: Arzttermine, Einkäufe, der Kontakt zur Familie. Wer nie mit Smartphone oder Computer gearbeitet hatte, war schnell abgehängt. Daraus entstand die Idee der Digitalpaten.

## Wie eine Patenschaft funktioniert

Eine junge Patin oder ein junger Pate besucht eine ältere Person mehrmals, zu Hause oder in einem Treffpunkt. Gemeinsam wird geübt, was gerade gebraucht wird, ohne Zeitdruck und ohne Fachbegriffe.

## Die häufigsten Wünsche

1. Videoanrufe mit der Familie
2. Termine online buchen
3. sicher im Internet einkaufen und bezahlen
4. Fotos verschicken und ansehen

## Beide Seiten lernen

Die Patinnen und Paten erhalten eine kurze Schulung, etwa zum Thema Betrugsmaschen. „Viele erzählen uns, dass sie selbst vorsichtiger im Netz geworden sind“, sagt Vereinsgründer Tobias Reinholz. Der Verein ist inzwischen in mehreren Städten der Region aktiv.
""",
        organisation="Klickfreunde Emscher-Lippe e. V.",
        author="Tobias Reinholz",
        email="t.reinholz@example.org",
        municipality="region-emscher-lippe",
        topics=("smart-demography", "bildung"),
        website="https://example.org/klickfreunde",
        cover=Art("Digitalpaten", 9, "ringe"),
        gallery=(Art("Sprechstunde", 2, "wellen"), Art("Übungsrunde", 7, "kreise")),
        days_ago=401,
    ),
    DemoPost(
        slug="sensoren-gegen-schimmel-kastanienwinkel",
        title="Sensoren gegen Schimmel: Wie eine Wohnungsgenossenschaft das Raumklima verbessert",
        teaser=(
            "Mehr Zeit zu Hause, mehr Feuchtigkeit in der Wohnung: Die Wohnungsgenossenschaft "
            "Kastanienwinkel warnt ihre Mieterinnen und Mieter heute per Funksensor, bevor sich "
            "Schimmel bildet."
        ),
        body="""\
Homeoffice, Homeschooling, Wäsche trocknen in der Wohnung: In der Krise stieg die Luftfeuchtigkeit in vielen Wohnungen deutlich an. Bei der Wohnungsgenossenschaft Kastanienwinkel häuften sich die Schimmelmeldungen.

## Kleine Sensoren, große Wirkung

In 120 Wohnungen hängen jetzt kleine Funksensoren, die Temperatur und Luftfeuchtigkeit messen. Steigt die Feuchtigkeit zu lange an, leuchtet eine Lampe am Gerät, und auf Wunsch kommt ein Hinweis aufs Smartphone.

## Lernende Auswertung

Ein Algorithmus erkennt Muster, etwa ob eine Wohnung regelmäßig nach dem Duschen zu feucht bleibt oder ob eine Wand dauerhaft kalt ist. Im zweiten Fall schickt die Genossenschaft eine Fachkraft vorbei.

## Mitbestimmung

Die Daten gehören den Mieterinnen und Mietern: Die Genossenschaft sieht nur Warnungen, keine Verläufe. Teilnehmen ist freiwillig. „Wir wollen helfen, nicht kontrollieren“, sagt Technikvorstand Olaf Czerwinski.
""",
        organisation="Wohnungsgenossenschaft Kastanienwinkel eG",
        author="Olaf Czerwinski",
        email="o.czerwinski@example.org",
        municipality="gelsenkirchen",
        topics=("smart-building", "kuenstliche-intelligenz"),
        website="https://example.org/kastanienwinkel",
        cover=Art("Raumklima", 4, "ringe"),
        gallery=(Art("Funksensor", 6, "raster"),),
        days_ago=448,
    ),
    DemoPost(
        slug="hybride-veranstaltungen-lumenhaus",
        title="Bühne und Bildschirm: Eventtechnik Lumenhaus macht Veranstaltungen hybrid",
        teaser=(
            "Als Konzerte und Tagungen ausfielen, hat ein Veranstaltungstechniker aus "
            "Recklinghausen ein Streaming-Studio eingerichtet. Heute sind hybride Formate sein "
            "wichtigstes Geschäft."
        ),
        body="""\
Von einem Tag auf den anderen waren die Auftragsbücher von Eventtechnik Lumenhaus leer. Licht, Ton und Bühnen wurden nicht mehr gebraucht, Kameras und Streaming dagegen schon.

## Vom Lager zum Studio

Inhaber Malte Grunewald hat einen Teil der Lagerhalle zu einem Studio umgebaut: drei Kameras, eine virtuelle Kulisse und eine Regie, die Vorträge, Diskussionsrunden und Konzerte ins Netz überträgt.

## Virtuelle Räume

Besonders gefragt sind virtuelle Messestände. Besucherinnen und Besucher bewegen sich mit einem Avatar durch den Raum und kommen an den Ständen per Video ins Gespräch.

## Was bleibt

Heute finden wieder Veranstaltungen vor Ort statt, aber fast jede zweite wird zusätzlich übertragen. „Die Leute wollen sich wieder treffen, aber niemand will mehr auf das Publikum im Netz verzichten“, sagt Grunewald.
""",
        organisation="Eventtechnik Lumenhaus",
        author="Malte Grunewald",
        email="m.grunewald@example.org",
        municipality="recklinghausen",
        topics=("smart-economy", "virtual-augmented-reality"),
        website="https://example.org/lumenhaus",
        cover=Art("Hybrid", 6, "dreiecke"),
        gallery=(Art("Studio", 5, "kreise"),),
        days_ago=520,
    ),
    # The moderation queue: confirmed (waiting for the Redaktion) and one unconfirmed.
    DemoPost(
        slug="werkstatttermin-online-buchen-hollweg",
        title="Werkstatttermin per Klick: Ein Kfz-Meisterbetrieb aus Datteln plant digital",
        teaser=(
            "Die Kfz-Werkstatt Hollweg hat Terminbuchung, Fahrzeugannahme und Abholung "
            "digitalisiert. Kundinnen und Kunden sehen jederzeit, wie weit die Reparatur ist."
        ),
        body="""\
Kontaktlose Fahrzeugannahme war in der Krise der Anfang. Daraus ist bei der Kfz-Werkstatt Hollweg ein durchgehend digitaler Ablauf geworden.

## Termin, Schlüssel, Status

Termine werden online gebucht, der Schlüssel landet in einem Schlüsseltresor mit Code. Während der Reparatur bekommen Kundinnen und Kunden Statusmeldungen mit Fotos aufs Smartphone.

## Transparenz schafft Vertrauen

Werden zusätzliche Arbeiten nötig, schickt die Werkstatt ein Foto und einen Kostenvoranschlag. Freigegeben wird mit einem Klick.

## Ausblick

Als Nächstes sollen Leihräder für die Wartezeit dazukommen.
""",
        organisation="Kfz-Werkstatt Hollweg",
        author="Stefan Hollweg",
        email="s.hollweg@example.org",
        municipality="datteln",
        topics=("smart-economy", "smart-mobility"),
        website="https://example.org/kfz-hollweg",
        cover=Art("Werkstatt", 5, "streifen"),
        days_ago=2,
        status=S.CONFIRMED,
    ),
    DemoPost(
        slug="schulhof-wetterstation-lernwelt-nord",
        title="Die Wetterstation auf dem Schulhof: Kinder messen das Stadtklima",
        teaser=(
            "Ein Förderverein aus Marl hat mit Schülerinnen und Schülern eine vernetzte "
            "Wetterstation gebaut. Die Messdaten fließen in den Unterricht und sind online für "
            "alle sichtbar."
        ),
        body="""\
Als der Unterricht wieder begann, suchte der Förderverein Lernwelt Nord ein Projekt, das draußen stattfinden kann und trotzdem digital ist.

## Selbst gebaut

Die Wetterstation besteht aus einem kleinen Einplatinencomputer, Sensoren für Temperatur, Feuchtigkeit und Feinstaub und einem Solarmodul. Gelötet und programmiert haben die Kinder selbst.

## Daten für den Unterricht

- Im Mathematikunterricht werden Diagramme erstellt.
- In Sachkunde wird verglichen, wie warm es auf Asphalt und auf Rasen wird.
- Eine Gruppe schreibt jede Woche einen kurzen Wetterbericht.

## Nachmachen erwünscht

Die Bauanleitung stellt der Förderverein anderen Schulen kostenlos zur Verfügung.
""",
        organisation="Förderverein Lernwelt Nord e. V.",
        author="Jana Kowalczyk",
        email="j.kowalczyk@example.org",
        municipality="marl",
        topics=("bildung", "smart-energy"),
        website="https://example.org/lernwelt-nord",
        cover=Art("Wetterstation", 7, "wellen"),
        gallery=(Art("Messwerte", 1, "raster"),),
        days_ago=1,
        status=S.CONFIRMED,
    ),
    DemoPost(
        slug="hofladen-mit-automat-luetkemeyer",
        title="Der Hofladen, der nie schließt: Ein Bauernhof in Dorsten verkauft per Automat",
        teaser=(
            "Hof Lütkemeyer hat einen Verkaufsautomaten mit Kartenzahlung aufgestellt. "
            "Eier, Kartoffeln und Milch gibt es jetzt rund um die Uhr."
        ),
        body="""\
Der Hofladen von Hof Lütkemeyer hatte nur an drei Vormittagen geöffnet. In der Krise kamen plötzlich viel mehr Menschen, aber zu ganz unterschiedlichen Zeiten.

## Rund um die Uhr

Ein gekühlter Verkaufsautomat mit Kartenzahlung steht nun an der Hofeinfahrt. Der Füllstand wird per Mobilfunk gemeldet, damit rechtzeitig nachgefüllt wird.

## Erfahrungen

Am meisten wird abends nach Feierabend gekauft. Der Hofladen selbst hat weiter geöffnet, für Beratung und Spezialitäten.
""",
        organisation="Hof Lütkemeyer",
        author="Hendrik Lütkemeyer",
        email="h.luetkemeyer@example.org",
        municipality="dorsten",
        topics=("smart-economy",),
        website="https://example.org/hof-luetkemeyer",
        cover=Art("Hofladen", 1, "sechsecke"),
        status=S.SUBMITTED,
    ),
]


# Pictures ---------------------------------------------------------------------------------------


def _font(size: int):
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        path = FONT_DIR / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _fitting_font(draw: ImageDraw.ImageDraw, word: str, max_width: int, size: int):
    while size > 24:
        font = _font(size)
        left, _, right, _ = draw.textbbox((0, 0), word, font=font)
        if right - left <= max_width:
            return font
        size -= 12
    return _font(size)


def _gradient(size: tuple[int, int], start, end, direction: int) -> Image.Image:
    width, height = size
    if direction == 2:
        mask = Image.radial_gradient("L").resize(size)
    else:
        mask = Image.linear_gradient("L")
        if direction == 1:
            mask = mask.rotate(90)
        mask = mask.resize(size)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _motif(draw: ImageDraw.ImageDraw, motif: str, size: tuple[int, int], rng) -> None:
    width, height = size

    def white(low=30, high=80):
        return (255, 255, 255, rng.randint(low, high))

    if motif == "kreise":
        for _ in range(14):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(40, 260)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=white())
    elif motif == "ringe":
        x, y = rng.randint(width // 5, width * 4 // 5), rng.randint(height // 5, height * 4 // 5)
        for r in range(60, max(width, height), 70):
            draw.ellipse((x - r, y - r, x + r, y + r), outline=white(40, 90), width=14)
    elif motif == "streifen":
        step = rng.randint(90, 140)
        for x in range(-height, width + height, step):
            draw.polygon(
                [
                    (x, 0),
                    (x + step // 2, 0),
                    (x + step // 2 + height, height),
                    (x + height, height),
                ],
                fill=white(20, 50),
            )
    elif motif == "dreiecke":
        for _ in range(12):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(50, 220)
            draw.regular_polygon((x, y, r), 3, rotation=rng.randint(0, 119), fill=white())
    elif motif == "raster":
        cell = max(40, width // 24)
        for x in range(cell // 2, width, cell):
            for y in range(cell // 2, height, cell):
                if rng.random() < 0.45:
                    side = rng.randint(cell // 5, cell // 2)
                    draw.rectangle((x - side, y - side, x + side, y + side), fill=white(20, 70))
    elif motif == "sechsecke":
        for _ in range(16):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(40, 180)
            draw.regular_polygon((x, y, r), 6, fill=white())
    elif motif == "wellen":
        for line in range(9):
            base = height * (line + 1) / 10
            amplitude, phase = rng.randint(20, 90), rng.random() * math.tau
            points = [
                (x, base + amplitude * math.sin(x / width * math.tau * 1.5 + phase))
                for x in range(0, width + 20, 20)
            ]
            draw.line(points, fill=white(40, 100), width=rng.randint(4, 12), joint="curve")


def draw_picture(art: Art, size: tuple[int, int]) -> bytes:
    """The picture as JPEG bytes: deterministic for the same ``art`` and ``size``."""
    rng = random.Random(f"{art.word}/{art.palette}/{art.motif}/{size}")
    (_, start), (_, end) = PALETTES[art.palette]
    image = _gradient(size, start, end, direction=rng.randrange(3)).convert("RGBA")
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    _motif(ImageDraw.Draw(overlay), art.motif, size, rng)
    image = Image.alpha_composite(image, overlay)

    draw = ImageDraw.Draw(image)
    width, height = size
    font = _fitting_font(draw, art.word, int(width * 0.82), size=height // 4)
    centre = (width // 2, height // 2)
    draw.text((centre[0] + 6, centre[1] + 6), art.word, font=font, anchor="mm", fill=(0, 0, 0, 90))
    draw.text(centre, art.word, font=font, anchor="mm", fill=(255, 255, 255, 255))

    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _private_file(art: Art, size: tuple[int, int]):
    """Drawn, verified like an upload, and prepared for the private store like a submission."""
    upload = SimpleUploadedFile("demo.jpg", draw_picture(art, size), content_type="image/jpeg")
    return services._store_private(verify_image(upload))


# Posts ------------------------------------------------------------------------------------------


def _log(post: Post, content_type, steps) -> None:
    ModerationLog.objects.bulk_create(
        ModerationLog(
            content_type=content_type,
            object_id=str(post.pk),
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            note=note,
            at=at,
        )
        for from_state, to_state, at, actor, note in steps
    )


def _create(demo: DemoPost, municipalities, topics, editor, now) -> Post:
    if demo.status == S.PUBLISHED:
        # Mornings to early afternoons, a few days ago up to about a year and a half ago.
        day = timezone.localtime(now).replace(hour=7, minute=30, second=0, microsecond=0)
        published_at = day - timedelta(days=demo.days_ago) + timedelta(hours=demo.days_ago % 8)
        created_at = published_at - timedelta(days=2, hours=3)
    else:
        published_at = None
        created_at = now - timedelta(days=demo.days_ago, hours=5)
    confirmed_at = None if demo.status == S.SUBMITTED else created_at + timedelta(minutes=25)
    post = Post(
        slug=demo.slug,
        title=demo.title,
        teaser=demo.teaser,
        body=demo.body,
        organisation_name=demo.organisation,
        municipality=municipalities[demo.municipality],
        website=demo.website,
        video_url=demo.video,
        cover_alt=demo.cover.alt,
        author_name=demo.author,
        author_email=demo.email,
        consent_at=created_at,
        status=demo.status,
        created_at=created_at,
        confirmed_at=confirmed_at,
        published_at=published_at,
    )
    cover = _private_file(demo.cover, COVER_SIZE)
    post.cover_original.save(cover.name, cover, save=False)
    post.save()
    post.topics.set([topics[slug] for slug in demo.topics])
    for position, art in enumerate(demo.gallery):
        image = PostImage(post=post, position=position, alt_text=art.alt)
        content = _private_file(art, GALLERY_SIZE)
        image.original.save(content.name, content, save=False)
        image.save()

    steps = [("", S.SUBMITTED, created_at, None, "Einreichung")]
    if confirmed_at:
        steps.append((S.SUBMITTED, S.CONFIRMED, confirmed_at, None, "E-Mail-Adresse bestätigt"))
    if published_at:
        steps.append((S.CONFIRMED, S.PUBLISHED, published_at, editor, ""))
    _log(post, ContentType.objects.get_for_model(Post), steps)

    if demo.status == S.PUBLISHED:
        services.render_images(post)
    return post


def seed(stdout) -> None:
    existing = set(
        Post.objects.filter(slug__in=[demo.slug for demo in POSTS]).values_list("slug", flat=True)
    )
    missing = [demo for demo in POSTS if demo.slug not in existing]
    if missing:
        municipalities = {m.slug: m for m in Municipality.objects.all()}
        topics = {t.slug: t for t in Topic.objects.all()}
        editor = get_user_model().objects.filter(email=EDITOR_EMAIL).first()
        now = timezone.now()

        for demo in missing:
            _create(demo, municipalities, topics, editor, now)

    slugs = [demo.slug for demo in POSTS]
    counts = {
        status: Post.objects.filter(slug__in=slugs, status=status).count()
        for status in (S.PUBLISHED, S.CONFIRMED, S.SUBMITTED)
    }
    stdout.write(
        f"  blog: {counts[S.PUBLISHED]} published posts, {counts[S.CONFIRMED]} waiting, "
        f"{counts[S.SUBMITTED]} unconfirmed ({len(missing)} new)"
    )
