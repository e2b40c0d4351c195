import type { WebClient } from '@slack/web-api';
import { IngestError } from '../../src/core/errors.js';
import { tooLarge } from '../../src/core/ingest-document.js';
import type { SharedFile } from '../../src/core/message.js';
import type { FileFetcher } from '../../src/core/ports/job-queue.js';
import type { UrlDownload } from '../../src/core/ports/url-download.js';
import type { SlackWhere } from './origins.js';

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
/**
 * The file a `file_shared` event names (files.info), the ts of its share in the event's channel
 * (the message it was shared with, which its outcome answers in the thread of), and who shared it where.
 */
export async function fileSharedIn(
  client: WebClient,
  event: { file_id: string; channel_id: string; user_id: string; event_ts: string },
  body: { is_ext_shared_channel?: boolean },
): Promise<{ file: SlackFile; ts: string; where: SlackWhere } | undefined> {
  const info = await client.files.info({ file: event.file_id });
  const file = info.file as
    | (SlackFile & { shares?: Record<string, Record<string, { ts: string }[]>> })
    | undefined;
  if (!file) return undefined;
  const share = file.shares?.public?.[event.channel_id]?.[0] ?? file.shares?.private?.[event.channel_id]?.[0];
  const where = {
    channelId: event.channel_id,
    userId: event.user_id,
    extSharedChannel: body.is_ext_shared_channel,
  };
  return { file, ts: share?.ts ?? event.event_ts, where };
}

export function slackSharedFile(file: SlackFile): SharedFile {
  return {
    name: file.name ?? file.title ?? file.id,
    size: file.size,
    url: file.url_private_download ?? file.url_private ?? '',
    type: file.filetype,
  };
}

/**
 * Where Slack serves the files a bot downloads with its token: `url_private` and
 * `url_private_download` on commercial Slack and Enterprise Grid (files.slack.com) and on GovSlack
 * (files.slack-gov.com). Workspace pages (*.slack.com) and the public CDN (*.slack-edge.com:
 * avatars, emoji) never need the token, so they do not get it.
 */
const SLACK_FILE_HOSTS = new Set(['files.slack.com', 'files.slack-gov.com']);

export interface SlackFileFetcherOptions {
  /** SLACK_API_URL: its origin is trusted with the token too (a self-hosted proxy, or a fake in tests). */
  apiUrl?: string;
  /** ALLOW_PRIVATE_URLS, for hops a redirect leads away from Slack. */
  allowPrivateUrls?: boolean;
  /** How a file is downloaded once its link is known to be Slack's. */
  download: UrlDownload;
}

/** Whether a download link is one the bot token may be sent to. */
export function isSlackFileLink(url: string, apiUrl?: string): boolean {
  const link = URL.parse(url);
  if (!link) return false;
  if (link.protocol === 'https:' && SLACK_FILE_HOSTS.has(link.hostname) && link.port === '') return true;
  return apiUrl !== undefined && link.origin === new URL(apiUrl).origin;
}

/**
 * Downloads Slack files with the bot token, from Slack's file hosts only: a file's link comes from
 * the event or files.info (a remote file's link is whatever its creator set), so any other host is
 * refused before a request is made. Slack answers a wrong or under-scoped token with its sign-in
 * page (HTTP 200, HTML): that is an auth error, not a document.
 */
export function slackFileFetcher(botToken: string, options: SlackFileFetcherOptions): FileFetcher {
  const trustedOrigins = options.apiUrl ? [new URL(options.apiUrl).origin] : [];
  return async ({ name, size, url, type }, maxBytes) => {
    if (size !== undefined && size > maxBytes) throw tooLarge(name, size, maxBytes);
    if (!url) throw new IngestError('unreadable', `${name}: Slack gave no download link for it.`);
    if (!isSlackFileLink(url, options.apiUrl)) {
      const host = URL.parse(url)?.host || 'its link';
      throw new IngestError(
        'invalid_input',
        `${name}: ${host} is not a Slack file link; Docent only downloads shared files from Slack.`,
      );
    }
    const download = options.download(url, {
      headers: { authorization: `Bearer ${botToken}` },
      allowPrivate: options.allowPrivateUrls,
      trustedOrigins,
    });
    const bytes = await download(maxBytes).catch((error) => {
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
