import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/database/tables: every table with its row count. */
export function useTables() {
  return useQuery({
    queryKey: ["database", "tables"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/database/tables", { signal })),
    refetchInterval: POLL.tables,
  });
}
