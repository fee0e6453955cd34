// Starts the dashboard: restores the session, registers the pages and follows the hash.

import { UNAUTHORIZED_EVENT } from './api.js';
import { clearSession, token, whoami } from './session.js';
import { go, renderCurrent, route } from './router.js';
import { loadIdentity, renderLogin } from './pages/login.js';
import { renderIncidents } from './pages/incidents.js';
import { renderIncident } from './pages/incident.js';
import { renderPolicies } from './pages/policies.js';
import { renderPolicy } from './pages/policy.js';
import { renderDataSources } from './pages/data-sources.js';
import { renderDataSource } from './pages/data-source.js';

route('/login', 'login', renderLogin);
route('/', 'incidents', renderIncidents);
route('/incidents', 'incidents', renderIncidents);
route('/incidents/:id', 'incidents', renderIncident);
route('/policies', 'policies', renderPolicies);
route('/policies/:policy', 'policies', renderPolicy);
route('/data-sources', 'data-sources', renderDataSources);
route('/data-sources/:id', 'data-sources', renderDataSource);

/** Sends everyone without a session to the login page, keeping where they wanted to go. */
function requireSession(path) {
    if (path === '/login' || whoami()) return null;
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path)}`;
    return `#/login${next}`;
}

function showSession() {
    const identity = whoami();
    document.getElementById('site-nav').hidden = !identity;
    document.getElementById('session-info').hidden = !identity;
    document.getElementById('session-user').textContent = identity
        ? `${identity.user} · ${identity.roles.join(', ') || 'no role'} · ${identity.project_id ?? 'all projects'}`
        : '';
}

async function render() {
    showSession();
    await renderCurrent(document.getElementById('main'), requireSession);
    showSession();
}

async function start() {
    document.getElementById('sign-out').addEventListener('click', () => {
        clearSession();
        go('#/login');
    });
    window.addEventListener(UNAUTHORIZED_EVENT, () => {
        if (!whoami()) return;
        clearSession();
        go('#/login?expired=1');
    });
    window.addEventListener('hashchange', async () => {
        await render();
        document.getElementById('main').focus({ preventScroll: true });
    });

    // Without a token, a server that runs without authentication (the demo) still answers
    // whoami, and the page goes straight in; any other server answers 401 and shows the login.
    try {
        await loadIdentity();
    } catch {
        clearSession();
    }
    await render();
}

start();
