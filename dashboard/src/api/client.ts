// The one API client: openapi-fetch over the generated types (schema.d.ts). Each API operation
// has its own hook file in the feature folder that uses it.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

export const api = createClient<paths>({ baseUrl: "" });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function detailOf(error: unknown): string | null {
  if (error && typeof error === "object" && "detail" in error) {
    const detail = (error as { detail: unknown }).detail;
    return typeof detail === "string" ? detail : JSON.stringify(detail);
  }
  return null;
}

/** The data of an openapi-fetch answer, or an ApiError carrying the API's `detail`. */
export async function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(
  request: Promise<R>,
): Promise<NonNullable<R["data"]>> {
  const { data, error, response } = await request;
  if (error !== undefined || data === undefined || data === null) {
    throw new ApiError(response.status, detailOf(error) ?? `${response.status} ${response.statusText}`);
  }
  return data as NonNullable<R["data"]>;
}
