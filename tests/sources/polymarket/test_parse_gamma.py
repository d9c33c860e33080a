"""Gamma samples: wire decoding, markets, resolution, categories and the stats for features."""

from datetime import UTC, datetime
from decimal import Decimal

import msgspec
import pytest

from polymarket_ml.core.enums import Resolution
from polymarket_ml.core.errors import DataError
from polymarket_ml.sources.polymarket.parse_gamma import (
    parse_gamma_event,
    parse_gamma_market,
    parse_gamma_stats,
    resolution_of,
)
from polymarket_ml.sources.polymarket.wire_gamma import (
    GammaEvent,
    GammaMarket,
    GammaSearch,
    GammaTag,
)
from tests.support import SAMPLES_DIR


def decode(name: str, kind: type):
    return msgspec.json.decode((SAMPLES_DIR / name).read_bytes(), type=kind)


def market(name: str) -> GammaMarket:
    return decode(f"gamma/{name}", GammaMarket)


def test_active_updown_market_decodes_double_encoded_fields() -> None:
    wire = market("market_active_btc_updown_5m_2026-03.json")
    parsed = parse_gamma_market(wire)

    assert (
        parsed.condition_id == "0x78443f961b9a65869dcb39359de9960165c7e5cbad0904eac7f29cd77872a63b"
    )
    assert (
        parsed.yes_token_id
        == "104239898038807136052399800151408521467737075933964991162589336683346093173875"
    )
    assert (
        parsed.no_token_id
        == "71183960810705820955071415844881728181970340514894896943812046065452395013351"
    )
    assert parsed.outcomes == ("Up", "Down")
    assert parsed.gamma_id == "1557558"
    assert (parsed.event_id, parsed.event_slug) == ("260654", "btc-updown-5m-1773307200")
    assert parsed.end_date == datetime(2026, 3, 12, 9, 25, tzinfo=UTC)
    assert parsed.start_date == datetime(2026, 3, 11, 9, 29, 1, 328428, tzinfo=UTC)
    assert (parsed.tick_size, parsed.min_order_size, parsed.neg_risk) == (
        Decimal("0.01"),
        Decimal("5"),
        False,
    )
    assert (parsed.closed, parsed.accepting_orders, parsed.resolution) == (False, True, None)
    assert parsed.category is None  # no category, no event category, no tags


def test_stats_carry_the_first_token_figures_and_none_for_missing_keys() -> None:
    stats = parse_gamma_stats(market("market_active_btc_updown_5m_2026-03.json"))

    assert (stats.price, stats.best_bid, stats.best_ask, stats.spread) == (0.505, 0.5, 0.51, 0.009)
    assert (stats.last_trade_price, stats.volume_total, stats.volume_24h) == (
        0.51,
        9.999997,
        9.999997,
    )
    assert (stats.liquidity, stats.competitive) == (20328.3747, 0.9999750006249843)
    assert stats.price_change_1h is None
    assert stats.price_change_1d is None
    assert stats.updated_at == datetime(2026, 3, 11, 15, 14, 46, 97817, tzinfo=UTC)
    assert stats.token_id is not None
    assert stats.token_id.startswith("1042398980388")


def test_negrisk_market_stats_have_week_and_month_changes_but_no_day_change() -> None:
    wire = market("market_active_negrisk_2026-06.json")
    stats = parse_gamma_stats(wire)

    assert parse_gamma_market(wire).neg_risk
    assert stats.neg_risk
    assert (stats.price, stats.best_bid, stats.best_ask) == (0.2325, 0.232, 0.233)
    assert (stats.price_change_1d, stats.price_change_1w, stats.price_change_1m) == (
        None,
        -0.019,
        -0.008,
    )
    assert (stats.volume_24h, stats.volume_1w) == (9066.547418000006, 80473.10950700007)
    assert stats.tick_size == 0.001
    assert wire.fee_schedule is not None
    assert wire.fee_schedule.rate == 0.04


