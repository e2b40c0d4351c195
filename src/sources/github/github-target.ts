import { DocentError } from '../../core/errors.js';

/** A repository, the folder read within it (empty for all of it) and the branch (its default when unset). */
export interface RepositoryTarget {
  owner: string;
  repo: string;
  path: string;
  branch?: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^(?!\/|.*(?:\.\.|\/\/|@\{|\/$|\.lock$))[\w./-]{1,250}$/;
const SEGMENT = /^[^\s/\\]{1,255}$/;

/** `owner/repo[/path][@branch]`, as written by the operator, or throws one sentence saying what is wrong. */
export function parseRepositoryTarget(target: string): RepositoryTarget {
  const text = target.trim();
  const at = text.lastIndexOf('@');
  const branch = at >= 0 ? text.slice(at + 1) : undefined;
  const [owner = '', repo = '', ...folders] = (at >= 0 ? text.slice(0, at) : text).split('/');
  const path = folders.filter((f) => f !== '');
  const usage = 'use owner/repo, owner/repo/folder or owner/repo/folder@branch';
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..')
    throw new DocentError('invalid_input', `"${target}" is not a GitHub repository: ${usage}.`);
  if (path.some((f) => !SEGMENT.test(f) || f === '.' || f === '..'))
    throw new DocentError('invalid_input', `"${target}" names an invalid folder: ${usage}.`);
  if (branch !== undefined && !BRANCH.test(branch))
    throw new DocentError('invalid_input', `"${branch}" is not a valid branch name.`);
  return { owner, repo: repo.replace(/\.git$/, ''), path: path.join('/'), branch };
}

export function formatRepositoryTarget(t: RepositoryTarget): string {
  return `${t.owner}/${t.repo}${t.path ? `/${t.path}` : ''}${t.branch ? `@${t.branch}` : ''}`;
}

/** github.com's API is api.github.com; an Enterprise server's is `/api/v3` on its own host. */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '')}`.replace(/\/$/, '');
}

/** The file's page on GitHub: what answers cite. */
export function fileUrl(webUrl: string, t: RepositoryTarget, branch: string, path: string): string {
  const encoded = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  return `${webUrl}/${t.owner}/${t.repo}/blob/${encoded(branch)}/${encoded(path)}`;
}
