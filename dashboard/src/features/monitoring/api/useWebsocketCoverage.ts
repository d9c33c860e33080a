import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/monitoring/websocket-coverage: tokens that should be followed against those that are. */
export function useWebsocketCoverage() {
  return useQuery({
    queryKey: ["monitoring", "websocket-coverage"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/monitoring/websocket-coverage", { signal })),
    refetchInterval: POLL.activity,
  });
}
