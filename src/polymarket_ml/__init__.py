"""polymarket-ml: record Polymarket, compute features, trade through risk and sizing.

The package is laid out along the data flow (see ``ARCHITECTURE.md``)::

    sources/polymarket  ->  collection  ->  features  ->  storage  ->  executor  ->  api / cli

``core`` holds the domain types every layer shares and imports nothing of ours.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("polymarket-ml")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
