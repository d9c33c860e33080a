import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { authHeaders } from "../../../lib/apiToken";

/** POST /api/executor/kill or /api/executor/resume, as `pmml kill` / `pmml resume` (bearer token). */
export function useKillSwitch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (halt: boolean) =>
      halt
        ? unwrap(api.POST("/api/executor/kill", { body: { reason: "dashboard" }, headers: authHeaders() }))
        : unwrap(api.POST("/api/executor/resume", { headers: authHeaders() })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["executor"] }),
  });
}
