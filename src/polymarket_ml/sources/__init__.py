"""Clients for the exchange: wire schemas, pure parsers, HTTP and WebSocket transports.

The only code that talks to Polymarket. Imports ``core`` only."""
