// Data sources: each source from GET /v1/data-sources with its status
// (GET /v1/data-sources/{id}/status): last update, last error, records read and rejected, rate.

import { request, segment } from '../api.js';
import { formatNumber, timeElement } from '../format.js';
import { h, messageRegion, showMessage } from '../dom.js';
import { isCurrent } from '../router.js';

/** Congress writes absent status values as the string "None". */
export function present(value) {
    return value !== null && value !== undefined && value !== '' && value !== 'None';
}

export async function renderDataSources(view, _params, _query, generation) {
    const message = messageRegion('alert');
    view.append(h('h1', { text: 'Data sources' }), message);

    let sources;
    try {
        sources = (await request('/v1/data-sources'))?.results ?? [];
    } catch (error) {
        showMessage(message, 'error', `Loading data sources failed: ${error.message}`);
        return;
    }
    const statuses = await Promise.allSettled(
        sources.map((source) => request(`/v1/data-sources/${segment(source.id ?? source.name)}/status`)));
    if (!isCurrent(generation)) return;

    const rows = sources.map((source, index) => {
        const outcome = statuses[index];
        const status = outcome.status === 'fulfilled' ? outcome.value ?? {} : {};
        const error = outcome.status === 'rejected' ? `status unavailable: ${outcome.reason.message}`
            : present(status.last_error) ? String(status.last_error) : '';
        return h('tr', { 'data-source': source.name ?? source.id },
            h('td', { 'data-label': 'Name' },
                h('a', { href: `#/data-sources/${encodeURIComponent(source.id ?? source.name)}`, text: source.name ?? source.id })),
            h('td', { 'data-label': 'Driver', text: source.driver ?? '' }),
            h('td', { 'data-label': 'Enabled', text: source.enabled === false ? 'no' : 'yes' }),
            h('td', { 'data-label': 'Last update' }, present(status.last_updated) ? timeElement(status.last_updated) : '—'),
            h('td', { 'data-label': 'Last error', class: error ? 'last-error' : 'muted', text: error || 'none' }),
            h('td', { 'data-label': 'Records read', text: present(status.records_read) ? formatNumber(status.records_read) : '—' }),
            h('td', { 'data-label': 'Rejected', text: present(status.records_rejected) ? formatNumber(status.records_rejected) : '—' }),
            h('td', { 'data-label': 'Records/s', text: present(status.rate_per_second) ? formatNumber(status.rate_per_second, 1) : '—' }));
    });

    view.append(h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id: 'data-source-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Driver', 'Enabled', 'Last update', 'Last error', 'Records read', 'Rejected',
            'Records/s'].map((name) => h('th', { scope: 'col', text: name })))),
        h('tbody', {}, rows))));
    if (sources.length === 0) view.append(h('p', { class: 'muted', text: 'No data sources are configured.' }));
}
