// Incident detail: facts, evidence, the proof tree of the error row, the actions with their
// timelines, notes, and the approve / release / resolve / note controls for operators and admins.

import { request, segment } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { append, h, messageRegion, replaceChildren, showMessage } from '../dom.js';
import { incidentIdOf, subscribe } from '../events.js';
import { isWaiting, stateBadge, timeElement } from '../format.js';
import { proofTree } from '../proof-tree.js';
import { isCurrent } from '../router.js';
import { canChange } from '../session.js';

/** Events about this incident reload it after this delay, so a burst reloads once. */
const RELOAD_DELAY_MS = 250;

function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs.filter(([, value]) => value !== null && value !== undefined)
        .map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]));
}

function evidenceSection(incident) {
    const evidence = Array.isArray(incident.evidence) ? incident.evidence : [];
    if (evidence.length === 0) return h('p', { class: 'muted', text: 'No evidence is kept for this incident.' });
    return h('table', { class: 'cards', id: 'evidence-table' },
        h('thead', {}, h('tr', {}, ['Seen', 'Table', 'Record'].map((name) => h('th', { scope: 'col', text: name })))),
        h('tbody', {}, evidence.map((item) => {
            const table = String(item?.table ?? '');
            const kind = table.startsWith('blocklist:') ? 'Matched blocklist entry' : table;
            return h('tr', { 'data-table': table },
                h('td', { 'data-label': 'Seen' }, timeElement(item?.at)),
                h('td', { 'data-label': 'Table' }, h('code', { text: table }),
                    kind !== table ? h('div', { class: 'muted', text: kind }) : null),
                h('td', { 'data-label': 'Record', class: 'evidence-row', text: String(item?.row ?? '') }));
        })));
}

/** Returns the action's events, or events built from its timestamps when the service sent none. */
function timelineEvents(action) {
    if (Array.isArray(action.events) && action.events.length > 0) return action.events;
    const steps = [
        ['requested', action.requested_at, 'policy'],
        [action.state === 'refused' ? 'refused' : 'decided', action.decided_at, action.decided_by],
        ['executed', action.executed_at, null],
        ['verified', action.verified_at, null],
        ['released', action.released_at, action.released_by],
    ];
    return steps.filter(([, at]) => at).map(([kind, at, actor]) => ({ at, kind, actor, detail: null }));
}

function actionCard(action) {
    const target = action.target ?? {};
    const changes = Array.isArray(action.changes) ? action.changes : [];
    return h('article', { class: 'action-card', 'data-action-id': action.id ?? '' },
        h('h3', {}, h('span', { text: `${action.response ?? 'action'} → ${target.vm_id ?? ''} ${target.address ?? ''}` }),
            ' ', stateBadge(action.state)),
        action.reason ? h('p', { class: 'muted', text: `${action.reason_code ?? 'reason'}: ${action.reason}` }) : null,
        action.result ? h('p', { text: `Result: ${action.result}` }) : null,
        changes.length > 0
            ? h('ul', { class: 'changes' }, changes.map((change) => h('li', {},
                h('code', { text: `${change?.kind ?? ''} ${change?.resource ?? ''}` }),
                `: ${change?.before ?? ''} → ${change?.after ?? ''}`,
                change?.method ? h('span', { class: 'muted', text: ` (${change.method})` }) : null)))
            : null,
        h('ol', { class: 'timeline', 'aria-label': `Timeline of ${action.response ?? 'action'}` },
            timelineEvents(action).map((event) => h('li', { 'data-kind': event?.kind ?? '' },
                timeElement(event?.at),
                h('strong', { text: String(event?.kind ?? '') }),
                event?.actor ? h('span', { class: 'muted', text: ` by ${event.actor}` }) : null,
                event?.detail ? h('div', { class: 'evidence-row', text: String(event.detail) }) : null))));
}

