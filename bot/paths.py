"""Where the shipped content and catalogs live, installed or in a checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# A wheel carries them inside the package; an editable install or a checkout reads the repository's own.
_INSTALLED = _PACKAGE / "_data"
_ROOT = _INSTALLED if _INSTALLED.is_dir() else _PACKAGE.parent

CONTENT_DIR = _ROOT / "content"
LOCALES_DIR = _ROOT / "locales"
