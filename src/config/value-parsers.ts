import { z } from 'zod';

// Parsers of the variables whose values have a structure of their own: JSON, lists of pairs.

export const TENANT_ID = /^[\w.-]{1,128}$/;

export interface ModelPrice {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
}

const priceSchema = z.record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) }));

export function parsePrices(text: string, ctx: z.RefinementCtx): Record<string, ModelPrice> {
  const message = 'must be JSON like {"model": {"input": 0.15, "output": 0.6}} (USD per million tokens)';
  return parseJson(priceSchema, message, text, ctx);
}

// LanceDB takes its object store's settings as strings; numbers and booleans are written as such.
const storageOptionsSchema = z.record(
  z.string().min(1),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

/**
 * `{"endpoint": "http://127.0.0.1:9000", "allow_http": true, …}`, handed to LanceDB as its
 * `storageOptions`. The message never repeats the text or a value: it holds credentials.
 */
export function parseStorageOptions(text: string, ctx: z.RefinementCtx): Record<string, string> {
  const message =
    'must be a JSON object of strings, like {"endpoint": "http://127.0.0.1:9000", "region": "us-east-1"}';
  return parseJson(storageOptionsSchema, message, text, ctx);
}

/** JSON text as `schema` accepts it; anything else is reported as `message` alone. */
function parseJson<T extends z.ZodType>(
  schema: T,
  message: string,
  text: string,
  ctx: z.RefinementCtx,
): z.output<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {}
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** A bearer token of the query API and the one tenant it reads. */
export interface ApiToken {
  tenant: string;
  token: string;
}

/** `acme:s3cret,globex:t0ken`: the tenant is everything before an entry's first colon. */
export function parseApiTokens(text: string, ctx: z.RefinementCtx): ApiToken[] {
  const tokens: ApiToken[] = [];
  const entries = text.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const tenant = entry.slice(0, Math.max(colon, 0)).trim();
    const token = entry.slice(colon + 1).trim();
    // The entry itself is never repeated in the message: it holds a secret.
    if (colon < 1 || !TENANT_ID.test(tenant) || token === '') {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${index + 1} is not tenant:token (tenant: letters, digits, ".", "_" or "-"; e.g. acme:s3cret,globex:t0ken)`,
      });
      return z.NEVER;
    }
    tokens.push({ tenant, token });
  }
  return tokens;
}

/** DOCENT_API_TOKEN (for DOCENT_API_TENANT) and every DOCENT_API_TOKENS entry. */
export function apiTokensOf(e: {
  DOCENT_API_TOKEN?: string;
  DOCENT_API_TENANT: string;
  DOCENT_API_TOKENS?: ApiToken[];
}): ApiToken[] {
  const single = e.DOCENT_API_TOKEN ? [{ tenant: e.DOCENT_API_TENANT, token: e.DOCENT_API_TOKEN }] : [];
  return [...single, ...(e.DOCENT_API_TOKENS ?? [])];
}

export function uniqueTokens(tokens: ApiToken[]): boolean {
  return new Set(tokens.map((t) => t.token)).size === tokens.length;
}
