"""User orders and trades of the simulator: parsing, the exchange's checks, book matching.

An order arrives as the V2 wire body (``polymarket-api.md`` §4.5). Its limit price is
``makerAmount / takerAmount`` for a BUY (``takerAmount`` shares) and ``takerAmount /
makerAmount`` for a SELL (``makerAmount`` shares). Users trade against the market's simulated
book, kept once for the first (YES) token: an order on the second token is mirrored (a BUY of NO
at ``p`` takes YES bids at ``1 - p``; §4.9). Fills happen at the resting level's price.

Rejections carry the exchange's texts (``OrderRejectedError``): off the tick grid, under the minimum
size or the $1 marketable minimum, beyond the balance, post-only orders that cross, unfilled
FOK/FAK orders, bad signatures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from polymarket_ml.core.enums import Side
from polymarket_ml.sim.auth import OrderStruct, order_hash, order_signer_matches
from polymarket_ml.sim.book import CENT, ONE, ZERO, SimBook
from polymarket_ml.sim.market import SimMarket

UNITS = Decimal(1_000_000)
MICRO = Decimal("0.000001")
GTD_SECURITY_S = 60
ORDER_TYPES = ("GTC", "GTD", "FOK", "FAK")
FOK_NOT_FILLED = "order couldn't be fully filled. FOK orders are fully filled or killed."
FAK_NOT_FILLED = (
    "no orders found to match with FAK order. "
    "FAK orders are partially filled or killed if no match is found."
)
POST_ONLY_CROSSES = "invalid post-only order: order crosses book"
POST_ONLY_TYPE = "invalid post-only order: only GTC and GTD orders can be post-only"
NOT_ENOUGH_BALANCE = "not enough balance / allowance"


class OrderRejectedError(Exception):
    """An order the exchange refuses with HTTP 400 ``{"error": str(self)}``."""


@dataclass(slots=True)
class SimOrder:
    """A user order: price in the order's own token, sizes in shares."""

    id: str
    owner: str
    wallet: str
    maker_address: str
    market: SimMarket
    asset_id: str
    side: Side
    price: Decimal
    original_size: Decimal
    order_type: str
    expiration: int
    created_at: datetime
    post_only: bool = False
    size_matched: Decimal = ZERO
    status: str = "LIVE"
    associate_trades: list[str] = field(default_factory=list)

    @property
    def index(self) -> int:
        return self.market.token_index(self.asset_id)

    @property
    def remaining(self) -> Decimal:
        return self.original_size - self.size_matched

    @property
    def outcome(self) -> str:
        return self.market.outcomes[self.index]

    @property
    def consumes_yes_asks(self) -> bool:
        """Whether this order takes YES asks (BUY YES, SELL NO) rather than YES bids."""
        return (self.index == 0) == (self.side is Side.BUY)

    @property
    def yes_limit(self) -> Decimal:
        return self.price if self.index == 0 else ONE - self.price


@dataclass(slots=True)
class MakerFill:
    """One maker order filled by a trade (a user's, or an anonymous one of the simulated book)."""

    order_id: str
    owner: str
    maker_address: str
    matched_amount: Decimal
    price: Decimal
    fee_rate_bps: int
    asset_id: str
    outcome: str
    side: Side


