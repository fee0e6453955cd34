// Formatting of times, states and lists for display. Every function returns plain text or nodes
// built with h(), never markup.

import { h } from './dom.js';

function pad(number) {
    return String(number).padStart(2, '0');
}

/** Formats an ISO 8601 time as local "YYYY-MM-DD HH:MM:SS"; returns the input when it does not parse. */
export function formatTime(value) {
    if (value === null || value === undefined || value === '' || value === 'None') return '';
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} `
        + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Returns a <time> element with the machine-readable value and the local text. */
export function timeElement(value) {
    const text = formatTime(value);
    if (text === '') return h('span', { class: 'muted', text: '—' });
    return h('time', { datetime: String(value), title: String(value), text });
}

/** Returns a badge for an incident or action state. Only states of lowercase letters become a CSS class. */
export function stateBadge(state) {
    const name = String(state ?? 'unknown');
    const safeClass = /^[a-z_-]+$/.test(name) ? `state-${name}` : '';
    return h('span', { class: `badge ${safeClass}`, text: name.replaceAll('_', ' ') });
}

/** True for action states that wait on an operator. */
export function isWaiting(action) {
    return action?.state === 'awaiting_approval' || action?.state === 'held';
}

export function formatNumber(value, digits = 0) {
    const number = Number(value);
    if (!Number.isFinite(number)) return String(value ?? '');
    return number.toLocaleString('en-US', { maximumFractionDigits: digits });
}
