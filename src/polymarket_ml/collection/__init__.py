"""Collection: discovery, tiers, tiered snapshots and the WebSocket collector."""
