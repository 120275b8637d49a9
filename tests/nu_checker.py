"""The Nu Html Checker (the W3C's validator, vnu.jar) for tests: fetch it once, check files.

The jar comes from the npm registry's package ``vnu-jar`` (the tarball, checked against the
registry's sha512, not ``npm install``: the package's install script would fetch a Java runtime
of its own). It is kept under ``var/nu-checker/`` and needs Java 17 or newer (Debian:
``default-jre-headless``).

No pytest in here::

    messages = check(paths)        # one JVM for all files: {path: [Message, ...]}
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VERSION = "26.9.27"
TARBALL = f"https://registry.npmjs.org/vnu-jar/-/vnu-jar-{VERSION}.tgz"
# The registry's "integrity" of that tarball (npm view vnu-jar@26.9.27 dist.integrity).
INTEGRITY = "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA=="
JAR = Path(__file__).resolve().parent.parent / "var" / "nu-checker" / f"vnu-{VERSION}.jar"
JAVA_NEEDED = 17


class Unavailable(Exception):
    """The checker cannot run here; the text says why and what to do."""


class JavaMissing(Unavailable):
    """No Java on this machine (the one reason to skip the checker's test)."""


def java() -> str | None:
    return shutil.which("java")


def java_version(executable: str) -> int:
    out = subprocess.run(
        [executable, "-version"], capture_output=True, text=True, check=True
    ).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        raise Unavailable(f"cannot read the Java version from: {out!r}")
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 else major  # "1.8.0" is Java 8


def fetch(jar: Path = JAR) -> Path:
    """The jar, downloaded and verified first if it is not here yet."""
    if jar.exists():
        return jar
    try:
        with urllib.request.urlopen(TARBALL, timeout=120) as response:
            tarball = response.read()
    except OSError as error:
        raise Unavailable(
            f"cannot fetch {TARBALL} ({error}): without access to the npm registry, put that "
            f"tarball's package/build/dist/vnu.jar at {jar}"
        ) from error
    algorithm, expected = INTEGRITY.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if digest != expected:
        raise Unavailable(f"{TARBALL} does not match its {algorithm} ({digest} != {expected})")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = archive.extractfile("package/build/dist/vnu.jar")
        if member is None:
            raise Unavailable(f"{TARBALL} holds no package/build/dist/vnu.jar")
        data = member.read()
    jar.parent.mkdir(parents=True, exist_ok=True)
    partial = jar.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(jar)  # whole or not at all, also when two runs fetch at once
    return jar


def ready() -> tuple[str, Path]:
    """Java and the jar, or Unavailable saying what is missing."""
    executable = java()
    if executable is None:
        raise JavaMissing(
            "Java is missing: the Nu Html Checker needs Java "
            f"{JAVA_NEEDED}+ (Debian: apt-get install default-jre-headless)"
        )
    if (found := java_version(executable)) < JAVA_NEEDED:
        raise Unavailable(f"the Nu Html Checker needs Java {JAVA_NEEDED}+, {executable} is {found}")
    return executable, fetch()


@dataclass(frozen=True)
class Message:
    kind: str  # "error", "warning" or "fatal" (the checker could not read the file)
    text: str
    line: int | None
    column: int | None
    extract: str

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.line else "file"
        return f"{self.kind} at {where}: {self.text}\n      {self.extract.strip()[:160]!r}"


def check(paths: list[Path]) -> dict[Path, list[Message]]:
    """Run the checker once over ``paths`` (``.html`` files, or ``.svg`` ones); every path gets
    its errors and warnings (info messages are left out), an empty list when it is valid."""
    executable, jar = ready()
    out = subprocess.run(
        [
            executable,
            "-Xss2m",
            "-jar",
            str(jar),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    found: dict[Path, list[Message]] = {path.resolve(): [] for path in paths}
    for raw in json.loads(out)["messages"]:
        if raw["type"] == "info" and raw.get("subType") != "warning":
            continue
        kind = {"info": "warning", "error": "error"}.get(raw["type"], "fatal")
        path = Path(urllib.request.url2pathname(raw.get("url", "").removeprefix("file:")))
        message = Message(
            kind,
            raw.get("message", ""),
            raw.get("lastLine"),
            raw.get("firstColumn"),
            raw.get("extract", ""),
        )
        found.setdefault(path.resolve(), []).append(message)
    return found
