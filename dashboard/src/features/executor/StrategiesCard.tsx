// Strategy switches and parameter forms, the runtime risk/sizing/execution form, and the token
// they need (see lib/apiToken.ts). The API stores each change (kept across restarts) and applies it
// to the executor of its own process at once, or `pmml executor` takes it at its next scan; a bad
// parameter is a 422 naming it.
import { useState, type FormEvent } from "react";
import { ApiError, type Schemas } from "../../api/client";
import { Card, QueryState } from "../../components/ui";
import { setApiToken, useApiToken } from "../../lib/apiToken";
import { useToast } from "../../lib/toast";
import { useExecutorConfig } from "./api/useExecutorConfig";
import { useSetStrategyEnabled } from "./api/useSetStrategyEnabled";
import { useStrategies } from "./api/useStrategies";
import { useUpdateExecutorConfig } from "./api/useUpdateExecutorConfig";
import { useUpdateStrategy } from "./api/useUpdateStrategy";

type Value = string | number | boolean | null;

function errorText(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return "401: set the API token above (PMML_API_TOKEN or <data_dir>/api_token)";
  return error instanceof ApiError ? `${error.status}: ${error.message}` : String(error);
}

/** Form values back to JSON: numbers stay numbers, decimals stay strings, "" is null. */
function parse(original: unknown, text: string): Value {
  if (text.trim() === "") return null;
  if (typeof original === "number") return Number(text);
  return text.trim();
}

export function ApiTokenField() {
  const token = useApiToken();
  const [draft, setDraft] = useState("");
  return (
    <form
      className="token-field"
      data-testid="api-token"
      onSubmit={(e) => {
        e.preventDefault();
        setApiToken(draft);
        setDraft("");
      }}
    >
      <label>
        API token{" "}
        <input
          type="password"
          autoComplete="off"
          placeholder={token ? "saved in this browser" : "PMML_API_TOKEN or <data_dir>/api_token"}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          data-testid="api-token-input"
        />
      </label>
      <button type="submit" data-testid="api-token-save">
        Save
      </button>
      {token && (
        <button type="button" onClick={() => setApiToken("")}>
          Forget
        </button>
      )}
      <span className="muted small">{token ? "changes are sent with it" : "needed to change anything"}</span>
    </form>
  );
}

function ParamsForm({
  params,
  onSubmit,
  pending,
  testId,
}: {
  params: Record<string, unknown>;
  onSubmit: (changes: Record<string, Value>) => void;
  pending: boolean;
  testId: string;
}) {
  const editable = Object.entries(params).filter(([k, v]) => k !== "enabled" && typeof v !== "object");
  const [draft, setDraft] = useState<Record<string, string>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const changes: Record<string, Value> = {};
    for (const [k, text] of Object.entries(draft)) changes[k] = parse(params[k], text);
    if (Object.keys(changes).length) onSubmit(changes);
    setDraft({});
  };
  if (!editable.length) return null;
  return (
    <form className="params-form" onSubmit={submit} data-testid={testId}>
      {editable.map(([k, v]) => (
        <label key={k}>
          <span className="muted small">{k}</span>
          <input name={k} value={draft[k] ?? (v === null ? "" : String(v))} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} />
        </label>
      ))}
      <button type="submit" disabled={pending || Object.keys(draft).length === 0}>
        Apply
      </button>
    </form>
  );
}

function StrategyRow({ s }: { s: Schemas["StrategyItem"] }) {
  const toggle = useSetStrategyEnabled();
  const update = useUpdateStrategy();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const error = toggle.error ?? update.error;
  return (
    <li className="strategy" data-testid={`strategy-${s.name}`}>
      <div className="strategy-head">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={s.enabled}
            disabled={toggle.isPending}
            data-testid={`strategy-switch-${s.name}`}
            onChange={(e) =>
              toggle.mutate(
                { name: s.name, enabled: e.target.checked },
                { onSuccess: (r) => toast("info", `${r.name} ${r.enabled ? "enabled" : "disabled"}`) },
              )
            }
          />{" "}
          <strong>{s.name}</strong>
        </label>
        <span className="muted small">v{s.version}</span>
        <button type="button" className="small-button" onClick={() => setOpen(!open)} aria-expanded={open}>
          Parameters
        </button>
      </div>
      <div className="muted small">{s.description}</div>
      {open && (
        <ParamsForm
          params={s.params}
          pending={update.isPending}
          testId={`strategy-form-${s.name}`}
          onSubmit={(changes) => update.mutate({ name: s.name, changes }, { onSuccess: () => toast("success", `${s.name} parameters changed`) })}
        />
      )}
      {error && <div className="error-box" data-testid={`strategy-error-${s.name}`}>{errorText(error)}</div>}
    </li>
  );
}

export function StrategiesCard() {
  const strategies = useStrategies();
  return (
    <Card title="Strategies" testId="executor-strategies">
      <QueryState isLoading={strategies.isLoading} error={strategies.error}>
        {strategies.data && !strategies.data.running && (
          <div className="muted small" data-testid="strategies-elsewhere">
            No executor runs in the API's process: changes are saved, and pmml executor takes them at its next scan.
          </div>
        )}
        {strategies.data && (
          <ul className="strategies">
            {strategies.data.strategies.map((s) => (
              <StrategyRow key={s.name} s={s} />
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

const SECTIONS = ["risk", "sizing", "execution"] as const;

export function ExecutorConfigCard() {
  const config = useExecutorConfig();
  const update = useUpdateExecutorConfig();
  const toast = useToast();
  return (
    <Card title="Risk, sizing, execution" testId="executor-config">
      <QueryState isLoading={config.isLoading} error={config.error}>
        {config.data && !config.data.running && (
          <div className="muted small">No executor runs in the API's process: changes are saved, and pmml executor takes them at its next scan.</div>
        )}
        {config.data &&
          SECTIONS.map((section) => {
            const values = config.data.config[section];
            if (!values || typeof values !== "object" || Array.isArray(values)) return null;
            return (
              <details key={section}>
                <summary>{section}</summary>
                <ParamsForm
                  params={values as Record<string, unknown>}
                  pending={update.isPending}
                  testId={`config-form-${section}`}
                  onSubmit={(changes) =>
                    update.mutate({ [section]: changes }, { onSuccess: () => toast("success", `${section} changed`) })
                  }
                />
              </details>
            );
          })}
        {update.error && <div className="error-box">{errorText(update.error)}</div>}
      </QueryState>
    </Card>
  );
}
