import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { microsToUnits } from './money.ts';
import { adsStrings as t } from './strings.ts';

export interface Day {
  date: string;
  impressions: number;
  clicks: number;
  spend_micros: string;
}

/**
 * Spend (right axis, in the campaign's currency), impressions and clicks (left axes) per day,
 * drawn by uPlot. The chart is an image to assistive technology; the data table toggle beside
 * it holds the same numbers.
 */
export function MetricsChart({ days, name, currency }: { days: Day[]; name: string; currency: string | null }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [
      days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000),
      days.map((d) => microsToUnits(d.spend_micros)),
      days.map((d) => d.impressions),
      days.map((d) => d.clicks),
    ];
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth || 800),
        height: 320,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, money: { auto: true }, count: { auto: true }, clicks: { auto: true } },
        series: [
          {},
          {
            label: `${t.series.spend}${currency ? ` (${currency})` : ''}`,
            scale: 'money',
            stroke: '#b45309',
            width: 2,
          },
          { label: t.series.impressions, scale: 'count', stroke: '#1d4ed8', width: 2 },
          { label: t.series.clicks, scale: 'clicks', stroke: '#047857', width: 2, dash: [6, 4] },
        ],
        // Each measure on its own axis, labelled and in its series' colour: clicks are a fraction of impressions and would sit flat on theirs.
        axes: [
          {},
          { scale: 'count', label: t.series.impressions, stroke: '#1d4ed8' },
          { scale: 'clicks', label: t.series.clicks, stroke: '#047857', grid: { show: false } },
          { scale: 'money', label: t.series.spend, stroke: '#b45309', side: 1, grid: { show: false } },
        ],
      },
      data,
      el,
    );
    return () => plot.destroy();
  }, [days, currency]);
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={t.chartLabel(name)} />
      <figcaption>{t.chartTitle}</figcaption>
    </figure>
  );
}
