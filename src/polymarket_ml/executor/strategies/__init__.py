"""Strategies: pure code that turns market data into signals."""
