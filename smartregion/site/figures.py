"""„Die SMART REGION in Zahlen“: the network's figures for the page /zahlen/ and its downloads.

Every figure is a count of what the portal shows the public anyway, grouped: members in the
directory, published posts, public events. Two are counts of people, never listed one by one:
confirmed registrations for those events, and newsletter subscribers over time (counted from
their confirmation to their unsubscription; a subscriber whose data was erased is not counted
at all any more).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear, TruncQuarter
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from events.models import Event, Registration
from members.models import Organisation, OrganisationKind
from smartregion.core.models import Municipality, Topic


@dataclass(frozen=True)
class Column:
    id: str  # the key in CSV and JSON
    label: str | Promise  # the heading on the page


@dataclass(frozen=True)
class Dataset:
    """One table of figures: its rows are lists of values in the order of ``columns``; the first
    column names the row, the others are counts."""

    id: str
    title: str | Promise
    description: str | Promise
    chart: str  # "bars" (categories), "columns" (periods) or "line" (a count over time)
    columns: list[Column]
    rows: list[list]

    @property
    def counts(self) -> list[Column]:
        return self.columns[1:]

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": str(self.title),
            "description": str(self.description),
            "columns": [{"id": column.id, "label": str(column.label)} for column in self.columns],
            "rows": [
                dict(zip([c.id for c in self.columns], row, strict=True)) for row in self.rows
            ],
        }


def datasets() -> list[Dataset]:
    """All figures, in the order of the page."""
    return [
        members_by_kind(),
        members_by_municipality(),
        posts_by_topic(),
        posts_by_quarter(),
        events_by_year(),
        subscribers_by_month(),
    ]


def members_by_kind() -> Dataset:
    counts = _count_by(Organisation.objects.active_members(), F("kind"))
    return Dataset(
        id="mitglieder-nach-art",
        title=_("Mitglieder nach Art"),
        description=_("Organisationen im Mitgliederverzeichnis, heute."),
        chart="bars",
        columns=[Column("art", _("Art")), Column("mitglieder", _("Mitglieder"))],
        rows=[[str(kind.label), counts.get(kind.value, 0)] for kind in OrganisationKind],
    )


def members_by_municipality() -> Dataset:
    municipalities = Municipality.objects.annotate(
        n=Count(
            "organisations",
            filter=Q(organisations__in=Organisation.objects.active_members()),
        )
    ).order_by("position", "name")
    return Dataset(
        id="mitglieder-nach-kommune",
        title=_("Mitglieder nach Kommune"),
        description=_("Organisationen im Mitgliederverzeichnis nach ihrem Sitz, heute."),
        chart="bars",
        columns=[Column("kommune", _("Kommune")), Column("mitglieder", _("Mitglieder"))],
        rows=[[m.name, m.n] for m in municipalities],
    )


def posts_by_topic() -> Dataset:
    topics = Topic.objects.annotate(
        n=Count("posts", filter=Q(posts__in=Post.objects.published()))
    ).order_by("position", "name")
    return Dataset(
        id="beitraege-nach-themenfeld",
        title=_("Blogbeiträge nach Themenfeld"),
        description=_(
            "Veröffentlichte Beiträge im Blog „Ideenreich durch die Krise“. Ein Beitrag mit "
            "mehreren Themenfeldern zählt in jedem."
        ),
        chart="bars",
        columns=[Column("themenfeld", _("Themenfeld")), Column("beitraege", _("Beiträge"))],
        rows=[[topic.name_i18n.text, topic.n] for topic in topics],
    )


def posts_by_quarter() -> Dataset:
    counts = _count_by(Post.objects.published(), TruncQuarter("published_at"))
    by_quarter = {(q.year, (q.month - 1) // 3 + 1): n for q, n in counts.items()}
    return Dataset(
        id="beitraege-nach-quartal",
        title=_("Veröffentlichte Blogbeiträge je Quartal"),
        description=_("Beiträge nach dem Quartal ihrer Veröffentlichung."),
        chart="columns",
        columns=[Column("quartal", _("Quartal")), Column("beitraege", _("Beiträge"))],
        rows=[
            [f"{year}-Q{quarter}", by_quarter.get((year, quarter), 0)]
            for year, quarter in _quarters(min(by_quarter, default=None))
        ],
    )


def events_by_year() -> Dataset:
    events = _count_by(Event.objects.published(), ExtractYear("starts_at"))
    registrations = _count_by(
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED, event__in=Event.objects.published()
        ),
        ExtractYear("event__starts_at"),
    )
    years = range(min(events, default=timezone.localdate().year), max(events, default=0) + 1)
    return Dataset(
        id="veranstaltungen-nach-jahr",
        title=_("Veranstaltungen und Anmeldungen je Jahr"),
        description=_(
            "Veröffentlichte Veranstaltungen nach dem Jahr, in dem sie stattfinden, mit den "
            "bestätigten Anmeldungen (kommende Veranstaltungen eingeschlossen, abgesagte nicht)."
        ),
        chart="columns",
        columns=[
            Column("jahr", _("Jahr")),
            Column("veranstaltungen", _("Veranstaltungen")),
            Column("anmeldungen", _("Anmeldungen")),
        ],
        rows=[[str(year), events.get(year, 0), registrations.get(year, 0)] for year in years],
    )


SUBSCRIBERS_SQL = """
WITH months AS (
    SELECT generate_series(
        date_trunc('month', (SELECT min(confirmed_at) FROM newsletter_subscriber) AT TIME ZONE %s),
        date_trunc('month', %s AT TIME ZONE %s),
        interval '1 month') AS month
)
SELECT to_char(m.month, 'YYYY-MM'),
       (SELECT count(*) FROM newsletter_subscriber s
         WHERE s.confirmed_at < (m.month + interval '1 month') AT TIME ZONE %s
           AND (s.unsubscribed_at IS NULL
                OR s.unsubscribed_at >= (m.month + interval '1 month') AT TIME ZONE %s))
  FROM months m
 ORDER BY m.month
"""


def subscribers_by_month() -> Dataset:
    zone = timezone.get_current_timezone_name()
    with connection.cursor() as cursor:
        # The application's clock, not the database's: the same "now" as every other page.
        cursor.execute(SUBSCRIBERS_SQL, [zone, timezone.now(), zone, zone, zone])
        rows = [[month, count] for month, count in cursor.fetchall()]
    return Dataset(
        id="newsletter-abonnements",
        title=_("Newsletter-Abonnements"),
        description=_(
            "Bestätigte Abonnements am Ende jedes Monats (der laufende Monat: heute). Wer sich "
            "abmeldet, zählt bis zur Abmeldung."
        ),
        chart="line",
        columns=[Column("monat", _("Monat")), Column("abonnements", _("Abonnements"))],
        rows=rows,
    )


def _count_by(queryset, key) -> dict:
    """How many rows of ``queryset`` there are for each value of the expression ``key``."""
    return dict(
        queryset.annotate(key=key)
        .values_list("key")
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )


def _quarters(first: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Every quarter from ``first`` to the current one."""
    today = timezone.localdate()
    now = (today.year, (today.month - 1) // 3 + 1)
    if first is None:
        return [now]
    quarters, current = [], first
    while current <= now:
        quarters.append(current)
        year, quarter = current
        current = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters
