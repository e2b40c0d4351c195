import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { h, table } from './dom.js';

// Only the parts these charts use, so the bundle stays small.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
);
Chart.register(Legend, Tooltip);

/** Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito). */
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00'];

export interface Series {
  label: string;
  values: (number | null)[];
}

export interface ChartSpec {
  title: string;
  kind: 'bar' | 'line';
  days: string[];
  series: Series[];
  /** How a value is written in the table and tooltips. */
  format: (value: number) => string;
  /** Whole numbers only: no 0.5 of a question on the axis. */
  counts?: boolean;
}

/**
 * A chart with a title, and the same figures as a table for whoever cannot see the canvas: the
 * canvas is labelled as an image, the table is one click (or keypress) away. `draw` makes the
 * chart once the panel is in the page, so it measures its real size.
 */
export function chartPanel(spec: ChartSpec): { panel: HTMLElement; draw: () => Chart } {
  const canvas = h('canvas', {
    role: 'img',
    'aria-label': `${spec.title}: chart; the table below has the figures`,
  });
  const datasets: ChartDataset<'bar' | 'line', (number | null)[]>[] = spec.series.map((series, i) => ({
    label: series.label,
    data: series.values,
    backgroundColor: COLOURS[i % COLOURS.length],
    borderColor: COLOURS[i % COLOURS.length],
    spanGaps: true,
  }));
  const draw = () =>
    new Chart(canvas, {
      type: spec.kind,
      data: { labels: spec.days, datasets },
      options: {
        // Drawn at once: nothing moves for people who prefer less motion, and screenshots are complete.
        animation: false,
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            ticks: {
              precision: spec.counts ? 0 : undefined,
              callback: (value) => spec.format(Number(value)),
            },
          },
        },
        plugins: {
          tooltip: {
            callbacks: { label: (item) => `${item.dataset.label}: ${spec.format(Number(item.raw))}` },
          },
        },
      },
    });
  const rows = spec.days.map((day, i) => [
    day,
    ...spec.series.map((series) => {
      const value = series.values[i];
      return value === null || value === undefined ? '–' : spec.format(value);
    }),
  ]);
  const panel = h(
    'section',
    { class: 'chart-panel', 'aria-label': spec.title },
    h('h2', {}, spec.title),
    h('div', { class: 'chart' }, canvas),
    h(
      'details',
      {},
      h('summary', {}, 'Show as a table'),
      table(spec.title, ['Day', ...spec.series.map((s) => s.label)], rows),
    ),
  );
  return { panel, draw };
}
