import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Schemas } from "../../api/client";
import { fmtClock, fmtTime, fmtUsd } from "../../lib/format";
import { useChartColors } from "../../lib/theme";

/** Equity over time, one point per stored scan. */
export function EquityChart({ points }: { points: Schemas["EquityItem"][] }) {
  const c = useChartColors();
  const tick = { fill: c.axis, fontSize: 11 };
  const data = points.map((p) => ({ t: Date.parse(p.timestamp), equity: Number(p.equity_usd), cash: Number(p.cash_usd) }));
  return (
    <div className="chart" data-testid="equity-chart">
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke={c.grid} vertical={false} />
          <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmtClock} stroke={c.axis} tick={tick} minTickGap={40} />
          <YAxis domain={["auto", "auto"]} stroke={c.axis} tick={tick} tickFormatter={(v: number) => v.toFixed(2)} width={72} />
          <Tooltip
            labelFormatter={(t: number) => fmtTime(new Date(t).toISOString())}
            formatter={(v: number) => fmtUsd(v)}
            contentStyle={{ background: c.tooltip, border: `1px solid ${c.grid}`, color: c.text, fontSize: 12 }}
          />
          <Area dataKey="equity" name="equity" stroke={c.series[0]} fill={c.series[0]} fillOpacity={0.15} strokeWidth={2} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
