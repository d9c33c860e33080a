// Browser test of the dashboard as the API serves it: node tests/e2e.mjs <base-url> [screenshot-dir]
//
// Drives Debian's Chromium through playwright-core (no browser is downloaded): every page loads
// with real data, a strategy is switched off from the executor page (with $PMML_API_TOKEN typed
// into its token field), a market opens from a table, dark mode toggles and persists, and a phone-sized
// viewport renders without sideways scrolling. Screenshots of every page go to the directory
// given (default: a fresh one under /tmp). Exits 1 with the failed check on stderr.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = (process.argv[2] ?? "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node tests/e2e.mjs <base-url> [screenshot-dir]");
  process.exit(2);
}
const shots = process.argv[3] ?? mkdtempSync(join(tmpdir(), "pmml-e2e-"));
mkdirSync(shots, { recursive: true });
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TIMEOUT = 20_000;
const token = process.env.PMML_API_TOKEN ?? ""; // the executor's switches need it
const STRATEGY = "term_structure";
const results = [];
const pageErrors = [];

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  results.push(what);
}

const num = (text) => Number(String(text).replace(/[^0-9.-]/g, ""));

async function rows(page, testId, atLeast = 1) {
  const locator = page.locator(`[data-testid="${testId}"] tbody tr`);
  await locator.nth(atLeast - 1).waitFor({ timeout: TIMEOUT });
  return locator.count();
}

async function shot(page, name, fullPage = true) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300); // charts settle after their data arrives
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

function watch(page) {
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/WebSocket|Failed to load resource/.test(m.text()))
      pageErrors.push(`${page.url()}: console: ${m.text()}`);
  });
}

