// Incidents: the list from GET /v1/incidents a page at a time, kept current from the event stream
// without polling, with filters by state and project and a badge for actions that wait for approval.

import { request } from '../api.js';
import { h, messageRegion, showMessage, clearMessage } from '../dom.js';
import { incidentIdOf, subscribe } from '../events.js';
import { isWaiting, stateBadge, timeElement } from '../format.js';
import { isCurrent } from '../router.js';
import { whoami } from '../session.js';

const STATES = ['open', 'contained', 'released', 'resolved'];
/** Incidents named by action events, and the approval badge, are fetched this often at most. */
const REFRESH_DELAY_MS = 300;
/** Incidents per page; "Show more" reads the next page after the last row shown. */
const PAGE_SIZE = 100;

/** The service's order: latest last_seen first, then the greater id. Negative when a comes first. */
function newestFirst(a, b) {
    const bySeen = String(b.last_seen ?? '').localeCompare(String(a.last_seen ?? ''));
    return bySeen !== 0 ? bySeen : String(b.id ?? '').localeCompare(String(a.id ?? ''));
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
    const pendingUpdates = new Map();
    const pendingFetches = new Set();
    let frame = 0;
    let fetchTimer = 0;
    let badgeTimer = 0;
    /** The id after which the next page starts, or null when every matching incident is loaded. */
    let nextMarker = null;

    const badge = h('span', { id: 'approval-badge', class: 'badge badge-waiting', role: 'status', hidden: true });
    const live = h('span', { class: 'live-status', 'data-state': 'connecting', text: 'Connecting…' });
    const message = messageRegion('alert');
    const tbody = h('tbody', { id: 'incident-rows' });
    const empty = h('p', { class: 'muted', id: 'incidents-empty', hidden: true, text: 'No incidents match.' });
    const more = h('button', { type: 'button', id: 'incidents-more', class: 'button-quiet', hidden: true,
        text: `Show ${PAGE_SIZE} more` });
    const table = h('table', { class: 'cards', id: 'incident-table' },
        h('caption', { class: 'visually-hidden', text: 'Incidents, latest activity first' }),
        h('thead', {}, h('tr', {}, ['State', 'VM', 'Project', 'Source IP', 'External IPs', 'First seen', 'Last seen',
            'Evidence', 'Actions'].map((name) => h('th', { scope: 'col', text: name })))),
        tbody);

    const matches = (incident) => (!filters.state || incident.state === filters.state)
        && (!filters.project || incident.project_id === filters.project);

    const updateControls = () => {
        empty.hidden = rows.size > 0;
        more.hidden = nextMarker === null;
    };

    // The badge counts incidents with held actions across the whole store, not only the loaded pages.
    const refreshBadge = async () => {
        badgeTimer = 0;
        try {
            const answer = await request('/v1/actions', { query: { state: 'held' } });
            if (!isCurrent(generation)) return;
            const waiting = new Set((answer?.results ?? []).map((action) => action.incident_id ?? `vm ${action.target?.vm_id}`));
            badge.hidden = waiting.size === 0;
            badge.textContent = waiting.size === 1
                ? '1 incident waits for approval' : `${waiting.size} incidents wait for approval`;
        } catch (error) {
            if (error.status !== 403) showMessage(message, 'error', `Loading the approval count failed: ${error.message}`);
        }
    };
    const scheduleBadge = () => {
        if (!badgeTimer) badgeTimer = setTimeout(refreshBadge, REFRESH_DELAY_MS);
    };

    /** Inserts row so that rows stay in the service's order; rows are scanned from the top. */
    const place = (row, incident) => {
        for (const other of tbody.children) {
            if (newestFirst(incident, incidents.get(other.dataset.incidentId) ?? {}) < 0) {
                other.before(row);
                return;
            }
        }
        tbody.append(row);
    };

    /** The last row shown, when more pages follow it; incidents that sort after it belong to a later page. */
    const beyondLoadedPages = (incident) => {
        if (nextMarker === null) return false;
        const last = incidents.get(tbody.lastElementChild?.dataset.incidentId);
        return last !== undefined && newestFirst(incident, last) > 0;
    };

    const apply = (update) => {
        const old = rows.get(update.id);
        const known = incidents.get(update.id);
        // Incident events carry the incident without its actions, so the actions already shown stay.
        const incident = update.actions === undefined && known ? { ...update, actions: known.actions } : update;
        old?.remove();
        rows.delete(incident.id);
        incidents.delete(incident.id);
        if (!matches(incident) || (!old && beyondLoadedPages(incident))) return;
        incidents.set(incident.id, incident);
        const row = incidentRow(incident);
        rows.set(incident.id, row);
        place(row, incident);
    };

    const flush = () => {
        frame = 0;
        for (const incident of pendingUpdates.values()) apply(incident);
        pendingUpdates.clear();
        updateControls();
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

    const fetchPage = (marker) => request('/v1/incidents', {
        query: { state: filters.state, project_id: filters.project, limit: PAGE_SIZE, marker },
    });

    let loadNumber = 0;
    const load = async () => {
        loadNumber += 1;
        const myLoad = loadNumber;
        const answer = await fetchPage(null);
        // A filter change while this request ran started a newer load, so this response is dropped.
        if (!isCurrent(generation) || myLoad !== loadNumber) return;
        tbody.replaceChildren();
        incidents.clear();
        rows.clear();
        const fragment = document.createDocumentFragment();
        for (const incident of answer?.results ?? []) {
            const row = incidentRow(incident);
            incidents.set(incident.id, incident);
            rows.set(incident.id, row);
            fragment.append(row);
        }
        tbody.append(fragment);
        nextMarker = answer?.next_marker ?? null;
        updateControls();
    };

    const loadMore = async () => {
        if (nextMarker === null) return;
        const myLoad = loadNumber;
        more.disabled = true;
        try {
            const answer = await fetchPage(nextMarker);
            if (!isCurrent(generation) || myLoad !== loadNumber) return;
            nextMarker = answer?.next_marker ?? null;
            for (const incident of answer?.results ?? []) apply(incident);
            updateControls();
        } catch (error) {
            showMessage(message, 'error', `Loading more incidents failed: ${error.message}`);
        } finally {
            more.disabled = false;
        }
    };
    more.addEventListener('click', loadMore);

    const reload = async () => {
        try {
            await load();
            clearMessage(message);
        } catch (error) {
            showMessage(message, 'error', `Loading incidents failed: ${error.message}`);
        }
        scheduleBadge();
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
        controls, message, h('div', { class: 'table-wrap' }, table), empty, more);

    await reload();

    const close = subscribe({
        onStatus: (state) => {
            live.dataset.state = state;
            live.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
            if (state === 'reopened') reload();
        },
        onEvent: (kind, event) => {
            const payload = event?.payload ?? event;
            if (kind.startsWith('action.')) scheduleBadge();
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
        clearTimeout(badgeTimer);
        if (frame) cancelAnimationFrame(frame);
    };
}
