"""Simulated trading accounts: API keys, pUSD and token balances, order heartbeats.

Balances belong to the signing wallet (the address the API key was derived for); every new
wallet starts with ``starting_balance`` pUSD. Keys are per (wallet, nonce): ``POST
/auth/api-key`` creates one once, ``GET /auth/derive-api-key`` returns it (creating it on first
use). Key material comes from its own seeded generator, so it never perturbs the markets.

Heartbeats (``polymarket-api.md`` §4.8): the first accepted ``POST /v1/heartbeats`` arms a
deadline for the key; each accepted send moves it ``HEARTBEAT_TIMEOUT_S`` +
``HEARTBEAT_BUFFER_S`` ahead; when it passes, the exchange cancels every open order of the key
and the registration lapses.
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

HEARTBEAT_TIMEOUT_S = 10.0
HEARTBEAT_BUFFER_S = 5.0
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ApiCreds:
    """One API key: the three secrets the client keeps, and the wallet that owns them."""

    key: str
    secret: str
    passphrase: str
    address: str
    nonce: int


@dataclass(slots=True)
class Wallet:
    """Holdings of one wallet: pUSD and outcome-token shares (token id → shares)."""

    address: str
    collateral: Decimal
    positions: dict[str, Decimal] = field(default_factory=dict)

    def shares(self, token_id: str) -> Decimal:
        return self.positions.get(token_id, ZERO)

    def add_shares(self, token_id: str, delta: Decimal) -> None:
        total = self.shares(token_id) + delta
        if total == ZERO:
            self.positions.pop(token_id, None)
        else:
            self.positions[token_id] = total


@dataclass(slots=True)
class Heartbeat:
    heartbeat_id: str
    deadline: datetime


class HeartbeatMismatchError(Exception):
    """A heartbeat with an id other than the expected one; carries the expected id."""

    def __init__(self, expected: str) -> None:
        super().__init__("Invalid Heartbeat ID")
        self.expected = expected


class Accounts:
    """All API keys, wallets and heartbeat registrations of one simulator."""

    def __init__(self, seed: int, starting_balance: Decimal) -> None:
        self._rng = random.Random(seed ^ 0xC1AB)
        self.starting_balance = starting_balance
        self.keys: dict[str, ApiCreds] = {}
        self._by_wallet_nonce: dict[tuple[str, int], ApiCreds] = {}
        self.wallets: dict[str, Wallet] = {}
        self.heartbeats: dict[str, Heartbeat] = {}

    # ---- keys ----------------------------------------------------------------------------
    def _new_creds(self, address: str, nonce: int) -> ApiCreds:
        rng = self._rng
        creds = ApiCreds(
            key=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            secret=base64.urlsafe_b64encode(rng.randbytes(32)).decode(),
            passphrase=rng.randbytes(32).hex(),
            address=address,
            nonce=nonce,
        )
        self.keys[creds.key] = creds
        self._by_wallet_nonce[(address.lower(), nonce)] = creds
        self.wallet(address)
        return creds

    def create_key(self, address: str, nonce: int) -> ApiCreds | None:
        """A new key for (wallet, nonce), or None when one exists (the exchange answers 400)."""
        if (address.lower(), nonce) in self._by_wallet_nonce:
            return None
        return self._new_creds(address, nonce)

    def derive_key(self, address: str, nonce: int) -> ApiCreds:
        existing = self._by_wallet_nonce.get((address.lower(), nonce))
        return existing if existing is not None else self._new_creds(address, nonce)

    def delete_key(self, key: str) -> None:
        creds = self.keys.pop(key, None)
        if creds is not None:
            self._by_wallet_nonce.pop((creds.address.lower(), creds.nonce), None)
            self.heartbeats.pop(key, None)

    def keys_of(self, address: str) -> list[str]:
        return [c.key for c in self.keys.values() if c.address.lower() == address.lower()]

    # ---- wallets -------------------------------------------------------------------------
    def wallet(self, address: str) -> Wallet:
        found = self.wallets.get(address.lower())
        if found is None:
            found = Wallet(address, self.starting_balance)
            self.wallets[address.lower()] = found
        return found

    def fund(self, address: str, collateral: Decimal) -> Wallet:
        """Set a wallet's pUSD balance (tests and demos)."""
        wallet = self.wallet(address)
        wallet.collateral = collateral
        return wallet

    # ---- heartbeats ----------------------------------------------------------------------
    def heartbeat(self, key: str, heartbeat_id: str, now: datetime) -> str:
        """Accept a heartbeat; return the id to send next (or raise HeartbeatMismatchError)."""
        current = self.heartbeats.get(key)
        if current is not None and heartbeat_id != current.heartbeat_id:
            raise HeartbeatMismatchError(current.heartbeat_id)
        if current is None and heartbeat_id:
            raise HeartbeatMismatchError("")
        next_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        deadline = now + timedelta(seconds=HEARTBEAT_TIMEOUT_S + HEARTBEAT_BUFFER_S)
        self.heartbeats[key] = Heartbeat(next_id, deadline)
        return next_id

    def lapsed_heartbeats(self, now: datetime) -> list[str]:
        """Keys whose heartbeat deadline has passed; their registrations are removed."""
        lapsed = [key for key, beat in self.heartbeats.items() if now > beat.deadline]
        for key in lapsed:
            del self.heartbeats[key]
        return lapsed
