// Draws one chart figure from the numbers in its own table; loaded on demand by Chart.astro.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale } from 'chart.js';
import { formatCompactVnd, formatCount } from '../i18n/format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

export function drawChart(figure: HTMLElement): Chart {
  const table = figure.querySelector('table')!;
  const heads = [...table.querySelectorAll<HTMLElement>('thead th[data-color]')];
  const rows = [...table.querySelectorAll('tbody tr')];
  const labels = rows.map((row) => row.querySelector('th')!.textContent ?? '');
  const datasets = heads.map((head, column) => ({
    label: head.textContent ?? '',
    backgroundColor: head.dataset.color,
    data: rows.map((row) => Number(row.querySelectorAll<HTMLElement>('td')[column]!.dataset.v)),
  }));
  const stacked = figure.dataset.stacked === 'true';
  const lang = figure.dataset.lang === 'en' ? 'en' : 'vi';
  // Axis ticks in the page's words: "14 tỷ ₫" / "14 bn ₫"; counts with the page's separators.
  const tick = figure.dataset.unit === 'vnd' ? (v: number) => formatCompactVnd(v, lang) : (v: number) => formatCount(v, lang);
  return new Chart(figure.querySelector('canvas')!, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: datasets.length > 1 } },
      scales: {
        x: { stacked },
        y: { stacked, beginAtZero: true, ticks: { callback: (value) => tick(Number(value)) } },
      },
    },
  });
}
