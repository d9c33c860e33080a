import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Schemas } from "../../api/client";
import { useChartColors } from "../../lib/theme";

/** Open markets per tier, from the health report's freshness rows. */
export function TierDistributionChart({ freshness }: { freshness: Schemas["TierFreshness"][] }) {
  const c = useChartColors();
  const data = freshness.map((f) => ({ tier: `T${f.tier}`, markets: f.open_markets }));
  return (
    <div className="chart" data-testid="tier-distribution-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid stroke={c.grid} vertical={false} />
          <XAxis dataKey="tier" stroke={c.axis} tick={{ fill: c.axis, fontSize: 12 }} />
          <YAxis allowDecimals={false} stroke={c.axis} tick={{ fill: c.axis, fontSize: 12 }} />
          <Tooltip
            cursor={{ fill: c.grid, opacity: 0.4 }}
            contentStyle={{ background: c.tooltip, border: `1px solid ${c.grid}`, color: c.text }}
          />
          <Bar dataKey="markets" name="open markets" radius={[4, 4, 0, 0]} isAnimationActive={false}>
            {data.map((_, i) => (
              <Cell key={i} fill={c.series[i % c.series.length]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
