// The table browser: every table with its size; one table's rows, sorted and page by page.
// The table, page, size and sort live in the URL (shareable, back button works).
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { Card, Empty, Pager, QueryState } from "../../components/ui";
import { fmtInt } from "../../lib/format";
import { useTablePage } from "./api/useTablePage";
import { useTables } from "./api/useTables";
import { RowsTable } from "../../components/RowsTable";

const SIZES = [25, 50, 100, 200];

export function DatabasePage() {
  const { table } = useParams();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const tables = useTables();
  const page = Number(search.get("page") ?? 1) || 1;
  const pageSize = Number(search.get("size") ?? 50) || 50;
  const sort = search.get("sort") ?? undefined;
  const order = search.get("order") === "desc" ? "desc" : "asc";
  const rows = useTablePage(table, { page, pageSize, sort, order });

  const update = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, String(v));
    }
    setSearch(next);
  };
  const onSort = (column: string) => {
    const same = rows.data?.sort === column;
    update({ sort: column, order: same && rows.data?.order === "asc" ? "desc" : "asc", page: 1 });
  };
  const pages = rows.data ? Math.ceil(rows.data.total_rows / rows.data.page_size) : 1;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Database</h1>
      </div>
      <div className="browser">
        <Card title="Tables" className="browser-tables">
          <QueryState isLoading={tables.isLoading} error={tables.error}>
            <select
              className="only-narrow"
              value={table ?? ""}
              onChange={(e) => navigate(`/database/${e.target.value}`)}
              aria-label="Table"
            >
              <option value="" disabled>
                Choose a table
              </option>
              {tables.data?.tables.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({fmtInt(t.rows)})
                </option>
              ))}
            </select>
            <ul className="table-list only-wide" data-testid="table-list">
              {tables.data?.tables.map((t) => (
                <li key={t.name}>
                  <button
                    className={t.name === table ? "active" : ""}
                    onClick={() => navigate(`/database/${t.name}`)}
                    data-testid={`table-${t.name}`}
                  >
                    <span>{t.name}</span>
                    <span className="muted num">
                      {t.estimated ? "~" : ""}
                      {fmtInt(t.rows)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </QueryState>
        </Card>
        <Card
          title={table ?? "Rows"}
          className="browser-rows"
          testId="table-rows"
          actions={
            table && (
              <label className="inline">
                Rows
                <select value={pageSize} onChange={(e) => update({ size: e.target.value, page: 1 })}>
                  {SIZES.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
            )
          }
        >
          {!table ? (
            <Empty>Choose a table.</Empty>
          ) : (
            <QueryState isLoading={rows.isLoading} error={rows.error}>
              {rows.data && (
                <>
                  <div className="muted small" data-testid="rows-summary">
                    {fmtInt(rows.data.total_rows)} rows{rows.data.total_estimated ? " (estimated)" : ""}, sorted by{" "}
                    {rows.data.sort} {rows.data.order}
                  </div>
                  {rows.data.rows.length === 0 ? <Empty>No rows.</Empty> : <RowsTable page={rows.data} onSort={onSort} />}
                  <Pager page={page} pages={pages} onPage={(p) => update({ page: p })} />
                </>
              )}
            </QueryState>
          )}
        </Card>
      </div>
    </div>
  );
}
