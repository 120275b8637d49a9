"""A real S3 API server for tests, benchmarks and local stacks: moto's server mode over HTTP.

No pytest in here: the deployed-stack tests and the benchmarks start it outside pytest too::

    server = S3Server()            # a free port on 127.0.0.1 (or S3Server(port=9000))
    server.start()
    server.create_buckets("media", "private")
    env = {**os.environ, **server.env("media", "private")}   # for a gunicorn, a worker, ...
    ...
    server.stop()

Everything the site does goes over HTTP to ``endpoint_url``, signed with the keys from
``env()`` (moto accepts any). The buckets live in this process's memory (moto's backends, shared
by all servers in one process): give each test its own bucket names. ``stop()`` closes the port,
so requests to it fail at once (connection refused), as with an S3 that is down.
"""

from __future__ import annotations

import json
import logging

from smartregion.site.prodstack import free_port

ACCESS_KEY_ID = "smartregion-test"
SECRET_ACCESS_KEY = "smartregion-test-secret"
REGION = "eu-central-1"


def public_read_policy(bucket: str) -> str:
    """The bucket policy the operations docs give the media bucket: anyone may GET objects."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadRenditions",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    )


class S3Server:
    """moto's ``ThreadedMotoServer`` on 127.0.0.1, in a thread of this process."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._server = None

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        if self._server is not None:
            return
        # One log line per S3 request would bury a test's own output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server is None:
            return
        wsgi_server = self._server._server  # werkzeug's server: shutdown() leaves the port open
        self._server.stop()
        if wsgi_server is not None:
            wsgi_server.server_close()
        self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> S3Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def client(self):
        """A boto3 S3 client on this server, for set-up and assertions."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            region_name=REGION,
        )

    def create_buckets(self, media: str, private: str) -> None:
        """The two buckets as the operations docs set them up: the media bucket with a
        public-read policy, the private bucket with none (readable only with the keys)."""
        client = self.client()
        for bucket in (media, private):
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        client.put_bucket_policy(Bucket=media, Policy=public_read_policy(media))

    def env(self, media: str, private: str) -> dict[str, str]:
        """The S3_* environment variables of a process that stores its files in these buckets."""
        return {
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "S3_REGION": REGION,
            "S3_MEDIA_BUCKET": media,
            "S3_PRIVATE_BUCKET": private,
        }

    def keys(self, bucket: str) -> list[str]:
        """Every object key in ``bucket``, sorted."""
        paginator = self.client().get_paginator("list_objects_v2")
        return sorted(
            entry["Key"]
            for page in paginator.paginate(Bucket=bucket)
            for entry in page.get("Contents", ())
        )

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()


class S3Buckets:
    """The media and private bucket of one test (the ``s3_storages`` fixture) on ``server``."""

    def __init__(self, server: S3Server, *, media: str, private: str):
        self.server = server
        self.media = media
        self.private = private

    def media_keys(self) -> list[str]:
        return self.server.keys(self.media)

    def private_keys(self) -> list[str]:
        return self.server.keys(self.private)

    def client(self):
        return self.server.client()
