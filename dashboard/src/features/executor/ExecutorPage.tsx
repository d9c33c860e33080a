// The executor: status, positions, trades, signals and configuration. Its API endpoints come
// later (see api/README.md); until then the status comes from /api/monitoring/health and the
// sections show the executor's tables through the database browser endpoint.
import { Link } from "react-router-dom";
import { RowsTable } from "../../components/RowsTable";
import { Card, Empty, QueryState, Stat, StatusBadge } from "../../components/ui";
import { fmtInt } from "../../lib/format";
import { useTablePage } from "../database/api/useTablePage";
import { useHealth } from "../monitoring/api/useHealth";
import { useExecutorEvents } from "./useExecutorEvents";

function TableSection({ title, table, sort, endpoint }: { title: string; table: string; sort: string; endpoint: string }) {
  const rows = useTablePage(table, { page: 1, pageSize: 10, sort, order: "desc" });
  return (
    <Card
      title={title}
      testId={`executor-${table}`}
      actions={
        <Link className="small" to={`/database/${table}?sort=${sort}&order=desc`}>
          all rows →
        </Link>
      }
    >
      <div className="muted small">
        From the <code>{table}</code> table until <code>{endpoint}</code> exists.
      </div>
      <QueryState isLoading={rows.isLoading} error={rows.error}>
        {rows.data && rows.data.rows.length === 0 && <Empty>No {title.toLowerCase()} yet.</Empty>}
        {rows.data && rows.data.rows.length > 0 && (
          <>
            <div className="muted small">{fmtInt(rows.data.total_rows)} in all, newest first</div>
            <RowsTable page={rows.data} />
          </>
        )}
      </QueryState>
    </Card>
  );
}

export function ExecutorPage() {
  const health = useHealth();
  const executor = health.data?.executor;
  useExecutorEvents(!!executor?.running);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Executor</h1>
      </div>
      <QueryState isLoading={health.isLoading} error={health.error}>
        {executor && !executor.running && (
          <div className="banner banner-muted" data-testid="executor-not-running">
            <strong>Executor not running</strong>
            <span>
              {executor.status}: {executor.detail}
            </span>
          </div>
        )}
        {executor && (
          <div className="stats" data-testid="executor-status">
            <Stat label="Executor" value={<StatusBadge status={executor.running ? "running" : "not running"} />} hint={executor.status} />
            <Stat label="Live events" value={executor.running ? "WebSocket" : "—"} hint="/api/executor/ws" />
          </div>
        )}
      </QueryState>
      <div className="grid-2">
        <TableSection title="Positions" table="positions" sort="opened_at" endpoint="GET /api/executor/positions" />
        <TableSection title="Trades" table="fills" sort="filled_at" endpoint="GET /api/executor/trades" />
      </div>
      <TableSection title="Signals" table="signals" sort="created_at" endpoint="GET /api/executor/signals" />
      <div className="grid-2">
        <TableSection title="Balances" table="executor_state" sort="updated_at" endpoint="GET /api/executor/status" />
        <Card title="Configuration and strategies" testId="executor-config">
          <Empty>
            Shown here once <code>GET /api/executor/config</code> and <code>GET /api/strategies</code> exist.
          </Empty>
        </Card>
      </div>
    </div>
  );
}
