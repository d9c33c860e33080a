"""The simulator: a protocol twin of Polymarket served on one port (``pmml sim``)."""
