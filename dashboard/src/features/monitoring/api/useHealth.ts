import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/monitoring/health: every component, breakers and snapshot freshness per tier. */
export function useHealth() {
  return useQuery({
    queryKey: ["monitoring", "health"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/monitoring/health", { signal })),
    refetchInterval: POLL.health,
  });
}
