// A bar chart of records per second, drawn as SVG from GET /v1/data-sources/{ds}/rates
// ({"interval_seconds", "points": [{"at", "records"}]}).

import { h, svg } from './dom.js';
import { formatNumber, formatTime } from './format.js';

const WIDTH = 600;
const HEIGHT = 160;
const LEFT = 44;
const BOTTOM = 22;
const TOP = 8;

/** Returns a <figure> with the chart and a caption, or a note when there are no points. */
export function rateChart(rates, title) {
    const interval = Number(rates?.interval_seconds) > 0 ? Number(rates.interval_seconds) : 60;
    const points = (Array.isArray(rates?.points) ? rates.points : [])
        .map((point) => ({ at: point?.at, perSecond: Math.max(0, Number(point?.records) || 0) / interval }));
    if (points.length === 0) {
        return h('p', { class: 'muted', text: 'No records in the last hour.' });
    }

    const maximum = Math.max(...points.map((point) => point.perSecond));
    const scale = maximum > 0 ? (HEIGHT - TOP - BOTTOM) / maximum : 0;
    const slot = (WIDTH - LEFT) / points.length;
    const latest = points[points.length - 1];
    const summary = `${title}: maximum ${formatNumber(maximum, 1)} records per second, `
        + `latest ${formatNumber(latest.perSecond, 1)} per second, ${points.length} intervals of ${interval} s.`;

    const bars = points.map((point, index) => {
        const barHeight = point.perSecond * scale;
        return svg('rect', {
            class: 'bar',
            x: (LEFT + index * slot + slot * 0.1).toFixed(1),
            y: (HEIGHT - BOTTOM - barHeight).toFixed(1),
            width: (slot * 0.8).toFixed(1),
            height: barHeight.toFixed(1),
        }, svg('title', { text: `${formatTime(point.at)}: ${formatNumber(point.perSecond, 2)} records/s` }));
    });

    const chart = svg('svg', {
        class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': summary,
        preserveAspectRatio: 'xMidYMid meet',
    },
    svg('line', { class: 'axis', x1: LEFT, y1: HEIGHT - BOTTOM, x2: WIDTH, y2: HEIGHT - BOTTOM }),
    svg('line', { class: 'axis', x1: LEFT, y1: TOP, x2: LEFT, y2: HEIGHT - BOTTOM }),
    svg('text', { x: LEFT - 4, y: TOP + 10, 'text-anchor': 'end', text: formatNumber(maximum, 1) }),
    svg('text', { x: LEFT - 4, y: HEIGHT - BOTTOM, 'text-anchor': 'end', text: '0' }),
    svg('text', { x: LEFT, y: HEIGHT - 6, text: formatTime(points[0].at).slice(11, 16) }),
    svg('text', { x: WIDTH, y: HEIGHT - 6, 'text-anchor': 'end', text: formatTime(latest.at).slice(11, 16) }),
    bars);

    return h('figure', { class: 'rate-chart' }, chart,
        h('figcaption', { class: 'muted', text: `Records per second over the last hour (${interval}-second bars).` }));
}
