// Incidents: the list from GET /v1/incidents, kept current from the event stream without
// polling, with filters by state and project and a badge for actions that wait for approval.

import { request } from '../api.js';
import { h, messageRegion, showMessage, clearMessage } from '../dom.js';
import { incidentIdOf, subscribe } from '../events.js';
import { isWaiting, stateBadge, timeElement } from '../format.js';
import { isCurrent } from '../router.js';
import { whoami } from '../session.js';

const STATES = ['open', 'contained', 'released', 'resolved'];
/** Incidents named by action events are fetched in batches this often, at most. */
const REFRESH_DELAY_MS = 300;

function newestFirst(a, b) {
    return String(b.first_seen ?? '').localeCompare(String(a.first_seen ?? ''));
}

function actionChips(actions) {
    if (!Array.isArray(actions) || actions.length === 0) return h('span', { class: 'muted', text: 'none' });
    return h('ul', { class: 'chips' }, actions.map((action) =>
        h('li', {}, h('span', { class: 'muted', text: `${action.response ?? 'action'}: ` }), stateBadge(action.state))));
}

function cell(label, ...content) {
    return h('td', { 'data-label': label }, ...content);
}

function incidentRow(incident) {
    const waiting = (incident.actions ?? []).filter(isWaiting).length;
    const vmName = incident.vm_name || incident.vm_id || '(unnamed VM)';
    return h('tr', { 'data-incident-id': incident.id, 'data-state': incident.state },
        cell('State', stateBadge(incident.state), waiting > 0
            ? [' ', h('span', { class: 'badge badge-waiting', 'data-waiting': waiting, text: `${waiting} waiting` })]
            : null),
        cell('VM',
            h('a', { class: 'vm-link', href: `#/incidents/${encodeURIComponent(incident.id)}`, text: vmName }),
            h('div', { class: 'muted', text: incident.vm_id ?? '' })),
        cell('Project', incident.project_id ?? ''),
        cell('Source IP', h('code', { text: incident.source_ip ?? '' })),
        cell('External IPs', (incident.external_ips ?? []).join(', ')),
        cell('First seen', timeElement(incident.first_seen)),
        cell('Last seen', timeElement(incident.last_seen)),
        cell('Evidence', String(incident.evidence_count ?? 0)),
        cell('Actions', actionChips(incident.actions)));
}

function filterControls(filters, projects, onChange) {
    const stateSelect = h('select', { id: 'filter-state', name: 'state' },
        h('option', { value: '', text: 'All states' }),
        STATES.map((state) => h('option', { value: state, text: state, selected: filters.state === state })));
    const projectSelect = h('select', { id: 'filter-project', name: 'project_id' },
        h('option', { value: '', text: 'All projects' }),
        projects.map((project) => h('option', { value: project, text: project, selected: filters.project === project })));
    const changed = () => onChange({ state: stateSelect.value, project: projectSelect.value });
    stateSelect.addEventListener('change', changed);
    projectSelect.addEventListener('change', changed);
    return h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter incidents', onsubmit: (e) => e.preventDefault() },
        h('div', {}, h('label', { for: 'filter-state', text: 'State' }), stateSelect),
        h('div', {}, h('label', { for: 'filter-project', text: 'Project' }), projectSelect));
}

