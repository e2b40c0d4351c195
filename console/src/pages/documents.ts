import { api, describe, query } from '../api.js';
import { announce, field, formatBytes, formatTime, h, table } from '../dom.js';
import { filterForm, oneTenant } from '../filters.js';
import type { Page } from '../main.js';
import type { DocumentView } from '../types.js';

interface IngestResult {
  source: string;
  title?: string;
  status: string;
  passages?: number;
  error?: { message: string };
}

/** What an upload or a fetch did, one line per document. */
function describeResults(results: IngestResult[]): string {
  return results
    .map((r) =>
      r.status === 'failed'
        ? `${r.source}: failed, ${r.error?.message ?? 'no reason given'}`
        : `${r.title ?? r.source}: ${r.status}, ${r.passages ?? 0} passages`,
    )
    .join('; ');
}

async function ingest(path: string, init: { form?: FormData; json?: unknown }, reload: () => Promise<void>) {
  try {
    const { results } = await api<{ results: IngestResult[] }>(path, { method: 'POST', ...init });
    announce(describeResults(results));
  } catch (error) {
    announce(`Not added: ${describe(error)}`, 'error');
  }
  await reload();
}

/** A document read from a URL can be read again from there; an upload or a shared file cannot. */
const fromUrl = (doc: DocumentView) => /^https?:\/\//.test(doc.added_in);

function documentActions(doc: DocumentView, reload: () => Promise<void>): HTMLElement {
  const remove = h(
    'button',
    { type: 'button', class: 'danger', 'aria-label': `Remove ${doc.title}` },
    'Remove',
  );
  remove.addEventListener('click', async () => {
    if (!window.confirm(`Remove “${doc.title}” and its ${doc.passages} passages?`)) return;
    try {
      await api(`/admin/documents/${encodeURIComponent(doc.doc_id)}${query({ tenant: oneTenant() })}`, {
        method: 'DELETE',
      });
      announce(`Removed ${doc.title}.`);
    } catch (error) {
      announce(`Not removed: ${describe(error)}`, 'error');
    }
    await reload();
  });
  const refetch = h('button', { type: 'button', 'aria-label': `Fetch ${doc.title} again` }, 'Fetch again');
  refetch.addEventListener('click', () =>
    ingest(
      `/admin/documents${query({ tenant: oneTenant(), scope: doc.scope })}`,
      { json: { url: doc.added_in } },
      reload,
    ),
  );
  return h('div', { class: 'actions' }, fromUrl(doc) ? refetch : null, remove);
}

function addForms(reload: () => Promise<void>): HTMLElement {
  const files = h('input', { type: 'file', name: 'file', multiple: true, required: true });
  const scope = h('input', { name: 'scope', value: 'tenant', required: true });
  const upload = h(
    'form',
    { class: 'inline-form' },
    field('Files', files),
    field('Scope', scope),
    h('button', { type: 'submit' }, 'Upload'),
  );
  upload.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData();
    for (const file of files.files ?? []) form.append('file', file, file.name);
    void ingest(
      `/admin/documents${query({ tenant: oneTenant(), scope: scope.value })}`,
      { form },
      reload,
    ).then(() => upload.reset());
  });
  const url = h('input', { type: 'url', name: 'url', required: true, placeholder: 'https://…' });
  const byUrl = h(
    'form',
    { class: 'inline-form' },
    field('Page or file URL', url),
    h('button', { type: 'submit' }, 'Fetch'),
  );
  byUrl.addEventListener('submit', (event) => {
    event.preventDefault();
    void ingest(
      `/admin/documents${query({ tenant: oneTenant(), scope: scope.value })}`,
      { json: { url: url.value } },
      reload,
    );
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'add-docs' },
    h('h2', { id: 'add-docs' }, 'Add documents'),
    upload,
    byUrl,
  );
}

async function render(main: HTMLElement): Promise<void> {
  const list = h('div', { class: 'page-content' });
  main.append(
    filterForm(['tenant'], () => void load()),
    addForms(load),
    list,
  );

  async function load(): Promise<void> {
    const tenant = oneTenant();
    const { documents } = await api<{ documents: DocumentView[] }>(`/admin/documents${query({ tenant })}`);
    const rows = documents.map((doc) => [
      doc.title,
      doc.source,
      doc.scope,
      `${doc.added_by} (${doc.platform})`,
      doc.added_in,
      doc.passages,
      formatBytes(doc.bytes),
      formatTime(doc.updated_at),
      documentActions(doc, load),
    ]);
    list.replaceChildren(
      documents.length === 0
        ? h('p', {}, `No documents in ${tenant}.`)
        : table(
            `Documents of ${tenant}`,
            ['Title', 'Source', 'Scope', 'Added by', 'Added in', 'Passages', 'Size', 'Updated', 'Actions'],
            rows,
          ),
    );
  }
  await load();
}

export const documentsPage: Page = { route: 'documents', title: 'Documents', render };
