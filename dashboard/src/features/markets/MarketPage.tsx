// One market: its state, price / spread / depth over time, its trades and its tier history.
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { Card, Empty, QueryState, Segmented, Stat, StatusBadge, TierBadge } from "../../components/ui";
import { fmtCompact, fmtHours, fmtInt, fmtNum, fmtPrice, fmtTime, fmtUsd } from "../../lib/format";
import { useMarket } from "./api/useMarket";
import { useMarketSnapshots } from "./api/useMarketSnapshots";
import { useMarketTierTransitions } from "./api/useMarketTierTransitions";
import { useMarketTrades } from "./api/useMarketTrades";
import { DepthChart, PriceChart, SpreadChart } from "./MarketCharts";

const WINDOWS = [
  { value: 1, label: "1h" },
  { value: 6, label: "6h" },
  { value: 24, label: "24h" },
  { value: 168, label: "7d" },
] as const;

export function MarketPage() {
  const marketId = Number(useParams().marketId);
  const [hours, setHours] = useState(24);
  const market = useMarket(marketId);
  const snapshots = useMarketSnapshots(marketId, hours);
  const trades = useMarketTrades(marketId, hours);
  const tiers = useMarketTierTransitions(marketId);
  const m = market.data;
  const points = snapshots.data?.points ?? [];
  const hasBook = points.some((p) => p.bid_depth_10 !== null || p.ask_depth_10 !== null);
  const outcomeOf = (token: string) => (token === m?.yes_token_id ? "YES" : token === m?.no_token_id ? "NO" : "—");

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Link to="/markets" className="muted small">
            ← Markets
          </Link>
          <h1 data-testid="market-question">{m ? m.question : `Market #${marketId}`}</h1>
          {m && (
            <div className="muted small ellipsis">
              #{m.id} · {m.event_title ?? m.slug} · {m.condition_id}
            </div>
          )}
        </div>
        <Segmented label="Window" value={hours} options={WINDOWS} onChange={setHours} />
      </div>
      <QueryState isLoading={market.isLoading} error={market.error}>
        {m && (
          <div className="stats" data-testid="market-stats">
            <Stat label="Tier" value={<TierBadge tier={m.tier} />} hint={m.active ? "tracked" : `untracked: ${m.deactivation_reason ?? "—"}`} />
            <Stat label="Price" value={fmtPrice(m.latest?.price)} hint={`bid ${fmtPrice(m.latest?.best_bid)} · ask ${fmtPrice(m.latest?.best_ask)}`} testId="market-price" />
            <Stat label="Spread" value={fmtPrice(m.latest?.spread)} hint={`tick ${m.tick_size ?? "—"}`} />
            <Stat label="Volume 24h" value={fmtCompact(m.latest?.volume_24h)} hint={`liquidity ${fmtCompact(m.latest?.liquidity)}`} />
            <Stat label="Closes in" value={fmtHours(m.hours_to_close)} hint={fmtTime(m.end_date)} />
            <Stat
              label="State"
              value={<StatusBadge status={m.resolved ? "skipped" : m.closed ? "degraded" : "ok"} label={m.resolved ? `resolved ${m.outcome ?? ""}` : m.closed ? "closed" : "open"} />}
              hint={`${fmtInt(m.snapshot_count)} snapshots`}
            />
          </div>
        )}
      </QueryState>

      <Card title="Price" testId="market-price-card">
        <QueryState isLoading={snapshots.isLoading} error={snapshots.error}>
          {points.length === 0 ? (
            <Empty>No snapshot in this window.</Empty>
          ) : (
            <>
              <PriceChart points={points} />
              <div className="muted small">
                {fmtInt(snapshots.data?.total)} snapshots{snapshots.data && snapshots.data.total > points.length ? `, ${points.length} shown` : ""}
              </div>
            </>
          )}
        </QueryState>
      </Card>
      <div className="grid-2">
        <Card title="Spread">{points.length === 0 ? <Empty>No snapshot in this window.</Empty> : <SpreadChart points={points} />}</Card>
        <Card title="Book depth">
          {hasBook ? <DepthChart points={points} /> : <Empty>No order book (books are read from T2 up).</Empty>}
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Trades" testId="market-trades">
          <QueryState isLoading={trades.isLoading} error={trades.error}>
            {trades.data && (
              <>
                <div className="stats compact">
                  <Stat label={`Trades (${hours}h)`} value={fmtInt(trades.data.count)} testId="trade-count" />
                  <Stat label="Notional" value={fmtUsd(trades.data.notional_usd)} />
                </div>
                {trades.data.trades.length === 0 ? (
                  <Empty>No trade in this window.</Empty>
                ) : (
                  <div className="table-wrap scroll-y">
                    <table className="table" data-testid="trades-table">
                      <thead>
                        <tr>
                          <th>Time</th>
                          <th>Side</th>
                          <th>Outcome</th>
                          <th className="num">Price</th>
                          <th className="num">Size</th>
                          <th className="num">Notional</th>
                        </tr>
                      </thead>
                      <tbody>
                        {trades.data.trades.map((t, i) => (
                          <tr key={`${t.timestamp}-${i}`}>
                            <td className="nowrap">{fmtTime(t.timestamp)}</td>
                            <td className={t.side === "BUY" ? "text-ok" : "text-bad"}>{t.side}</td>
                            <td>{t.outcome ?? outcomeOf(t.token_id)}</td>
                            <td className="num">{fmtPrice(t.price)}</td>
                            <td className="num">{fmtNum(Number(t.size), 2)}</td>
                            <td className="num">
                              {fmtUsd(t.notional_usd)} {t.whale_tier > 0 && <span className="badge badge-warn" title="whale">🐋{t.whale_tier}</span>}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </>
            )}
          </QueryState>
        </Card>
        <Card title="Tier history" testId="market-tiers">
          <QueryState isLoading={tiers.isLoading} error={tiers.error}>
            {tiers.data && tiers.data.transitions.length === 0 && <Empty>No tier change recorded.</Empty>}
            {tiers.data && tiers.data.transitions.length > 0 && (
              <ol className="timeline" data-testid="tier-history">
                {[...tiers.data.transitions].reverse().map((t, i) => (
                  <li key={`${t.transitioned_at}-${i}`}>
                    <span className="nowrap">
                      <TierBadge tier={t.from_tier} none="new" /> → <TierBadge tier={t.to_tier} none="off" />
                    </span>
                    <span className="muted small">
                      {t.reason}
                      {t.hours_to_close !== null ? ` · ${fmtHours(t.hours_to_close)} to close` : ""}
                    </span>
                    <span className="muted small nowrap">{fmtTime(t.transitioned_at)}</span>
                  </li>
                ))}
              </ol>
            )}
          </QueryState>
        </Card>
      </div>
    </div>
  );
}