const browser = await chromium.launch({ executablePath, args: ARGS, headless: true });
try {
  const desktop = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: "light" });
  const page = await desktop.newPage();
  watch(page);

  // Dashboard: overview numbers, tier distribution, stored data
  await page.goto(`${base}/`);
  const open = page.locator('[data-testid="stat-open-markets"] .stat-value');
  await open.waitFor({ timeout: TIMEOUT });
  check(num(await open.textContent()) > 0, "dashboard: open markets > 0");
  await page.locator('[data-testid="tier-distribution-chart"] .recharts-bar-rectangle').first().waitFor({ timeout: TIMEOUT });
  check((await page.locator('[data-testid="tier-distribution-chart"] .recharts-bar-rectangle').count()) >= 1, "dashboard: tier distribution bars drawn");
  await page.locator('[data-testid="count-snapshots"] .stat-value').filter({ hasText: /\d/ }).waitFor({ timeout: TIMEOUT });
  check(num(await page.locator('[data-testid="count-markets"] .stat-value').textContent()) > 0, "dashboard: markets table counted");
  check((await rows(page, "freshness-table", 5)) === 5, "dashboard: freshness of the five tiers");
  await shot(page, "dashboard");

  // Markets list, then a market from it
  await page.getByRole("link", { name: "Markets", exact: true }).click();
  const marketRows = await rows(page, "markets-table");
  check(marketRows >= 1, `markets: ${marketRows} rows listed`);
  check(num(await page.getByTestId("markets-total").textContent()) > 0, "markets: total shown");
  await shot(page, "markets");
  await page.locator('[data-testid="markets-table"] [data-testid="market-link"]').first().click();
  await page.waitForURL(/\/markets\/\d+$/, { timeout: TIMEOUT });
  await page.getByTestId("market-question").waitFor({ timeout: TIMEOUT });
  await page.locator('[data-testid="price-chart"] .recharts-line-curve').first().waitFor({ timeout: TIMEOUT });
  check(/\d/.test(await page.locator('[data-testid="market-price"] .stat-value').textContent()), "market: a price shown");
  check(
    (await page.locator('[data-testid="price-chart"] .recharts-line-curve').count()) >= 1,
    "market: price chart drawn from the markets table's link",
  );
  await page.locator('[data-testid="tier-history"] li').first().waitFor({ timeout: TIMEOUT });
  check((await page.locator('[data-testid="tier-history"] li').count()) >= 1, "market: tier history listed");
  await page.getByTestId("trade-count").waitFor({ timeout: TIMEOUT });
  await shot(page, "market");
  const marketUrl = page.url();

  // Monitoring: connections, task activity with its duration chart, tier flow
  await page.getByRole("link", { name: "Monitoring", exact: true }).click();
  check((await rows(page, "connections-table")) >= 1, "monitoring: WebSocket connections listed");
  check((await rows(page, "task-table")) >= 1, "monitoring: task activity listed");
  await page.locator('[data-testid="duration-chart"] .recharts-bar-rectangle').first().waitFor({ timeout: TIMEOUT });
  check(true, "monitoring: duration chart drawn");
  check((await rows(page, "tier-matrix", 6)) === 6, "monitoring: tier flow matrix");
  const moves = page.locator('[data-testid="tier-flow"] .stat-value').first();
  check(num(await moves.textContent()) > 0, "monitoring: tier moves counted");
  await shot(page, "monitoring");

  // Database: the markets table, sorted both ways, paged, and a market opened from a row
  await page.getByRole("link", { name: "Database", exact: true }).click();
  await page.getByTestId("table-markets").click();
  await rows(page, "rows-table", 2);
  const firstIds = async () => {
    const cells = page.locator('[data-testid="rows-table"] tbody tr td:first-child');
    return [num(await cells.nth(0).textContent()), num(await cells.nth(1).textContent())];
  };
  const [a1, a2] = await firstIds();
  check(a1 < a2, "database: rows sorted by id ascending");
  await page.getByTestId("sort-id").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="rows-table"] th[aria-sort]')?.getAttribute("aria-sort") === "descending",
    null,
    { timeout: TIMEOUT },
  );
  await page.waitForFunction(
    (before) => {
      const cell = document.querySelector('[data-testid="rows-table"] tbody tr td');
      return cell && Number(cell.textContent.replace(/[^0-9]/g, "")) > before;
    },
    a1,
    { timeout: TIMEOUT },
  );
  const [d1, d2] = await firstIds();
  check(d1 > d2, "database: sorted by id descending after a click");
  await page.getByLabel("Rows").selectOption("25");
  await page.getByLabel("Next page").click();
  await page.getByTestId("page-indicator").filter({ hasText: "Page 2" }).waitFor({ timeout: TIMEOUT });
  check(true, "database: second page");
  await shot(page, "database");
  await page.locator('[data-testid="rows-table"] [data-testid="market-link"]').first().click();
  await page.waitForURL(/\/markets\/\d+$/, { timeout: TIMEOUT });
  await page.getByTestId("market-question").waitFor({ timeout: TIMEOUT });
  check(true, "database: a market opens from the table");

  // Executor: real status, positions and signals of the executor pmml up runs; a strategy
  // switched off from the page (with the token saved in the page's field) takes effect
  await page.getByRole("link", { name: "Executor", exact: true }).click();
  await page.getByTestId("executor-status").filter({ hasText: "running" }).waitFor({ timeout: TIMEOUT });
  check(!/not running/.test(await page.getByTestId("executor-status").textContent()), "executor: running in pmml up");
  check(/\$\d/.test(await page.locator('[data-testid="executor-equity"] .stat-value').textContent()), "executor: equity shown");
  check((await rows(page, "executor-signals")) >= 1, "executor: signals listed");
  check((await rows(page, "executor-positions")) >= 1, "executor: positions listed");
  await page.locator('[data-testid="equity-chart"] .recharts-area-curve').first().waitFor({ timeout: TIMEOUT });
  check(true, "executor: equity curve drawn");
  if (token) {
    await page.getByTestId("api-token-input").fill(token);
    await page.getByTestId("api-token-save").click();
    const toggle = page.getByTestId(`strategy-switch-${STRATEGY}`);
    check(await toggle.isChecked(), `executor: ${STRATEGY} enabled at first`);
    await toggle.click();
    await page.waitForFunction(
      (id) => !document.querySelector(`[data-testid="${id}"]`)?.checked,
      `strategy-switch-${STRATEGY}`,
      { timeout: TIMEOUT },
    );
    const listed = await (await fetch(`${base}/api/strategies`)).json();
    const after = listed.strategies.find((s) => s.name === STRATEGY);
    check(listed.running && after && after.enabled === false, `executor: ${STRATEGY} disabled from the page, per the API`);
    // The executor's WebSocket: a kill switch thrown elsewhere (here, straight through the API)
    // reaches the open page as an alert, which shows as a toast; then trading resumes
    const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const killed = await fetch(`${base}/api/executor/kill`, {
      method: "POST", headers: auth, body: JSON.stringify({ reason: "browser test" }),
    });
    check(killed.ok, "executor: kill switch thrown through the API");
    await page.getByTestId("toast").filter({ hasText: "Executor halted" }).first().waitFor({ timeout: TIMEOUT });
    check(true, "executor: the WebSocket's halted alert shows as a toast");
    const resumed = await fetch(`${base}/api/executor/resume`, { method: "POST", headers: auth });
    check(resumed.ok, "executor: resumed through the API");
  }
  await shot(page, "executor");

  // Dark mode: toggles, recolours, survives a reload
  await page.goto(`${base}/`);
  await open.waitFor({ timeout: TIMEOUT });
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = [await theme(), await background()];
  await page.getByTestId("theme-toggle").click();
  const after = [await theme(), await background()];
  check(after[0] !== before[0] && after[1] !== before[1], `dark mode: ${before[0]} -> ${after[0]}`);
  if (after[0] !== "dark") await page.getByTestId("theme-toggle").click();
  await page.reload();
  await open.waitFor({ timeout: TIMEOUT });
  check((await theme()) === "dark", "dark mode: kept after a reload");
  await page.locator('[data-testid="tier-distribution-chart"] .recharts-bar-rectangle').first().waitFor({ timeout: TIMEOUT });
  await shot(page, "dashboard-dark");
  await page.goto(marketUrl);
  await page.locator('[data-testid="price-chart"] .recharts-line-curve').first().waitFor({ timeout: TIMEOUT });
  await shot(page, "market-dark");

  // A phone: no sideways scrolling, everything readable
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: "dark",
  });
  const mobile = await phone.newPage();
  watch(mobile);
  for (const [name, path, ready] of [
    ["phone-dashboard", "/", '[data-testid="stat-open-markets"]'],
    ["phone-market", new URL(marketUrl).pathname, '[data-testid="price-chart"] .recharts-line-curve'],
    ["phone-monitoring", "/monitoring", '[data-testid="connections-table"] tbody tr'],
  ]) {
    await mobile.goto(`${base}${path}`);
    await mobile.locator(ready).first().waitFor({ timeout: TIMEOUT });
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `${name}: fits 390 px (overflow ${overflow}px)`);
    await shot(mobile, name, false); // what a phone shows first
  }

  check(pageErrors.length === 0, `no page errors${pageErrors.length ? ": " + pageErrors.join(" | ") : ""}`);
  console.log(JSON.stringify({ ok: true, screenshots: shots, checks: results }, null, 2));
} catch (error) {
  console.error(String(error?.stack ?? error));
  console.error(`passed before the failure: ${results.join("; ")}`);
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join(" | ")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
