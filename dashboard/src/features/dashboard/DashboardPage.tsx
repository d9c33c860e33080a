// System overview: status and problems, collection at a glance, data volumes, tier distribution.
import { Card, Empty, MarketLink, QueryState, Stat, StatusBadge, TierBadge } from "../../components/ui";
import { fmtAge, fmtCompact, fmtInt, fmtMs, fmtTime } from "../../lib/format";
import { useTables } from "../database/api/useTables";
import { useHealth } from "../monitoring/api/useHealth";
import { useTierTransitions } from "../monitoring/api/useTierTransitions";
import { TierDistributionChart } from "./TierDistributionChart";

const COUNTED = ["markets", "snapshots", "trades", "orderbook_snapshots", "tier_transitions", "task_runs"];

export function DashboardPage() {
  const health = useHealth();
  const tables = useTables();
  const transitions = useTierTransitions(24, 8);
  const h = health.data;
  const rows = new Map((tables.data?.tables ?? []).map((t) => [t.name, t]));
  const openMarkets = h?.freshness.reduce((n, f) => n + f.open_markets, 0);
  const connected = h?.collector.connected ?? 0;
  const conns = h?.collector.connections.length ?? 0;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Dashboard</h1>
        {h && <span className="muted">checked {fmtTime(h.checked_at)}</span>}
      </div>
      <QueryState isLoading={health.isLoading} error={health.error}>
        {h && (
          <>
            {h.problems.length > 0 && (
              <div className={`banner ${h.status === "critical" ? "banner-bad" : "banner-warn"}`} data-testid="problems">
                <strong>System {h.status}</strong>
                <ul>
                  {h.problems.map((p) => (
                    <li key={p.check + p.message}>
                      <StatusBadge status={p.severity} /> {p.message}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div className="stats" data-testid="overview-stats">
              <Stat label="Status" value={<StatusBadge status={h.status} />} hint={`${h.problems.length} problems`} />
              <Stat label="Open markets" value={fmtInt(openMarkets)} hint="tracked, still trading" testId="stat-open-markets" />
              <Stat
                label="WebSockets"
                value={`${connected} / ${conns}`}
                hint={`${fmtInt(h.collector.subscribed_tokens)} tokens followed`}
                tone={conns > 0 && connected === conns ? "ok" : "warn"}
              />
              <Stat
                label="Trades stored"
                value={fmtInt(h.collector.stats?.trades_stored)}
                hint={`queue ${fmtInt(h.collector.queue_depth)}`}
                testId="stat-trades-stored"
              />
              <Stat
                label="Database"
                value={h.database.reachable ? fmtMs(h.database.latency_ms) : "down"}
                hint={h.database.backend}
                tone={h.database.reachable ? "ok" : "bad"}
              />
              <Stat
                label="Executor"
                value={<StatusBadge status={h.executor.running ? "running" : "not running"} />}
                hint={h.executor.status}
              />
            </div>
          </>
        )}
      </QueryState>

      <div className="grid-2">
        <Card title="Tier distribution" testId="tier-distribution">
          {h ? <TierDistributionChart freshness={h.freshness} /> : <Empty>No data yet</Empty>}
        </Card>
        <Card title="Freshness per tier">
          {h && (
            <div className="table-wrap">
              <table className="table" data-testid="freshness-table">
                <thead>
                  <tr>
                    <th>Tier</th>
                    <th className="num">Open</th>
                    <th className="num">Every</th>
                    <th className="num">Newest snapshot</th>
                    <th>State</th>
                  </tr>
                </thead>
                <tbody>
                  {h.freshness.map((f) => (
                    <tr key={f.tier}>
                      <td>
                        <TierBadge tier={f.tier} />
                      </td>
                      <td className="num">{fmtInt(f.open_markets)}</td>
                      <td className="num">{fmtInt(f.interval_secs)}s</td>
                      <td className="num">{fmtAge(f.age_secs)}</td>
                      <td>
                        <StatusBadge status={f.stale ? "degraded" : "ok"} label={f.stale ? "stale" : "fresh"} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>

      <div className="grid-2">
        <Card title="Stored data">
          <QueryState isLoading={tables.isLoading} error={tables.error}>
            <div className="stats compact" data-testid="table-counts">
              {COUNTED.map((name) => {
                const t = rows.get(name);
                return (
                  <Stat
                    key={name}
                    label={name.replace("_", " ")}
                    value={t ? (t.estimated ? "~" : "") + fmtCompact(t.rows) : "—"}
                    testId={`count-${name}`}
                  />
                );
              })}
            </div>
          </QueryState>
        </Card>
        <Card title="Latest tier changes">
          <QueryState isLoading={transitions.isLoading} error={transitions.error}>
            {transitions.data && transitions.data.recent.length === 0 && <Empty>None in 24 hours</Empty>}
            {transitions.data && transitions.data.recent.length > 0 && (
              <div className="table-wrap">
                <table className="table" data-testid="recent-transitions">
                  <thead>
                    <tr>
                      <th>Market</th>
                      <th>Move</th>
                      <th className="num">When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {transitions.data.recent.map((t, i) => (
                      <tr key={`${t.market_id}-${t.transitioned_at}-${i}`}>
                        <td className="ellipsis">
                          <MarketLink id={t.market_id}>{t.market_slug ?? `#${t.market_id}`}</MarketLink>
                        </td>
                        <td className="nowrap">
                          <TierBadge tier={t.from_tier} none="new" /> → <TierBadge tier={t.to_tier} none="off" />
                        </td>
                        <td className="num nowrap">{fmtTime(t.transitioned_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        </Card>
      </div>
    </div>
  );
}
