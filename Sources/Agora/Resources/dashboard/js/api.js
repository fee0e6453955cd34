// The API client: same origin, JSON in and out, the session's token in X-Auth-Token, and the
// service's error body ({"error": {"message", "error_code", "error_data"}}) turned into ApiError.

import { token } from './session.js';

export class ApiError extends Error {
    constructor(status, message, code = null, data = null) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.data = data;
    }
}

/** Fired on window when the service rejects the token (HTTP 401). */
export const UNAUTHORIZED_EVENT = 'agora:unauthorized';

/**
 * Sends one request to path (under /v1) and returns the parsed JSON body, or null for an empty one.
 * Throws ApiError with the service's message, or with status 0 when the service cannot be reached.
 */
export async function request(path, { method = 'GET', body, query } = {}) {
    const url = new URL(path, location.origin);
    for (const [name, value] of Object.entries(query ?? {})) {
        if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
    }

    const headers = { Accept: 'application/json' };
    const sessionToken = token();
    if (sessionToken) headers['X-Auth-Token'] = sessionToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response;
    try {
        response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
        throw new ApiError(0, `The service at ${location.origin} could not be reached (${error.message}).`);
    }

    const text = await response.text();
    let parsed = null;
    if (text.trim() !== '') {
        try {
            parsed = JSON.parse(text);
        } catch {
            parsed = null;
        }
    }

    if (!response.ok) {
        const error = parsed?.error;
        const message = typeof error?.message === 'string' && error.message !== ''
            ? error.message
            : `${method} ${url.pathname} failed with HTTP ${response.status} ${response.statusText}.`;
        if (response.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: message }));
        throw new ApiError(response.status, message, error?.error_code ?? null, error?.error_data ?? null);
    }
    return parsed;
}

/** Encodes one path segment (policy names, ids). */
export function segment(value) {
    return encodeURIComponent(String(value));
}
