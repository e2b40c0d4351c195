import { z } from 'zod';

/** A prompt offered when someone opens Docent's assistant: its button, and what clicking it sends. */
export interface SuggestedPrompt {
  title: string;
  message: string;
}

/** Slack shows up to four prompts in an assistant thread. */
export const MAX_PROMPTS = 4;
const MAX_TITLE = 75;
const MAX_MESSAGE = 500;

const promptSchema = z.union([
  z.string().trim().min(1).max(MAX_MESSAGE),
  z.object({
    title: z.string().trim().min(1).max(MAX_TITLE),
    message: z.string().trim().min(1).max(MAX_MESSAGE),
  }),
]);
const listSchema = z.array(promptSchema).min(1).max(MAX_PROMPTS);

const MESSAGE =
  `must be 1 to ${MAX_PROMPTS} prompts: a JSON list of questions or of {"title", "message"} ` +
  `(titles up to ${MAX_TITLE} characters, messages up to ${MAX_MESSAGE}), or questions separated by |`;

/**
 * `How do I file expenses?|Where is the VPN guide?`, or JSON: `["How do I file expenses?"]`,
 * `[{"title": "Expenses", "message": "How do I file expenses?"}]`. A bare question is its own title.
 */
export function parseAssistantPrompts(text: string, ctx: z.RefinementCtx): SuggestedPrompt[] {
  let entries: unknown;
  try {
    entries = text.startsWith('[') ? JSON.parse(text) : text.split('|').map((t) => t.trim());
  } catch {
    entries = undefined;
  }
  const parsed = listSchema.safeParse(entries);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: MESSAGE });
    return z.NEVER;
  }
  return parsed.data.map((entry) =>
    typeof entry === 'string' ? { title: entry.slice(0, MAX_TITLE), message: entry } : entry,
  );
}
