"""What earlier runs found working, so that a rerun asks again only what it must.

``<out>/cache.json`` maps each URL (with its ``#fragment``) to the working
result it had and when it was checked. Only successes are kept: ``working``,
which includes redirects that ``linkcheck_allowed_redirects`` allows. A
broken, timed-out or not-allowed redirected URL is asked again on every run.

An entry serves while it is younger than the maximum age and still means the
same under today's settings: an anchor that was not looked for then (anchors
off, or ignored) does not vouch for it now, and an allowed redirect is
allowed again only if ``linkcheck_allowed_redirects`` still allows it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from talkbook.linkcheck.fetch import WORKING
from talkbook.linkcheck.settings import Settings

FORMAT = 1


class ResultCache:
    def __init__(self, path: Path, max_age: float, now: float | None = None) -> None:
        self.path = Path(path)
        self.max_age = max_age
        self.now = time.time() if now is None else now
        self.entries: dict[str, dict] = {}
        self.note = ""  # why an existing cache file was not used, if it was not

    @property
    def enabled(self) -> bool:
        return self.max_age > 0

    def load(self) -> ResultCache:
        if not self.enabled or not self.path.exists():
            return self
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data["entries"] if data.get("format") == FORMAT else {}
            if not isinstance(entries, dict):
                raise ValueError("entries is not an object")
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            self.note = f"{self.path}: not used ({exc})"
            return self
        self.entries = {
            uri: entry
            for uri, entry in entries.items()
            if isinstance(entry, dict)
            and isinstance(entry.get("checked"), (int, float))
            and 0 <= self.now - entry["checked"] < self.max_age
        }
        return self

    def lookup(
        self, uri: str, page: str, anchor_needed: bool, settings: Settings
    ) -> dict | None:
        """The cached result of ``uri`` if it still holds, else None."""
        entry = self.entries.get(uri)
        if not entry or entry.get("status") != WORKING:
            return None
        if anchor_needed and not entry.get("anchor_checked"):
            return None
        target = entry.get("redirect_to")
        if target and not settings.redirect_allowed(page, target):
            return None
        return entry

    def store(
        self,
        uri: str,
        *,
        code: int,
        info: str,
        anchor_checked: bool,
        redirect_to: str | None,
    ) -> None:
        entry = {
            "status": WORKING,
            "code": code,
            "info": info,
            "checked": self.now,
            "anchor_checked": anchor_checked,
        }
        if redirect_to:
            entry["redirect_to"] = redirect_to
        self.entries[uri] = entry

    def forget(self, uri: str) -> None:
        self.entries.pop(uri, None)

    def save(self) -> None:
        """Write the entries (atomically: a reader sees the old or the new file)."""
        if not self.enabled:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "entries": dict(sorted(self.entries.items()))}
        fd, tmp = tempfile.mkstemp(prefix=".cache-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=1)
                stream.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
