"""Headers of the files whitenoise serves."""

ROOT_FILE_MAX_AGE = 24 * 60 * 60


def root_file_headers(headers, path: str, url: str) -> None:
    """The files of public/ (WHITENOISE_ROOT, e.g. /favicon.ico) have no hash in their name:
    browsers keep them a day rather than whitenoise's minute for such files."""
    if not url.startswith("/static/"):
        headers["Cache-Control"] = f"public, max-age={ROOT_FILE_MAX_AGE}"
