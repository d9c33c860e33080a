// The executor: status and P&L, the equity curve, positions, trades and signals, strategy
// switches and parameters, risk/sizing/execution and the kill switch. Reads poll slowly; the
// executor's WebSocket (useExecutorEvents) makes them refetch as fills, positions and signals
// happen. Changes need the API token (ApiTokenField, kept in localStorage).
import { Card, Empty, MarketLink, QueryState, Stat, StatusBadge } from "../../components/ui";
import { fmtInt, fmtNum, fmtPrice, fmtTime, fmtUsd } from "../../lib/format";
import { useToast } from "../../lib/toast";
import { useExecutorEquity } from "./api/useExecutorEquity";
import { useExecutorPositions } from "./api/useExecutorPositions";
import { useExecutorSignals } from "./api/useExecutorSignals";
import { useExecutorStatus } from "./api/useExecutorStatus";
import { useExecutorTrades } from "./api/useExecutorTrades";
import { useKillSwitch } from "./api/useKillSwitch";
import { EquityChart } from "./EquityChart";
import { ApiTokenField, ExecutorConfigCard, StrategiesCard } from "./StrategiesCard";
import { useExecutorEvents } from "./useExecutorEvents";

function Pnl({ usd }: { usd: string | null | undefined }) {
  if (usd === null || usd === undefined) return <>—</>;
  const v = Number(usd);
  return <span className={v > 0 ? "pnl-pos" : v < 0 ? "pnl-neg" : ""}>{fmtUsd(v)}</span>;
}

function Question({ id, question }: { id: number; question: string | null }) {
  return <MarketLink id={id}>{question ? (question.length > 60 ? question.slice(0, 57) + "…" : question) : `#${id}`}</MarketLink>;
}

function StatusCards() {
  const status = useExecutorStatus();
  const kill = useKillSwitch();
  const toast = useToast();
  const st = status.data;
  return (
    <QueryState isLoading={status.isLoading} error={status.error}>
      {st && !st.running && (
        <div className="banner banner-muted" data-testid="executor-not-running">
          <strong>Executor not running in this process</strong>
          <span>Showing what it stored; strategy and configuration changes are saved for pmml executor, which takes them at its next scan.</span>
        </div>
      )}
      {st && (st.halted || st.entries_paused) && (
        <div className={`banner ${st.halted ? "banner-bad" : "banner-warn"}`} data-testid="executor-halted">
          <strong>{st.halted ? "Halted" : "Entries paused"}</strong>
          <span>{st.halted ? st.halted_reason ?? "kill switch on" : "drawdown past the limit: exits only until resumed"}</span>
        </div>
      )}
      {st && (
        <>
          <div className="stats" data-testid="executor-status">
            <Stat
              label="Executor"
              value={<StatusBadge status={!st.running ? "not running" : st.halted ? "halted" : st.entries_paused ? "paused" : "running"} />}
              hint={`${st.mode}${st.scans !== null ? ` · ${fmtInt(st.scans)} scans` : ""}`}
            />
            <Stat label="Equity" value={fmtUsd(st.equity_usd)} hint={`start ${fmtUsd(st.starting_balance_usd)}`} testId="executor-equity" />
            <Stat label="Cash" value={fmtUsd(st.cash_usd)} hint={`positions ${fmtUsd(st.positions_value_usd)}`} />
            <Stat label="Total P&L" value={<Pnl usd={st.total_pnl_usd} />} hint={<>realized <Pnl usd={st.realized_pnl_usd} /> · unrealized <Pnl usd={st.unrealized_pnl_usd} /></>} />
            <Stat label="Fees" value={fmtUsd(st.fees_usd)} />
            <Stat
              label="Drawdown"
              value={`${fmtNum(Number(st.drawdown_pct), 2)}%`}
              hint={`peak ${fmtUsd(st.peak_equity_usd)}`}
              tone={Number(st.drawdown_pct) > 10 ? "warn" : undefined}
            />
            <Stat label="Open positions" value={fmtInt(st.open_positions)} hint={`${fmtInt(st.open_orders)} open orders`} testId="executor-open-positions" />
            <Stat
              label="Signals"
              value={fmtInt(Object.values(st.signals).reduce((a, b) => a + b, 0))}
              hint={Object.entries(st.signals).map(([k, n]) => `${k} ${n}`).join(" · ") || "none yet"}
              testId="executor-signal-count"
            />
          </div>
          <div className="toolbar">
            <button
              type="button"
              data-testid={st.halted ? "executor-resume" : "executor-kill"}
              disabled={kill.isPending}
              onClick={() => {
                if (!st.halted && !window.confirm("Halt trading and cancel every open order?")) return;
                kill.mutate(!st.halted, {
                  onSuccess: (r) => toast(r.halted ? "error" : "success", r.halted ? "Executor halted" : "Executor resumed", r.detail),
                  onError: (e) => toast("error", "Kill switch failed", String(e)),
                });
              }}
            >
              {st.halted || st.entries_paused ? "Resume" : "Kill switch"}
            </button>
          </div>
        </>
      )}
    </QueryState>
  );
}

