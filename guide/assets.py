"""Static files under addresses that carry a hash of their content, kept by browsers for a year.

Every `url_for("static", filename=...)` gets `?v=` and the first characters of the file's SHA-256
(Flask's `url_defaults`): a changed file has a new address, so an address can be kept unchanged
forever (`Cache-Control: public, max-age=31536000, immutable`). The templates write
`static_url(filename)`: that same `url_for`, worked out once per file and script root (the site's, or
the embed's) rather than for every page; in debug, for every page, so that an edited file gets its new
hash at once. A request without the current hash
(another site loading embed.js, an old page) gets Flask's usual revalidation. Behind nginx, nginx
serves these files itself with the same rule (deploy/nginx.conf).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, url_for
from flask.wrappers import Response

#: The query parameter that carries a file's content hash.
VERSION = "v"
IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=256)
def _digest(path: str, modified: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:16]


def content_hash(filename: str) -> str | None:
    """The hash of a static file's content; None if there is no such file.

    Worked out once per file and process (a deployment restarts the workers); in debug, again whenever
    the file changes.
    """
    folder = current_app.static_folder
    if folder is None:
        return None
    if not current_app.debug:
        return _served_hash(folder, filename)
    return _current_hash(folder, filename)


@lru_cache(maxsize=256)
def _served_hash(folder: str, filename: str) -> str | None:
    return _current_hash(folder, filename)


def _current_hash(folder: str, filename: str) -> str | None:
    path = Path(folder, filename)
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return _digest(str(path), status.st_mtime_ns, status.st_size)


def add_version(endpoint: str, values: dict) -> None:
    """Give a static file's address the hash of its content."""
    if endpoint == "static" and "filename" in values:
        digest = content_hash(values["filename"])
        if digest:
            values.setdefault(VERSION, digest)


def static_url(filename: str) -> str:
    """The address of a static file, with its content hash: `url_for("static", filename=filename)`, kept."""
    if current_app.debug or not has_request_context():
        return url_for("static", filename=filename)
    kept: dict[tuple[str, str], str] = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root, filename)
    address = kept.get(key)
    if address is None:
        address = kept[key] = url_for("static", filename=filename)
    return address


def keep_for_a_year(response: Response) -> Response:
    """Let browsers keep a static file asked for under its current hash; anything else is revalidated."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get(VERSION) and request.args.get(VERSION) == content_hash(filename):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app: Flask) -> None:
    """Version every static address, give the templates `static_url`, and send versioned files with a year's max-age."""
    app.url_defaults(add_version)
    app.add_template_global(static_url)
    app.after_request(keep_for_a_year)
