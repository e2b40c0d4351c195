import type { FileFetcher } from '../../src/core/ingest-jobs.js';
import type { SharedFile } from '../../src/core/message.js';
import { IngestError } from '../../src/errors.js';
import { fetchUrl } from '../../src/ingestion/fetch-url.js';
import { tooLarge } from '../../src/ingestion/pipeline.js';

export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  size?: number;
  filetype?: string;
  url_private?: string;
  url_private_download?: string;
}

const looksLikeHtml = (bytes: Uint8Array) =>
  /^\s*<(!doctype html|html)/i.test(new TextDecoder().decode(bytes.subarray(0, 200)));

/** A Slack file as a shared file: plain data, stored with its ingestion job. */
export function slackSharedFile(file: SlackFile): SharedFile {
  return {
    name: file.name ?? file.title ?? file.id,
    size: file.size,
    url: file.url_private_download ?? file.url_private ?? '',
    type: file.filetype,
  };
}

/**
 * Downloads Slack files with the bot token. Slack answers a wrong or under-scoped token with its
 * sign-in page (HTTP 200, HTML): that is an auth error, not a document.
 */
export function slackFileFetcher(botToken: string): FileFetcher {
  return async ({ name, size, url, type }, maxBytes) => {
    if (size !== undefined && size > maxBytes) throw tooLarge(name, size, maxBytes);
    if (!url) throw new IngestError('unreadable', `${name}: Slack gave no download link for it.`);
    const bytes = await fetchUrl(url, { authorization: `Bearer ${botToken}` })(maxBytes).catch((error) => {
      throw error instanceof IngestError
        ? new IngestError(error.code, `${name}: ${error.message.split(': ').slice(1).join(': ')}`, {
            transient: error.transient,
          })
        : error;
    });
    if (type !== 'html' && looksLikeHtml(bytes)) {
      throw new IngestError(
        'unreadable',
        `${name}: Slack sent its sign-in page instead of the file; the bot token needs the files:read scope.`,
      );
    }
    return bytes;
  };
}
