export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown[];
  tool_call_id?: string;
}

export interface ToolSpec {
  type: string;
  function?: { name: string; description?: string; parameters?: unknown; strict?: boolean };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { name: string; schema?: unknown; strict?: boolean } };
  stream: boolean;
  /** The whole parsed request body, for anything not lifted out above. */
  body: Record<string, unknown>;
}

interface Timing {
  /** Milliseconds to wait before answering; lets tests trip client timeouts. */
  delayMs?: number;
  /** Milliseconds between streamed chunks: a model producing its answer at a steady pace. */
  chunkDelayMs?: number;
}

export type TextReply = Timing & { text: string; usage?: Partial<Usage> };
/**
 * Serialised as the message content for `response_format` requests, or as the arguments of a tool
 * call when the request offers tools (`tool` picks one; otherwise the forced or first tool is used).
 */
export type StructuredReply = Timing & { structured: unknown; tool?: string; usage?: Partial<Usage> };
export type ErrorReply = Timing & { status: number; message?: string; code?: string; retryAfter?: number };
export type MalformedReply = Timing & { malformed: string };

/** A bare string is shorthand for `{ text }`. */
export type Reply = string | TextReply | StructuredReply | ErrorReply | MalformedReply;
export type ChatHandler = (req: ChatRequest) => Reply | Promise<Reply>;

interface Answer {
  content: string | null;
  toolCall?: { id: string; name: string; arguments: string };
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${++sequence}`;

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

// A rough chars/4 estimate is enough: tests need stable, non-zero, length-sensitive numbers.
export const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export function wantsStructured(req: ChatRequest): boolean {
  return Boolean(req.response_format && req.response_format.type !== 'text') || toolName(req) !== undefined;
}

function toolName(req: ChatRequest, preferred?: string): string | undefined {
  if (!req.tools?.length || req.tool_choice === 'none') return undefined;
  if (preferred) return preferred;
  const forced = (req.tool_choice as { function?: { name?: string } } | undefined)?.function?.name;
  return forced ?? req.tools[0]?.function?.name;
}

function toAnswer(req: ChatRequest, reply: TextReply | StructuredReply): Answer {
  if ('text' in reply) return { content: reply.text };
  const json = JSON.stringify(reply.structured);
  const name = toolName(req, reply.tool);
  if (!name) return { content: json };
  return { content: null, toolCall: { id: nextId('call_fake_'), name, arguments: json } };
}

function usageFor(req: ChatRequest, answer: Answer, override: Partial<Usage> = {}): Usage {
  const promptText = req.messages.map((m) => contentText(m.content)).join('\n');
  const prompt_tokens = override.prompt_tokens ?? estimateTokens(promptText);
  const completion_tokens =
    override.completion_tokens ?? estimateTokens(answer.content ?? answer.toolCall?.arguments ?? '');
  return {
    prompt_tokens,
    completion_tokens,
    total_tokens: override.total_tokens ?? prompt_tokens + completion_tokens,
  };
}

const finishReason = (answer: Answer) => (answer.toolCall ? 'tool_calls' : 'stop');

export function completionBody(req: ChatRequest, reply: TextReply | StructuredReply) {
  const answer = toAnswer(req, reply);
  const { toolCall } = answer;
  const message = {
    role: 'assistant',
    content: answer.content,
    refusal: null,
    ...(toolCall && {
      tool_calls: [
        {
          id: toolCall.id,
          type: 'function',
          function: { name: toolCall.name, arguments: toolCall.arguments },
        },
      ],
    }),
  };
  return {
    id: nextId('chatcmpl-fake-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(answer) }],
    usage: usageFor(req, answer, reply.usage),
  };
}

// Small fixed-size pieces make the client actually accumulate deltas across several chunks.
const pieces = (text: string, size = 8) => text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];

/** The `chat.completion.chunk` payloads of one streamed answer, without the `[DONE]` sentinel. */
export function streamChunks(req: ChatRequest, reply: TextReply | StructuredReply): object[] {
  const answer = toAnswer(req, reply);
  const includeUsage = (req.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  const base = {
    id: nextId('chatcmpl-fake-'),
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: req.model,
  };
  // The real API puts `usage: null` on every chunk once usage was asked for.
  const chunk = (delta: object, finish_reason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    ...(includeUsage && { usage: null }),
  });

  const { toolCall } = answer;
  const deltas: object[] = toolCall
    ? [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } },
          ],
        },
        ...pieces(toolCall.arguments).map((args) => ({
          tool_calls: [{ index: 0, function: { arguments: args } }],
        })),
      ]
    : [{ role: 'assistant', content: '' }, ...pieces(answer.content ?? '').map((content) => ({ content }))];

  const chunks: object[] = [...deltas.map((delta) => chunk(delta)), chunk({}, finishReason(answer))];
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usageFor(req, answer, reply.usage) });
  return chunks;
}
