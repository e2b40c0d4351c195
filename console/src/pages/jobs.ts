import { api, describe, query } from '../api.js';
import { announce, formatTime, h, table } from '../dom.js';
import { filterForm, filters } from '../filters.js';
import type { Page } from '../main.js';
import type { FailedJobView } from '../types.js';

interface RetryOutcome {
  outcome: { name: string; status: string; passages?: number; reason?: string };
}

function retryButton(job: FailedJobView): HTMLButtonElement {
  const button = h('button', { type: 'button', 'aria-label': `Retry ${job.file}` }, 'Retry');
  button.addEventListener('click', async () => {
    button.disabled = true;
    announce(`Retrying ${job.file}…`);
    try {
      const { outcome } = await api<RetryOutcome>(`/admin/jobs/failed/${encodeURIComponent(job.id)}/retry`, {
        method: 'POST',
      });
      announce(
        outcome.status === 'failed'
          ? `${outcome.name} failed again: ${outcome.reason ?? 'no reason given'}`
          : `${outcome.name}: ${outcome.status}, ${outcome.passages ?? 0} passages.`,
        outcome.status === 'failed' ? 'error' : 'info',
      );
    } catch (error) {
      announce(`Not retried: ${describe(error)}`, 'error');
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

async function render(main: HTMLElement): Promise<void> {
  const list = h('div', { class: 'page-content' });
  main.append(
    h(
      'p',
      {},
      'Shared files whose ingestion failed for good, the newest first. A retry runs the job again and says how it went.',
    ),
    filterForm(['tenant'], () => void load(), { allowAll: true }),
    list,
  );

  async function load(): Promise<void> {
    const { jobs } = await api<{ jobs: FailedJobView[] }>(
      `/admin/jobs/failed${query({ tenant: filters.tenant })}`,
    );
    list.replaceChildren(
      jobs.length === 0
        ? h('p', {}, 'No failed ingestion jobs.')
        : table(
            'Failed ingestion jobs',
            ['File', 'Tenant', 'Scope', 'Platform', 'Reason', 'Failed', 'Action'],
            jobs.map((job) => [
              job.file,
              job.tenant,
              job.scope,
              job.platform,
              job.reason,
              formatTime(job.failed_at),
              retryButton(job),
            ]),
          ),
    );
  }
  await load();
}

export const jobsPage: Page = { route: 'jobs', title: 'Ingestion jobs', render };
