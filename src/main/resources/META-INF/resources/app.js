// The dashboard's entry: routes the URL's hash to a page, so every page has a link of its own:
//   #/clusters?owner=&status=&publicGood=&limit=&cursor=   the clusters list
//   #/cluster/0x…                                          one cluster
//   #/contract/0x…                                         one contract
//   #/id/0x…                                               whichever of the two has that id

import { clusterPage, clustersPage, contractPage, errorView, notFoundPage, openId } from './views.js';

const ID = /^0x[0-9a-fA-F]{64}$/;
const main = document.getElementById('main');
let rendering = 0;

/** A path segment decoded; a malformed escape ("%zz") is kept as typed rather than breaking the page. */
function decode(segment) {
    try {
        return decodeURIComponent(segment);
    } catch (e) {
        return segment;
    }
}

function parse(hash) {
    const raw = hash.replace(/^#/, '') || '/clusters';
    const [path, query = ''] = raw.split('?');
    const params = Object.fromEntries(new URLSearchParams(query));
    const parts = path.split('/').filter(Boolean).map(decode);
    return { raw, path, parts, params };
}

async function pageFor(route) {
    const [kind, id] = route.parts;
    if (route.parts.length === 0 || (kind === 'clusters' && route.parts.length === 1)) {
        return clustersPage(route.params);
    }
    if (route.parts.length === 2 && (kind === 'cluster' || kind === 'contract' || kind === 'id')) {
        const normal = id.toLowerCase();
        if (kind === 'cluster') {
            return clusterPage(normal);
        }
        if (kind === 'contract') {
            return contractPage(normal);
        }
        return ID.test(normal) ? openId(normal)
            : { title: 'Not found', nodes: [errorView(new Error(`“${id}” is not an id: ids are 0x and 64 hex digits.`))] };
    }
    return notFoundPage(route.path);
}

async function render() {
    const ticket = ++rendering;
    const route = parse(location.hash);
    document.querySelectorAll('[data-nav]').forEach((a) =>
        a.toggleAttribute('aria-current', route.parts[0] === a.dataset.nav || route.parts.length === 0));
    main.setAttribute('aria-busy', 'true');
    let page;
    try {
        page = await pageFor(route);
    } catch (error) {
        page = { title: 'Error', nodes: [errorView(error)] };
    }
    if (ticket !== rendering) {
        return; // the user moved on while this page loaded
    }
    if (page.redirect) {
        location.replace(page.redirect);
        return;
    }
    document.title = page.title + ' · clusterfn';
    main.replaceChildren(...page.nodes.filter(Boolean));
    main.setAttribute('aria-busy', 'false');
    // What is on screen, so a reader (or a test) can tell a finished page from one still loading.
    main.dataset.page = route.raw;
}

document.getElementById('open-id').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('open-id-input');
    const id = input.value.trim();
    if (id) {
        location.hash = '#/id/' + encodeURIComponent(id);
        input.value = '';
    }
});

window.addEventListener('hashchange', () => {
    render().then(() => window.scrollTo(0, 0));
});
render();
