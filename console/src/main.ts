import './styles.css';
import './page-forms.css';
import { ApiError, api, describe, token, whenUnauthorized } from './api.js';
import { announce, field, h } from './dom.js';
import { knownTenants } from './filters.js';
import { answersPage } from './pages/answers.js';
import { autoAnswerPage } from './pages/auto-answer.js';
import { cachePage } from './pages/cache.js';
import { documentsPage } from './pages/documents.js';
import { gapsPage } from './pages/gaps.js';
import { jobsPage } from './pages/jobs.js';
import { overviewPage } from './pages/overview.js';
import { questionsPage } from './pages/questions.js';
import { sourcesPage } from './pages/sources.js';
import type { QuestionView } from './types.js';

/** One page of the console: its hash route, its name, and how it fills the main region. */
export interface Page {
  route: string;
  title: string;
  render(main: HTMLElement): Promise<void>;
}

const pages: Page[] = [
  overviewPage,
  questionsPage,
  gapsPage,
  answersPage,
  documentsPage,
  sourcesPage,
  jobsPage,
  autoAnswerPage,
  cachePage,
];

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;

function pageOf(hash: string): Page {
  const route = hash.replace(/^#\/?/, '').split('?')[0];
  return pages.find((page) => page.route === route) ?? (pages[0] as Page);
}

async function show(page: Page, moveFocus: boolean): Promise<void> {
  document.title = `${page.title} · Docent admin`;
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${page.route}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const heading = h('h1', { tabindex: -1 }, page.title);
  main.replaceChildren(heading);
  // After following a link, focus moves to the new page's heading, so a screen reader says where
  // the reader is; on first load it stays at the top, where the skip link is.
  if (moveFocus) heading.focus();
  try {
    await page.render(main);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    announce(`Could not load ${page.title.toLowerCase()}: ${describe(error)}`, 'error');
  }
}

function showSignIn(message?: string): void {
  nav.hidden = true;
  signOut.hidden = true;
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    required: true,
  });
  const problem = h('p', { class: 'error', id: 'sign-in-problem' }, message ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-describedby': 'sign-in-problem' },
    h('p', {}, 'Enter the admin token (DOCENT_ADMIN_TOKEN). It is kept for this browser tab only.'),
    field('Admin token', input),
    problem,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('/admin/jobs/failed?limit=1', { withToken: input.value });
      token.set(input.value);
      start();
    } catch (error) {
      problem.textContent = describe(error);
      input.focus();
    }
  });
  document.title = 'Sign in · Docent admin';
  main.replaceChildren(h('h1', {}, 'Sign in'), form);
  input.focus();
}

/** Tenants named in the recent history, for the tenant fields' suggestions. */
async function learnTenants(): Promise<void> {
  const { questions } = await api<{ questions: QuestionView[] }>('/admin/questions?limit=1000');
  for (const question of questions) knownTenants.add(question.tenant_id);
}

function start(): void {
  nav.replaceChildren(
    h('ul', {}, ...pages.map((page) => h('li', {}, h('a', { href: `#/${page.route}` }, page.title)))),
  );
  nav.hidden = false;
  signOut.hidden = false;
  void learnTenants().catch(() => {});
  void show(pageOf(location.hash), false);
}

whenUnauthorized(() => {
  token.clear();
  showSignIn('The server no longer accepts that token: enter it again.');
});
signOut.addEventListener('click', () => {
  token.clear();
  showSignIn();
  announce('Signed out.');
});
window.addEventListener('hashchange', () => {
  // The skip link's #main is not a page.
  if (token.get() && location.hash.startsWith('#/')) void show(pageOf(location.hash), true);
});
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

if (token.get()) start();
else showSignIn();
