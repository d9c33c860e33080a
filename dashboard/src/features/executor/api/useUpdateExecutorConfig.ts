import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../../api/client";
import { authHeaders } from "../../../lib/apiToken";

/** POST /api/executor/config: a partial risk/sizing/execution change (bearer token; 422 names a bad key). */
export function useUpdateExecutorConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: Schemas["ExecutorConfigChange"]) =>
      unwrap(api.POST("/api/executor/config", { body: change, headers: authHeaders() })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["executor"] }),
  });
}
