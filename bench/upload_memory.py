"""Benchmark: the peak memory of a gunicorn worker that handles the hostile blog form.

    make bench                               # all benchmarks, through the project's database wrapper
    .venv/bin/python bench/upload_memory.py  # this one; starts the project-local PostgreSQL if needed

The blog's public form takes a cover and six gallery images. The hostile form fills all seven
with images at the largest allowed size (``DEFAULT_MAX_PIXELS``, about 25 megapixels; JPEG and
PNG, each below the 10 MB upload limit). Each scenario starts a fresh gunicorn with one sync
worker and production-like settings (DEBUG off, manifest static files, Redis for the rate limits)
under ``/usr/bin/time -v``, fetches the form (CSRF cookie), sends one submission over HTTP, stops
gunicorn and reads "Maximum resident set size": the largest RSS any process of that gunicorn
reached, which is the worker's. The scenarios:

* form page only: the worker's floor (Django and the project imported, one page rendered),
* 7 × JPEG, valid form: the post is saved with its cover and six gallery images,
* 7 × JPEG, invalid form: the title is missing, so the seven images are kept (the stash),
* 7 × PNG, valid form: PNG cannot be decoded at a reduced scale (JPEG can).

It works in its own database (``smartregion_bench_up`` on the same server as DATABASE_URL, or on
the project-local cluster) and temporary media folders. It prints a table with each scenario's
outcome and peak RSS against the limit (300 MB), and exits 0 when the limit is exceeded (it is a
measurement) and non-zero only when it could not measure.
"""

import argparse
import math
import os
import re
import signal
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is bench/, where a file could shadow an app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_UPLOAD_DB_NAME", "smartregion_bench_up")
LIMIT_MIB = 300
SUBMIT = "/blog/einreichen/"
THANKS = "/blog/einreichen/danke/"
ASPECT = 3 / 2  # a camera's picture


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--megapixels",
        type=float,
        help="size of each image (default: the largest allowed, DEFAULT_MAX_PIXELS)",
    )
    return parser.parse_args(argv)


# --- the hostile images -------------------------------------------------------------------------


def image_size(pixels: int) -> tuple[int, int]:
    """The largest 3:2 size with at most ``pixels`` pixels."""
    height = math.isqrt(int(pixels / ASPECT))
    width = pixels // height
    return width, height


