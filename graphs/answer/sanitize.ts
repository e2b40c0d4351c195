/**
 * Removes mass and group pings from model output: an answer must never notify a whole channel,
 * a user group or a role, whatever a document (or a prompt injection in one) says.
 */
export function stripMentions(text: string): string {
  return text
    .replace(/<!(?:channel|here|everyone)(?:\|[^>]*)?>/gi, '')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>/gi, '')
    .replace(/<@&\d+>/g, '')
    .replace(/(^|[^\w@])@(channel|here|everyone)\b/gi, '$1$2')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
