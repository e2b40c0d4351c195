import { field, h } from './dom.js';

/** The tenant and span of days the pages show, kept for the browser session. */
export interface Filters {
  tenant: string;
  from: string;
  to: string;
}

const FILTERS_KEY = 'docent-admin-filters';
const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function defaults(): Filters {
  return { tenant: '', from: isoDay(Date.now() - 29 * DAY_MS), to: isoDay(Date.now()) };
}

export const filters: Filters = { ...defaults(), ...JSON.parse(sessionStorage.getItem(FILTERS_KEY) ?? '{}') };

/** Tenants seen in the history, offered as suggestions wherever a tenant is typed. */
export const knownTenants = new Set<string>(['default']);

/** The tenant for calls that need one: the chosen tenant, or `default` when "all" is chosen. */
export const oneTenant = () => filters.tenant || 'default';

export function tenantSuggestions(): HTMLDataListElement {
  const list = document.getElementById('tenants') as HTMLDataListElement | null;
  const datalist = list ?? h('datalist', { id: 'tenants' });
  datalist.replaceChildren(...[...knownTenants].sort().map((tenant) => h('option', { value: tenant })));
  if (!list) document.body.append(datalist);
  return datalist;
}

type FilterName = keyof Filters;

/**
 * The filter bar of a page: the fields it uses, applied on submit. `allowAll` lets the tenant be
 * left empty for every tenant's figures.
 */
export function filterForm(
  names: FilterName[],
  onApply: () => void,
  options: { allowAll?: boolean /** Fields of the page's own, put first. */; extra?: HTMLElement[] } = {},
): HTMLFormElement {
  tenantSuggestions();
  const inputs: Partial<Record<FilterName, HTMLInputElement>> = {};
  const labels: Record<FilterName, string> = {
    tenant: options.allowAll ? 'Tenant (empty for all)' : 'Tenant',
    from: 'From',
    to: 'To',
  };
  for (const name of names) {
    const value = name === 'tenant' && !options.allowAll ? oneTenant() : filters[name];
    inputs[name] =
      name === 'tenant'
        ? h('input', { name, value, list: 'tenants', autocomplete: 'off', pattern: '[\\w.\\-]{1,128}' })
        : h('input', { name, value, type: 'date' });
  }
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    ...(options.extra ?? []),
    ...names.map((name) => field(labels[name], inputs[name] as HTMLInputElement)),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const name of names) filters[name] = inputs[name]?.value.trim() ?? '';
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
    onApply();
  });
  return form;
}
