// The executor's WebSocket (/api/executor/ws) notifies; React Query refetches. Each event
// (fill, position, signal, alert) invalidates the ["executor"] queries (and the database
// browser's); fills, closed or settled positions and alerts (halted, entries paused) also make a
// toast. The executor may run in the API's process (pmml up) or in its own (the distributed
// deployment: the API relays its events from Redis); when the hello says neither, the page stops
// trying. Reconnects with a capped backoff.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useToast, type ToastKind } from "../../lib/toast";

export const EXECUTOR_WS_PATH = "/api/executor/ws";

interface ExecutorEvent {
  type?: string;
  [key: string]: unknown;
}

function toastFor(event: ExecutorEvent): [ToastKind, string, string?] | null {
  const what = (k: string) => (event[k] === undefined || event[k] === null ? "" : String(event[k]));
  const market = what("market") || undefined;
  switch (event.type) {
    case "fill":
      return ["success", `Fill: ${what("side")} ${what("size")} @ ${what("price")} (${what("strategy")})`, market];
    case "position":
      if (event.change === "settled")
        return ["info", `Settled ${what("outcome")}: ${what("resolution")}, P&L $${Number(what("realized_pnl_usd")).toFixed(2)}`, market];
      if (event.change === "closed") return ["info", `Position closed (${what("strategy")})`, market];
      return null;
    case "alert":
      return [what("kind") === "halted" ? "error" : "warning", `Executor ${what("kind").replace("_", " ")}`, what("reason") || undefined];
    default:
      return null;
  }
}

export function useExecutorEvents(enabled: boolean) {
  const queryClient = useQueryClient();
  const toast = useToast();
  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let retry = 0;
    let timer: number | undefined;
    let closed = false;
    const connect = () => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}${EXECUTOR_WS_PATH}`);
      socket.onopen = () => {
        retry = 0;
      };
      socket.onmessage = (message) => {
        let event: ExecutorEvent = {};
        try {
          event = JSON.parse(String(message.data)) as ExecutorEvent;
        } catch {
          /* not JSON: still a notification */
        }
        if (event.type === "hello") {
          if (!event.running && !event.relayed) closed = true; // nothing to listen to here
          return;
        }
        void queryClient.invalidateQueries({ queryKey: ["executor"] });
        void queryClient.invalidateQueries({ queryKey: ["database"] });
        const t = toastFor(event);
        if (t) toast(...t);
      };
      socket.onclose = () => {
        if (closed) return;
        timer = window.setTimeout(connect, Math.min(30_000, 1_000 * 2 ** retry++));
      };
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, [enabled, queryClient, toast]);
}
