"""The C accelerators of the market channel's hot path; everything else is in pyproject.toml.

Optional: without a C compiler the install goes on (``optional=True``) and the Python reference
code does the same work, slower (README, "The market channel's hot path in C").
"""

from setuptools import Extension, setup

SHARED = "src/polymarket_ml/_accelerator.h"  # included by both
ACCELERATORS = {
    "polymarket_ml.core._orderbook_c": "src/polymarket_ml/core/_orderbook_c.c",
    "polymarket_ml.sources.polymarket._parse_c": "src/polymarket_ml/sources/polymarket/_parse_c.c",
}

setup(
    ext_modules=[
        Extension(name, [source], depends=[SHARED], optional=True, extra_compile_args=["-O2"])
        for name, source in ACCELERATORS.items()
    ]
)
