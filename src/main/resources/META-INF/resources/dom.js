// A few DOM helpers: build elements from data without ever parsing strings as HTML.

import { pha, unitsText } from './format.js';

/** h('a', {href: '#'}, 'text', child, ...): attributes, then text or nodes (arrays flattened). */
export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (key === 'class') {
            el.className = value;
        } else if (key.startsWith('on') && typeof value === 'function') {
            el.addEventListener(key.slice(2), value);
        } else {
            el.setAttribute(key, value === true ? '' : String(value));
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const child of children) {
        if (child === undefined || child === null || child === false) {
            continue;
        }
        if (Array.isArray(child)) {
            append(el, child);
        } else {
            el.append(child instanceof Node ? child : String(child));
        }
    }
}

/** An amount in PHA with its exact units on hover. `shown` overrides the text (e.g. units). */
export function amount(units, shown) {
    if (units === undefined || units === null) {
        return h('span', { class: 'amount muted' }, '–');
    }
    const text = shown || pha(units);
    const title = text.endsWith(' units') ? pha(units) : unitsText(units);
    return h('span', { class: 'amount', title, 'data-units': units }, text);
}

/** A status badge: ACTIVE, SUSPENDED, AVAILABLE, ASSIGNED, OFFLINE, DEPLOYED, UNDEPLOYED. */
export function badge(status) {
    return h('span', { class: 'badge badge-' + String(status).toLowerCase() }, status);
}

export function clusterHref(id) {
    return '#/cluster/' + id;
}

export function contractHref(id) {
    return '#/contract/' + id;
}

/** The hash link to the clusters list with the given filter (empty values left out). */
export function clustersHref(filter = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
        if (value !== undefined && value !== null && value !== '') {
            query.set(key, String(value));
        }
    }
    const q = query.toString();
    return '#/clusters' + (q ? '?' + q : '');
}
