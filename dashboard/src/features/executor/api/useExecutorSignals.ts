import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/executor/signals: recent signals with their status and risk reasons. */
export function useExecutorSignals(limit = 50) {
  return useQuery({
    queryKey: ["executor", "signals", limit],
    queryFn: ({ signal }) => unwrap(api.GET("/api/executor/signals", { params: { query: { limit } }, signal })),
    refetchInterval: POLL.executor,
  });
}
