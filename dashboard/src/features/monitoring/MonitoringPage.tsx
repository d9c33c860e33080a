// Collection health: every WebSocket connection, breakers and scheduler, task activity with its
// durations, and how markets flow between tiers.
import { useState } from "react";
import { Card, QueryState, Stat, StatusBadge } from "../../components/ui";
import { fmtInt, fmtMs, fmtTime } from "../../lib/format";
import { useHealth } from "./api/useHealth";
import { useWebsocketCoverage } from "./api/useWebsocketCoverage";
import { ConnectionsCard } from "./ConnectionsCard";
import { TaskActivityCard } from "./TaskActivityCard";
import { TierFlowCard } from "./TierFlowCard";

export function MonitoringPage() {
  const health = useHealth();
  const coverage = useWebsocketCoverage();
  const [hours, setHours] = useState(24);
  const h = health.data;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Monitoring</h1>
        {h && <span className="muted">checked {fmtTime(h.checked_at)}</span>}
      </div>
      <QueryState isLoading={health.isLoading} error={health.error}>
        {h && (
          <>
            <ConnectionsCard collector={h.collector} coverage={coverage.data} />
            <div className="grid-2">
              <Card title="Components">
                <div className="stats compact">
                  <Stat
                    label="Database"
                    value={<StatusBadge status={h.database.reachable ? "ok" : "critical"} label={h.database.backend} />}
                    hint={fmtMs(h.database.latency_ms)}
                  />
                  <Stat
                    label="Redis"
                    value={<StatusBadge status={!h.redis.in_use ? "not running" : h.redis.reachable ? "ok" : "critical"} label={h.redis.in_use ? "in use" : "not used"} />}
                    hint={h.redis.in_use ? fmtMs(h.redis.latency_ms) : "one machine"}
                  />
                  <Stat
                    label="Scheduler"
                    value={<StatusBadge status={h.scheduler.running ? "running" : "not running"} />}
                    hint={`${h.scheduler.jobs.length} jobs`}
                  />
                  <Stat label="Trades seen" value={fmtInt(h.collector.stats?.trades_seen)} hint={`${fmtInt(h.collector.stats?.write_failures)} write failures`} />
                </div>
              </Card>
              <Card title="Circuit breakers">
                {h.breakers.length === 0 ? (
                  <div className="empty">No breaker in this process.</div>
                ) : (
                  <div className="table-wrap">
                    <table className="table" data-testid="breakers-table">
                      <thead>
                        <tr>
                          <th>Host</th>
                          <th>State</th>
                          <th className="num">Failures</th>
                          <th className="num">Next probe</th>
                        </tr>
                      </thead>
                      <tbody>
                        {h.breakers.map((b) => (
                          <tr key={b.host}>
                            <td className="ellipsis">{b.host}</td>
                            <td>
                              <StatusBadge status={b.state} />
                            </td>
                            <td className="num">{fmtInt(b.consecutive_failures)}</td>
                            <td className="num">{fmtTime(b.next_probe_at)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </Card>
            </div>
          </>
        )}
      </QueryState>
      <TaskActivityCard hours={hours} onHours={setHours} />
      <TierFlowCard hours={hours} />
    </div>
  );
}
