"""The headless Chromium the browser tests drive: Debian's, at a fixed path (nothing can be downloaded)."""
from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
MISSING = (f"{CHROMIUM} is missing: install it with `apt-get install -y --no-install-recommends chromium "
           "fonts-wqy-microhei` (the browser tests must not be skipped)")
