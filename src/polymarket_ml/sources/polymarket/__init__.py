"""Polymarket: Gamma, CLOB REST, CLOB WebSocket and Data API clients (see polymarket-api.md)."""
