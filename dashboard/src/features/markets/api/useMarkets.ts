import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import type { paths } from "../../../api/schema";
import { POLL } from "../../../lib/refresh";

export type MarketsQuery = NonNullable<paths["/api/markets"]["get"]["parameters"]["query"]>;

/** GET /api/markets: a filtered, sorted page of markets with their latest price. */
export function useMarkets(query: MarketsQuery) {
  return useQuery({
    queryKey: ["markets", "list", query],
    queryFn: ({ signal }) => unwrap(api.GET("/api/markets", { params: { query }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: POLL.markets,
  });
}
