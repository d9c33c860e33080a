import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

export interface TablePageParams {
  page: number;
  pageSize: number;
  sort?: string;
  order: "asc" | "desc";
}

/** GET /api/database/tables/{name}: one sorted page of a table's rows. */
export function useTablePage(name: string | undefined, p: TablePageParams) {
  return useQuery({
    queryKey: ["database", "table", name, p],
    enabled: !!name,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/database/tables/{name}", {
          params: {
            path: { name: name ?? "" },
            query: { page: p.page, page_size: p.pageSize, sort: p.sort, order: p.order },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: POLL.tables,
  });
}
