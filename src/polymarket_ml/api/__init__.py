"""The HTTP API (FastAPI): thin routes over the same service functions as the CLI."""
