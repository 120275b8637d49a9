"""Members on S3 (tests/s3.py): seal files kept in the private bucket, the application logo
streamed from it by its permission-checked view."""

import pytest
from django.urls import reverse

from members.models import Application
from tests.members.helpers import application_data, logo_upload, verified_user
from tests.staff import login_staff

pytestmark = pytest.mark.django_db


def test_seal_files_are_generated_into_the_private_bucket_and_served_from_it(
    client, manager, membership, s3_storages
):
    client.force_login(manager)
    url = reverse("members:seal_png", kwargs={"pk": membership.pk, "variant": "hell", "size": 256})

    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    [key] = s3_storages.private_keys()
    assert key.startswith(f"seals/{membership.seal_code}/v{membership.seal_version}-")
    assert key.endswith("-light-256.png")
    assert s3_storages.server.read(s3_storages.private, key) == first.content

    # The kept file is what the next download gets: changed in the bucket, changed in the answer.
    s3_storages.client().put_object(
        Bucket=s3_storages.private, Key=key, Body=first.content + b"kept"
    )
    assert client.get(url).content == first.content + b"kept"

    membership.seal_version += 1
    membership.save()
    assert client.get(url).status_code == 200
    [renewed] = s3_storages.private_keys()  # the old version is gone from the bucket
    assert renewed.startswith(f"seals/{membership.seal_code}/v{membership.seal_version}-")
    assert s3_storages.media_keys() == []


def test_application_logo_is_kept_privately_and_streamed_to_applicant_and_staff(
    client, staff_editor, s3_storages
):
    applicant = verified_user()
    client.force_login(applicant)
    client.post("/mitglieder/bewerben/", application_data(logo=logo_upload("logo.jpg", fmt="JPEG")))
    application = Application.objects.get()
    [key] = s3_storages.private_keys()
    assert key == application.logo_original.name
    url = reverse("members:application_logo", args=[application.pk])

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == s3_storages.server.read(s3_storages.private, key)
    login_staff(client, staff_editor)
    response = client.get(url)
    assert b"".join(response.streaming_content) == s3_storages.server.read(s3_storages.private, key)
    assert s3_storages.media_keys() == []
