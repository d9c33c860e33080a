"""The trading executor: strategies, signals, risk, sizing, paper and live execution."""
