"""Initial schema: every table of the original design, plus orders, fills and executor state.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 19:00:12.577135
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import polymarket_ml.storage.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "executor_equity",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "timestamp", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column(
            "cash_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "positions_value_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "equity_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "realized_pnl_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "unrealized_pnl_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "fees_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "peak_equity_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "drawdown_pct",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=False,
        ),
        sa.Column("halted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_executor_equity")),
    )
    with op.batch_alter_table("executor_equity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_executor_equity_mode_timestamp", ["mode", "timestamp"], unique=False
        )

    op.create_table(
        "executor_state",
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column(
            "starting_balance_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "cash_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "peak_equity_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column("halted", sa.Boolean(), nullable=False),
        sa.Column("halted_reason", sa.Text(), nullable=True),
        sa.Column(
            "halted_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "updated_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("mode", name=op.f("pk_executor_state")),
    )
    op.create_table(
        "markets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.String(length=100), nullable=False),
        sa.Column("gamma_id", sa.String(length=32), nullable=True),
        sa.Column("slug", sa.String(length=255), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("event_id", sa.String(length=32), nullable=True),
        sa.Column("event_slug", sa.String(length=255), nullable=True),
        sa.Column("event_title", sa.Text(), nullable=True),
        sa.Column("yes_token_id", sa.String(length=100), nullable=True),
        sa.Column("no_token_id", sa.String(length=100), nullable=True),
        sa.Column(
            "outcomes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("neg_risk", sa.Boolean(), nullable=False),
        sa.Column("competitive", sa.Float(), nullable=True),
        sa.Column("enable_order_book", sa.Boolean(), nullable=False),
        sa.Column(
            "tick_size",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "min_order_size",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column(
            "start_date", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "end_date", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "created_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "gamma_updated_at",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "initial_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "initial_spread",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "initial_volume",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column(
            "initial_liquidity",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column(
            "closed_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("accepting_orders", sa.Boolean(), nullable=False),
        sa.Column("uma_resolution_status", sa.String(length=20), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column(
            "resolved_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "deactivated_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("deactivation_reason", sa.String(length=20), nullable=True),
        sa.Column(
            "tracking_started_at",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "last_snapshot_at",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("snapshot_count", sa.Integer(), nullable=False),
        sa.Column(
            "last_trade_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "first_seen_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markets")),
        sa.UniqueConstraint("condition_id", name=op.f("uq_markets_condition_id")),
    )
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.create_index("ix_markets_active_tier", ["active", "tier"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_end_date"), ["end_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_gamma_id"), ["gamma_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_no_token_id"), ["no_token_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_yes_token_id"), ["yes_token_id"], unique=False)

    op.create_table(
        "orderbook_snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column(
            "timestamp", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "exchange_ts", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("tier", sa.SmallInteger(), nullable=True),
        sa.Column(
            "bids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "asks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "total_bid_depth",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "total_ask_depth",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column("num_bid_levels", sa.SmallInteger(), nullable=False),
        sa.Column("num_ask_levels", sa.SmallInteger(), nullable=False),
        sa.Column(
            "largest_bid_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "largest_bid_size",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column(
            "largest_ask_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "largest_ask_size",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orderbook_snapshots")),
        sa.UniqueConstraint(
            "token_id", "timestamp", name=op.f("uq_orderbook_snapshots_token_id_timestamp")
        ),
    )
    with op.batch_alter_table("orderbook_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orderbook_snapshots_market_id_timestamp", ["market_id", "timestamp"], unique=False
        )
        batch_op.create_index(
            "ix_orderbook_snapshots_timestamp", ["timestamp"], unique=False, postgresql_using="brin"
        )

    op.create_table(
        "snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column(
            "timestamp", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("tier", sa.SmallInteger(), nullable=False),
        sa.Column(
            "gamma_updated_at",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "book_exchange_ts",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "last_trade_exchange_ts",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("best_bid", sa.Float(), nullable=True),
        sa.Column("best_ask", sa.Float(), nullable=True),
        sa.Column("spread", sa.Float(), nullable=True),
        sa.Column("last_trade_price", sa.Float(), nullable=True),
        sa.Column("price_change_1h", sa.Float(), nullable=True),
        sa.Column("price_change_1d", sa.Float(), nullable=True),
        sa.Column("price_change_1w", sa.Float(), nullable=True),
        sa.Column("price_change_1m", sa.Float(), nullable=True),
        sa.Column("volume_total", sa.Float(), nullable=True),
        sa.Column("volume_24h", sa.Float(), nullable=True),
        sa.Column("volume_1w", sa.Float(), nullable=True),
        sa.Column("volume_1m", sa.Float(), nullable=True),
        sa.Column("liquidity", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("neg_risk", sa.Boolean(), nullable=True),
        sa.Column("competitive", sa.Float(), nullable=True),
        sa.Column("tick_size", sa.Float(), nullable=True),
        sa.Column("bid_depth_5", sa.Float(), nullable=True),
        sa.Column("bid_depth_10", sa.Float(), nullable=True),
        sa.Column("bid_depth_20", sa.Float(), nullable=True),
        sa.Column("bid_depth_50", sa.Float(), nullable=True),
        sa.Column("ask_depth_5", sa.Float(), nullable=True),
        sa.Column("ask_depth_10", sa.Float(), nullable=True),
        sa.Column("ask_depth_20", sa.Float(), nullable=True),
        sa.Column("ask_depth_50", sa.Float(), nullable=True),
        sa.Column("bid_levels", sa.Integer(), nullable=True),
        sa.Column("ask_levels", sa.Integer(), nullable=True),
        sa.Column("book_imbalance", sa.Float(), nullable=True),
        sa.Column("bid_wall_price", sa.Float(), nullable=True),
        sa.Column("bid_wall_size", sa.Float(), nullable=True),
        sa.Column("ask_wall_price", sa.Float(), nullable=True),
        sa.Column("ask_wall_size", sa.Float(), nullable=True),
        sa.Column("trade_count_1h", sa.Integer(), nullable=True),
        sa.Column("buy_count_1h", sa.Integer(), nullable=True),
        sa.Column("sell_count_1h", sa.Integer(), nullable=True),
        sa.Column("volume_1h", sa.Float(), nullable=True),
        sa.Column("buy_volume_1h", sa.Float(), nullable=True),
        sa.Column("sell_volume_1h", sa.Float(), nullable=True),
        sa.Column("net_flow_1h", sa.Float(), nullable=True),
        sa.Column("vwap_1h", sa.Float(), nullable=True),
        sa.Column("avg_trade_size_1h", sa.Float(), nullable=True),
        sa.Column("max_trade_size_1h", sa.Float(), nullable=True),
        sa.Column("trade_count_5m", sa.Integer(), nullable=True),
        sa.Column("volume_5m", sa.Float(), nullable=True),
        sa.Column("whale_count_1h", sa.Integer(), nullable=True),
        sa.Column("whale_volume_1h", sa.Float(), nullable=True),
        sa.Column("whale_net_flow_1h", sa.Float(), nullable=True),
        sa.Column("time_since_whale", sa.Float(), nullable=True),
        sa.Column("time_since_trade", sa.Float(), nullable=True),
        sa.Column("hours_to_close", sa.Float(), nullable=True),
        sa.Column("day_of_week", sa.Integer(), nullable=True),
        sa.Column("hour_of_day", sa.Integer(), nullable=True),
        sa.Column("is_weekend", sa.Boolean(), nullable=True),
        sa.Column("tracking_age_hours", sa.Float(), nullable=True),
        sa.Column("mid_price", sa.Float(), nullable=True),
        sa.Column("microprice", sa.Float(), nullable=True),
        sa.Column("relative_spread", sa.Float(), nullable=True),
        sa.Column("log_odds", sa.Float(), nullable=True),
        sa.Column("distance_from_half", sa.Float(), nullable=True),
        sa.Column("price_vs_initial", sa.Float(), nullable=True),
        sa.Column("volume_to_liquidity", sa.Float(), nullable=True),
        sa.Column("volatility_1h", sa.Float(), nullable=True),
        sa.Column("momentum_1h_vs_1d", sa.Float(), nullable=True),
        sa.Column("complement_gap", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint(
            "market_id", "timestamp", name=op.f("uq_snapshots_market_id_timestamp")
        ),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_snapshots_tier_timestamp", ["tier", "timestamp"], unique=False)
        batch_op.create_index(
            "ix_snapshots_timestamp", ["timestamp"], unique=False, postgresql_using="brin"
        )

    op.create_table(
        "task_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_name", sa.String(length=100), nullable=False),
        sa.Column("task_id", sa.String(length=100), nullable=False),
        sa.Column("tier", sa.SmallInteger(), nullable=True),
        sa.Column(
            "started_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "finished_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("markets_processed", sa.Integer(), nullable=True),
        sa.Column("rows_inserted", sa.Integer(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_traceback", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_runs")),
    )
    with op.batch_alter_table("task_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_runs_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_task_runs_task_name_started_at", ["task_name", "started_at"], unique=False
        )

    op.create_table(
        "trades",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=3), nullable=True),
        sa.Column(
            "timestamp", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "received_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "price", polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6), nullable=False
        ),
        sa.Column(
            "size", polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6), nullable=False
        ),
        sa.Column(
            "notional_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=30, scale=10),
            nullable=False,
        ),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("whale_tier", sa.SmallInteger(), nullable=False),
        sa.Column("fee_rate_bps", sa.Integer(), nullable=True),
        sa.Column("transaction_hash", sa.String(length=100), nullable=True),
        sa.Column("dedup_key", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column(
            "best_bid",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "best_ask",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trades")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_trades_dedup_key")),
    )
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trades_market_id_timestamp", ["market_id", "timestamp"], unique=False
        )
        batch_op.create_index(
            "ix_trades_timestamp", ["timestamp"], unique=False, postgresql_using="brin"
        )

    op.create_table(
        "signals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("strategy", sa.String(length=64), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=3), nullable=True),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("is_exit", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("edge", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column(
            "price_at_signal",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=False,
        ),
        sa.Column(
            "suggested_size_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "risk_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "decided_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["market_id"],
            ["markets.id"],
            name=op.f("fk_signals_market_id_markets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
    )
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.create_index("ix_signals_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_signals_market_id"), ["market_id"], unique=False)
        batch_op.create_index("ix_signals_strategy_status", ["strategy", "status"], unique=False)

    op.create_table(
        "tier_transitions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.String(length=100), nullable=True),
        sa.Column("market_slug", sa.String(length=255), nullable=True),
        sa.Column("from_tier", sa.SmallInteger(), nullable=True),
        sa.Column("to_tier", sa.SmallInteger(), nullable=True),
        sa.Column(
            "transitioned_at",
            polymarket_ml.storage.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("hours_to_close", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_id"],
            ["markets.id"],
            name=op.f("fk_tier_transitions_market_id_markets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_transitions")),
    )
    with op.batch_alter_table("tier_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_transitions_market_id"), ["market_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tier_transitions_transitioned_at"), ["transitioned_at"], unique=False
        )

    op.create_table(
        "positions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=3), nullable=False),
        sa.Column("strategy", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "size", polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6), nullable=False
        ),
        sa.Column(
            "entry_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=False,
        ),
        sa.Column(
            "cost_basis_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "current_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "current_value_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column(
            "unrealized_pnl_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=True,
        ),
        sa.Column(
            "realized_pnl_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "fees_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "take_profit_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "stop_loss_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column(
            "entry_signal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "opened_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "closed_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "exit_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column("exit_reason", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_signal_id"],
            ["signals.id"],
            name=op.f("fk_positions_entry_signal_id_signals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["market_id"],
            ["markets.id"],
            name=op.f("fk_positions_market_id_markets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_positions_market_id"), ["market_id"], unique=False)
        batch_op.create_index("ix_positions_status_mode", ["status", "mode"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_order_id", sa.String(length=64), nullable=False),
        sa.Column("exchange_order_id", sa.String(length=100), nullable=True),
        sa.Column("signal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "position_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("strategy", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("order_type", sa.String(length=4), nullable=False),
        sa.Column("post_only", sa.Boolean(), nullable=False),
        sa.Column(
            "price", polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6), nullable=False
        ),
        sa.Column(
            "size", polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6), nullable=False
        ),
        sa.Column(
            "filled_size",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column(
            "avg_fill_price",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["market_id"],
            ["markets.id"],
            name=op.f("fk_orders_market_id_markets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_orders_position_id_positions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"],
            ["signals.id"],
            name=op.f("fk_orders_signal_id_signals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("client_order_id", name=op.f("uq_orders_client_order_id")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_exchange_order_id"), ["exchange_order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_orders_market_id"), ["market_id"], unique=False)
        batch_op.create_index("ix_orders_status_mode", ["status", "mode"], unique=False)

    op.create_table(
        "fills",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column(
            "price", polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6), nullable=False
        ),
        sa.Column(
            "size", polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6), nullable=False
        ),
        sa.Column(
            "fee_usd",
            polymarket_ml.storage.types.ExactDecimal(precision=20, scale=6),
            nullable=False,
        ),
        sa.Column("is_maker", sa.Boolean(), nullable=False),
        sa.Column(
            "slippage",
            polymarket_ml.storage.types.ExactDecimal(precision=12, scale=6),
            nullable=True,
        ),
        sa.Column("exchange_trade_id", sa.String(length=100), nullable=True),
        sa.Column(
            "filled_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "received_at", polymarket_ml.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["market_id"],
            ["markets.id"],
            name=op.f("fk_fills_market_id_markets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_fills_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fills")),
        sa.UniqueConstraint(
            "order_id", "exchange_trade_id", name=op.f("uq_fills_order_id_exchange_trade_id")
        ),
    )
    with op.batch_alter_table("fills", schema=None) as batch_op:
        batch_op.create_index("ix_fills_filled_at", ["filled_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_fills_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fills_order_id"))
        batch_op.drop_index("ix_fills_filled_at")

    op.drop_table("fills")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_status_mode")
        batch_op.drop_index(batch_op.f("ix_orders_market_id"))
        batch_op.drop_index(batch_op.f("ix_orders_exchange_order_id"))

    op.drop_table("orders")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_status_mode")
        batch_op.drop_index(batch_op.f("ix_positions_market_id"))

    op.drop_table("positions")
    with op.batch_alter_table("tier_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_transitions_transitioned_at"))
        batch_op.drop_index(batch_op.f("ix_tier_transitions_market_id"))

    op.drop_table("tier_transitions")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_index("ix_signals_strategy_status")
        batch_op.drop_index(batch_op.f("ix_signals_market_id"))
        batch_op.drop_index("ix_signals_created_at")

    op.drop_table("signals")
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.drop_index("ix_trades_timestamp", postgresql_using="brin")
        batch_op.drop_index("ix_trades_market_id_timestamp")

    op.drop_table("trades")
    with op.batch_alter_table("task_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_task_runs_task_name_started_at")
        batch_op.drop_index(batch_op.f("ix_task_runs_status"))

    op.drop_table("task_runs")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshots_timestamp", postgresql_using="brin")
        batch_op.drop_index("ix_snapshots_tier_timestamp")

    op.drop_table("snapshots")
    with op.batch_alter_table("orderbook_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_orderbook_snapshots_timestamp", postgresql_using="brin")
        batch_op.drop_index("ix_orderbook_snapshots_market_id_timestamp")

    op.drop_table("orderbook_snapshots")
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_markets_yes_token_id"))
        batch_op.drop_index(batch_op.f("ix_markets_no_token_id"))
        batch_op.drop_index(batch_op.f("ix_markets_gamma_id"))
        batch_op.drop_index(batch_op.f("ix_markets_event_id"))
        batch_op.drop_index(batch_op.f("ix_markets_end_date"))
        batch_op.drop_index("ix_markets_active_tier")

    op.drop_table("markets")
    op.drop_table("executor_state")
    with op.batch_alter_table("executor_equity", schema=None) as batch_op:
        batch_op.drop_index("ix_executor_equity_mode_timestamp")

    op.drop_table("executor_equity")
