// The signed-in session: the token lives in sessionStorage (gone when the tab closes), the
// identity comes from GET /v1/whoami.

const TOKEN_KEY = 'agora.token';
let identity = null;

export function token() {
    return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
    sessionStorage.setItem(TOKEN_KEY, value);
}

export function clearSession() {
    sessionStorage.removeItem(TOKEN_KEY);
    identity = null;
}

/** Returns the GET /v1/whoami response {user, project_id, roles, projects}, or null before sign-in. */
export function whoami() {
    return identity;
}

export function setIdentity(value) {
    identity = {
        user: String(value?.user ?? ''),
        project_id: value?.project_id ?? null,
        roles: Array.isArray(value?.roles) ? value.roles.map(String) : [],
        projects: Array.isArray(value?.projects) ? value.projects.map(String) : [],
    };
}

export function isAdmin() {
    return identity?.roles.includes('admin') ?? false;
}

/**
 * True when the role may change incidents and policies (admin or operator). The page hides
 * controls for other roles; the service checks every request itself.
 */
export function canChange() {
    return isAdmin() || (identity?.roles.includes('operator') ?? false);
}
