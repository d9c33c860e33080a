import type { Schemas } from "../../api/client";
import { Card, Empty, Stat, StatusBadge } from "../../components/ui";
import { fmtAge, fmtInt, fmtNum } from "../../lib/format";

export function ConnectionsCard({
  collector,
  coverage,
}: {
  collector: Schemas["CollectorHealth"];
  coverage?: Schemas["CoverageReport"];
}) {
  return (
    <Card title="WebSocket connections" testId="connections">
      <div className="stats compact">
        <Stat label="Connected" value={`${collector.connected} / ${collector.connections.length}`} />
        <Stat label="Tokens followed" value={fmtInt(collector.subscribed_tokens)} />
        <Stat label="Write queue" value={fmtInt(collector.queue_depth)} />
        {coverage && (
          <Stat
            label="Coverage"
            value={coverage.coverage_pct === null ? "—" : `${fmtNum(coverage.coverage_pct, 1)}%`}
            hint={`${fmtInt(coverage.covered)} of ${fmtInt(coverage.expected)}; ${coverage.missing.length} missing`}
            tone={coverage.missing.length === 0 ? "ok" : "warn"}
          />
        )}
      </div>
      {!collector.running && <Empty>No collector runs in the API's process.</Empty>}
      {collector.connections.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="connections-table">
            <thead>
              <tr>
                <th>Connection</th>
                <th>State</th>
                <th className="num">Assets</th>
                <th className="num">Msg/min</th>
                <th className="num">Trades/min</th>
                <th className="num">Last message</th>
                <th className="num">Stale</th>
                <th className="num">Unsynced</th>
                <th className="num">Reconnects</th>
                <th>Last disconnect</th>
              </tr>
            </thead>
            <tbody>
              {collector.connections.map((c) => (
                <tr key={c.name}>
                  <td className="nowrap">{c.name}</td>
                  <td>
                    <StatusBadge status={c.connected ? "connected" : "disconnected"} />
                  </td>
                  <td className="num">{fmtInt(c.subscribed_assets)}</td>
                  <td className="num">{fmtNum(c.messages_per_min, 0)}</td>
                  <td className="num">{fmtNum(c.trades_per_min, 1)}</td>
                  <td className="num nowrap">{fmtAge(c.last_message_age_secs)}</td>
                  <td className={`num ${c.stale_assets ? "text-warn" : ""}`}>{fmtInt(c.stale_assets)}</td>
                  <td className={`num ${c.unsynced_books ? "text-warn" : ""}`}>{fmtInt(c.unsynced_books)}</td>
                  <td className="num">{fmtInt(c.reconnects)}</td>
                  <td className="ellipsis muted">{c.last_disconnect_reason ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
