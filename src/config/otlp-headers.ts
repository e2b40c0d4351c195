import { z } from 'zod';

/** `api-key=s3cret,x-team=docs`: names and values percent-encoded, as OpenTelemetry specifies. */
export function parseOtlpHeaders(text: string, ctx: z.RefinementCtx): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, entry] of text.split(',').entries()) {
    const equals = entry.indexOf('=');
    try {
      const name = decodeURIComponent(entry.slice(0, Math.max(equals, 0)).trim());
      if (equals < 1 || !/^[\w!#$%&'*+.^`|~-]+$/.test(name)) throw new Error('no header name');
      headers[name] = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      // The entry itself is never repeated in the message: it may hold a key.
      ctx.addIssue({ code: 'custom', message: `entry ${index + 1} is not name=value (e.g. api-key=s3cret)` });
      return z.NEVER;
    }
  }
  return headers;
}
