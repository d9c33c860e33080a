import { useIsFetching } from "@tanstack/react-query";
import { NavLink, Outlet } from "react-router-dom";
import { useHealthToasts } from "../features/notifications/useHealthToasts";
import { useHealth } from "../features/monitoring/api/useHealth";
import { useTheme } from "../lib/theme";
import { StatusBadge } from "./ui";

const NAV = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/markets", label: "Markets" },
  { to: "/monitoring", label: "Monitoring" },
  { to: "/database", label: "Database" },
  { to: "/executor", label: "Executor" },
];

export function Layout() {
  const { theme, toggle } = useTheme();
  const health = useHealth();
  const fetching = useIsFetching();
  useHealthToasts();
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden>
            ◆
          </span>
          <span className="brand-name">polymarket-ml</span>
          {health.data && (
            <span data-testid="system-status">
              <StatusBadge status={health.data.status} />
            </span>
          )}
          {health.error && <StatusBadge status="critical" label="API unreachable" />}
        </div>
        <nav className="nav" aria-label="Pages">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end} className={({ isActive }) => (isActive ? "active" : "")}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          <span className={`live-dot ${fetching ? "busy" : ""}`} title="Polling the API" aria-hidden />
          <button
            className="icon-button"
            onClick={toggle}
            aria-label={theme === "dark" ? "Switch to light mode" : "Switch to dark mode"}
            data-testid="theme-toggle"
          >
            {theme === "dark" ? "☀" : "☾"}
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
