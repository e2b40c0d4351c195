import { api, describe } from './api.js';
import { announce, field, h } from './dom.js';
import { oneTenant } from './filters.js';
import type { SourceView } from './types.js';

/** The kinds the service reads, with what their target looks like (docs/sources.md). */
const KINDS: { kind: string; label: string; target: string }[] = [
  { kind: 'web', label: 'Web site', target: 'A sitemap URL (…/sitemap.xml) or a start page.' },
  {
    kind: 'github',
    label: 'GitHub repository',
    target: 'owner/repo, optionally a folder and a branch: owner/repo/docs@main.',
  },
  { kind: 'notion', label: 'Notion', target: 'workspace, or a page’s or a database’s link or id.' },
  {
    kind: 'confluence',
    label: 'Confluence space',
    target: 'The space’s address: https://site.atlassian.net/wiki/spaces/KEY.',
  },
  { kind: 'gdrive', label: 'Google Drive folder', target: 'The folder’s address or its id.' },
];

/** Where the secret is read at each sync, as the API names it; the value itself never passes here. */
const SECRET_PLACES = [
  { field: '', label: 'No secret' },
  { field: 'token_env', label: 'Environment variable' },
  { field: 'token_file', label: 'File (its first line)' },
  { field: 'key_file', label: 'JSON key file (read whole)' },
];

/** A field with a sentence under it that screen readers read with the control. */
function hinted(label: string, control: HTMLInputElement | HTMLSelectElement, hint: HTMLElement) {
  hint.id = `${control.name}-hint`;
  hint.className = 'hint muted';
  control.setAttribute('aria-describedby', hint.id);
  const wrapper = field(label, control);
  wrapper.append(hint);
  return wrapper;
}

const options = (items: { value: string; label: string }[]) =>
  items.map(({ value, label }) => h('option', { value }, label));

/**
 * The form that adds a source (POST /admin/sources). The secret is named, as an environment
 * variable or a file on the server, never typed: the console never holds a source's token.
 */
export function sourceForm(onAdded: (source: SourceView) => void): HTMLFormElement {
  const kind = h(
    'select',
    { name: 'kind' },
    ...options(KINDS.map((k) => ({ value: k.kind, label: k.label }))),
  );
  const target = h('input', { name: 'target', required: true, maxlength: 2048, autocomplete: 'off' });
  const targetHint = h('p', {});
  const tenant = h('input', { name: 'source-tenant', value: oneTenant(), list: 'tenants', required: true });
  tenant.pattern = '[\\w.\\-]{1,128}';
  const scope = h('input', {
    name: 'scope',
    value: 'tenant',
    required: true,
    pattern: 'tenant|channel:[\\w.\\-]+',
  });
  const every = h('input', { name: 'every', placeholder: '6h', maxlength: 16, pattern: '\\d+\\s*[smhd]' });
  const secretPlace = h(
    'select',
    { name: 'secret-place' },
    ...options(SECRET_PLACES.map((p) => ({ value: p.field, label: p.label }))),
  );
  const secretName = h('input', {
    name: 'secret-name',
    maxlength: 1024,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const email = h('input', { name: 'email', type: 'email', maxlength: 320 });
  const maxPages = h('input', { name: 'max_pages', type: 'number', min: 1, max: 100_000 });
  const emailField = field('Account email (Confluence)', email);

  const showKind = () => {
    targetHint.textContent = KINDS.find((k) => k.kind === kind.value)?.target ?? '';
    emailField.hidden = kind.value !== 'confluence';
    // A Drive folder is read as a service account, whose credential is a JSON key file.
    if (kind.value === 'gdrive') secretPlace.value = 'key_file';
  };
  const showSecret = () => {
    secretName.disabled = secretPlace.value === '';
    secretName.required = secretPlace.value !== '';
  };
  kind.addEventListener('change', showKind);
  secretPlace.addEventListener('change', showSecret);
  showKind();
  showSecret();

  const form = h(
    'form',
    { class: 'source-form', 'aria-labelledby': 'add-source' },
    h('h2', { id: 'add-source' }, 'Add a source'),
    h('div', { class: 'row' }, field('Kind', kind), hinted('Target', target, targetHint)),
    h(
      'div',
      { class: 'row' },
      field('Tenant', tenant),
      hinted('Scope', scope, h('p', {}, 'tenant, or channel:<id> for one channel’s members.')),
      hinted('Sync every', every, h('p', {}, '30m, 6h (the default), 1d.')),
    ),
    h(
      'div',
      { class: 'row' },
      field('Secret read from', secretPlace),
      hinted(
        'Variable or file name',
        secretName,
        h(
          'p',
          {},
          'A variable named DOCENT_SOURCE_…, or a file in SOURCE_SECRETS_DIR on the server; never the token itself.',
        ),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      emailField,
      hinted('Page limit', maxPages, h('p', {}, 'Empty for SOURCE_MAX_PAGES.')),
    ),
    h('button', { type: 'submit' }, 'Add the source'),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body: Record<string, string | number> = {
      kind: kind.value,
      target: target.value.trim(),
      tenant: tenant.value.trim(),
      scope: scope.value.trim(),
    };
    if (every.value.trim()) body.every = every.value.trim();
    if (secretPlace.value && secretName.value.trim()) body[secretPlace.value] = secretName.value.trim();
    if (kind.value === 'confluence' && email.value.trim()) body.email = email.value.trim();
    if (maxPages.value) body.max_pages = Number(maxPages.value);
    try {
      const { source } = await api<{ source: SourceView }>('/admin/sources', { method: 'POST', json: body });
      announce(
        `Added ${source.target} (${source.id}) to ${source.tenant}: it syncs at the next look, or now.`,
      );
      form.reset();
      tenant.value = source.tenant;
      showKind();
      showSecret();
      onAdded(source);
    } catch (error) {
      announce(`The source was not added: ${describe(error)}`, 'error');
    }
  });
  return form;
}
