import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/markets/{market_id}: one market and its latest snapshot. */
export function useMarket(marketId: number) {
  return useQuery({
    queryKey: ["markets", marketId, "detail"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/markets/{market_id}", { params: { path: { market_id: marketId } }, signal })),
    refetchInterval: POLL.market,
  });
}
