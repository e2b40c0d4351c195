/**
 * Calls to Docent's admin JSON API with the admin token. The token lives in sessionStorage: it is
 * gone when the tab closes, and never sent anywhere but this origin.
 */

const TOKEN_KEY = 'docent-admin-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Called when the server no longer accepts the token, so the console can ask for it again. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** A query string of the given values, leaving out empty ones. */
export function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values))
    if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  json?: unknown;
  form?: FormData;
  /** Use this token instead of the stored one (signing in). */
  withToken?: string;
}

export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.withToken ?? token.get() ?? ''}`,
  };
  let body: BodyInit | undefined = options.form;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  // no-store: the answers carry a tenant's data, which the browser must not keep.
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body, cache: 'no-store' });
  const payload = await response.json().catch(() => undefined);
  if (!response.ok) {
    const code = payload?.error ?? `http_${response.status}`;
    if (response.status === 401 && !options.withToken) onUnauthorized();
    throw new ApiError(response.status, code, describeRefusal(response, payload));
  }
  return payload as T;
}

function describeRefusal(response: Response, payload: { message?: string; fields?: object } | undefined) {
  if (payload?.fields)
    return Object.entries(payload.fields)
      .map(([name, problem]) => `${name}: ${problem}`)
      .join('; ');
  if (payload?.message) return payload.message;
  if (response.status === 404) return 'Not found on this server.';
  return `The server answered ${response.status}.`;
}

/** The error's message for a person, whatever was thrown. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
