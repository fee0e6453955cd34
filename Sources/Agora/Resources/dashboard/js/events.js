// The live event stream, GET /v1/events, read with EventSource. EventSource cannot send headers,
// so the token travels as the ?token= query parameter on this one URL. The browser reconnects by
// itself and sends Last-Event-ID, so the service resends what was missed.

import { token } from './session.js';

export const EVENT_KINDS = [
    'incident.opened', 'incident.updated', 'incident.noted', 'incident.contained', 'incident.released',
    'incident.resolved', 'action.requested', 'action.held', 'action.approved', 'action.executed',
    'action.failed', 'action.verified', 'action.released', 'action.escalated', 'datasource.status',
];

/** Delay before opening a new stream after the browser gave up on the old one (HTTP error). */
const REOPEN_DELAY_MS = 5000;

/**
 * Opens the stream. onEvent(kind, event) receives each event's parsed JSON ({id, kind, at,
 * project_id, payload}); onStatus(state) receives 'live', 'reconnecting' or 'reopened' (a new
 * stream after a failure, so events may have been missed and the caller should reload).
 * Returns a function that closes the stream.
 */
export function subscribe({ onEvent, onStatus = () => {} }) {
    let source = null;
    let reopenTimer = null;
    let closed = false;
    let failedBefore = false;

    const handle = (message) => {
        let event;
        try {
            event = JSON.parse(message.data);
        } catch {
            return;
        }
        onEvent(message.type === 'message' ? String(event?.kind ?? 'message') : message.type, event);
    };

    const open = () => {
        const url = new URL('/v1/events', location.origin);
        url.searchParams.set('token', token() ?? '');
        source = new EventSource(url);
        source.addEventListener('open', () => {
            onStatus(failedBefore ? 'reopened' : 'live');
            if (failedBefore) onStatus('live');
        });
        source.addEventListener('error', () => {
            if (closed) return;
            if (source.readyState === EventSource.CLOSED) {
                failedBefore = true;
                onStatus('reconnecting');
                reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
            } else {
                onStatus('reconnecting');
            }
        });
        source.addEventListener('message', handle);
        for (const kind of EVENT_KINDS) source.addEventListener(kind, handle);
    };

    open();
    return () => {
        closed = true;
        clearTimeout(reopenTimer);
        source?.close();
    };
}

/** Returns the incident id an event concerns, from an incident payload or an action payload. */
export function incidentIdOf(event) {
    const payload = event?.payload ?? event;
    if (String(event?.kind ?? '').startsWith('incident.')) return payload?.id ?? payload?.incident_id ?? null;
    return payload?.incident_id ?? null;
}
