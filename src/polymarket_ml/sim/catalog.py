"""Deterministic generation of events and markets: kinds, names, end dates over every tier."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from polymarket_ml.core.enums import Resolution, Tier
from polymarket_ml.sim.book import SimBook
from polymarket_ml.sim.ids import new_hex32, new_token_id, slugify
from polymarket_ml.sim.market import EventKind, SimEvent, SimMarket, logit

# Hours to the end date, by tier (T4 starts a few minutes out so fresh markets can trade).
TIER_HOURS: dict[Tier, tuple[float, float]] = {
    Tier.T0: (48.5, 24 * 21.0),
    Tier.T1: (12.5, 47.5),
    Tier.T2: (4.2, 11.8),
    Tier.T3: (1.1, 3.9),
    Tier.T4: (0.05, 0.95),
}
TIER_WEIGHTS = (0.35, 0.2, 0.15, 0.15, 0.15)
KIND_WEIGHTS = {
    EventKind.SINGLE: 0.35,
    EventKind.NEG_RISK: 0.15,
    EventKind.BY_DATE: 0.15,
    EventKind.UP_DOWN: 0.2,
    EventKind.SPORTS: 0.15,
}
VOID_PROBABILITY = 0.03
FEES = {
    "politics_fees": Decimal("0.04"),
    "crypto_fees": Decimal("0.072"),
    "sports_fees_v2": Decimal("0.05"),
}
_PEOPLE = ("Alice Moreau", "Bruno Costa", "Chen Wei", "Dana Okafor", "Elif Kaya", "Farid Haddad",
           "Greta Lund", "Hiro Tanaka", "Ines Duarte", "Jonas Berg")  # fmt: skip
_TOPICS = ("the Fed cut rates", "ETH reach $5,000", "a ceasefire be signed", "GPT-6 be released",
           "the bill pass the Senate", "SpaceX land on Mars", "inflation exceed 3%",
           "the strike end", "Team Nova win the final", "the merger close")  # fmt: skip
_TEAMS = ("FaZe", "Vitality", "Lakers", "Celtics", "Arsenal", "Chelsea", "Yankees", "Dodgers",
          "Navi", "G2")  # fmt: skip
_COINS = ("Bitcoin", "Ethereum", "Solana", "XRP")
Built = tuple[SimEvent, list[SimMarket]]


@dataclass(slots=True)
class IdSequence:
    """Numeric Gamma ids handed out in creation order."""

    next_market: int = 1_500_000
    next_event: int = 300_000

    def market(self) -> str:
        self.next_market += 1
        return str(self.next_market)

    def event(self) -> str:
        self.next_event += 1
        return str(self.next_event)


def pick_end(rng: random.Random, now: datetime, tier: Tier | None = None) -> datetime:
    """An end date in ``tier`` (or a tier drawn with the catalog's weights)."""
    chosen = tier if tier is not None else rng.choices(list(Tier), TIER_WEIGHTS)[0]
    lo, hi = TIER_HOURS[chosen]
    seconds = rng.uniform(lo, hi) * 3600.0
    return (now + timedelta(seconds=seconds)).replace(microsecond=0)


def generate_event(
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    tier: Tier | None = None,
    kind: EventKind | None = None,
) -> tuple[SimEvent, list[SimMarket]]:
    """One new event with its markets (of ``kind``, default: drawn), all drawn from ``rng``."""
    if kind is None:
        kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    end = pick_end(rng, now, tier)
    if kind is EventKind.UP_DOWN:
        end = pick_end(rng, now, rng.choice((Tier.T3, Tier.T4, Tier.T4)) if tier is None else tier)
    builder = _BUILDERS[kind]
    return builder(rng, now, ids, end)


def _event(
    rng: random.Random, ids: IdSequence, kind: EventKind, title: str, now: datetime, end: datetime,
    category: str, tags: tuple[str, ...],
) -> SimEvent:  # fmt: skip
    event_id = ids.event()
    created = now - timedelta(hours=rng.uniform(1, 24 * 30))
    return SimEvent(
        event_id=event_id, kind=kind, title=title, slug=f"{slugify(title)}-{event_id}",
        description=f"This event groups markets about: {title}", created_at=created,
        start_date=created + timedelta(minutes=5), end_date=end, category=category, tags=tags,
    )  # fmt: skip


def _market(
    rng: random.Random, ids: IdSequence, event: SimEvent, question: str, end: datetime,
    p0: float, target: Resolution, outcomes: tuple[str, str] = ("Yes", "No"),
    group_title: str = "",
) -> SimMarket:  # fmt: skip
    if rng.random() < VOID_PROBABILITY:
        target = Resolution.VOID
    gamma_id = ids.market()
    tick = Decimal("0.001") if p0 < 0.04 or p0 > 0.96 else Decimal("0.01")
    book = SimBook(tick=tick, depth=rng.randint(20, 100))
    fee_type = {"politics": "politics_fees", "crypto": "crypto_fees", "sports": "sports_fees_v2"}
    fee = fee_type.get(event.category)
    market = SimMarket(
        gamma_id=gamma_id, event=event, question=question,
        slug=f"{slugify(question)}-{gamma_id}",
        description=f'This market will resolve to "{outcomes[0]}" if {question.rstrip("?")}.'
        f' Otherwise, it will resolve to "{outcomes[1]}". A cancelled event resolves 50-50.',
        group_item_title=group_title, condition_id=new_hex32(rng), question_id=new_hex32(rng),
        token_ids=(new_token_id(rng), new_token_id(rng)), outcomes=outcomes,
        created_at=event.created_at, end_date=end,
        resolve_at=end + timedelta(seconds=rng.uniform(5, 300)), target=target,
        log_odds=logit(p0), book=book, fee_type=fee,
        fee_rate=FEES.get(fee or "", Decimal(0)), half_spread_ticks=rng.choice((1, 1, 1, 2, 3)),
        opening_price=p0, base_volume_usd=rng.lognormvariate(math.log(40_000), 1.5),
    )  # fmt: skip
    if event.neg_risk:
        market.neg_risk_request_id = new_hex32(rng)
    market.book.rebuild(rng, p0, market.half_spread_ticks)
    event.market_ids.append(gamma_id)
    return market


def _draw_outcome(rng: random.Random, p: float) -> Resolution:
    return Resolution.YES if rng.random() < p else Resolution.NO


def _single(rng: random.Random, now: datetime, ids: IdSequence, end: datetime) -> Built:
    topic = rng.choice(_TOPICS)
    title = f"Will {topic} by {end:%B %d}?"
    event = _event(rng, ids, EventKind.SINGLE, title, now, end, "politics", ("Politics",))
    p0 = min(max(rng.betavariate(0.8, 0.8), 0.02), 0.98)
    return event, [_market(rng, ids, event, title, end, p0, _draw_outcome(rng, p0))]


def _neg_risk(rng: random.Random, now: datetime, ids: IdSequence, end: datetime) -> Built:
    title = f"Who will win the {rng.choice(('mayoral', 'party', 'club'))} election {end:%Y-%m}?"
    event = _event(rng, ids, EventKind.NEG_RISK, title, now, end, "politics", ("Elections",))
    event.neg_risk, event.neg_risk_market_id = True, new_hex32(rng)
    names = rng.sample(_PEOPLE, rng.randint(3, 7))
    weights = [rng.gammavariate(1.0, 1.0) for _ in names]
    total = sum(weights)
    probs = [w / total for w in weights]
    winner = rng.choices(range(len(names)), probs)[0]
    markets = []
    for i, name in enumerate(names):
        question = f"Will {name} win the {title[13:].rstrip('?')}?"
        target = Resolution.YES if i == winner else Resolution.NO
        p0 = min(max(probs[i], 0.005), 0.99)
        markets.append(_market(rng, ids, event, question, end, p0, target, group_title=name))
    return event, markets


def _by_date(rng: random.Random, now: datetime, ids: IdSequence, end: datetime) -> Built:
    topic = rng.choice(_TOPICS)
    event = _event(rng, ids, EventKind.BY_DATE, f"Will {topic} by ...?", now, end, "world",
                   ("World",))  # fmt: skip
    horizon = (end - now).total_seconds()
    chance = rng.uniform(0.2, 0.8)
    happens_at = now + timedelta(seconds=rng.uniform(0, horizon)) if rng.random() < chance else None
    count = rng.randint(2, 4)
    markets = []
    for k in range(count):
        deadline = (now + timedelta(seconds=horizon * (k + 1) / count)).replace(microsecond=0)
        frac = (k + 1) / count
        yes = happens_at is not None and happens_at <= deadline
        target = Resolution.YES if yes else Resolution.NO
        question, label = f"Will {topic} by {deadline:%B %d %H:%M}?", f"{deadline:%B %d}"
        p0 = min(max(chance * frac, 0.02), 0.95)
        markets.append(_market(rng, ids, event, question, deadline, p0, target, group_title=label))
    event.end_date = markets[-1].end_date
    return event, markets


def _up_down(rng: random.Random, now: datetime, ids: IdSequence, end: datetime) -> Built:
    coin = rng.choice(_COINS)
    recurrence = rng.choice(("5m", "15m", "1h", "4h"))
    title = f"{coin} Up or Down - {end:%B %d, %H:%M} UTC"
    event = _event(rng, ids, EventKind.UP_DOWN, title, now, end, "crypto", ("Crypto",))
    event.series_slug, event.recurrence = f"{slugify(coin)}-up-or-down-{recurrence}", recurrence
    p0 = rng.uniform(0.4, 0.6)
    outcomes = ("Up", "Down")
    return event, [_market(rng, ids, event, title, end, p0, _draw_outcome(rng, p0), outcomes)]


def _sports(rng: random.Random, now: datetime, ids: IdSequence, end: datetime) -> Built:
    home, away = rng.sample(_TEAMS, 2)
    title = f"{home} vs {away}"
    event = _event(rng, ids, EventKind.SPORTS, title, now, end, "sports", ("Sports",))
    event.game_id = rng.randint(1_000_000, 9_999_999)
    event.series_slug = "sim-league"
    p0 = rng.uniform(0.15, 0.85)
    market = _market(rng, ids, event, title, end, p0, _draw_outcome(rng, p0), (home, away))
    if rng.random() < 0.5:
        market.sports_market_type = "moneyline"
    else:
        market.sports_market_type, market.line = "spreads", rng.choice((-2.5, -1.5, 1.5, 2.5))
    return event, [market]


_BUILDERS = {
    EventKind.SINGLE: _single,
    EventKind.NEG_RISK: _neg_risk,
    EventKind.BY_DATE: _by_date,
    EventKind.UP_DOWN: _up_down,
    EventKind.SPORTS: _sports,
}
