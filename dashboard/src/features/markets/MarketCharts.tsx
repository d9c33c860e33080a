import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Schemas } from "../../api/client";
import { fmtClock, fmtNum, fmtTime } from "../../lib/format";
import { useChartColors } from "../../lib/theme";

type Point = Schemas["SnapshotPoint"];

function rows(points: Point[]) {
  return points.map((p) => ({ ...p, t: Date.parse(p.timestamp) }));
}

function useAxes() {
  const c = useChartColors();
  const tick = { fill: c.axis, fontSize: 11 };
  return {
    c,
    grid: <CartesianGrid stroke={c.grid} vertical={false} />,
    x: <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={fmtClock} stroke={c.axis} tick={tick} minTickGap={40} />,
    tooltip: (
      <Tooltip
        labelFormatter={(t: number) => fmtTime(new Date(t).toISOString())}
        formatter={(v: number) => fmtNum(v, 4)}
        contentStyle={{ background: c.tooltip, border: `1px solid ${c.grid}`, color: c.text, fontSize: 12 }}
      />
    ),
    legend: <Legend wrapperStyle={{ color: c.text, fontSize: 12 }} />,
    tick,
  };
}

export function PriceChart({ points }: { points: Point[] }) {
  const { c, grid, x, tooltip, legend, tick } = useAxes();
  return (
    <div className="chart" data-testid="price-chart">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={rows(points)} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          {grid}
          {x}
          <YAxis domain={["auto", "auto"]} stroke={c.axis} tick={tick} tickFormatter={(v: number) => v.toFixed(3)} />
          {tooltip}
          {legend}
          <Line dataKey="price" name="price" stroke={c.series[0]} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
          <Line dataKey="best_bid" name="best bid" stroke={c.series[1]} dot={false} strokeWidth={1} isAnimationActive={false} connectNulls />
          <Line dataKey="best_ask" name="best ask" stroke={c.series[2]} dot={false} strokeWidth={1} isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function SpreadChart({ points }: { points: Point[] }) {
  const { c, grid, x, tooltip, legend, tick } = useAxes();
  return (
    <div className="chart" data-testid="spread-chart">
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows(points)} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          {grid}
          {x}
          <YAxis stroke={c.axis} tick={tick} tickFormatter={(v: number) => v.toFixed(3)} />
          {tooltip}
          {legend}
          <Line dataKey="spread" name="spread" stroke={c.series[3]} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls type="stepAfter" />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function DepthChart({ points }: { points: Point[] }) {
  const { c, grid, x, tooltip, legend, tick } = useAxes();
  return (
    <div className="chart" data-testid="depth-chart">
      <ResponsiveContainer width="100%" height={220}>
        <AreaChart data={rows(points)} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          {grid}
          {x}
          <YAxis stroke={c.axis} tick={tick} tickFormatter={(v: number) => Intl.NumberFormat("en-US", { notation: "compact" }).format(v)} />
          {tooltip}
          {legend}
          <Area dataKey="bid_depth_10" name="bid depth (10 levels)" stroke={c.series[1]} fill={c.series[1]} fillOpacity={0.25} isAnimationActive={false} connectNulls />
          <Area dataKey="ask_depth_10" name="ask depth (10 levels)" stroke={c.series[2]} fill={c.series[2]} fillOpacity={0.25} isAnimationActive={false} connectNulls />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
