"""Posts of member organisations link to their profiles, and profiles list their posts."""

import pytest

from blog.models import Post
from members import services as member_services
from tests.blog.helpers import form_data, with_files
from tests.factories import PostFactory
from tests.members.helpers import member, verified_user

pytestmark = pytest.mark.django_db


def test_a_manager_submitting_for_their_organisation_links_the_post(
    client, fast_forms, django_capture_on_commit_callbacks
):
    manager = verified_user("mia@example.org")
    organisation = member("Zechenblick Software GmbH", manager=manager)
    client.force_login(manager)
    data = with_files(
        form_data(organisation_name="zechenblick software gmbh", author_email=manager.email)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/blog/einreichen/", data)
    assert response.status_code == 302
    assert Post.objects.get().organisation == organisation


def test_another_name_or_a_stranger_does_not_link(client, fast_forms):
    manager = verified_user("mia@example.org")
    member("Zechenblick Software GmbH", manager=manager)
    client.post(
        "/blog/einreichen/", with_files(form_data(organisation_name="Zechenblick Software GmbH"))
    )
    client.force_login(manager)
    client.post(
        "/blog/einreichen/",
        with_files(form_data(organisation_name="Andere Firma", author_email=manager.email)),
    )
    assert list(Post.objects.values_list("organisation", flat=True)) == [None, None]


def test_detail_links_to_the_profile_only_while_the_membership_is_valid(client, admin_user):
    organisation = member("Zechenblick Software GmbH")
    post = PostFactory(organisation_name=organisation.name, organisation=organisation)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{organisation.get_absolute_url()}"' in html
    member_services.membership_revoke(
        membership=organisation.membership, actor=admin_user, reason="Test"
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{organisation.get_absolute_url()}"' not in html
    assert organisation.name in html


def test_profile_lists_the_organisations_published_posts(client):
    organisation = member("Zechenblick Software GmbH")
    PostFactory(title="Unser Weg durch die Krise", organisation=organisation)
    PostFactory(title="Noch nicht geprüft", organisation=organisation, status="confirmed")
    PostFactory(title="Von jemand anderem")
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Unser Weg durch die Krise" in html
    assert "Noch nicht geprüft" not in html
    assert "Von jemand anderem" not in html
