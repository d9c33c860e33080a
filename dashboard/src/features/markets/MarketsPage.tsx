// Markets page by page: filter by tier, tracked or not, text; sort by a column; open one.
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Card, Empty, MarketLink, Pager, QueryState, Segmented, StatusBadge, TierBadge } from "../../components/ui";
import { fmtCompact, fmtHours, fmtInt, fmtPrice } from "../../lib/format";
import { type MarketsQuery, useMarkets } from "./api/useMarkets";

type Sort = NonNullable<MarketsQuery["sort"]>;
const TIERS = [
  { value: "all", label: "All" },
  ...[0, 1, 2, 3, 4].map((t) => ({ value: String(t), label: `T${t}` })),
] as const;
const SORTS: { value: Sort; label: string }[] = [
  { value: "id", label: "Id" },
  { value: "tier", label: "Tier" },
  { value: "end_date", label: "End date" },
  { value: "last_snapshot_at", label: "Last snapshot" },
  { value: "snapshot_count", label: "Snapshots" },
  { value: "last_trade_at", label: "Last trade" },
];

export function MarketsPage() {
  const [search, setSearch] = useSearchParams();
  const [text, setText] = useState(search.get("q") ?? "");
  const tier = search.get("tier") ?? "all";
  const query: MarketsQuery = {
    page: Number(search.get("page") ?? 1) || 1,
    page_size: 50,
    tier: tier === "all" ? undefined : Number(tier),
    active: search.get("all") === "1" ? undefined : true,
    q: search.get("q") || undefined,
    sort: (search.get("sort") as Sort | null) ?? "tier",
    order: search.get("order") === "asc" ? "asc" : "desc",
  };
  const markets = useMarkets(query);
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === "") next.delete(k);
      else next.set(k, v);
    }
    if (!("page" in changes)) next.delete("page");
    setSearch(next);
  };
  const d = markets.data;
  const pages = d ? Math.ceil(d.total / d.page_size) : 1;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Markets</h1>
        {d && <span className="muted" data-testid="markets-total">{fmtInt(d.total)} markets</span>}
      </div>
      <Card>
        <div className="filters">
          <Segmented label="Tier" value={tier} options={TIERS} onChange={(v) => update({ tier: v === "all" ? undefined : v })} />
          <label className="inline">
            <input type="checkbox" checked={search.get("all") === "1"} onChange={(e) => update({ all: e.target.checked ? "1" : undefined })} />
            include untracked
          </label>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              update({ q: text.trim() || undefined });
            }}
          >
            <input type="search" placeholder="Search question or slug" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search markets" />
          </form>
          <label className="inline">
            Sort
            <select value={query.sort} onChange={(e) => update({ sort: e.target.value })}>
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            <button className="small-button" onClick={() => update({ order: query.order === "asc" ? "desc" : "asc" })} aria-label="Reverse order">
              {query.order === "asc" ? "▲" : "▼"}
            </button>
          </label>
        </div>
        <QueryState isLoading={markets.isLoading} error={markets.error}>
          {d && d.markets.length === 0 && <Empty>No market matches.</Empty>}
          {d && d.markets.length > 0 && (
            <div className="table-wrap">
              <table className="table" data-testid="markets-table">
                <thead>
                  <tr>
                    <th>Market</th>
                    <th>Tier</th>
                    <th className="num">Price</th>
                    <th className="num">Spread</th>
                    <th className="num">Vol 24h</th>
                    <th className="num">Closes in</th>
                    <th className="num">Snapshots</th>
                    <th>State</th>
                  </tr>
                </thead>
                <tbody>
                  {d.markets.map((m) => (
                    <tr key={m.id}>
                      <td className="question">
                        <MarketLink id={m.id}>{m.question}</MarketLink>
                        <div className="muted small">{m.event_title ?? m.slug}</div>
                      </td>
                      <td>
                        <TierBadge tier={m.tier} />
                      </td>
                      <td className="num">{fmtPrice(m.price)}</td>
                      <td className="num">{fmtPrice(m.spread)}</td>
                      <td className="num">{fmtCompact(m.volume_24h)}</td>
                      <td className="num nowrap">{fmtHours(m.hours_to_close)}</td>
                      <td className="num">{fmtInt(m.snapshot_count)}</td>
                      <td>
                        <StatusBadge
                          status={m.resolved ? "skipped" : m.closed ? "degraded" : m.active ? "ok" : "skipped"}
                          label={m.resolved ? `resolved ${m.outcome ?? ""}` : m.closed ? "closed" : m.active ? "tracked" : "untracked"}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {d && <Pager page={d.page} pages={pages} onPage={(p) => update({ page: String(p) })} />}
        </QueryState>
      </Card>
    </div>
  );
}
