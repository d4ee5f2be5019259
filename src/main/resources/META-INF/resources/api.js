// Calls the service's public read functions (GET with query parameters) on the same origin.

/** A refusal from the service, with the fields of its error envelope. */
export class ApiError extends Error {
    constructor(status, code, message, details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details || {};
    }
}

/** GETs a read function; answers the parsed JSON or throws an ApiError. */
export async function read(fn, params = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== '') {
            query.set(key, String(value));
        }
    }
    const url = fn + (query.toString() ? '?' + query : '');
    let response;
    try {
        response = await fetch(url, { headers: { Accept: 'application/json' } });
    } catch (e) {
        throw new ApiError(0, 'UNREACHABLE', 'The service did not answer. Is it running?');
    }
    let body = null;
    try {
        body = await response.json();
    } catch (e) {
        // Not JSON: only a broken proxy or server answers like that.
    }
    if (!response.ok) {
        if (body && body.error) {
            throw new ApiError(response.status, body.error, body.message || body.error, body.details);
        }
        throw new ApiError(response.status, 'HTTP_' + response.status, 'The service answered ' + response.status + '.');
    }
    return body;
}

export const cluster = (id) => read('cluster', { id });
export const contract = (id) => read('contract', { id });
export const clusters = (filter) => read('clusters', filter);

/** Every contract of a cluster (the first 2000) with its deployer and code, page by page. */
export async function contractsOf(clusterView) {
    const items = [];
    let cursor;
    do {
        const page = await read('contracts', { cluster: clusterView.id, limit: 500, cursor });
        items.push(...page.items);
        cursor = page.next;
    } while (cursor && items.length < 2000);
    return items;
}
