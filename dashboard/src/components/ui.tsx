// Small shared building blocks: cards, badges, loading and error states, links to a market.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import { tierLabel } from "../lib/format";

export function Card({
  title,
  actions,
  children,
  className = "",
  testId,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`card ${className}`} data-testid={testId}>
      {(title || actions) && (
        <header className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Stat({
  label,
  value,
  hint,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: "ok" | "warn" | "bad";
  testId?: string;
}) {
  return (
    <div className={`stat ${tone ? `tone-${tone}` : ""}`} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint !== undefined && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

export function TierBadge({ tier, none }: { tier: number | null | undefined; none?: string }) {
  if (tier === null || tier === undefined) return <span className="badge badge-muted">{none ?? "—"}</span>;
  return <span className={`badge tier tier-${tier}`}>{tierLabel(tier)}</span>;
}

const STATUS_TONE: Record<string, string> = {
  ok: "ok",
  healthy: "ok",
  connected: "ok",
  closed: "ok",
  success: "ok",
  running: "ok",
  degraded: "warn",
  warning: "warn",
  half_open: "warn",
  skipped: "muted",
  critical: "bad",
  failed: "bad",
  open: "bad",
  disconnected: "bad",
  "not running": "muted",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  const tone = STATUS_TONE[status] ?? "muted";
  return <span className={`badge badge-${tone}`}>{label ?? status}</span>;
}

export function MarketLink({ id, children }: { id: number; children?: ReactNode }) {
  return (
    <Link className="market-link" to={`/markets/${id}`} data-testid="market-link">
      {children ?? `#${id}`}
    </Link>
  );
}

export function QueryState({
  isLoading,
  error,
  children,
}: {
  isLoading: boolean;
  error: unknown;
  children: ReactNode;
}) {
  if (error) {
    const text = error instanceof ApiError ? `${error.status}: ${error.message}` : String(error);
    return <div className="error-box">Could not load: {text}</div>;
  }
  if (isLoading) return <div className="loading">Loading…</div>;
  return <>{children}</>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Pager({
  page,
  pages,
  onPage,
}: {
  page: number;
  pages: number;
  onPage: (page: number) => void;
}) {
  return (
    <div className="pager" data-testid="pager">
      <button disabled={page <= 1} onClick={() => onPage(1)} aria-label="First page">
        «
      </button>
      <button disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label="Previous page">
        ‹
      </button>
      <span data-testid="page-indicator">
        Page {page} of {Math.max(pages, 1)}
      </span>
      <button disabled={page >= pages} onClick={() => onPage(page + 1)} aria-label="Next page">
        ›
      </button>
      <button disabled={page >= pages} onClick={() => onPage(pages)} aria-label="Last page">
        »
      </button>
    </div>
  );
}

export function Segmented<T extends string | number>({
  value,
  options,
  onChange,
  label,
}: {
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  label: string;
}) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map((o) => (
        <button
          key={String(o.value)}
          className={o.value === value ? "active" : ""}
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