export async function renderIncidents(view, _params, query, generation) {
    const filters = { state: query.get('state') ?? '', project: query.get('project_id') ?? '' };
    const incidents = new Map();
    const rows = new Map();
    const waitingIncidents = new Set();
    const pendingUpdates = new Map();
    const pendingFetches = new Set();
    let frame = 0;
    let fetchTimer = 0;

    const badge = h('span', { id: 'approval-badge', class: 'badge badge-waiting', role: 'status', hidden: true });
    const live = h('span', { class: 'live-status', 'data-state': 'connecting', text: 'Connecting…' });
    const message = messageRegion('alert');
    const tbody = h('tbody', { id: 'incident-rows' });
    const empty = h('p', { class: 'muted', id: 'incidents-empty', hidden: true, text: 'No incidents match.' });
    const table = h('table', { class: 'cards', id: 'incident-table' },
        h('caption', { class: 'visually-hidden', text: 'Incidents, newest first' }),
        h('thead', {}, h('tr', {}, ['State', 'VM', 'Project', 'Source IP', 'External IPs', 'First seen', 'Last seen',
            'Evidence', 'Actions'].map((name) => h('th', { scope: 'col', text: name })))),
        tbody);

    const matches = (incident) => (!filters.state || incident.state === filters.state)
        && (!filters.project || incident.project_id === filters.project);

    const updateBadge = () => {
        const count = waitingIncidents.size;
        badge.hidden = count === 0;
        badge.textContent = count === 1 ? '1 incident waits for approval' : `${count} incidents wait for approval`;
        empty.hidden = rows.size > 0;
    };

    const place = (row, incident) => {
        const first = tbody.firstElementChild;
        if (!first || newestFirst(incident, incidents.get(first.dataset.incidentId) ?? {}) <= 0) {
            tbody.prepend(row);
            return;
        }
        for (const other of tbody.children) {
            if (newestFirst(incident, incidents.get(other.dataset.incidentId) ?? {}) < 0) {
                other.before(row);
                return;
            }
        }
        tbody.append(row);
    };

    const apply = (incident) => {
        const old = rows.get(incident.id);
        if (!matches(incident)) {
            old?.remove();
            rows.delete(incident.id);
            incidents.delete(incident.id);
            waitingIncidents.delete(incident.id);
            return;
        }
        incidents.set(incident.id, incident);
        const row = incidentRow(incident);
        rows.set(incident.id, row);
        if (old) {
            old.replaceWith(row);
        } else {
            place(row, incident);
        }
        if ((incident.actions ?? []).some(isWaiting)) {
            waitingIncidents.add(incident.id);
        } else {
            waitingIncidents.delete(incident.id);
        }
    };

    const flush = () => {
        frame = 0;
        for (const incident of pendingUpdates.values()) apply(incident);
        pendingUpdates.clear();
        updateBadge();
    };

    const queue = (incident) => {
        if (!incident?.id) return;
        pendingUpdates.set(incident.id, incident);
        if (!frame) frame = requestAnimationFrame(flush);
    };

    const fetchPending = async () => {
        fetchTimer = 0;
        const ids = [...pendingFetches];
        pendingFetches.clear();
        for (const id of ids) {
            try {
                queue(await request(`/v1/incidents/${encodeURIComponent(id)}`));
            } catch (error) {
                if (error.status !== 404 && error.status !== 403) showMessage(message, 'error', error.message);
            }
        }
    };

    let loadNumber = 0;
    const load = async () => {
        loadNumber += 1;
        const myLoad = loadNumber;
        const answer = await request('/v1/incidents', { query: { state: filters.state, project_id: filters.project } });
        // A filter change while this request ran started a newer load, so this response is dropped.
        if (!isCurrent(generation) || myLoad !== loadNumber) return;
        tbody.replaceChildren();
        incidents.clear();
        rows.clear();
        waitingIncidents.clear();
        const list = [...(answer?.results ?? [])].sort(newestFirst);
        const fragment = document.createDocumentFragment();
        for (const incident of list) {
            const row = incidentRow(incident);
            incidents.set(incident.id, incident);
            rows.set(incident.id, row);
            if ((incident.actions ?? []).some(isWaiting)) waitingIncidents.add(incident.id);
            fragment.append(row);
        }
        tbody.append(fragment);
        updateBadge();
    };

    const reload = async () => {
        try {
            await load();
            clearMessage(message);
        } catch (error) {
            showMessage(message, 'error', `Loading incidents failed: ${error.message}`);
        }
    };

    const projects = [...new Set([...(whoami()?.projects ?? []), filters.project].filter(Boolean))].sort();
    const controls = filterControls(filters, projects, (next) => {
        filters.state = next.state;
        filters.project = next.project;
        const search = new URLSearchParams();
        if (filters.state) search.set('state', filters.state);
        if (filters.project) search.set('project_id', filters.project);
        const text = search.toString();
        history.replaceState(null, '', `#/incidents${text ? `?${text}` : ''}`);
        reload();
    });

    view.append(
        h('div', { class: 'page-head' }, h('h1', { text: 'Incidents' }), badge, live),
        controls, message, h('div', { class: 'table-wrap' }, table), empty);

    await reload();

    const close = subscribe({
        onStatus: (state) => {
            live.dataset.state = state;
            live.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
            if (state === 'reopened') reload();
        },
        onEvent: (kind, event) => {
            const payload = event?.payload ?? event;
            if (kind.startsWith('incident.') && payload?.vm_id !== undefined && payload?.state !== undefined) {
                queue(payload);
                return;
            }
            const id = incidentIdOf(event);
            if (!id) return;
            pendingFetches.add(id);
            if (!fetchTimer) fetchTimer = setTimeout(fetchPending, REFRESH_DELAY_MS);
        },
    });

    return () => {
        close();
        clearTimeout(fetchTimer);
        if (frame) cancelAnimationFrame(frame);
    };
}
