import type { Chart } from 'chart.js';
import { api, query } from '../api.js';
import { chartPanel } from '../charts.js';
import { announce, formatPercent, formatUsd, h } from '../dom.js';
import { filterForm, filters, isoDay } from '../filters.js';
import type { Page } from '../main.js';
import type { DayFigures, Stats } from '../types.js';

const DAY_MS = 86_400_000;
let liveCharts: Chart[] = [];

/** Every day from `from` to `to`, with the history's figures where it has any. */
function everyDay(rows: DayFigures[], from: string, to: string) {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const first = Date.parse(from || rows[0]?.day || to);
  const last = Date.parse(to || rows.at(-1)?.day || from);
  const days: { day: string; row: DayFigures | undefined }[] = [];
  // Bounded: a mistyped year must not make a million empty days.
  for (let ms = first; ms <= last && days.length < 400; ms += DAY_MS)
    days.push({ day: isoDay(ms), row: byDay.get(isoDay(ms)) });
  return days;
}

const rate = (part: number | undefined, whole: number | undefined) => (whole ? (part ?? 0) / whole : null);

function summary(stats: Stats): HTMLElement {
  const figure = (label: string, value: string) =>
    h('div', { class: 'figure' }, h('dt', {}, label), h('dd', {}, value));
  const { up, down } = stats.feedback;
  return h(
    'dl',
    { class: 'figures', 'aria-label': 'Totals for the chosen days' },
    figure('Questions', String(stats.questions)),
    figure('Cache hit rate', formatPercent(stats.cache_hit_rate)),
    figure('Escalation rate', formatPercent(stats.escalation_rate)),
    figure('Unanswered', formatPercent(stats.unanswered_rate)),
    figure('Cost', formatUsd(stats.per_day.reduce((sum, day) => sum + day.cost_usd, 0))),
    figure('Votes', `${up} up · ${down} down`),
  );
}

async function render(main: HTMLElement): Promise<void> {
  const content = h('div', { class: 'page-content', 'aria-busy': 'true' });
  main.append(
    filterForm(['tenant', 'from', 'to'], () => void load(), { allowAll: true }),
    content,
  );

  async function load() {
    content.setAttribute('aria-busy', 'true');
    for (const chart of liveCharts) chart.destroy();
    liveCharts = [];
    const stats = await api<Stats>(
      `/admin/stats${query({ tenant: filters.tenant, from: filters.from, to: filters.to })}`,
    );
    const span = everyDay(stats.per_day, filters.from, filters.to);
    const days = span.map((d) => d.day);
    const rows = span.map((d) => d.row);
    const specs = [
      {
        title: 'Questions per day',
        kind: 'bar' as const,
        series: [
          { label: 'Questions', values: rows.map((r) => r?.questions ?? 0) },
          { label: 'Unanswered', values: rows.map((r) => r?.unanswered ?? 0) },
        ],
        format: String,
        counts: true,
      },
      {
        title: 'Cache hits and escalations',
        kind: 'line' as const,
        series: [
          { label: 'Cache hit rate', values: rows.map((r) => rate(r?.cached, r?.questions)) },
          { label: 'Escalation rate', values: rows.map((r) => rate(r?.escalated, r?.questions)) },
        ],
        format: formatPercent,
      },
      {
        title: 'Cost per day',
        kind: 'bar' as const,
        series: [{ label: 'Cost (USD)', values: rows.map((r) => r?.cost_usd ?? 0) }],
        format: formatUsd,
      },
      {
        title: 'Answer latency',
        kind: 'line' as const,
        series: [
          { label: 'p50', values: rows.map((r) => r?.p50_latency_ms ?? null) },
          { label: 'p95', values: rows.map((r) => r?.p95_latency_ms ?? null) },
        ],
        format: (v: number) => `${Math.round(v)} ms`,
      },
    ];
    const grid = h('div', { class: 'chart-grid' });
    content.replaceChildren(summary(stats), grid);
    for (const spec of specs) {
      const { panel, draw } = chartPanel({ ...spec, days });
      grid.append(panel);
      liveCharts.push(draw());
    }
    content.setAttribute('aria-busy', 'false');
    announce(
      `Overview: ${stats.questions} questions from ${filters.from || 'the start'} to ${filters.to || 'today'}.`,
    );
  }
  await load();
}

export const overviewPage: Page = { route: 'overview', title: 'Overview', render };
