import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/executor/equity: the equity curve of the window (thinned). */
export function useExecutorEquity(hours = 24) {
  return useQuery({
    queryKey: ["executor", "equity", hours],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/executor/equity", { params: { query: { hours, max_points: 400 } }, signal })),
    refetchInterval: POLL.executor,
  });
}
