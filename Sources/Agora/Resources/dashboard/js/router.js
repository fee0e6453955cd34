// Hash routing: '#/incidents/inc-1' runs the page registered for '/incidents/:id'. A page's render
// function may return a cleanup function, which runs before the next page renders.

import { h } from './dom.js';

const routes = [];
let cleanup = null;
let generation = 0;

/** Registers a page for a pattern such as '/policies/:policy'. */
export function route(pattern, section, render) {
    const names = [];
    const source = pattern.replace(/:([a-z]+)/g, (_, name) => {
        names.push(name);
        return '([^/]+)';
    });
    routes.push({ regex: new RegExp(`^${source}$`), names, section, render });
}

/** Parses location.hash into a path and its query parameters. */
export function currentLocation() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, queryText = ''] = raw.split('?');
    return { path, query: new URLSearchParams(queryText) };
}

export function go(hash) {
    if (location.hash === hash) {
        renderCurrent();
    } else {
        location.hash = hash;
    }
}

/** True while the render that received this generation number is still the current one. */
export function isCurrent(renderGeneration) {
    return renderGeneration === generation;
}

/**
 * Renders the page for the current hash into main. guard(path) may return another hash to go to
 * instead (the login page when no one is signed in).
 */
export async function renderCurrent(main = document.getElementById('main'), guard = null) {
    const { path, query } = currentLocation();
    const redirect = guard ? guard(path) : null;
    if (redirect) {
        go(redirect);
        return;
    }

    if (cleanup) {
        cleanup();
        cleanup = null;
    }
    generation += 1;
    const myGeneration = generation;

    let match = null;
    let matchedRoute = null;
    for (const candidate of routes) {
        match = candidate.regex.exec(path);
        if (match) {
            matchedRoute = candidate;
            break;
        }
    }

    main.removeAttribute('data-ready');
    for (const link of document.querySelectorAll('#site-nav a')) {
        link.toggleAttribute('aria-current', false);
        if (matchedRoute && link.dataset.section === matchedRoute.section) link.setAttribute('aria-current', 'page');
    }

    const view = h('div', { class: 'view' });
    main.replaceChildren(view);
    if (!matchedRoute) {
        view.append(h('h1', { text: 'Page not found' }), h('p', {}, 'Nothing lives at ', h('code', { text: path }), '.'));
        main.dataset.ready = 'not-found';
        return;
    }

    const params = {};
    matchedRoute.names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1]);
    });
    const result = await matchedRoute.render(view, params, query, myGeneration);
    if (!isCurrent(myGeneration)) {
        if (typeof result === 'function') result();
        return;
    }
    cleanup = typeof result === 'function' ? result : null;
    main.dataset.ready = matchedRoute.section;
    // Time from navigation start to a rendered page, read by the browser tests' performance check.
    performance.mark(`agora:ready:${matchedRoute.section}`);
}
