// Policies: the list from GET /v1/policies with each policy's kind and mode.

import { request } from '../api.js';
import { h, messageRegion, showMessage } from '../dom.js';
import { isCurrent } from '../router.js';

export async function renderPolicies(view, _params, _query, generation) {
    const message = messageRegion('alert');
    view.append(h('h1', { text: 'Policies' }), message);

    let policies;
    try {
        policies = (await request('/v1/policies'))?.results ?? [];
    } catch (error) {
        showMessage(message, 'error', `Loading policies failed: ${error.message}`);
        return;
    }
    if (!isCurrent(generation)) return;

    view.append(h('div', { class: 'table-wrap' }, h('table', { class: 'cards', id: 'policy-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Mode', 'Description'].map((name) => h('th', { scope: 'col', text: name })))),
        h('tbody', {}, policies.map((policy) => h('tr', { 'data-policy': policy.name ?? '' },
            h('td', { 'data-label': 'Name' },
                h('a', { href: `#/policies/${encodeURIComponent(policy.name ?? policy.id)}`, text: policy.name ?? policy.id })),
            h('td', { 'data-label': 'Kind', text: policy.kind ?? '' }),
            h('td', { 'data-label': 'Mode' }, policy.mode ? h('span', { class: 'badge', text: policy.mode }) : ''),
            h('td', { 'data-label': 'Description', text: policy.description ?? '' })))))));
    if (policies.length === 0) view.append(h('p', { class: 'muted', text: 'No policies yet.' }));
}
