"""CLOB authentication as the exchange checks it (``polymarket-api.md`` §4.1-4.3).

L1: the ``POLY_*`` headers carry an EIP-712 ``ClobAuth`` signature; the signer is recovered
with eth-account and must be ``POLY_ADDRESS``. L2: ``POLY_SIGNATURE`` is the urlsafe-base64
HMAC-SHA256 of ``timestamp + METHOD + path + body`` under the API secret, where ``path`` is the
path the client asked for (without ``/clob`` and the query string) and ``body`` the exact bytes
sent. Orders: ``orderID`` is the EIP-712 hash of the V2 ``Order`` struct, and the signature of
an EOA/proxy/Safe order must recover to its ``signer``.

Deviation: ``POLY_TIMESTAMP`` is not compared with the clock, because the simulator's clock may
run on simulated time while SDKs stamp requests with the wall clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_typing import Hash32
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

CHAIN_ID = 137
CLOB_AUTH_MESSAGE = "This message attests that I control the given wallet"
STANDARD_EXCHANGE = "0xE111180000d2663C0091e4f400237545B87B996B"
NEG_RISK_EXCHANGE = "0xe2222d279d744050d28e00520010520000310F59"
NEG_RISK_ADAPTER = "0xadA2005600Dec949baf300f4C6120000bDB6eAab"
ZERO_BYTES32 = "0x" + "00" * 32
INVALID_API_KEY = "Unauthorized/Invalid api key"
INVALID_L1_HEADERS = "Invalid L1 Request headers"

_ORDER_TYPE = (
    "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,"
    "uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,"
    "bytes32 builder)"
)
_DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
_ORDER_TYPEHASH = keccak(text=_ORDER_TYPE)
_DOMAIN_TYPEHASH = keccak(text=_DOMAIN_TYPE)


class AuthError(Exception):
    """A request the exchange refuses for its credentials; ``str()`` is the error text."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower()) or ""
    return value.strip()


# ---- L1 --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class L1Request:
    """A verified L1 request: the checksummed wallet address and the key nonce."""

    address: str
    nonce: int


def clob_auth_typed_data(address: str, timestamp: str, nonce: int) -> dict[str, Any]:
    return {
        "domain": {"name": "ClobAuthDomain", "version": "1", "chainId": CHAIN_ID},
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
            ],
            "ClobAuth": [
                {"name": "address", "type": "address"},
                {"name": "timestamp", "type": "string"},
                {"name": "nonce", "type": "uint256"},
                {"name": "message", "type": "string"},
            ],
        },
        "primaryType": "ClobAuth",
        "message": {"address": address, "timestamp": timestamp, "nonce": nonce,
                    "message": CLOB_AUTH_MESSAGE},
    }  # fmt: skip


def verify_l1(headers: Mapping[str, str]) -> L1Request:
    """Recover the ``ClobAuth`` signer; raises :class:`AuthError` unless it is ``POLY_ADDRESS``."""
    address, signature = _header(headers, "POLY_ADDRESS"), _header(headers, "POLY_SIGNATURE")
    timestamp, nonce_text = _header(headers, "POLY_TIMESTAMP"), _header(headers, "POLY_NONCE")
    try:
        checksummed = to_checksum_address(address)
        nonce = int(nonce_text or "0")
        typed = clob_auth_typed_data(checksummed, timestamp, nonce)
        recovered = Account.recover_message(encode_typed_data(full_message=typed),
                                            signature=signature)  # fmt: skip
    except (ValueError, TypeError, binascii.Error) as e:
        raise AuthError(INVALID_L1_HEADERS) from e
    if not timestamp or recovered != checksummed:
        raise AuthError(INVALID_L1_HEADERS)
    return L1Request(checksummed, nonce)


# ---- L2 --------------------------------------------------------------------------------------
def hmac_signature(secret: str, timestamp: str, method: str, path: str, body: str) -> str:
    """``urlsafe_b64(HMAC_SHA256(urlsafe_b64decode(secret), ts + METHOD + path + body))``."""
    key = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    message = f"{timestamp}{method}{path}{body}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True, slots=True)
class L2Headers:
    address: str
    api_key: str
    passphrase: str
    signature: str
    timestamp: str

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> L2Headers:
        return cls(*(_header(headers, name) for name in (
            "POLY_ADDRESS", "POLY_API_KEY", "POLY_PASSPHRASE", "POLY_SIGNATURE", "POLY_TIMESTAMP",
        )))  # fmt: skip


def verify_l2(
    found: L2Headers, *, secret: str, passphrase: str, owner_address: str, method: str,
    path: str, body: str,
) -> None:  # fmt: skip
    """Raise :class:`AuthError` unless the L2 headers sign this request with this key."""
    if not found.signature or not found.timestamp or found.passphrase != passphrase:
        raise AuthError(INVALID_API_KEY)
    if found.address.lower() != owner_address.lower():
        raise AuthError(INVALID_API_KEY)
    try:
        expected = hmac_signature(secret, found.timestamp, method, path, body)
    except (ValueError, binascii.Error) as e:
        raise AuthError(INVALID_API_KEY) from e
    if not hmac.compare_digest(expected.encode(), found.signature.encode()):
        raise AuthError(INVALID_API_KEY)


# ---- orders ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OrderStruct:
    """The signed fields of a V2 order, as integers and addresses."""

    salt: int
    maker: str
    signer: str
    token_id: int
    maker_amount: int
    taker_amount: int
    side: int  # 0 BUY, 1 SELL
    signature_type: int
    timestamp: int
    metadata: str
    builder: str


def _bytes32(value: str) -> bytes:
    raw = bytes.fromhex(value.removeprefix("0x").removeprefix("0X"))
    if len(raw) != 32:
        raise ValueError("expected 32 bytes")
    return raw


def order_hash(order: OrderStruct, neg_risk: bool) -> str:
    """The EIP-712 digest of the order (the exchange's ``orderID``), ``0x`` + 64 hex."""
    exchange = NEG_RISK_EXCHANGE if neg_risk else STANDARD_EXCHANGE
    domain = keccak(abi_encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [_DOMAIN_TYPEHASH, keccak(text="Polymarket CTF Exchange"), keccak(text="2"), CHAIN_ID,
         exchange],
    ))  # fmt: skip
    struct = keccak(abi_encode(
        ["bytes32", "uint256", "address", "address", "uint256", "uint256", "uint256", "uint8",
         "uint8", "uint256", "bytes32", "bytes32"],
        [_ORDER_TYPEHASH, order.salt, order.maker, order.signer, order.token_id,
         order.maker_amount, order.taker_amount, order.side, order.signature_type,
         order.timestamp, _bytes32(order.metadata), _bytes32(order.builder)],
    ))  # fmt: skip
    return "0x" + keccak(b"\x19\x01" + domain + struct).hex()


def order_signer_matches(digest: str, signature: str, signer: str) -> bool:
    """Whether the 65-byte ECDSA ``signature`` over ``digest`` recovers to ``signer``."""
    try:
        raw = bytes.fromhex(signature.removeprefix("0x"))
        recovered = Account._recover_hash(Hash32(bytes.fromhex(digest[2:])), signature=raw)
    except (ValueError, TypeError, binascii.Error):
        return False
    return bool(recovered.lower() == signer.lower())
