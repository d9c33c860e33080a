import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/monitoring/tier-transitions: flows between tiers and the newest moves. */
export function useTierTransitions(hours = 24, limit = 50) {
  return useQuery({
    queryKey: ["monitoring", "tier-transitions", hours, limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/monitoring/tier-transitions", { params: { query: { hours, limit } }, signal }),
      ),
    refetchInterval: POLL.activity,
  });
}
