import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/markets/{market_id}/trades: the window's trade count and notional, newest trades. */
export function useMarketTrades(marketId: number, hours: number) {
  return useQuery({
    queryKey: ["markets", marketId, "trades", hours],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/markets/{market_id}/trades", {
          params: { path: { market_id: marketId }, query: { hours, limit: 200 } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: POLL.market,
  });
}
