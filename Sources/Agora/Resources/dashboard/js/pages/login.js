// Login: a token (an Agora API key or a Keystone token) checked with GET /v1/whoami and kept in
// sessionStorage for this tab.

import { request } from '../api.js';
import { h, messageRegion, showMessage } from '../dom.js';
import { go } from '../router.js';
import { clearSession, setIdentity, setToken } from '../session.js';

/** Fetches /v1/whoami with the stored token and keeps the identity it returns. */
export async function loadIdentity() {
    setIdentity(await request('/v1/whoami'));
}

function safeNext(query) {
    const next = query.get('next') ?? '';
    return /^\/[A-Za-z0-9/_.%-]*$/.test(next) ? `#${next}` : '#/incidents';
}

export function renderLogin(view, _params, query) {
    const message = messageRegion('alert');
    const input = h('input', {
        id: 'login-token', name: 'token', type: 'password', autocomplete: 'off', required: true,
        spellcheck: 'false', 'aria-describedby': 'login-hint',
    });
    const submit = h('button', { type: 'submit', id: 'login-submit', text: 'Sign in' });

    const form = h('form', { class: 'panel', id: 'login-form', novalidate: true },
        h('label', { for: 'login-token', text: 'Token' }),
        input,
        h('p', { class: 'hint', id: 'login-hint' },
            'An Agora API key (agora_…) or a Keystone token. It stays in this tab only.'),
        h('div', { class: 'button-row' }, submit),
        message);

    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const value = input.value.trim();
        if (value === '') {
            input.setAttribute('aria-invalid', 'true');
            showMessage(message, 'error', 'Enter a token.');
            input.focus();
            return;
        }

        submit.disabled = true;
        setToken(value);
        try {
            await loadIdentity();
            go(safeNext(query));
        } catch (error) {
            clearSession();
            input.setAttribute('aria-invalid', 'true');
            showMessage(message, 'error', `Sign-in failed: ${error.message}`);
            input.focus();
        } finally {
            submit.disabled = false;
        }
    });

    view.append(h('section', { class: 'login' }, h('h1', { text: 'Sign in to Agora' }), form));
    if (query.get('expired')) showMessage(message, 'warning', 'The service rejected the token. Sign in again.');
    input.focus();
}
