import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/executor/config: the configuration in effect and which sections can change. */
export function useExecutorConfig() {
  return useQuery({
    queryKey: ["executor", "config"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/executor/config", { signal })),
    refetchInterval: POLL.tables,
  });
}
