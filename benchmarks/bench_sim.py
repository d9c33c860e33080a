"""Simulator throughput: WebSocket message rate to 4 clients, Gamma/CLOB latency meanwhile.

The simulator runs in its own process (real clock, speed 1); this process holds the clients.
Baseline, measured in the same run: request latency while no WebSocket client is connected.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import statistics
import time
from typing import Any

import httpx
import websockets

CLIENTS = 4


def _serve(port: int, markets: int) -> None:
    from polymarket_ml.sim.config import SimConfig
    from polymarket_ml.sim.server import serve

    asyncio.run(serve(SimConfig(port=port, markets=markets, seed=7)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _requests(base: str, tokens: list[str], until: float) -> dict[str, list[float]]:
    """Alternate Gamma keyset pages and CLOB books until ``until``; latencies in ms."""
    out: dict[str, list[float]] = {"gamma": [], "clob": []}
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        cursor: str | None = None
        i = 0
        while time.monotonic() < until:
            params: dict[str, Any] = {"limit": 100}
            if cursor:
                params["after_cursor"] = cursor
            started = time.perf_counter()
            body = (await http.get("/gamma/markets/keyset", params=params)).json()
            out["gamma"].append((time.perf_counter() - started) * 1000)
            cursor = body.get("next_cursor")
            started = time.perf_counter()
            await http.get("/clob/book", params={"token_id": tokens[i % len(tokens)]})
            out["clob"].append((time.perf_counter() - started) * 1000)
            i += 1
    return out


async def _client(url: str, tokens: list[str], until: float, stats: dict[str, Any]) -> None:
    async with websockets.connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"assets_ids": tokens, "type": "market"}))
        while time.monotonic() < until:
            try:
                raw = await asyncio.wait_for(ws.recv(), max(0.05, until - time.monotonic()))
            except TimeoutError:
                break
            now_ms = time.time() * 1000
            messages = json.loads(raw)
            for message in messages if isinstance(messages, list) else [messages]:
                if message.get("event_type") == "book":
                    stats["books"] += 1
                    continue
                stats["messages"] += 1
                stats["lag_ms"].append(now_ms - int(message["timestamp"]))


async def _measure(port: int, markets: int, seconds: float) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for _ in range(600):
            try:
                if (await http.get("/clob/ok")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        tokens: list[str] = []
        params: dict[str, Any] = {"limit": 100}
        while True:
            body = (await http.get("/gamma/markets/keyset", params=params)).json()
            tokens += [t for m in body["markets"] for t in json.loads(m["clobTokenIds"])]
            if "next_cursor" not in body:
                break
            params["after_cursor"] = body["next_cursor"]
    idle = await _requests(base, tokens, time.monotonic() + 3)
    share = len(tokens) // CLIENTS
    stats = {"messages": 0, "books": 0, "lag_ms": []}
    warmup = 3.0
    start = time.monotonic()
    until = start + warmup + seconds
    clients = [
        _client(f"ws://127.0.0.1:{port}/ws/market", tokens[i * share : (i + 1) * share], until,
                stats)
        for i in range(CLIENTS)
    ]  # fmt: skip
    await asyncio.sleep(0)

    async def measured() -> dict[str, list[float]]:
        await asyncio.sleep(warmup)
        stats["messages"], stats["lag_ms"] = 0, []
        return await _requests(base, tokens, until)

    results = await asyncio.gather(measured(), *clients)
    busy: dict[str, list[float]] = results[0]
    rate = stats["messages"] / seconds
    lines = [
        f"sim: {markets} markets, {len(tokens)} tokens, {CLIENTS} WebSocket clients "
        f"x {share} tokens, {seconds:.0f} s measured",
        f"  ws messages delivered: {rate:,.0f}/s (books in dumps: {stats['books']})",
        f"  ws delivery lag p50/p99: {_pct(stats['lag_ms'], 0.5):.0f} / "
        f"{_pct(stats['lag_ms'], 0.99):.0f} ms",
    ]
    for name in ("gamma", "clob"):
        b, i = busy[name], idle[name]
        lines.append(
            f"  {name} latency while streaming p50/p99: {_pct(b, 0.5):.1f} / {_pct(b, 0.99):.1f} ms"
            f" (idle baseline {_pct(i, 0.5):.1f} / {_pct(i, 0.99):.1f} ms, "
            f"p50 ratio {statistics.median(b) / statistics.median(i):.2f}x, n={len(b)})"
        )
    return lines


def run(quick: bool = False) -> list[str]:
    """Start a simulator process, stream to 4 clients, and report rates and latencies."""
    markets, seconds = (400, 5.0) if quick else (2000, 20.0)
    port = _free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(port, markets), daemon=True
    )
    process.start()
    try:
        return asyncio.run(_measure(port, markets, seconds))
    finally:
        process.terminate()
        process.join(timeout=10)


if __name__ == "__main__":
    print("\n".join(run(quick=True)))
