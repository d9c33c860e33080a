import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/markets/{market_id}/snapshots: price, spread and depth over the window. */
export function useMarketSnapshots(marketId: number, hours: number) {
  return useQuery({
    queryKey: ["markets", marketId, "snapshots", hours],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/markets/{market_id}/snapshots", {
          params: { path: { market_id: marketId }, query: { hours, max_points: 600 } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: POLL.market,
  });
}
