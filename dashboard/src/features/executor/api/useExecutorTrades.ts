import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/executor/trades: our fills, newest first. */
export function useExecutorTrades(limit = 50) {
  return useQuery({
    queryKey: ["executor", "trades", limit],
    queryFn: ({ signal }) => unwrap(api.GET("/api/executor/trades", { params: { query: { limit } }, signal })),
    refetchInterval: POLL.executor,
  });
}
