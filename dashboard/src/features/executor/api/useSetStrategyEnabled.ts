import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { authHeaders } from "../../../lib/apiToken";

/** POST /api/strategies/{name}/enable or /disable (bearer token). */
export function useSetStrategyEnabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, enabled }: { name: string; enabled: boolean }) =>
      unwrap(
        api.POST(enabled ? "/api/strategies/{name}/enable" : "/api/strategies/{name}/disable", {
          params: { path: { name } },
          headers: authHeaders(),
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["executor"] }),
  });
}
