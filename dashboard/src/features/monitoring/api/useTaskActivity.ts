import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/monitoring/task-activity: runs, failures and duration percentiles per task. */
export function useTaskActivity(hours = 24) {
  return useQuery({
    queryKey: ["monitoring", "task-activity", hours],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/monitoring/task-activity", { params: { query: { hours } }, signal })),
    refetchInterval: POLL.activity,
  });
}
