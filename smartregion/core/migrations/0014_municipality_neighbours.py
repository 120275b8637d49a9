"""Neighbouring municipalities, for „Ähnliche Beispiele“ under a blog post (blog/similar.py).

Seeded with the cities of the region that share a border, and with the Kreis Recklinghausen and
the Region Emscher-Lippe as neighbours of the cities they contain. The Redaktion keeps them in the
admin; a database where a municipality was renamed or removed seeds only the pairs it has.
"""

from django.db import migrations, models

KREIS = [
    "castrop-rauxel",
    "datteln",
    "dorsten",
    "gladbeck",
    "haltern-am-see",
    "herten",
    "marl",
    "oer-erkenschwick",
    "recklinghausen",
    "waltrop",
]
BORDERS = [
    ("bottrop", "dorsten"),
    ("bottrop", "gelsenkirchen"),
    ("bottrop", "gladbeck"),
    ("castrop-rauxel", "datteln"),
    ("castrop-rauxel", "recklinghausen"),
    ("castrop-rauxel", "waltrop"),
    ("datteln", "haltern-am-see"),
    ("datteln", "oer-erkenschwick"),
    ("datteln", "recklinghausen"),
    ("datteln", "waltrop"),
    ("dorsten", "gladbeck"),
    ("dorsten", "haltern-am-see"),
    ("dorsten", "marl"),
    ("gelsenkirchen", "gladbeck"),
    ("gelsenkirchen", "herten"),
    ("gelsenkirchen", "marl"),
    ("haltern-am-see", "marl"),
    ("haltern-am-see", "oer-erkenschwick"),
    ("herten", "marl"),
    ("herten", "recklinghausen"),
    ("marl", "recklinghausen"),
    ("oer-erkenschwick", "recklinghausen"),
]
CITIES = ["gelsenkirchen", "bottrop", *KREIS]
PAIRS = (
    BORDERS
    + [("kreis-recklinghausen", city) for city in KREIS]
    + [("region-emscher-lippe", place) for place in [*CITIES, "kreis-recklinghausen"]]
)


def seed(apps, schema_editor):
    Municipality = apps.get_model("smartregion", "Municipality")
    by_slug = {m.slug: m for m in Municipality.objects.all()}
    # The historical model's relation is not symmetrical: write both directions, as the
    # model's own symmetrical relation does.
    Neighbours = Municipality.neighbours.through
    Neighbours.objects.bulk_create(
        [
            Neighbours(from_municipality=by_slug[a], to_municipality=by_slug[b])
            for one, other in PAIRS
            if one in by_slug and other in by_slug
            for a, b in ((one, other), (other, one))
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("smartregion", "0013_content_areas")]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="neighbours",
            field=models.ManyToManyField(
                blank=True,
                help_text=(
                    "Kommunen, die aneinandergrenzen, und die Kreise und Regionen mit ihren "
                    "Städten. „Ähnliche Beispiele“ unter einem Blogbeitrag ziehen Beiträge aus der "
                    "eigenen und aus Nachbarkommunen vor."
                ),
                to="smartregion.municipality",
                verbose_name="Nachbarkommunen",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
