from django.db import migrations

MUNICIPALITIES = [
    ("Gelsenkirchen", "gelsenkirchen"),
    ("Bottrop", "bottrop"),
    ("Castrop-Rauxel", "castrop-rauxel"),
    ("Datteln", "datteln"),
    ("Dorsten", "dorsten"),
    ("Gladbeck", "gladbeck"),
    ("Haltern am See", "haltern-am-see"),
    ("Herten", "herten"),
    ("Marl", "marl"),
    ("Oer-Erkenschwick", "oer-erkenschwick"),
    ("Recklinghausen", "recklinghausen"),
    ("Waltrop", "waltrop"),
    ("Kreis Recklinghausen", "kreis-recklinghausen"),
    ("Region Emscher-Lippe", "region-emscher-lippe"),
]

TOPICS = [
    ("Smart Economy", "smart-economy"),
    ("eGovernment", "egovernment"),
    ("Smart Mobility", "smart-mobility"),
    ("Smart Energy", "smart-energy"),
    ("Smart Building", "smart-building"),
    ("Künstliche Intelligenz", "kuenstliche-intelligenz"),
    ("Virtual & Augmented Reality", "virtual-augmented-reality"),
    ("Smart Demography", "smart-demography"),
    ("Bildung", "bildung"),
    ("Gesundheit & Pflege", "gesundheit-pflege"),
]

PAGES = [
    (
        "ueber-uns",
        "Über uns",
        "SMART REGION Emscher-Lippe ist die gemeinsame Marke, unter der Unternehmen, Hochschulen "
        "und Kommunen der Emscher-Lippe-Region ihre digitale Arbeit zeigen.",
        """## Das Netzwerk

Unter der Marke SMART REGION Emscher-Lippe präsentieren Unternehmen, Hochschulen und Kommunen
aus Gelsenkirchen, Bottrop und dem Kreis Recklinghausen mit seinen zehn Städten ihre digitalen
Projekte. Gelsenkirchen ist Leitkommune.

Das Netzwerk ist aus dem Förderaufruf „UMBAU 21 – Smart Region“ des Landes Nordrhein-Westfalen
hervorgegangen (gestartet im November 2016): 12 Projekte mit mehr als 20 Partnern wurden
gefördert. Eines davon, „Smart Networks“ der WiN Emscher-Lippe GmbH, hat die digitalen
Akteurinnen und Akteure der Region sichtbar gemacht und miteinander verbunden; daraus ist die
Marke entstanden.

## Wer dahintersteht

Das Netzwerk wird von der WiN Emscher-Lippe GmbH in Herten betreut, der regionalen
Wirtschaftsförderung. Seit September 2022 finanzieren Bottrop, Gelsenkirchen und der
Kreis Recklinghausen das Netzwerk direkt.

## Mitmachen

Mitglieder heißen „Parts of SMART REGION“ und dürfen das Siegel „Part of SMART REGION
Emscher-Lippe“ tragen. Botschafterinnen und Botschafter werben für die Digitalisierung in der
Region. Wir informieren über die Website, einen regionalen Newsletter und Veranstaltungen wie
Netzwerkabende und Digi-Meetups.

Die Region: rund eine Million Menschen auf etwa 966 km².
""",
    ),
    (
        "impressum",
        "Impressum",
        "Angaben gemäß § 5 DDG.",
        """## Anbieter

WiN Emscher-Lippe GmbH
Herten

Die vollständige Anschrift, die Vertretungsberechtigten und die Registerangaben pflegt die
Redaktion in der Verwaltung dieser Seite.

## Kontakt

E-Mail: redaktion@smartregion-emscher-lippe.de

## Verantwortlich für den Inhalt

Die Redaktion der SMART REGION Emscher-Lippe bei der WiN Emscher-Lippe GmbH.

## Beiträge Dritter

Beiträge im Blog „Ideenreich durch die Krise“ stammen von Unternehmen, Kommunen und
Einrichtungen der Region. Die Redaktion prüft jeden Beitrag vor der Veröffentlichung.
""",
    ),
    (
        "datenschutz",
        "Datenschutz",
        "Wie wir mit Ihren Daten umgehen: so wenig wie möglich, nur für den genannten Zweck.",
        """## Grundsatz

Diese Website setzt beim Lesen keine Cookies und lädt nichts von fremden Servern: Schriften,
Grafiken und Skripte kommen von uns. Es gibt kein Tracking und keine Reichweitenmessung durch
Dritte.

## Cookies

Ein technisch notwendiges Cookie wird nur gesetzt, wenn Sie ein Formular aufrufen (Schutz vor
gefälschten Anfragen) oder sich anmelden (Sitzung). Beide dienen allein der Sicherheit und
dem Betrieb der Seite (§ 25 Abs. 2 TDDDG).

## Konto

Für ein Konto speichern wir Ihre E-Mail-Adresse und ein verschlüsseltes Passwort. Ihre Adresse
bestätigen Sie über einen Link. Sie können Ihr Konto jederzeit löschen lassen.

## Server-Protokolle

Der Server protokolliert Aufrufe kurzzeitig zur Fehlersuche und zur Abwehr von Angriffen.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung,
Datenübertragbarkeit und Widerspruch sowie das Recht, sich bei einer Aufsichtsbehörde zu
beschweren. Schreiben Sie uns an redaktion@smartregion-emscher-lippe.de.
""",
    ),
    (
        "barrierefreiheit",
        "Erklärung zur Barrierefreiheit",
        "Diese Website soll für alle Menschen nutzbar sein.",
        """## Stand der Vereinbarkeit

Diese Website soll die Anforderungen der BITV 2.0 und der WCAG 2.1 auf Stufe AA erfüllen.
Jede Seite wird bei jeder Änderung automatisch mit axe-core auf Barrieren geprüft.

## Was wir dafür tun

- Die Seite lässt sich vollständig mit der Tastatur bedienen, der Fokus ist immer sichtbar.
- Ein Link „Zum Inhalt springen“ führt an den Navigationselementen vorbei.
- Bilder haben Alternativtexte; Videos laden erst nach Ihrer Zustimmung.
- Farben haben ausreichenden Kontrast; Texte lassen sich auf 200 % vergrößern.

## Barriere melden

Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns an
redaktion@smartregion-emscher-lippe.de. Wir antworten innerhalb von zwei Wochen.

## Schlichtungsverfahren

Wenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die Schlichtungsstelle
nach dem Behindertengleichstellungsgesetz wenden.
""",
    ),
]


def seed(apps, schema_editor):
    Municipality = apps.get_model("smartregion", "Municipality")
    Topic = apps.get_model("smartregion", "Topic")
    Page = apps.get_model("smartregion", "Page")
    for position, (name, slug) in enumerate(MUNICIPALITIES):
        Municipality.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (name, slug) in enumerate(TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
    for slug, title, intro, body in PAGES:
        Page.objects.get_or_create(slug=slug, defaults={"title": title, "intro": intro, "body": body})


def unseed(apps, schema_editor):
    apps.get_model("smartregion", "Municipality").objects.filter(slug__in=[s for _, s in MUNICIPALITIES]).delete()
    apps.get_model("smartregion", "Topic").objects.filter(slug__in=[s for _, s in TOPICS]).delete()
    apps.get_model("smartregion", "Page").objects.filter(slug__in=[p[0] for p in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("smartregion", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
