"""seed_demo: the order of the seeders, idempotence, demo accounts only while DEBUG is on."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from smartregion.site.demo import artwork, datafiles


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from allauth.account.models import EmailAddress

    from blog.models import Post, PostImage
    from events.models import Event, Registration
    from members.models import Application, Membership, Organisation, User
    from newsletter.models import Campaign, Delivery, Subscriber
    from smartregion.core.models import ModerationLog

    models = [User, EmailAddress, Organisation, Membership, Application, Post, PostImage]
    models += [ModerationLog, Event, Registration, Subscriber, Campaign, Delivery]
    return {model.__name__: model.objects.count() for model in models}


def _files(settings) -> set[Path]:
    roots = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    return {path for root in roots for path in root.rglob("*") if path.is_file()}


@pytest.mark.django_db
def test_demo_command_is_idempotent_and_makes_accounts_only_while_debug_is_on(settings):
    settings.DEBUG = False
    output = _seed()
    without_accounts = _counts()
    assert "accounts: skipped" in output and "member accounts: skipped" in output
    assert without_accounts["User"] == without_accounts["Application"] == 0
    assert without_accounts["Post"] and without_accounts["Event"] and without_accounts["Delivery"]

    settings.DEBUG = True
    output = _seed()
    counts = _counts()
    assert all(counts.values()), counts  # every kind of demo content, accounts included
    assert counts["User"] == 4  # two editorial accounts, the member and the applicant
    for name in ("Organisation", "Post", "PostImage", "Event", "Registration", "Subscriber"):
        assert counts[name] == without_accounts[name], name  # only the accounts were added
    assert "admin@example.org and redaktion@example.org" in output

    files = _files(settings)
    output = _seed()
    assert _counts() == counts
    assert _files(settings) == files
    assert "members: 0 organisations added" in output
    assert "(0 new)" in output and "events: 0 added" in output


def test_every_picture_has_its_own_alternative_text():
    art = artwork.Art("Lieferdienst", 3, "kreise")
    assert art.alt == (
        "Farbverlauf von Rot zu Orange mit halbtransparenten Kreisen "
        "und dem Schriftzug „Lieferdienst“ in weißer Schrift"
    )
    assert art.jpeg((160, 90)) == art.jpeg((160, 90))  # deterministic
    assert art.jpeg((160, 90)) != artwork.Art("Lieferdienst", 4, "kreise").jpeg((160, 90))
    with pytest.raises(ValueError, match="motif"):
        artwork.Art("Wort", 0, "punkte")
    with pytest.raises(ValueError, match="palette"):
        artwork.Art("Wort", len(artwork.PALETTES), "kreise")


def test_a_wrong_key_in_a_data_file_names_the_file(tmp_path, monkeypatch):
    from smartregion.site.demo import blog

    text = next((datafiles.DATA / "posts").glob("*.md")).read_text()
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "ein-beitrag.md").write_text(text.replace("\ntitle = ", "\ntitel = "))
    monkeypatch.setattr(datafiles, "DATA", tmp_path)
    with pytest.raises(ValueError, match=r"ein-beitrag.md: .*'titel'"):
        blog.posts()
    (tmp_path / "posts" / "ein-beitrag.md").write_text("Kein Vorspann\n")
    with pytest.raises(ValueError, match=r"ein-beitrag.md: the first line must be \+\+\+"):
        blog.posts()


def test_the_data_files_load():
    from smartregion.site.demo import blog, events, members, newsletter

    posts = blog.posts()
    # Each tells its story, in free text, in sections or in both, without stray space in front.
    stories = [
        text
        for post in posts
        for text in (post.body, post.situation, post.solution, post.outcome, post.tips)
        if text
    ]
    assert all(post.body or post.solution for post in posts)
    assert posts and not any(text[0].isspace() for text in stories)
    slugs = [event.slug for event in events.load()[0]]
    assert len(slugs) == len(set(slugs))
    names = [organisation.name.lower() for organisation in members.load().organisations]
    assert len(names) == len(set(names))
    assert newsletter.load().subscribers
