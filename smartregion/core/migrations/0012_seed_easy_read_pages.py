"""The first pages in Leichte Sprache. The Redaktion edits them in the admin afterwards.

Written after the rules of the Netzwerk Leichte Sprache: short sentences, one statement per
sentence, one sentence per line, hard words explained where they appear, no abbreviations, no
Genitive, no Konjunktiv, active voice, long words split with a hyphen, numbers as digits.
tests/core/test_easy_read.py checks that no sentence has more than 15 words.
"""

from django.db import migrations

from smartregion.core.permissions import grant_to_editors, model_codenames

PAGES = [
    (
        "was-ist-smart-region",
        "Was ist SMART REGION Emscher-Lippe?",
        "Hier steht: Wer sind wir? Und was machen wir?",
        """## Die Region

Emscher-Lippe ist eine Region in Nordrhein-Westfalen.
Region bedeutet: Ein Gebiet mit mehreren Städten.
Die Stadt Gelsenkirchen gehört zu der Region.
Die Stadt Bottrop gehört auch dazu.
Und der Kreis Recklinghausen gehört dazu.
Kreis bedeutet: Mehrere Städte arbeiten zusammen.
Im Kreis Recklinghausen sind 10 Städte.
In der Region leben ungefähr 1 Million Menschen.

## Das Netzwerk

SMART REGION Emscher-Lippe ist ein Netzwerk.
Netzwerk bedeutet: Viele Menschen und Gruppen arbeiten zusammen.
In dem Netzwerk sind Firmen, Städte und Hoch-Schulen.
Hoch-Schule bedeutet: Dort lernen Erwachsene nach der Schule.
Alle im Netzwerk arbeiten an der Digitalisierung.
Digitalisierung bedeutet: Computer und Internet helfen bei vielen Aufgaben.
Ein Beispiel: Sie beantragen einen Ausweis im Internet.
Noch ein Beispiel: Ein Bildschirm an der Halte-Stelle zeigt: Wann kommt der Bus?

## Diese Internet-Seite

Das ist die Internet-Seite von dem Netzwerk.
Hier zeigen die Mitglieder ihre Arbeit.
Mitglieder sind die Firmen und Gruppen in dem Netzwerk.
Hier lesen Sie Neuigkeiten aus der Region.
Hier finden Sie Veranstaltungen.
Veranstaltung bedeutet: Ein Treffen mit Vorträgen und Gesprächen.
Sie können auch selbst mitmachen.
Auf den anderen Seiten in Leichter Sprache steht: So machen Sie mit.

## Wer macht diese Internet-Seite?

Die Firma WiN Emscher-Lippe macht diese Internet-Seite.
Die Firma ist in der Stadt Herten.
Sie hilft den Firmen in der Region.
Das Geld für das Netzwerk kommt von 3 Stellen:

- von der Stadt Gelsenkirchen
- von der Stadt Bottrop
- von dem Kreis Recklinghausen
""",
    ),
    (
        "so-finden-sie-sich-zurecht",
        "So finden Sie sich auf der Internet-Seite zurecht",
        "Hier steht: Wo finden Sie was auf dieser Internet-Seite?",
        """## Oben auf jeder Seite

Oben auf jeder Seite ist ein blauer Streifen.
Links im Streifen steht der Name: SMART REGION Emscher-Lippe.
Klicken Sie auf den Namen.
Dann kommen Sie zur Start-Seite.
Die Start-Seite ist die erste Seite von der Internet-Seite.

## Das Menü

In dem blauen Streifen ist auch das Menü.
Menü bedeutet: Eine Liste mit Links.
Link bedeutet: Ein Wort zum Anklicken.
Sie klicken auf den Link.
Dann öffnet sich eine andere Seite.
Im Menü stehen diese Links:

- Start: Das ist die Start-Seite.
- Blog: Hier stehen Berichte aus der Region.
- Veranstaltungen: Hier stehen Termine für Treffen.
- Mitglieder: Hier stehen alle Firmen und Gruppen aus dem Netzwerk.
- Newsletter: Hier bestellen Sie unsere E-Mail mit Neuigkeiten.
- Über uns: Hier steht mehr über das Netzwerk.

## Die Suche

Sie suchen etwas?
Dann benutzen Sie das Such-Feld.
Das Such-Feld ist oben in dem blauen Streifen.
Schreiben Sie ein Wort in das Such-Feld.
Klicken Sie dann auf den Knopf „Finden“.
Dann sehen Sie alle Seiten mit diesem Wort.

## Leichte Sprache und Gebärdensprache

Oben in dem blauen Streifen stehen auch diese 2 Links:

- Leichte Sprache: Hier kommen Sie zu den Seiten in Leichter Sprache.
- Gebärdensprache: Hier kommen Sie zu den Videos in Gebärdensprache.

Gebärdensprache ist eine Sprache mit den Händen.
Viele gehörlose Menschen sprechen Gebärdensprache.
Gehörlos bedeutet: Ein Mensch kann nicht hören.

## Unten auf jeder Seite

Unten auf jeder Seite ist ein grauer Bereich.
Dort stehen wichtige Links:

- Impressum: Hier steht: Wer macht diese Internet-Seite?
- Datenschutz: Hier steht: Was machen wir mit Ihren Daten?
- Barrierefreiheit: Hier steht: Wie gut können alle Menschen diese Seite benutzen?

Daten sind zum Beispiel Ihr Name und Ihre E-Mail-Adresse.

## Ohne Maus

Sie können diese Internet-Seite auch ohne Maus benutzen.
Drücken Sie auf der Tastatur die Tab-Taste.
Dann springen Sie zum nächsten Link.
Drücken Sie dann die Enter-Taste.
Dann öffnet sich der Link.
Sie können die Schrift auch größer machen.
Drücken Sie dafür 2 Tasten zusammen: die Taste Steuerung und die Taste Plus.
Auf der Taste Steuerung steht: Strg.
""",
    ),
    (
        "bericht-schicken",
        "Einen Bericht für den Blog schicken",
        "Hier steht: So schicken Sie uns einen Bericht.",
        """## Was ist der Blog?

Blog bedeutet: Eine Sammlung von Berichten im Internet.
In unserem Blog stehen Berichte aus der Region.
Firmen und Gruppen erzählen dort von ihrer Arbeit.
Sie können auch einen Bericht schicken.
Sie brauchen dafür kein Konto.
Konto bedeutet: Sie melden sich mit E-Mail-Adresse und Passwort an.

## So schicken Sie einen Bericht

1. Klicken Sie oben im Menü auf „Blog“.
2. Klicken Sie auf den Knopf „Beitrag einreichen“.
3. Dann sehen Sie ein Formular.
   Formular bedeutet: Eine Seite mit Feldern zum Ausfüllen.
4. Schreiben Sie Ihren Bericht in das Formular.
   Sie brauchen auch ein Foto zu Ihrem Bericht.
5. Schreiben Sie Ihren Namen und Ihre E-Mail-Adresse dazu.
6. Setzen Sie einen Haken in das Kästchen unten.
   So sagen Sie: Wir dürfen Ihre Angaben für den Bericht benutzen.
7. Klicken Sie auf den Knopf „Beitrag einreichen“.

## Danach

Sie bekommen eine E-Mail von uns.
In der E-Mail ist ein Link.
Klicken Sie auf den Link.
So zeigen Sie uns: Die E-Mail-Adresse gehört wirklich Ihnen.
Dann liest die Redaktion Ihren Bericht.
Redaktion bedeutet: Diese Menschen kümmern sich um die Internet-Seite.
Ist alles gut?
Dann zeigt die Redaktion Ihren Bericht im Blog.
Sie bekommen dann wieder eine E-Mail.
""",
    ),
    (
        "mitglied-werden",
        "Mitglied werden und das Siegel bekommen",
        "Hier steht: So wird Ihre Firma Mitglied im Netzwerk.",
        """## Wer kann Mitglied werden?

Firmen und Gruppen aus der Region können Mitglied werden.
Sie arbeiten an der Digitalisierung.
Digitalisierung bedeutet: Computer und Internet helfen bei vielen Aufgaben.
Und sie teilen ihr Wissen mit dem Netzwerk.

## Das Siegel

Jedes Mitglied bekommt ein Siegel.
Siegel bedeutet: Ein Zeichen für Mitglieder.
Auf dem Siegel steht: Part of SMART REGION Emscher-Lippe.
Das ist Englisch.
Auf Deutsch heißt das: Teil von SMART REGION Emscher-Lippe.
Die Mitglieder zeigen das Siegel zum Beispiel auf ihrer Internet-Seite.

## So werden Sie Mitglied

1. Klicken Sie oben im Menü auf „Mitglieder“.
2. Klicken Sie auf den Knopf „Mitglied werden“.
3. Legen Sie ein Konto an.
   Konto bedeutet: Sie melden sich mit E-Mail-Adresse und Passwort an.
   Sie haben schon ein Konto?
   Dann melden Sie sich an.
4. Füllen Sie den Antrag aus.
   Antrag bedeutet: Sie schreiben auf, was Sie wollen.
5. Schicken Sie den Antrag ab.

## Danach

Die Redaktion liest Ihren Antrag.
Redaktion bedeutet: Diese Menschen kümmern sich um die Internet-Seite.
Die Redaktion schreibt Ihnen eine E-Mail.
Sind Sie Mitglied?
Dann finden Sie Ihr Siegel unter „Mein Bereich“.
„Mein Bereich“ ist eine Seite nur für Sie.
""",
    ),
    (
        "veranstaltung-anmelden",
        "Bei einer Veranstaltung anmelden",
        "Hier steht: So melden Sie sich für ein Treffen an.",
        """## Was ist eine Veranstaltung?

Veranstaltung bedeutet: Ein Treffen mit Vorträgen und Gesprächen.
Manche Treffen sind an einem Ort in der Region.
Manche Treffen sind im Internet.
Die Teilnahme ist kostenlos.

## So melden Sie sich an

1. Klicken Sie oben im Menü auf „Veranstaltungen“.
2. Suchen Sie eine Veranstaltung aus.
3. Klicken Sie auf den Namen von der Veranstaltung.
4. Klicken Sie auf den Knopf „Jetzt anmelden“.
5. Schreiben Sie Ihren Namen und Ihre E-Mail-Adresse in das Formular.
   Formular bedeutet: Eine Seite mit Feldern zum Ausfüllen.
6. Setzen Sie einen Haken in das Kästchen.
   So sagen Sie: Wir dürfen Ihre Angaben für die Anmeldung benutzen.
7. Klicken Sie auf den Knopf „Anmelden“.

## Danach

Sie bekommen eine E-Mail von uns.
In der E-Mail ist ein Link.
Klicken Sie auf den Link.
Erst dann haben Sie einen Platz.
Alle Plätze sind schon weg?
Dann kommen Sie auf die Warte-Liste.
Warte-Liste bedeutet: Sie warten auf einen Platz.
Sagt jemand ab?
Dann bekommen Sie den Platz.
Und Sie bekommen eine E-Mail.

## Sie können nicht kommen?

Dann sagen Sie bitte ab.
In der E-Mail von uns ist ein Link zum Absagen.
Dann bekommt jemand anderes den Platz.
""",
    ),
    (
        "newsletter-bestellen",
        "Den Newsletter bestellen",
        "Hier steht: So bekommen Sie Neuigkeiten per E-Mail.",
        """## Was ist der Newsletter?

Newsletter: Das ist eine E-Mail mit Neuigkeiten.
Newsletter ist ein englisches Wort.
Sie sprechen es so: Njuhs-letter.
Im Newsletter stehen Neuigkeiten aus dem Netzwerk.
Und im Newsletter stehen neue Berichte und Veranstaltungen.
Der Newsletter kommt ungefähr 1 Mal im Monat.
Der Newsletter ist kostenlos.

## So bestellen Sie den Newsletter

1. Klicken Sie oben im Menü auf „Newsletter“.
2. Schreiben Sie Ihre E-Mail-Adresse in das Feld.
3. Setzen Sie einen Haken in das Kästchen.
   So sagen Sie: Wir dürfen Ihnen den Newsletter schicken.
4. Klicken Sie auf den Knopf „Abonnieren“.
   Abonnieren bedeutet: Sie bestellen den Newsletter.

## Danach

Sie bekommen eine E-Mail von uns.
In der E-Mail ist ein Link.
Klicken Sie auf den Link.
Erst dann ist die Newsletter-Anmeldung fertig.
So wissen wir: Sie wollen den Newsletter wirklich.

## Sie wollen den Newsletter nicht mehr?

In jedem Newsletter ist unten ein Link.
Klicken Sie auf den Link.
Dann bekommen Sie keinen Newsletter mehr.
""",
    ),
    (
        "barrierefreiheit-und-ihre-meinung",
        "Barrierefreiheit und Ihre Meinung",
        "Hier steht: Was tun wir für Barrierefreiheit? Und wie sagen Sie uns Ihre Meinung?",
        """## Was ist Barrierefreiheit?

Barrierefreiheit bedeutet: Alle Menschen können diese Internet-Seite gut benutzen.
Ein Beispiel: Ein Mensch kann nicht gut sehen.
Noch ein Beispiel: Ein Mensch kann nicht hören.
Noch ein Beispiel: Ein Mensch kann keine Maus benutzen.
Wir wollen eine Internet-Seite für alle Menschen.

## Die Erklärung zur Barrierefreiheit

Es gibt eine Regel für Internet-Seiten von Ämtern und Städten.
Die Regel heißt: Barriere-freie Informations-Technik-Verordnung.
Verordnung bedeutet: Eine Regel vom Staat.
Die Regel sagt: Die Internet-Seite muss barrierefrei sein.
Wir schreiben auf: So barrierefrei ist unsere Internet-Seite.
Das steht in der Erklärung zur Barrierefreiheit.
Dort steht auch: Was ist noch nicht barrierefrei?
Sie finden die Erklärung unten auf jeder Seite.
Klicken Sie dafür auf den Link „Barrierefreiheit“.

## Ihre Meinung ist uns wichtig

Etwas auf der Internet-Seite ist schwer für Sie?
Oder etwas funktioniert nicht?
Dann schreiben Sie uns bitte.
Klicken Sie unten auf der Seite auf „Barrierefreiheit“.
Dort können Sie uns eine Nachricht schicken.
Sie können uns auch eine E-Mail schreiben.
Das ist unsere E-Mail-Adresse: redaktion@smartregion-emscher-lippe.de
Wir antworten Ihnen so schnell wie möglich.
""",
    ),
]


def grant(apps, schema_editor):
    """The Redaktion edits the pages in Leichte Sprache and the videos in Gebärdensprache."""
    grant_to_editors(apps, "smartregion", model_codenames("easyreadpage", "signlanguagevideo"))


def seed(apps, schema_editor):
    EasyReadPage = apps.get_model("smartregion", "EasyReadPage")
    for position, (slug, title, summary, body) in enumerate(PAGES, start=1):
        EasyReadPage.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "position": position * 10,
                "is_published": True,
            },
        )


def unseed(apps, schema_editor):
    EasyReadPage = apps.get_model("smartregion", "EasyReadPage")
    EasyReadPage.objects.filter(slug__in=[slug for slug, *_rest in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("smartregion", "0011_easy_read_and_sign_language"),
        ("smartregion", "0003_add_redaktion_group"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
