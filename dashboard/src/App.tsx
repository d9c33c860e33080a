import { Route, Routes } from "react-router-dom";
import { Layout } from "./components/Layout";
import { Empty } from "./components/ui";
import { DashboardPage } from "./features/dashboard/DashboardPage";
import { DatabasePage } from "./features/database/DatabasePage";
import { ExecutorPage } from "./features/executor/ExecutorPage";
import { MarketPage } from "./features/markets/MarketPage";
import { MarketsPage } from "./features/markets/MarketsPage";
import { MonitoringPage } from "./features/monitoring/MonitoringPage";

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<DashboardPage />} />
        <Route path="markets" element={<MarketsPage />} />
        <Route path="markets/:marketId" element={<MarketPage />} />
        <Route path="monitoring" element={<MonitoringPage />} />
        <Route path="database" element={<DatabasePage />} />
        <Route path="database/:table" element={<DatabasePage />} />
        <Route path="executor" element={<ExecutorPage />} />
        <Route path="*" element={<Empty>No such page.</Empty>} />
      </Route>
    </Routes>
  );
}