@dataclass(slots=True)
class SimTrade:
    """A match as the CLOB reports it: top-level fields describe the taker (§4.7, §6)."""

    id: str
    taker_order_id: str
    market: SimMarket
    asset_id: str
    side: Side
    size: Decimal
    price: Decimal
    fee_rate_bps: int
    match_time: datetime
    owner: str
    maker_address: str
    trader_side: str
    transaction_hash: str
    maker_orders: list[MakerFill]
    status: str = "MATCHED"
    last_update: datetime | None = None

    @property
    def outcome(self) -> str:
        return self.market.outcomes[self.market.token_index(self.asset_id)]


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A parsed ``POST /order`` body (before checks against the market and the account)."""

    struct: OrderStruct
    signature: str
    side: Side
    token_id: str
    expiration: int
    owner: str
    order_type: str
    post_only: bool
    maker: str
    signer: str

    @property
    def size(self) -> Decimal:
        shares = self.struct.taker_amount if self.side is Side.BUY else self.struct.maker_amount
        return Decimal(shares) / UNITS

    @property
    def price(self) -> Decimal:
        maker, taker = Decimal(self.struct.maker_amount), Decimal(self.struct.taker_amount)
        return maker / taker if self.side is Side.BUY else taker / maker

    @property
    def maker_amount(self) -> Decimal:
        """What the order offers: pUSD for a BUY, shares for a SELL."""
        return Decimal(self.struct.maker_amount) / UNITS


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise OrderRejectedError(f"invalid order: {name}")
    try:
        return int(str(value))
    except ValueError as e:
        raise OrderRejectedError(f"invalid order: {name}") from e


def parse_order_request(body: Any) -> OrderRequest:
    """Read the V2 wire body; raises :class:`OrderRejectedError` if it is malformed."""
    if not isinstance(body, dict) or not isinstance(body.get("order"), dict):
        raise OrderRejectedError("Invalid order payload")
    order: dict[str, Any] = body["order"]
    side_text = str(order.get("side", "")).upper()
    if side_text not in ("BUY", "SELL"):
        raise OrderRejectedError("invalid order: side")
    order_type = str(body.get("orderType", "GTC")).upper()
    if order_type not in ORDER_TYPES:
        raise OrderRejectedError(f"invalid order type {order_type}")
    side = Side(side_text)
    try:
        struct = OrderStruct(
            salt=_int(order.get("salt"), "salt"),
            maker=str(order.get("maker", "")),
            signer=str(order.get("signer", "")),
            token_id=_int(order.get("tokenId"), "tokenId"),
            maker_amount=_int(order.get("makerAmount"), "makerAmount"),
            taker_amount=_int(order.get("takerAmount"), "takerAmount"),
            side=0 if side is Side.BUY else 1,
            signature_type=_int(order.get("signatureType", 0), "signatureType"),
            timestamp=_int(order.get("timestamp", 0), "timestamp"),
            metadata=str(order.get("metadata") or "0x" + "00" * 32),
            builder=str(order.get("builder") or "0x" + "00" * 32),
        )
    except (TypeError, ValueError) as e:
        raise OrderRejectedError("Invalid order payload") from e
    if struct.maker_amount <= 0 or struct.taker_amount <= 0:
        raise OrderRejectedError("invalid order: amounts must be positive")
    return OrderRequest(
        struct=struct, signature=str(order.get("signature", "")), side=side,
        token_id=str(order.get("tokenId")), expiration=_int(order.get("expiration", 0),
                                                              "expiration"),
        owner=str(body.get("owner", "")), order_type=order_type,
        post_only=bool(body.get("postOnly", False)), maker=struct.maker, signer=struct.signer,
    )  # fmt: skip


def order_id_of(request: OrderRequest, market: SimMarket) -> str:
    try:
        return order_hash(request.struct, market.event.neg_risk)
    except (ValueError, TypeError, OverflowError) as e:
        raise OrderRejectedError("Invalid order payload") from e


def check_signature(request: OrderRequest, order_id: str, key_address: str) -> None:
    """The order must be signed by its ``signer``, the API key's wallet (EOA: also the maker)."""
    struct = request.struct
    if struct.signature_type == 3:  # ERC-1271 deposit wallet: the contract checks it on chain
        return
    if request.signer.lower() != key_address.lower():
        raise OrderRejectedError("the order signer address has to be the address of the API KEY")
    if struct.signature_type == 0 and request.maker.lower() != request.signer.lower():
        raise OrderRejectedError("invalid signature")
    if not order_signer_matches(order_id, request.signature, request.signer):
        raise OrderRejectedError("invalid signature")


