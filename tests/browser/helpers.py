"""Shared by the browser tests."""

import re

# Any URL on another host: pages must load nothing from third parties.
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