/** Fills in each action's events from GET /v1/actions when the incident's copy lacks them. */
async function withEvents(incident) {
    const actions = Array.isArray(incident.actions) ? incident.actions : [];
    if (actions.every((action) => Array.isArray(action.events))) return actions;
    try {
        const answer = await request('/v1/actions', { query: { incident_id: incident.id } });
        const byId = new Map((answer?.results ?? []).map((action) => [action.id, action]));
        return actions.map((action) => ({ ...action, events: byId.get(action.id)?.events ?? action.events }));
    } catch {
        return actions;
    }
}

function summarize(verb, actions) {
    if (!Array.isArray(actions) || actions.length === 0) return `${verb} no actions.`;
    const names = actions.map((action) => `${action.response ?? action.id} (${action.state ?? '?'})`);
    return `${verb} ${actions.length} action${actions.length === 1 ? '' : 's'}: ${names.join(', ')}.`;
}

export async function renderIncident(view, { id }, _query, generation) {
    const heading = h('h1', { text: `Incident ${id}` });
    const message = messageRegion('status');
    const content = h('div', { id: 'incident-content' });
    const path = `/v1/incidents/${segment(id)}`;
    let incident = null;

    const buttons = {
        approve: h('button', { type: 'button', 'data-action': 'approve', text: 'Approve waiting actions' }),
        release: h('button', { type: 'button', 'data-action': 'release', class: 'button-danger', text: 'Release' }),
        resolve: h('button', { type: 'button', 'data-action': 'resolve', class: 'button-quiet', text: 'Resolve' }),
        note: h('button', { type: 'button', 'data-action': 'note', class: 'button-quiet', text: 'Add note' }),
    };
    const controls = canChange() ? h('div', { class: 'button-row', id: 'incident-controls' }, Object.values(buttons)) : null;

    const draw = async () => {
        const actions = await withEvents(incident);
        if (!isCurrent(generation)) return;
        const waiting = actions.filter(isWaiting);
        const vm = incident.vm_name || incident.vm_id || '(unnamed VM)';
        heading.replaceChildren(`Incident: ${vm} `, stateBadge(incident.state));
        buttons.approve.disabled = waiting.length === 0;
        buttons.release.disabled = !['contained', 'open'].includes(incident.state)
            || !actions.some((action) => ['executed', 'verified'].includes(action.state));
        buttons.resolve.disabled = incident.state === 'resolved';

        replaceChildren(content,
            incident.attribution_warning
                ? h('p', { class: 'message message-warning', id: 'attribution-warning', text: incident.attribution_warning })
                : null,
            h('div', { class: 'grid-2' },
                h('section', { class: 'panel', 'aria-labelledby': 'facts-title' },
                    h('h2', { id: 'facts-title', text: 'Facts' }),
                    facts([
                        ['Incident', incident.id],
                        ['VM', h('span', {}, h('span', { class: 'vm-name', text: vm }), h('div', { class: 'muted', text: incident.vm_id ?? '' }))],
                        ['Project', incident.project_id],
                        ['Policy', h('a', { href: `#/policies/${encodeURIComponent(incident.policy ?? '')}`, text: incident.policy ?? '' })],
                        ['Source IP', h('code', { text: incident.source_ip ?? '' })],
                        ['External IPs', (incident.external_ips ?? []).join(', ')],
                        ['First seen', timeElement(incident.first_seen)],
                        ['Last seen', timeElement(incident.last_seen)],
                        ['Error rows', String(incident.error_rows ?? 0)],
                        ['Waiting', waiting.length > 0 ? `${waiting.length} action(s) wait for approval` : 'nothing'],
                    ])),
                h('section', { class: 'panel', 'aria-labelledby': 'notes-title' },
                    h('h2', { id: 'notes-title', text: 'Notes' }),
                    (incident.notes ?? []).length === 0
                        ? h('p', { class: 'muted', text: 'No notes yet.' })
                        : h('ol', { class: 'timeline', id: 'notes' }, incident.notes.map((note) => h('li', {},
                            timeElement(note?.at), h('strong', { text: String(note?.author ?? '') }),
                            h('div', { class: 'note-text', text: String(note?.text ?? '') })))))),
            h('section', { class: 'panel', 'aria-labelledby': 'evidence-title' },
                h('h2', { id: 'evidence-title', text: `Evidence (${incident.evidence_count ?? 0})` }),
                evidenceSection(incident)),
            h('section', { class: 'panel', 'aria-labelledby': 'proof-title' },
                h('h2', { id: 'proof-title', text: 'Why the policy flagged it' }),
                proofTree(incident.proof)),
            h('section', { class: 'panel', 'aria-labelledby': 'actions-title', id: 'actions' },
                h('h2', { id: 'actions-title', text: 'Actions' }),
                actions.length === 0 ? h('p', { class: 'muted', text: 'No actions.' }) : actions.map(actionCard)));
    };

    const load = async () => {
        incident = await request(path);
        if (isCurrent(generation)) await draw();
    };

    const run = async (label, send) => {
        try {
            const text = await send();
            if (text === null) return;
            showMessage(message, 'ok', text);
        } catch (error) {
            showMessage(message, 'error', `${label} failed: ${error.message}`);
        }
        try {
            await load();
        } catch (error) {
            showMessage(message, 'error', `Reloading the incident failed: ${error.message}`);
        }
    };

    buttons.approve.addEventListener('click', () => run('Approve', async () => {
        const waiting = (incident.actions ?? []).filter(isWaiting);
        const answer = await confirmDialog({
            title: 'Approve waiting actions',
            message: `Approve ${waiting.map((action) => action.response).join(', ') || 'the waiting actions'} for `
                + `${incident.vm_name || incident.vm_id}? They run against the cloud at once.`,
            confirmLabel: 'Approve',
        });
        if (!answer) return null;
        const result = await request(path, { method: 'POST', query: { action: 'approve' }, body: {} });
        return summarize('Approved', result?.results);
    }));
    buttons.release.addEventListener('click', () => run('Release', async () => {
        const answer = await confirmDialog({
            title: 'Release the responses',
            message: `Undo every response taken against ${incident.vm_name || incident.vm_id} and read the resources back?`,
            confirmLabel: 'Release',
            danger: true,
        });
        if (!answer) return null;
        const result = await request(path, { method: 'POST', query: { action: 'release' }, body: {} });
        return summarize('Released', result?.results);
    }));
    buttons.resolve.addEventListener('click', () => run('Resolve', async () => {
        const answer = await confirmDialog({
            title: 'Resolve the incident',
            message: 'Close this incident. Responses stay as they are unless you release them first.',
            confirmLabel: 'Resolve',
            fields: [{ name: 'note', label: 'Closing note (optional)', multiline: true }],
        });
        if (!answer) return null;
        const body = answer.note.trim() ? { note: answer.note.trim() } : {};
        await request(path, { method: 'POST', query: { action: 'resolve' }, body });
        return 'The incident is resolved.';
    }));
    buttons.note.addEventListener('click', () => run('Adding the note', async () => {
        const answer = await confirmDialog({
            title: 'Add a note',
            confirmLabel: 'Add note',
            fields: [{ name: 'text', label: 'Note', multiline: true, required: true }],
        });
        if (!answer) return null;
        await request(`${path}/notes`, { method: 'POST', body: { text: answer.text } });
        return 'Note added.';
    }));

    append(view, h('p', {}, h('a', { href: '#/incidents', text: '← All incidents' })), heading, controls, message, content);

    try {
        await load();
    } catch (error) {
        showMessage(message, 'error', `Loading incident ${id} failed: ${error.message}`);
        if (controls) controls.hidden = true;
        return null;
    }

    let timer = 0;
    const close = subscribe({
        onEvent: (_kind, event) => {
            if (incidentIdOf(event) !== incident.id) return;
            clearTimeout(timer);
            timer = setTimeout(() => load().catch(() => {}), RELOAD_DELAY_MS);
        },
    });
    return () => {
        close();
        clearTimeout(timer);
    };
}
