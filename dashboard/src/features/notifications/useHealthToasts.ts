// Toasts for what changed between two polls: the system's status, a collector connection lost
// or back, a circuit breaker opening, a task failing. The first answer is the baseline (no toast
// for what was already so when the page opened). Fills and resolutions will come from the
// executor's WebSocket (see features/executor/useExecutorEvents.ts).
import { useEffect, useRef } from "react";
import type { Schemas } from "../../api/client";
import { useToast } from "../../lib/toast";
import { tierLabel } from "../../lib/format";
import { useHealth } from "../monitoring/api/useHealth";
import { useTaskActivity } from "../monitoring/api/useTaskActivity";

type Health = Schemas["HealthReport"];
type Activity = Schemas["TaskActivityReport"];

export function healthChanges(before: Health, after: Health) {
  const out: { kind: "warning" | "error" | "success"; title: string; body?: string }[] = [];
  if (before.status !== after.status) {
    const problems = after.problems.map((p) => p.message).slice(0, 3).join("; ");
    if (after.status === "ok") out.push({ kind: "success", title: "System healthy again" });
    else
      out.push({
        kind: after.status === "critical" ? "error" : "warning",
        title: `System ${after.status}`,
        body: problems || undefined,
      });
  }
  const was = new Map(before.collector.connections.map((c) => [c.name, c]));
  for (const c of after.collector.connections) {
    const prev = was.get(c.name);
    if (prev?.connected && !c.connected)
      out.push({
        kind: "warning",
        title: `Connection ${c.name} lost`,
        body: c.last_disconnect_reason ?? undefined,
      });
    else if (prev && !prev.connected && c.connected)
      out.push({ kind: "success", title: `Connection ${c.name} back` });
  }
  const breakers = new Map(before.breakers.map((b) => [b.host, b.state]));
  for (const b of after.breakers) {
    if (b.state === "open" && breakers.get(b.host) !== "open")
      out.push({ kind: "error", title: `Circuit breaker open: ${b.host}`, body: `${b.consecutive_failures} failures` });
  }
  return out;
}

export function newFailures(before: Activity, after: Activity) {
  const last = new Map(before.tasks.map((t) => [`${t.task_name}:${t.tier}`, t.last_error_at]));
  return after.tasks
    .filter((t) => t.last_error_at && t.last_error_at !== last.get(`${t.task_name}:${t.tier}`))
    .map((t) => ({
      kind: "error" as const,
      title: `Task failed: ${t.task_name}${t.tier === null ? "" : ` ${tierLabel(t.tier)}`}`,
      body: t.last_error ?? undefined,
    }));
}

export function useHealthToasts() {
  const toast = useToast();
  const health = useHealth();
  const activity = useTaskActivity(1);
  const lastHealth = useRef<Health | null>(null);
  const lastActivity = useRef<Activity | null>(null);

  useEffect(() => {
    const now = health.data;
    if (!now) return;
    if (lastHealth.current) for (const c of healthChanges(lastHealth.current, now)) toast(c.kind, c.title, c.body);
    lastHealth.current = now;
  }, [health.data, toast]);

  useEffect(() => {
    const now = activity.data;
    if (!now) return;
    if (lastActivity.current) for (const c of newFailures(lastActivity.current, now)) toast(c.kind, c.title, c.body);
    lastActivity.current = now;
  }, [activity.data, toast]);
}