def hostile_images(folder: Path, size: tuple[int, int], fmt: str, count: int) -> list[Path]:
    """``count`` photo-like images (smooth noise over a gradient) of ``size``, below 10 MB each."""
    from PIL import Image

    from smartregion.core.images import DEFAULT_MAX_BYTES

    paths = []
    for n in range(count):
        tile = (max(2, size[0] // 60), max(2, size[1] // 60))
        noise = Image.effect_noise(tile, 40).convert("RGB")
        gradient = Image.linear_gradient("L").resize(tile).convert("RGB")
        tinted = Image.new("RGB", tile, (40 * n % 256, 120, 200))
        base = Image.blend(Image.blend(noise, gradient, 0.5), tinted, 0.2)
        image = base.resize(size, Image.Resampling.BICUBIC)
        path = folder / f"bild{n}.{fmt.lower()}"
        image.save(path, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        if path.stat().st_size > DEFAULT_MAX_BYTES:
            raise RuntimeError(f"{path.name} is {path.stat().st_size} bytes, above the limit")
        paths.append(path)
    return paths


# --- one submission -----------------------------------------------------------------------------


def form_data(*, valid: bool) -> dict:
    from django.utils import timezone

    from blog.models import MAX_GALLERY_IMAGES
    from smartregion.core.models import Municipality, Topic
    from smartregion.core.signing import make_token

    return {
        "title": "Mit acht großen Bildern durch die Krise" if valid else "",
        "teaser": "Ein Betrieb aus der Region zeigt seine Werkstatt in acht Bildern.",
        "body": "## Ausgangslage\n\nAlles stand still.\n\n## Lösung\n\nViele Fotos.",
        "organisation_name": "Bench GmbH",
        "municipality": str(Municipality.objects.order_by("pk").first().pk),
        "topics": [str(Topic.objects.order_by("pk").first().pk)],
        "cover_alt": "Eine Werkstatt",
        "video_url": "",
        "website": "",
        "author_name": "Bernd Bench",
        "author_email": f"bench-{uuid.uuid4().hex[:12]}@example.org",
        "consent": "on",
        "homepage": "",
        # As the form rendered it a minute ago (spam.py refuses forms sent within 3 seconds).
        "started": make_token("form-started", timezone.now().timestamp() - 60),
        **{f"gallery_{n}_alt": f"Galeriebild {n}" for n in range(1, MAX_GALLERY_IMAGES + 1)},
    }


def submit(port: int, images: list[Path] | None, *, valid: bool) -> str:
    """Fetch the form, send it with ``images`` (cover first); return what came of it."""
    import httpx

    from blog.models import Post

    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        page = client.get(SUBMIT, headers={"X-Forwarded-For": address})
        page.raise_for_status()
        if images is None:
            return "form shown"
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        data = form_data(valid=valid) | {"csrfmiddlewaretoken": csrf}
        # The CSRF cookie is marked Secure (DEBUG off), so the client keeps it back over plain
        # HTTP; a browser behind the proxy's TLS would send it: send it by hand.
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        names = ["cover"] + [f"gallery_{n}" for n in range(1, len(images))]
        handles = [path.open("rb") for path in images]
        try:
            files = [
                (
                    name,
                    (path.name, handle, f"image/{path.suffix.lstrip('.').replace('jpg', 'jpeg')}"),
                )
                for name, path, handle in zip(names, images, handles, strict=True)
            ]
            response = client.post(
                SUBMIT,
                data=data,
                files=files,
                headers={"X-Forwarded-For": address, "Cookie": cookie},
            )
        finally:
            for handle in handles:
                handle.close()
    if response.status_code == 302 and response.headers["location"] == THANKS:
        post = Post.objects.filter(author_email=data["author_email"]).first()
        if post is None:
            raise RuntimeError("redirected to the thanks page, but no post was saved")
        return f"saved: cover + {post.images.count()} gallery images"
    if response.status_code == 200:
        kept = len(re.findall(r'name="\w+_kept" value="[^"]+"', response.text))
        errors = len(re.findall(r'<ul class="errorlist', response.text))
        return f"form again: {errors} error lists, {kept} images kept"
    raise RuntimeError(f"the submission answered {response.status_code}")


def max_rss_kib(time_output: Path) -> int:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_output.read_text())
    if not match:
        raise RuntimeError(f"no maximum RSS in {time_output}:\n{time_output.read_text()}")
    return int(match.group(1))


def run_scenario(env: dict, tmp: Path, name: str, images, *, valid: bool) -> dict:
    from bench.support.server import Gunicorn

    slug = re.sub(r"\W+", "-", name).strip("-")
    time_output = tmp / f"{slug}.time"
    server = Gunicorn(
        cwd=ROOT,
        env=env,
        log_path=tmp / f"{slug}.log",
        workers=1,
        wrapper=["/usr/bin/time", "-v", "-o", str(time_output)],
    )
    with server:
        server.start(ready_path=SUBMIT)
        outcome = submit(server.port, images, valid=valid)
        log = server.log_tail()
    if log.strip():
        print(f"\ngunicorn log ({name}, tail):\n{log}")
    return {"name": name, "outcome": outcome, "max_rss_kib": max_rss_kib(time_output)}


# --- report -------------------------------------------------------------------------------------


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        from bench.support.database import reexec_with_devdb

        return reexec_with_devdb(Path(__file__).resolve(), BENCH_DB)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    if not os.access("/usr/bin/time", os.X_OK):
        print("/usr/bin/time is missing (apt install time).", file=sys.stderr)
        return 2

    from bench.support.database import use_bench_database
    from bench.support.server import bench_environment

    with tempfile.TemporaryDirectory(prefix="smartregion-bench-up-") as tmp_name:
        tmp = Path(tmp_name)
        env = bench_environment(
            use_bench_database(os.environ["DATABASE_URL"], BENCH_DB),
            tmp_name + "/static",
            # Each submission comes "through a proxy" from its own address, so the rate limits
            # of earlier runs never turn the hostile form down before it is decoded.
            TRUSTED_PROXY_COUNT="1",
            MEDIA_ROOT=tmp_name + "/media",
            PRIVATE_MEDIA_ROOT=tmp_name + "/private",
        )
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        from blog.models import MAX_GALLERY_IMAGES
        from smartregion.core.images import DEFAULT_MAX_PIXELS

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        pixels = int(args.megapixels * 1_000_000) if args.megapixels else DEFAULT_MAX_PIXELS
        size = image_size(pixels)
        count = MAX_GALLERY_IMAGES + 1  # the cover and the whole gallery
        jpegs = hostile_images(tmp, size, "JPEG", count)
        pngs = hostile_images(tmp, size, "PNG", count)
        megabytes = {
            fmt: max(p.stat().st_size for p in paths) / 2**20
            for fmt, paths in (("JPEG", jpegs), ("PNG", pngs))
        }
        print(
            f"Database {BENCH_DB}; images {size[0]} × {size[1]} "
            f"({size[0] * size[1] / 1e6:.2f} megapixels; largest allowed "
            f"{DEFAULT_MAX_PIXELS / 1e6:g}), JPEG up to {megabytes['JPEG']:.1f} MB, PNG up to "
            f"{megabytes['PNG']:.1f} MB; gunicorn with 1 sync worker; {os.cpu_count()} CPUs."
        )
        from django.db import connection

        connection.close()
        results = [
            run_scenario(env, tmp, "form page only", None, valid=True),
            run_scenario(env, tmp, f"{count} × JPEG, valid form", jpegs, valid=True),
            run_scenario(env, tmp, f"{count} × JPEG, invalid form", jpegs, valid=False),
            run_scenario(env, tmp, f"{count} × PNG, valid form", pngs, valid=True),
        ]

    rows = [["scenario", "outcome", "peak RSS", "limit", "result"]]
    for result in results:
        mib = result["max_rss_kib"] / 1024
        rows.append(
            [
                result["name"],
                result["outcome"],
                f"{mib:.1f} MiB",
                f"{LIMIT_MIB} MiB",
                "PASS" if mib < LIMIT_MIB else "FAIL",
            ]
        )
    print()
    from bench.support.report import markdown_table

    print(markdown_table(rows, text_columns=2))
    worst = max(r["max_rss_kib"] for r in results) / 1024
    print(
        f"\n{'PASS' if worst < LIMIT_MIB else 'FAIL'}  the worker's peak RSS stays under "
        f"{LIMIT_MIB} MiB with the hostile form (worst {worst:.1f} MiB)."
    )
    return 0


if __name__ == "__main__":
    from bench.support.script import run

    run(main)
