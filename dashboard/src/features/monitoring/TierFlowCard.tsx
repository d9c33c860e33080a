import { Card, Empty, MarketLink, QueryState, Stat, TierBadge } from "../../components/ui";
import { fmtHours, fmtInt, fmtTime } from "../../lib/format";
import { useTierTransitions } from "./api/useTierTransitions";

/** Moves between tiers over the window: a from × to matrix, shaded by count, and the newest moves. */
export function TierFlowCard({ hours }: { hours: number }) {
  const flow = useTierTransitions(hours, 25);
  const d = flow.data;
  const max = d ? Math.max(1, ...d.matrix.flat()) : 1;
  return (
    <Card title={`Tier flow (${hours}h)`} testId="tier-flow">
      <QueryState isLoading={flow.isLoading} error={flow.error}>
        {d && (
          <>
            <div className="stats compact">
              <Stat label="Moves" value={fmtInt(d.total)} />
              <Stat label="Discovered" value={fmtInt(d.discovered)} />
              <Stat label="Deactivated" value={fmtInt(d.deactivated)} />
            </div>
            <div className="table-wrap">
              <table className="table matrix" data-testid="tier-matrix">
                <thead>
                  <tr>
                    <th>from \ to</th>
                    {d.to_labels.map((l) => (
                      <th key={l} className="num">
                        {l}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {d.matrix.map((row, i) => (
                    <tr key={d.from_labels[i]}>
                      <th>{d.from_labels[i]}</th>
                      {row.map((n, j) => (
                        <td
                          key={j}
                          className="num heat"
                          style={{ ["--heat" as string]: n ? 0.15 + (0.85 * n) / max : 0 }}
                        >
                          {n || ""}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3>Newest moves</h3>
            {d.recent.length === 0 ? (
              <Empty>None in this window.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="transitions-table">
                  <thead>
                    <tr>
                      <th>Market</th>
                      <th>Move</th>
                      <th className="num">To close</th>
                      <th>Reason</th>
                      <th className="num">When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.recent.map((t, i) => (
                      <tr key={`${t.market_id}-${t.transitioned_at}-${i}`}>
                        <td className="ellipsis">
                          <MarketLink id={t.market_id}>{t.market_slug ?? `#${t.market_id}`}</MarketLink>
                        </td>
                        <td className="nowrap">
                          <TierBadge tier={t.from_tier} none="new" /> → <TierBadge tier={t.to_tier} none="off" />
                        </td>
                        <td className="num">{fmtHours(t.hours_to_close)}</td>
                        <td className="muted">{t.reason}</td>
                        <td className="num nowrap">{fmtTime(t.transitioned_at)}</td>
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
  );
}
