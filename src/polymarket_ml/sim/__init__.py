"""The protocol twin of Polymarket: Gamma, CLOB REST, Data API and WebSockets on one port.

Engine (``engine``, ``market``, ``book``, ``trading``, ``catalog``) is pure and steps on a
clock; ``payloads``/``payloads_gamma`` render wire shapes; ``server`` serves them. Trading
(``auth``, ``accounts``, ``orders``, ``exchange``, ``trading_routes``) lets users sign in with
API keys and trade against the simulated books.
"""

from polymarket_ml.core.clock import SpeedClock
from polymarket_ml.sim.config import SimConfig
from polymarket_ml.sim.engine import SimEngine
from polymarket_ml.sim.faults import FaultInjector, FaultKind, FaultRule
from polymarket_ml.sim.main import main
from polymarket_ml.sim.server import SimServer, serve

__all__ = [
    "FaultInjector",
    "FaultKind",
    "FaultRule",
    "SimConfig",
    "SimEngine",
    "SimServer",
    "SpeedClock",
    "main",
    "serve",
]
