import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/executor/positions: every open position and the recently closed ones. */
export function useExecutorPositions(limit = 50) {
  return useQuery({
    queryKey: ["executor", "positions", limit],
    queryFn: ({ signal }) => unwrap(api.GET("/api/executor/positions", { params: { query: { limit } }, signal })),
    refetchInterval: POLL.executor,
  });
}
