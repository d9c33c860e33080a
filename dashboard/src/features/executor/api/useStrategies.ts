import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/strategies: each built-in strategy, enabled or not, with its parameters. */
export function useStrategies() {
  return useQuery({
    queryKey: ["executor", "strategies"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/strategies", { signal })),
    refetchInterval: POLL.tables,
  });
}
