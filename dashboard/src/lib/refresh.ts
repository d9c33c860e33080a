// How often each kind of data is polled (ms). The executor's WebSocket only notifies: React
// Query refetches what it names, so the executor's own poll is a slow safety net.
export const POLL = {
  health: 5_000,
  activity: 15_000,
  tables: 15_000,
  markets: 10_000,
  market: 10_000,
  executor: 10_000,
} as const;
