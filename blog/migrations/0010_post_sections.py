"""The structured sections of a post (Ausgangslage, Lösung, Ergebnis, Tipps zum Nachmachen,
Ansprechpartner), optional beside the free text, which becomes optional too; the search index
takes them in with their weights (blog/sql/search_index_sections.sql). Existing posts have no
sections yet, so their rows of the index stay as they are."""

from django.db import migrations, models

from smartregion.core import sql


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0009_search_english_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="contact",
            field=models.TextField(blank=True, verbose_name="Ansprechpartner (Markdown)"),
        ),
        migrations.AddField(
            model_name="post",
            name="contact_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="outcome",
            field=models.TextField(blank=True, verbose_name="Ergebnis (Markdown)"),
        ),
        migrations.AddField(
            model_name="post",
            name="outcome_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="situation",
            field=models.TextField(blank=True, verbose_name="Ausgangslage (Markdown)"),
        ),
        migrations.AddField(
            model_name="post",
            name="situation_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="solution",
            field=models.TextField(blank=True, verbose_name="Lösung (Markdown)"),
        ),
        migrations.AddField(
            model_name="post",
            name="solution_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="tips",
            field=models.TextField(blank=True, verbose_name="Tipps zum Nachmachen (Markdown)"),
        ),
        migrations.AddField(
            model_name="post",
            name="tips_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name="post",
            name="body",
            field=models.TextField(blank=True, verbose_name="Text (Markdown)"),
        ),
        sql.load("blog", "search_index_sections", sql.read("blog", "search_index_en")),
    ]
