import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { POLL } from "../../../lib/refresh";

/** GET /api/markets/{market_id}/tier-transitions: the market's tiers since its discovery. */
export function useMarketTierTransitions(marketId: number) {
  return useQuery({
    queryKey: ["markets", marketId, "tier-transitions"],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/markets/{market_id}/tier-transitions", {
          params: { path: { market_id: marketId } },
          signal,
        }),
      ),
    refetchInterval: POLL.market,
  });
}
