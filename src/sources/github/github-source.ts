import { Octokit } from '@octokit/rest';
import { DocentError } from '../../core/errors.js';
import type { SourceKind, SourceReadContext } from '../../core/ports/source-kind.js';
import type { SourceItem } from '../../core/ports/source-store.js';
import { eachConcurrently } from '../web/host-pacer.js';
import { httpStatus, listingError, rateLimitError } from './github-errors.js';
import {
  fileUrl,
  formatRepositoryTarget,
  githubWebUrl,
  parseRepositoryTarget,
  type RepositoryTarget,
} from './github-target.js';

export interface GithubSourceOptions {
  /** GitHub's REST API: https://api.github.com, or an Enterprise server's `https://host/api/v3`. */
  apiUrl: string;
  /** Where files are shown in a browser; by default derived from `apiUrl`. */
  webUrl?: string;
  /** Files read when the source does not set its own `maxPages`. */
  maxFiles: number;
  /** Largest file read. */
  maxBytes: number;
  /** Requests in flight at once: GitHub asks integrations to stay near serial. */
  concurrency?: number;
  timeoutMs?: number;
}

const TEXT_FILES = /\.(?:md|mdx|txt|rst|adoc)$/i;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

interface Head {
  branch: string;
  commit: string;
  tree: string;
}

/**
 * `github`: a repository's Markdown and text files, on one branch and under one folder. A sync
 * asks for the branch's head commit first; at the commit the last complete sync saw, that is all
 * it asks. Otherwise it lists the commit's tree and downloads only the files whose blob changed.
 */
export function githubSource(options: GithubSourceOptions): SourceKind {
  const webUrl = options.webUrl?.replace(/\/$/, '') ?? githubWebUrl(options.apiUrl);
  return {
    kind: 'github',
    checkTarget: (target) => formatRepositoryTarget(parseRepositoryTarget(target)),
    read: (context) => readRepository(context, { ...options, webUrl }),
  };
}

async function readRepository(
  context: SourceReadContext,
  options: GithubSourceOptions & { webUrl: string },
): Promise<void> {
  const target = parseRepositoryTarget(context.source.target);
  const timeoutMs = options.timeoutMs ?? 30_000;
  // The token goes to the configured API only: Octokit sends it to baseUrl and nowhere else.
  const octokit = new Octokit({
    auth: context.secret,
    baseUrl: options.apiUrl.replace(/\/$/, ''),
    userAgent: 'DocentBot/0.1',
    log: silent,
  });
  const request = () => ({ signal: AbortSignal.timeout(timeoutMs) });
  const { owner, repo } = target;
  const named = formatRepositoryTarget(target);

  let head: Head;
  try {
    head = await headOf(octokit, target, request);
  } catch (error) {
    throw listingError(error, named);
  }
  const previous = [...context.previous.values()];
  const lastComplete = context.source.state.status === 'ok';
  if (lastComplete && previous.length > 0 && previous.every((item) => item.lastModified === head.commit)) {
    for (const item of previous) await context.emit({ key: item.key, status: 'unchanged', item });
    return;
  }

  let tree: Awaited<ReturnType<typeof octokit.rest.git.getTree>>['data'];
  try {
    ({ data: tree } = await octokit.rest.git.getTree({
      owner,
      repo,
      tree_sha: head.tree,
      recursive: 'true',
      request: request(),
    }));
  } catch (error) {
    throw listingError(error, named);
  }
  if (tree.truncated)
    throw new DocentError(
      'too_large',
      `${named} has too many files for GitHub to list at once; name a folder (owner/repo/folder).`,
    );
  const prefix = target.path ? `${target.path}/` : '';
  const maxFiles = Number(context.source.settings.maxPages ?? options.maxFiles);
  const files = tree.tree
    .filter(
      (e) => e.type === 'blob' && e.path && e.sha && e.path.startsWith(prefix) && TEXT_FILES.test(e.path),
    )
    .slice(0, maxFiles);

  await eachConcurrently(files, options.concurrency ?? 4, async (entry) => {
    const path = entry.path as string;
    const key = fileUrl(options.webUrl, target, head.branch, path);
    const item: SourceItem = { key, etag: entry.sha, lastModified: head.commit };
    const known = context.previous.get(key);
    if (known && known.etag === entry.sha) {
      await context.emit({ key, status: 'unchanged', item: { ...known, lastModified: head.commit } });
      return;
    }
    if ((entry.size ?? 0) > options.maxBytes) {
      await context.emit({
        key,
        status: 'failed',
        error: `${path} is larger than the ${options.maxBytes} bytes allowed.`,
      });
      return;
    }
    let bytes: Uint8Array;
    try {
      const { data } = await octokit.rest.git.getBlob({
        owner,
        repo,
        file_sha: entry.sha as string,
        request: request(),
      });
      bytes = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
    } catch (error) {
      // Past the rate limit every other file would fail too: the sync stops and is retried.
      const limited = rateLimitError(error);
      if (limited) throw limited;
      const status = httpStatus(error);
      const why = status ? `GitHub answered ${status}` : (error as Error).message;
      await context.emit({ key, status: 'failed', error: `${path}: ${why}.` });
      return;
    }
    await context.emit({ key, status: 'fetched', item, bytes });
  });
}

/** The branch's head commit and tree: one request, two without a branch (the default is asked first). */
async function headOf(
  octokit: Octokit,
  target: RepositoryTarget,
  request: () => { signal: AbortSignal },
): Promise<Head> {
  const { owner, repo } = target;
  let branch = target.branch;
  if (!branch)
    ({
      data: { default_branch: branch },
    } = await octokit.rest.repos.get({ owner, repo, request: request() }));
  const { data } = await octokit.rest.repos.getBranch({ owner, repo, branch, request: request() });
  return { branch, commit: data.commit.sha, tree: data.commit.commit.tree.sha };
}
