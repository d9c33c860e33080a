import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/executor/status: mode, balances, P&L, drawdown, halted or not, counts. */
export function useExecutorStatus() {
  return useQuery({
    queryKey: ["executor", "status"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/executor/status", { signal })),
    refetchInterval: POLL.executor,
  });
}
