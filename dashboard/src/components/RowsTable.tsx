import type { Schemas } from "../api/client";
import { MarketLink } from "./ui";

type Value = Schemas["TablePageReport"]["rows"][number][string];

/** The column of a table that names a market: `markets.id`, elsewhere `market_id`. */
export function marketColumn(table: string): string {
  return table === "markets" ? "id" : "market_id";
}

function text(value: Value): string {
  if (value === null || value === undefined) return "∅";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function RowsTable({
  page,
  onSort,
}: {
  page: Schemas["TablePageReport"];
  onSort?: (column: string) => void;
}) {
  const linkColumn = marketColumn(page.table);
  return (
    <div className="table-wrap">
      <table className="table rows" data-testid="rows-table">
        <thead>
          <tr>
            {page.columns.map((c) => {
              const sorted = page.sort === c.name;
              return (
                <th
                  key={c.name}
                  title={`${c.type}${c.nullable ? ", nullable" : ""}`}
                  aria-sort={sorted ? (page.order === "asc" ? "ascending" : "descending") : undefined}
                >
                  {onSort ? (
                    <button className="sort" onClick={() => onSort(c.name)} data-testid={`sort-${c.name}`}>
                      {c.name}
                      <span className="sort-mark">{sorted ? (page.order === "asc" ? "▲" : "▼") : ""}</span>
                    </button>
                  ) : (
                    c.name
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {page.rows.map((row, i) => (
            <tr key={i}>
              {page.columns.map((c) => {
                const v = row[c.name];
                const cell =
                  c.name === linkColumn && typeof v === "number" ? <MarketLink id={v} /> : text(v);
                return (
                  <td key={c.name} className={`cell ${v === null ? "muted" : ""}`} title={typeof cell === "string" ? cell : undefined}>
                    {cell}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
