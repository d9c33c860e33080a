import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { authHeaders } from "../../../lib/apiToken";

type Params = Record<string, string | number | boolean | null>;

/** POST /api/strategies/{name}/config: change some parameters (bearer token; 422 names a bad one). */
export function useUpdateStrategy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, changes }: { name: string; changes: Params }) =>
      unwrap(
        api.POST("/api/strategies/{name}/config", {
          params: { path: { name } },
          body: changes,
          headers: authHeaders(),
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["executor"] }),
  });
}
