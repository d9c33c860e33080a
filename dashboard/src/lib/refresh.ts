// How often each kind of data is polled (ms). The executor's WebSocket, once it exists,
// only notifies: React Query refetches what it names.
export const POLL = {
  health: 5_000,
  activity: 15_000,
  tables: 15_000,
  markets: 10_000,
  market: 10_000,
} as const;
