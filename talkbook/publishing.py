"""Where the site is published, said once (``talkbook_site_url``).

The handbook is published at the site's root and the deck in its
``talkbook_deck_path`` folder, so each build derives its own addresses from
the one setting, at ``config-inited``:

- ``html_baseurl``, for each page's canonical link;
- for sphinxext-opengraph, when loaded: ``ogp_site_url`` (``og:url``), and
  ``ogp_image`` made absolute: the picture lives in the handbook's static
  files, and the deck's page must point there;
- for sphinx-notfound-page, when loaded: ``notfound_urls_prefix``, the path
  under which the 404 page finds its stylesheets and links at any depth.

An unset address leaves them as they are: a local build needs none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from talkbook.config import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def page_base(config: Config) -> str:
    """This build's address: the site's, or its deck folder's."""
    site = config.talkbook_site_url
    if site and is_deck(config):
        return site + config.talkbook_deck_path.strip("/") + "/"
    return site


def _derive(app: Sphinx, config: Config) -> None:
    site = config.talkbook_site_url
    if not site:
        if "notfound_urls_prefix" in config:
            config.notfound_urls_prefix = "/"
        return
    base = page_base(config)
    config.html_baseurl = base
    if "ogp_site_url" in config:
        config.ogp_site_url = base
        image = config.ogp_image
        if image and not urlsplit(image).scheme:
            config.ogp_image = site + image.lstrip("/")
    if "notfound_urls_prefix" in config:
        config.notfound_urls_prefix = urlsplit(site).path or "/"


def setup_publishing(app: Sphinx) -> None:
    # After talkbook.config has found which project this is.
    app.connect("config-inited", _derive, priority=600)
