import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, Empty, QueryState, Segmented, StatusBadge } from "../../components/ui";
import { fmtInt, fmtMs, fmtTime, tierLabel } from "../../lib/format";
import { useChartColors } from "../../lib/theme";
import { useTaskActivity } from "./api/useTaskActivity";

const WINDOWS = [
  { value: 1, label: "1h" },
  { value: 6, label: "6h" },
  { value: 24, label: "24h" },
] as const;

export function TaskActivityCard({ hours, onHours }: { hours: number; onHours: (h: number) => void }) {
  const activity = useTaskActivity(hours);
  const c = useChartColors();
  const tasks = activity.data?.tasks ?? [];
  const data = tasks.map((t) => ({
    task: t.tier === null ? t.task_name : `${t.task_name} ${tierLabel(t.tier)}`,
    p50: t.duration_ms_p50,
    p95: t.duration_ms_p95,
    p99: t.duration_ms_p99,
  }));
  return (
    <Card
      title="Task activity"
      testId="task-activity"
      actions={<Segmented label="Window" value={hours} options={WINDOWS} onChange={onHours} />}
    >
      <QueryState isLoading={activity.isLoading} error={activity.error}>
        {tasks.length === 0 ? (
          <Empty>No task ran in this window.</Empty>
        ) : (
          <>
            <div className="chart" data-testid="duration-chart">
              <ResponsiveContainer width="100%" height={260}>
                <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke={c.grid} vertical={false} />
                  <XAxis dataKey="task" stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }} interval={0} angle={-20} textAnchor="end" height={50} />
                  <YAxis stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }} unit=" ms" width={70} />
                  <Tooltip
                    formatter={(v: number) => fmtMs(v)}
                    contentStyle={{ background: c.tooltip, border: `1px solid ${c.grid}`, color: c.text }}
                    cursor={{ fill: c.grid, opacity: 0.4 }}
                  />
                  <Legend wrapperStyle={{ color: c.text, fontSize: 12 }} />
                  <Bar dataKey="p50" name="p50" fill={c.series[0]} isAnimationActive={false} />
                  <Bar dataKey="p95" name="p95" fill={c.series[3]} isAnimationActive={false} />
                  <Bar dataKey="p99" name="p99" fill={c.series[2]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <div className="table-wrap">
              <table className="table" data-testid="task-table">
                <thead>
                  <tr>
                    <th>Task</th>
                    <th className="num">Runs</th>
                    <th className="num">OK</th>
                    <th className="num">Failed</th>
                    <th className="num">Skipped</th>
                    <th className="num">p50</th>
                    <th className="num">p95</th>
                    <th className="num">Last run</th>
                    <th>Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {tasks.map((t) => (
                    <tr key={`${t.task_name}-${t.tier}`}>
                      <td className="nowrap">
                        {t.task_name} {t.tier !== null && <span className="muted">{tierLabel(t.tier)}</span>}
                      </td>
                      <td className="num">{fmtInt(t.runs)}</td>
                      <td className="num">{fmtInt(t.success)}</td>
                      <td className="num">{t.failed ? <StatusBadge status="failed" label={String(t.failed)} /> : "0"}</td>
                      <td className="num">{fmtInt(t.skipped)}</td>
                      <td className="num">{fmtMs(t.duration_ms_p50)}</td>
                      <td className="num">{fmtMs(t.duration_ms_p95)}</td>
                      <td className="num nowrap">{fmtTime(t.last_started_at)}</td>
                      <td className="ellipsis muted" title={t.last_error ?? ""}>
                        {t.last_error ?? "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryState>
    </Card>
  );
}
