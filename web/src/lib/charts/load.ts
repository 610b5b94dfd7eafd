import type { Chart as ChartClass } from 'chart.js'

let loading: Promise<typeof ChartClass> | null = null

/** Resolves once the browser has painted the current state of the page (a frame, then a task). */
export function afterPaint(): Promise<void> {
  return new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))
}

/**
 * chart.js, fetched the first time a page draws a chart (its own chunk, never in the app shell),
 * with only the parts our charts use registered. It is asked for after the page has painted, so
 * parsing its 180 kB never holds back the numbers the charts sit beside.
 */
export function loadChart(): Promise<typeof ChartClass> {
  loading ??= afterPaint()
    .then(() => import('chart.js'))
    .then((charts) => {
      const {
        Chart,
        LineController,
        LineElement,
        PointElement,
        CategoryScale,
        LinearScale,
        Filler,
        Tooltip,
        Legend,
      } = charts
      Chart.register(
        LineController,
        LineElement,
        PointElement,
        CategoryScale,
        LinearScale,
        Filler,
        Tooltip,
        Legend,
      )
      return Chart
    })
  return loading
}

/** The palette of the charts: control in slate, treatment in the accent, the difference in teal. */
export const CHART_COLORS = {
  control: '#6e7785',
  controlBand: 'rgba(110, 119, 133, 0.16)',
  treatment: '#4f46e5',
  treatmentBand: 'rgba(79, 70, 229, 0.16)',
  difference: '#0f766e',
  differenceBand: 'rgba(15, 118, 110, 0.16)',
  zero: '#a3abb8',
  grid: '#eef0f3',
} as const
