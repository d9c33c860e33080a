"""The ``pmml`` command line."""
