"""Benchmarks: ``python -m benchmarks [name ...] [--quick]`` (``make bench``)."""
