// What the graph says when it does not (or cannot) ask a model; notes go under a degraded answer.

export const OUT_OF_SCOPE_REPLY =
  "That's outside what I can answer: I only know what is in your team's documents. Ask me about those, or share a file to add it.";
export const MODEL_DOWN_NOTE =
  'The language model is unavailable right now, so this answer is quoted from the most relevant passages.';
export const MODEL_LATE_NOTE =
  'The language model did not answer in time, so this answer is quoted from the most relevant passages.';
export const BUDGET_SPENT_NOTE =
  "Your team's daily model budget is used up, so answers are quoted from your documents until 00:00 UTC.";
export const SEARCH_LATE_REPLY =
  'Searching your documents did not finish in time, so I have nothing to answer from; please try again in a moment.';
export const EMPTY_KNOWLEDGE_BASE_NOTE =
  'There are no documents in this knowledge base yet. To add some, run `docent ingest PATH` (a file or folder); in Slack or Discord, share a file with Docent or ask an admin to add documents.';