@pytest.mark.parametrize(
    ("name", "resolution", "resolved_at"),
    [
        (
            "market_closed_resolved_2026-03.json",
            Resolution.NO,
            datetime(2026, 3, 19, 23, 20, 15, tzinfo=UTC),
        ),
        (
            "market_closed_early_still_accepting_2026-05.json",
            Resolution.YES,
            datetime(2026, 5, 9, 2, 7, 1, tzinfo=UTC),
        ),
        (
            "market_sports_moneyline_resolved_2026-04.json",
            Resolution.YES,
            datetime(2026, 4, 5, 19, 37, 33, tzinfo=UTC),
        ),
        (
            "market_sports_map_handicap_resolved_2026-04.json",
            Resolution.YES,
            datetime(2026, 4, 5, 19, 38, 35, tzinfo=UTC),
        ),
        ("market_closed_legacy_amm_2020.json", None, None),  # ["0","0"]: ask the CLOB
        ("market_closed_legacy_scalar_2021.json", None, None),  # scalar prices
    ],
)
def test_resolution_of_closed_markets(
    name: str, resolution: Resolution | None, resolved_at: datetime | None
) -> None:
    parsed = parse_gamma_market(market(name))

    assert parsed.closed
    assert (parsed.resolution, parsed.resolved_at) == (resolution, resolved_at)


def test_closed_market_may_still_accept_orders() -> None:
    parsed = parse_gamma_market(market("market_closed_early_still_accepting_2026-05.json"))
    stats = parse_gamma_stats(market("market_closed_early_still_accepting_2026-05.json"))

    assert parsed.accepting_orders
    assert parsed.end_date == datetime(2027, 12, 31, tzinfo=UTC)
    assert (stats.best_bid, stats.best_ask, stats.price_change_1h) == (0.69, 0.71, 0.01)
    assert stats.volume_24h is None
    assert stats.liquidity is None


def test_void_resolution_is_half_half() -> None:
    wire = msgspec.structs.replace(
        market("market_closed_resolved_2026-03.json"), outcome_prices='["0.5", "0.50"]'
    )

    assert resolution_of(wire) == Resolution.VOID


def test_legacy_markets_have_a_category_and_defaults_for_missing_keys() -> None:
    amm = parse_gamma_market(market("market_closed_legacy_amm_2020.json"))
    scalar = parse_gamma_market(market("market_closed_legacy_scalar_2021.json"))
    scalar_stats = parse_gamma_stats(market("market_closed_legacy_scalar_2021.json"))

    assert (amm.category, amm.tick_size, amm.neg_risk, amm.accepting_orders) == (
        "US-current-affairs",
        None,
        False,
        False,
    )
    assert amm.start_date is None
    assert amm.end_date == datetime(2020, 11, 4, tzinfo=UTC)
    assert scalar.category == "Crypto"
    assert scalar.outcomes == ("Long", "Short")
    assert scalar_stats.price == pytest.approx(0.5843311669077693)


def test_sports_markets_take_the_event_and_keep_team_outcomes() -> None:
    moneyline = parse_gamma_market(market("market_sports_moneyline_resolved_2026-04.json"))
    handicap = market("market_sports_map_handicap_resolved_2026-04.json")

    assert moneyline.outcomes == ("FaZe", "illwill")
    assert moneyline.event_id == "346898"
    assert (
        moneyline.yes_token_id
        == "89972346417086440659189114668296975440208562769200022591480064439842896371398"
    )
    assert (handicap.sports_market_type, handicap.line) == ("map_handicap", -1.5)


def test_events_list_gives_markets_with_the_parent_event_and_its_first_tag_as_category() -> None:
    (event,) = decode("gamma/events_list_negrisk_2026-03.json", list[GammaEvent])
    markets = parse_gamma_event(event)

    assert len(markets) == 2
    assert event.volume_24hr == 5669354.219446001
    first = markets[0]
    assert (first.gamma_id, first.event_id, first.event_title) == (
        "559657",
        "30829",
        "Democratic Presidential Nominee 2028",
    )
    assert first.category == "World Elections"
    assert first.neg_risk
    assert (
        first.yes_token_id
        == "60590045489347122735554346200880179420435533609307820342798544098823516727807"
    )


def test_public_search_and_tags() -> None:
    search = decode("gamma/public_search_2026-03.json", GammaSearch)
    tags = decode("gamma/tags_list_2026-03.json", list[GammaTag])

    assert search.pagination is not None
    assert (
        search.pagination.has_more,
        search.pagination.total_results,
    ) == (True, 46940)
    (event,) = search.events
    (only,) = parse_gamma_event(event)
    assert event.id == "246060"
    assert only.category == "Bitcoin"
    assert [t.label for t in tags][:2] == ["Health and Human Services", "Sweeden"]
    assert len(tags) == 5


def test_broken_double_encoding_is_a_data_error() -> None:
    wire = msgspec.structs.replace(
        market("market_active_btc_updown_5m_2026-03.json"), clob_token_ids="[1, 2"
    )

    with pytest.raises(DataError, match="clobTokenIds is not a JSON-encoded list"):
        parse_gamma_market(wire)
