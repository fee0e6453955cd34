// One data source: its status, rows per table and a chart of records per second over the last hour.

import { request, segment } from '../api.js';
import { rateChart } from '../chart.js';
import { formatNumber, timeElement } from '../format.js';
import { h, messageRegion, showMessage } from '../dom.js';
import { isCurrent } from '../router.js';
import { present } from './data-sources.js';

/** Tables counted by fetching their rows when the status carries no counts; more are listed uncounted. */
const MAX_COUNTED_TABLES = 20;

/**
 * Returns [[table, rows]] from the status's `tables` ({name: count} or [{table|id, rows|count}]),
 * or, when it has none, by listing the tables and counting the rows of each.
 * NOTE: docs/api.md does not name a rows-per-table field in the status; `tables` is assumed here.
 */
async function tableCounts(path, status) {
    const tables = status?.tables;
    if (tables && typeof tables === 'object' && !Array.isArray(tables)) {
        return Object.entries(tables).map(([name, count]) => [name, Number(count)]);
    }
    if (Array.isArray(tables)) {
        return tables.map((entry) => [String(entry?.table ?? entry?.id ?? '?'), Number(entry?.rows ?? entry?.count)]);
    }

    const listed = (await request(`${path}/tables`))?.results ?? [];
    return Promise.all(listed.map(async (table, index) => {
        const name = String(table?.id ?? '?');
        if (index >= MAX_COUNTED_TABLES) return [name, NaN];
        try {
            const rows = await request(`${path}/tables/${segment(name)}/rows`);
            return [name, (rows?.results ?? []).length];
        } catch {
            return [name, NaN];
        }
    }));
}

export async function renderDataSource(view, { id }, _query, generation) {
    const message = messageRegion('alert');
    const path = `/v1/data-sources/${segment(id)}`;
    view.append(h('p', {}, h('a', { href: '#/data-sources', text: '← All data sources' })),
        h('h1', { text: `Data source ${id}` }), message);

    let source;
    let status;
    try {
        [source, status] = await Promise.all([request(path), request(`${path}/status`)]);
    } catch (error) {
        showMessage(message, 'error', `Loading data source ${id} failed: ${error.message}`);
        return;
    }
    const [counts, rates] = await Promise.allSettled([tableCounts(path, status), request(`${path}/rates`)]);
    if (!isCurrent(generation)) return;

    const name = source?.name ?? id;
    view.querySelector('h1').textContent = `Data source ${name}`;
    if (present(status?.last_error)) {
        view.append(h('p', { class: 'message message-error', id: 'last-error', text: `Last error: ${status.last_error}` }));
    }

    const facts = [
        ['Driver', source?.driver ?? ''],
        ['Description', source?.description ?? ''],
        ['Enabled', source?.enabled === false ? 'no' : 'yes'],
        ['Initialized', String(status?.initialized ?? '')],
        ['Last update', present(status?.last_updated) ? timeElement(status.last_updated) : '—'],
        ['Updates', present(status?.number_of_updates) ? formatNumber(status.number_of_updates) : '—'],
        ['Records read', present(status?.records_read) ? formatNumber(status.records_read) : '—'],
        ['Rejected lines', present(status?.records_rejected) ? formatNumber(status.records_rejected) : '—'],
        ['Records per second', present(status?.rate_per_second) ? formatNumber(status.rate_per_second, 1) : '—'],
    ];

    const tableSection = counts.status === 'rejected'
        ? h('p', { class: 'message message-error', text: `Listing tables failed: ${counts.reason.message}` })
        : counts.value.length === 0
            ? h('p', { class: 'muted', text: 'No tables.' })
            : h('table', { class: 'cards', id: 'table-counts' },
                h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Table' }), h('th', { scope: 'col', text: 'Rows' }))),
                h('tbody', {}, counts.value.map(([table, rows]) => h('tr', {},
                    h('td', { 'data-label': 'Table' }, h('code', { text: table })),
                    h('td', { 'data-label': 'Rows', text: Number.isFinite(rows) ? formatNumber(rows) : 'not counted' })))));

    view.append(
        h('div', { class: 'grid-2' },
            h('section', { class: 'panel', 'aria-labelledby': 'status-title' },
                h('h2', { id: 'status-title', text: 'Status' }),
                h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]))),
            h('section', { class: 'panel', 'aria-labelledby': 'tables-title' },
                h('h2', { id: 'tables-title', text: 'Rows per table' }), tableSection)),
        h('section', { class: 'panel', 'aria-labelledby': 'rate-title' },
            h('h2', { id: 'rate-title', text: 'Records per second, last hour' }),
            rates.status === 'fulfilled'
                ? rateChart(rates.value, name)
                : h('p', { class: 'message message-error', text: `Loading rates failed: ${rates.reason.message}` })));
}