def check_rules(request: OrderRequest, order_id: str, market: SimMarket, now_s: int) -> None:
    """Tick grid, price range, minimum sizes, order type and expiration (§4.9)."""
    tick, price, size = market.tick, request.price, request.size
    limit = request.order_type in ("GTC", "GTD")
    if request.post_only and not limit:
        raise OrderRejectedError(POST_ONLY_TYPE)
    if limit:
        try:
            on_grid = (price / tick) == (price / tick).to_integral_value()
        except InvalidOperation:
            on_grid = False
        if not on_grid:
            raise OrderRejectedError(
                f"order {order_id} is invalid. Price ({price.normalize()}) breaks minimum tick "
                f"size rule: {tick}"
            )
        if not tick <= price <= ONE - tick:
            raise OrderRejectedError(
                f"order {order_id} is invalid. Price ({price.normalize()}) out of range: "
                f"min: {tick} - max: {ONE - tick}"
            )
        if size < market.min_order_size:
            raise OrderRejectedError(
                f"order {order_id} is invalid. Size ({size.normalize()}) lower than the "
                f"minimum: {market.min_order_size.normalize()}"
            )
    elif not ZERO < price < ONE:
        raise OrderRejectedError(
            f"order {order_id} is invalid. Price ({price.normalize()}) out of range"
        )
    if request.order_type == "GTD":
        if request.expiration - GTD_SECURITY_S <= now_s:
            raise OrderRejectedError("invalid expiration")
    elif request.expiration != 0:
        raise OrderRejectedError("invalid expiration")


def check_marketable_buy_minimum(request: OrderRequest, crosses: bool) -> None:
    """FOK/FAK BUYs, and limit BUYs that cross, must be worth at least $1."""
    marketable = request.order_type in ("FOK", "FAK") or crosses
    if request.side is Side.BUY and marketable and request.maker_amount < ONE:
        raise OrderRejectedError(
            f"invalid amount for a marketable BUY order (${request.maker_amount.normalize()}), "
            "min size: $1"
        )


# ---- matching against the simulated book ------------------------------------------------------
def _crosses(consume_asks: bool, yes_level: Decimal, yes_limit: Decimal) -> bool:
    return yes_level <= yes_limit if consume_asks else yes_level >= yes_limit


def crossing_liquidity(book: SimBook, order: SimOrder) -> Decimal:
    """Shares of the simulated book this order could take now."""
    consume_asks, limit = order.consumes_yes_asks, order.yes_limit
    levels = book.asks if consume_asks else book.bids
    return sum((s for p, s in levels.items() if _crosses(consume_asks, p, limit)), ZERO)


def crosses_book(book: SimBook, order: SimOrder) -> bool:
    consume_asks = order.consumes_yes_asks
    best = book.best_ask() if consume_asks else book.best_bid()
    return best is not None and _crosses(consume_asks, best, order.yes_limit)


def take_from_book(
    book: SimBook, order: SimOrder, shares: Decimal, budget_usd: Decimal | None = None
) -> Iterator[tuple[Decimal, Decimal]]:
    """Take crossing levels, best first: up to ``shares``, or while ``budget_usd`` lasts (a
    market BUY spends its ``makerAmount``; fills are whole cents of shares). Yields (yes
    price, size) per level, each level taken as it is yielded: the message sent for a fill
    carries the top of book after it and no later one (§5.3)."""
    consume_asks, limit = order.consumes_yes_asks, order.yes_limit
    remaining = shares
    while crosses_book(book, order):
        best = book.best_ask() if consume_asks else book.best_bid()
        if best is None:
            break
        if budget_usd is not None:
            price = best if order.index == 0 else ONE - best
            remaining = (budget_usd / price).quantize(CENT, rounding=ROUND_DOWN)
        if remaining <= ZERO:
            break
        fill = book.take_best(consume_asks, remaining)
        if fill is None or not _crosses(consume_asks, fill.yes_price, limit):
            break
        yield fill.yes_price, fill.size
        if budget_usd is not None:
            budget_usd -= fill.size * (fill.yes_price if order.index == 0 else ONE - fill.yes_price)
        else:
            remaining -= fill.size


def crossing_value_usd(book: SimBook, order: SimOrder) -> Decimal:
    """What the crossing levels cost in pUSD, in the order's token."""
    consume_asks, limit = order.consumes_yes_asks, order.yes_limit
    levels = book.asks if consume_asks else book.bids
    return sum(
        (s * (p if order.index == 0 else ONE - p)
         for p, s in levels.items() if _crosses(consume_asks, p, limit)),
        ZERO,
    )  # fmt: skip


def taker_fee_usd(shares: Decimal, price: Decimal, rate: Decimal) -> Decimal:
    """``shares × rate × p(1 − p)``, rounded to 5 decimals (§4.10)."""
    fee = shares * rate * price * (ONE - price)
    return fee.quantize(Decimal("0.00001"), rounding=ROUND_DOWN)


def quantize_shares(value: Decimal) -> Decimal:
    return value.quantize(MICRO, rounding=ROUND_DOWN)