function EquityCard() {
  const equity = useExecutorEquity();
  return (
    <Card title="Equity" testId="executor-equity-card">
      <QueryState isLoading={equity.isLoading} error={equity.error}>
        {equity.data && equity.data.points.length < 2 && <Empty>The curve appears after two scans.</Empty>}
        {equity.data && equity.data.points.length >= 2 && <EquityChart points={equity.data.points} />}
      </QueryState>
    </Card>
  );
}

function PositionsCard() {
  const positions = useExecutorPositions();
  const data = positions.data;
  return (
    <Card title="Positions" testId="executor-positions">
      <QueryState isLoading={positions.isLoading} error={positions.error}>
        {data && data.open.length + data.closed.length === 0 && <Empty>No positions yet.</Empty>}
        {data && data.open.length + data.closed.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Market</th>
                  <th>Strategy</th>
                  <th>Side</th>
                  <th>Status</th>
                  <th className="num">Size</th>
                  <th className="num">Entry</th>
                  <th className="num">Mark</th>
                  <th className="num">P&L</th>
                </tr>
              </thead>
              <tbody>
                {[...data.open, ...data.closed].map((p) => (
                  <tr key={`${p.id}-${p.token_id}`} data-status={p.status}>
                    <td><Question id={p.market_id} question={p.question} /></td>
                    <td>{p.strategy}</td>
                    <td>{p.outcome}</td>
                    <td><StatusBadge status={p.status === "open" ? "running" : "skipped"} label={p.status} /></td>
                    <td className="num">{fmtNum(Number(p.size), 2)}</td>
                    <td className="num">{fmtPrice(p.entry_price)}</td>
                    <td className="num">{fmtPrice(p.status === "open" ? p.current_price : p.exit_price)}</td>
                    <td className="num"><Pnl usd={p.status === "open" ? p.unrealized_pnl_usd : p.realized_pnl_usd} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function TradesCard() {
  const trades = useExecutorTrades();
  return (
    <Card title="Trades" testId="executor-trades">
      <QueryState isLoading={trades.isLoading} error={trades.error}>
        {trades.data && trades.data.trades.length === 0 && <Empty>No fills yet.</Empty>}
        {trades.data && trades.data.trades.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Market</th>
                  <th>Side</th>
                  <th className="num">Price</th>
                  <th className="num">Size</th>
                  <th className="num">Fee</th>
                </tr>
              </thead>
              <tbody>
                {trades.data.trades.map((t) => (
                  <tr key={t.id ?? `${t.order_id}-${t.filled_at}`}>
                    <td>{fmtTime(t.filled_at)}</td>
                    <td><Question id={t.market_id} question={t.question} /></td>
                    <td>{t.side}</td>
                    <td className="num">{fmtPrice(t.price)}</td>
                    <td className="num">{fmtNum(Number(t.size), 2)}</td>
                    <td className="num">{fmtUsd(t.fee_usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function SignalsCard() {
  const signals = useExecutorSignals();
  return (
    <Card title="Signals" testId="executor-signals">
      <QueryState isLoading={signals.isLoading} error={signals.error}>
        {signals.data && signals.data.signals.length === 0 && <Empty>No signals yet.</Empty>}
        {signals.data && signals.data.signals.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Strategy</th>
                  <th>Market</th>
                  <th>Side</th>
                  <th className="num">Price</th>
                  <th>Status</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {signals.data.signals.map((s) => (
                  <tr key={s.id ?? `${s.created_at}-${s.token_id}`}>
                    <td>{fmtTime(s.created_at)}</td>
                    <td>{s.strategy}</td>
                    <td><Question id={s.market_id} question={s.question} /></td>
                    <td>{s.is_exit ? "SELL (exit)" : `${s.side} ${s.outcome ?? ""}`}</td>
                    <td className="num">{fmtPrice(s.price_at_signal)}</td>
                    <td><StatusBadge status={s.status} /></td>
                    <td className="small">{s.risk_reasons.length ? s.risk_reasons.join("; ") : s.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

export function ExecutorPage() {
  const status = useExecutorStatus();
  useExecutorEvents(status.data !== undefined);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Executor</h1>
        <ApiTokenField />
      </div>
      <StatusCards />
      <EquityCard />
      <div className="grid-2">
        <PositionsCard />
        <TradesCard />
      </div>
      <SignalsCard />
      <div className="grid-2">
        <StrategiesCard />
        <ExecutorConfigCard />
      </div>
    </div>
  );
}
