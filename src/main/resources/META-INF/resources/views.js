// The three pages: the clusters list, one cluster, one contract. Each answers a DOM fragment.

import * as api from './api.js';
import { ApiError } from './api.js';
import {
    PALETTE, OTHERS_COLOUR, RUNWAY_HORIZON, RUNWAY_LOW, RUNWAY_WARN, runwayBar, shareBar, shareRing,
} from './charts.js';
import { amount, badge, clusterHref, clustersHref, contractHref, h } from './dom.js';
import {
    bytes, count, groupDigits, percent, pha, pricingWords, quotaWords, ruleWords, runway, shortId, time,
} from './format.js';

const DEFAULT_LIMIT = 25;
const LIMITS = [10, 25, 50, 100];
const RING_SLICES = PALETTE.length;

/** Where the "Previous page" link of a list page goes, learnt as the user pages forward. */
const previousCursor = new Map();

// --- shared pieces ---------------------------------------------------------------------------------

function idLink(href, id, label) {
    return h('a', { href, class: 'id', title: id }, label || shortId(id));
}

function workersOnline(workers) {
    const list = workers || [];
    return { online: list.filter((w) => w.status !== 'OFFLINE').length, total: list.length };
}

function words(parts) {
    return parts.map((part) => {
        if (part.code !== undefined) {
            return h('code', { class: 'expression' }, part.code);
        }
        if (part.accounts) {
            return part.accounts.map((a, i) => [i ? ', ' : '', h('span', { class: 'account' }, a)]);
        }
        if (part.amount !== undefined) {
            return amount(part.amount, part.shown);
        }
        return part.text;
    });
}

function stat(label, field, value, extra) {
    return h('div', { class: 'stat' },
        h('dt', {}, label),
        h('dd', {}, h('span', { class: 'stat-value', 'data-field': field }, value), extra));
}

function runwayCell(epochs, field) {
    return h('span', { class: 'runway' }, runwayBar(epochs),
        h('span', { class: 'runway-text', 'data-field': field }, runway(epochs)));
}

function runwayLegend() {
    return h('p', { class: 'legend' },
        `Escrow runway: the epochs of rent the escrow still pays at the current rent. Bars are drawn against ${RUNWAY_HORIZON} epochs (a week of one-hour epochs); a longer runway fills the bar.`,
        h('span', { class: 'legend-key' }, h('span', { class: 'legend-swatch runway-ok' }), `${RUNWAY_WARN} epochs or more`),
        h('span', { class: 'legend-key' }, h('span', { class: 'legend-swatch runway-warn' }), `under ${RUNWAY_WARN}`),
        h('span', { class: 'legend-key' }, h('span', { class: 'legend-swatch runway-low' }), `under ${RUNWAY_LOW}`));
}

/** A readable message for a refusal; `subject` names what was asked for, e.g. "cluster 0x…". */
export function errorView(error, context = {}) {
    let title = 'Something went wrong';
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof ApiError) {
        switch (error.code) {
            case 'CLUSTER_NOT_FOUND':
                title = 'Not found';
                message = 'No cluster ' + (context.id || '');
                break;
            case 'CONTRACT_NOT_FOUND':
                title = 'Not found';
                message = 'No contract ' + (context.id || '');
                break;
            case 'INVALID_INPUT':
                title = 'Not a valid request';
                break;
            case 'STORE_UNAVAILABLE':
                title = 'Temporarily unavailable';
                message = 'The service cannot reach its store right now. Try again in a few seconds.';
                break;
            case 'UNREACHABLE':
                title = 'No answer';
                break;
            default:
                title = 'The service refused';
        }
    }
    return h('section', { class: 'error-box', role: 'alert' },
        h('h2', {}, title),
        h('p', { class: 'error-message' }, message),
        error instanceof ApiError && error.code !== 'UNREACHABLE'
            ? h('p', { class: 'error-code muted' }, `${error.status} ${error.code}`) : null,
        h('p', {}, h('a', { href: '#/clusters' }, 'Back to all clusters')));
}

// --- clusters ------------------------------------------------------------------------------------------

function filterForm(filter) {
    const limit = Number(filter.limit) || DEFAULT_LIMIT;
    const limits = LIMITS.includes(limit) ? LIMITS : [...LIMITS, limit].sort((a, b) => a - b);
    const option = (value, label, selected) => h('option', { value, selected: selected || null }, label);
    const form = h('form', { class: 'filters', 'aria-label': 'Filter clusters' },
        h('div', { class: 'field' },
            h('label', { for: 'filter-owner' }, 'Owner'),
            h('input', {
                id: 'filter-owner', name: 'owner', type: 'text', value: filter.owner || '',
                placeholder: 'any account', autocomplete: 'off', spellcheck: 'false',
            })),
        h('div', { class: 'field' },
            h('label', { for: 'filter-status' }, 'Status'),
            h('select', { id: 'filter-status', name: 'status' },
                option('', 'Any status', !filter.status),
                option('ACTIVE', 'Active', filter.status === 'ACTIVE'),
                option('SUSPENDED', 'Suspended', filter.status === 'SUSPENDED'))),
        h('div', { class: 'field' },
            h('label', { for: 'filter-public' }, 'Kind'),
            h('select', { id: 'filter-public', name: 'publicGood' },
                option('', 'Any kind', !filter.publicGood),
                option('true', 'Public good', filter.publicGood === 'true'),
                option('false', 'Owned', filter.publicGood === 'false'))),
        h('div', { class: 'field' },
            h('label', { for: 'filter-limit' }, 'Per page'),
            h('select', { id: 'filter-limit', name: 'limit' },
                limits.map((n) => option(String(n), String(n), n === limit)))),
        h('div', { class: 'field actions' },
            h('button', { type: 'submit' }, 'Apply'),
            h('a', { href: '#/clusters', class: 'button-link' }, 'Clear')));
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        const data = new FormData(form);
        const next = {
            owner: String(data.get('owner') || '').trim(),
            status: data.get('status'),
            publicGood: data.get('publicGood'),
            limit: Number(data.get('limit')) === DEFAULT_LIMIT ? '' : data.get('limit'),
        };
        location.hash = clustersHref(next);
    });
    return form;
}

function clusterRow(c) {
    const { online, total } = workersOnline(c.workers);
    const ownerFilter = clustersHref({ owner: c.owner });
    return h('tr', { 'data-cluster': c.id },
        h('th', { scope: 'row' },
            h('a', { href: clusterHref(c.id), class: 'name' }, c.name),
            h('div', { class: 'sub' }, idLink(clusterHref(c.id), c.id),
                c.publicGood ? h('span', { class: 'tag' }, 'public good') : null)),
        h('td', { 'data-field': 'status' }, badge(c.status)),
        h('td', { 'data-field': 'owner' },
            h('a', { href: ownerFilter, title: 'Clusters of ' + c.owner, class: 'account' }, c.owner)),
        h('td', { class: 'num', 'data-field': 'workers' },
            h('span', { class: online < total ? 'warn-text' : null }, `${online} / ${total}`)),
        h('td', {}, runwayCell(c.runwayEpochs, 'runway')),
        h('td', { class: 'num', 'data-field': 'contracts' }, groupDigits(String(c.contracts))),
        h('td', { class: 'num', 'data-field': 'stake' }, amount(c.stake ? c.stake.total : '0')));
}

export async function clustersPage(filter) {
    const limit = Number(filter.limit) || DEFAULT_LIMIT;
    const query = {
        owner: filter.owner, status: filter.status, publicGood: filter.publicGood, limit, cursor: filter.cursor,
    };
    const head = [
        h('div', { class: 'page-head' }, h('h1', {}, 'Clusters'),
            h('p', { class: 'lede' }, 'Pools of workers that run contracts. Filter by owner or status; open one for its workers, rules and contracts.')),
        filterForm(filter),
    ];
    let page;
    try {
        page = await api.clusters(query);
    } catch (error) {
        return { title: 'Clusters', nodes: [...head, errorView(error)] };
    }
    const pageNumber = Number(filter.page) || 1;
    const base = { owner: filter.owner, status: filter.status, publicGood: filter.publicGood, limit: filter.limit };
    const here = JSON.stringify({ ...base, cursor: filter.cursor || '' });
    const described = [
        filter.owner ? `owned by ${filter.owner}` : null,
        filter.status ? filter.status.toLowerCase() : null,
        filter.publicGood === 'true' ? 'public good' : filter.publicGood === 'false' ? 'not public good' : null,
    ].filter(Boolean).join(', ');

    if (page.items.length === 0) {
        return {
            title: 'Clusters',
            nodes: [...head, h('p', { class: 'empty', role: 'status' },
                filter.cursor ? 'No more clusters.' : 'No clusters' + (described ? ' ' + described : '') + '.')],
        };
    }

    const nav = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    if (filter.cursor) {
        const prev = previousCursor.get(here);
        if (prev !== undefined) {
            nav.append(h('a', {
                href: clustersHref({ ...base, cursor: prev, page: pageNumber > 2 ? pageNumber - 1 : '' }),
                rel: 'prev', class: 'button-link',
            }, '← Previous page'));
        }
        if (prev !== '') {
            nav.append(h('a', { href: clustersHref(base), class: 'button-link' }, 'First page'));
        }
    }
    nav.append(h('span', { class: 'page-number', 'data-field': 'page' }, 'Page ' + pageNumber));
    if (page.next) {
        previousCursor.set(JSON.stringify({ ...base, cursor: page.next }), filter.cursor || '');
        nav.append(h('a', {
            href: clustersHref({ ...base, cursor: page.next, page: pageNumber + 1 }), rel: 'next', class: 'button-link',
        }, 'Next page →'));
    }

    const table = h('table', { class: 'data clusters' },
        h('caption', {}, `${count(page.items.length, 'cluster')} on this page` + (described ? `, ${described}` : '')),
        h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Cluster'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, 'Owner'),
            h('th', { scope: 'col', class: 'num' }, h('abbr', { title: 'Workers not offline, out of all its workers' }, 'Workers online')),
            h('th', { scope: 'col' }, 'Escrow runway'),
            h('th', { scope: 'col', class: 'num' }, 'Contracts'),
            h('th', { scope: 'col', class: 'num' }, 'Total stake'))),
        h('tbody', {}, page.items.map(clusterRow)));
    return {
        title: 'Clusters',
        nodes: [...head, h('div', { class: 'table-wrap' }, table), nav, runwayLegend()],
    };
}

// --- one cluster ---------------------------------------------------------------------------------------

function workersTable(workers) {
    if (!workers || workers.length === 0) {
        return h('p', { class: 'empty' }, 'No workers.');
    }
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data workers' },
        h('caption', { class: 'visually-hidden' }, 'Workers of this cluster'),
        h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Worker'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col', class: 'num' }, 'Last heard'),
            h('th', { scope: 'col' }, 'Operator'),
            h('th', { scope: 'col', class: 'num' }, 'Capacity'),
            h('th', { scope: 'col', class: 'num' }, 'Rent per epoch'),
            h('th', { scope: 'col' }, 'Endpoint'))),
        h('tbody', {}, workers.map((w) => {
            const heard = w.lastHeartbeatEpoch ?? null;
            const joined = w.joinedEpoch ?? null;
            const lastHeard = heard !== null && (joined === null || heard >= joined)
                ? `epoch ${heard}`
                : joined !== null ? `epoch ${joined} (joined)` : 'never';
            return h('tr', { id: 'worker-' + w.id, 'data-worker': w.id },
                h('th', { scope: 'row' }, h('span', { class: 'id mono', title: w.id }, shortId(w.id))),
                h('td', { 'data-field': 'status' }, badge(w.status)),
                h('td', { class: 'num', 'data-field': 'lastHeard' }, lastHeard),
                h('td', {}, h('span', { class: 'account' }, w.operator)),
                h('td', { class: 'num' }, groupDigits(String(w.capacity))),
                h('td', { class: 'num' }, amount(w.rentPerEpoch)),
                h('td', { class: 'endpoint' }, w.endpoint));
        }))));
}

/** Contracts of the cluster with their share of compute: a ring and a table. */
function contractsSection(c, contracts) {
    const byId = new Map(((c.stake && c.stake.contracts) || []).map((s) => [s.contractId, s]));
    // The cluster's stake view is the one consistent snapshot of shares; a contract read after it
    // may be a moment newer, so prefer the cluster's figures where it has them.
    const rows = contracts.map((k) => {
        const s = byId.get(k.id);
        return { ...k, stake: s ? s.stake : k.stake, weight: s ? s.weight : k.weight, share: s ? s.share : k.share };
    }).sort((a, b) => (b.share - a.share) || (a.status === b.status ? a.id.localeCompare(b.id) : a.status === 'DEPLOYED' ? -1 : 1));

    if (rows.length === 0) {
        return [h('p', { class: 'empty' }, 'No contracts deployed yet.')];
    }
    const staked = rows.filter((r) => r.share > 0);
    // Up to RING_SLICES contracts get their own colour; beyond that the smaller shares make one grey slice.
    const shown = staked.length <= RING_SLICES ? staked : staked.slice(0, RING_SLICES - 1);
    const rest = staked.slice(shown.length);
    const colours = new Map();
    shown.forEach((r, i) => colours.set(r.id, PALETTE[i]));
    rest.forEach((r) => colours.set(r.id, OTHERS_COLOUR));
    let chart;
    if (staked.length === 0) {
        chart = h('p', { class: 'empty' }, 'No stake on these contracts yet, so none has a share of the compute.');
    } else {
        const slices = shown.map((r) => ({
            label: shortId(r.id), share: r.share, percent: percent(r.share), colour: colours.get(r.id), stake: r.stake,
        }));
        if (rest.length > 0) {
            const share = rest.reduce((sum, r) => sum + r.share, 0);
            const stake = rest.reduce((sum, r) => sum + BigInt(r.stake), 0n).toString();
            slices.push({ label: `${rest.length} others`, share, percent: percent(share), colour: OTHERS_COLOUR, stake });
        }
        chart = h('figure', { class: 'share-chart' },
            shareRing(slices, { value: pha(c.stake.total), caption: 'total stake' }),
            h('figcaption', {},
                h('p', { class: 'figure-title' }, 'Share of compute by stake'),
                h('ul', { class: 'ring-legend' }, slices.map((s) => h('li', {},
                    h('span', { class: 'legend-dot', style: `background:${s.colour}` }),
                    h('span', { class: 'mono' }, s.label), h('strong', {}, s.percent), amount(s.stake))))),
            h('p', { class: 'share-note' },
                'Every worker of the cluster runs every contract and gives each compute in proportion to its share: its stake\'s weight (1 PHA = weight 100) over the weights of all deployed contracts.'));
    }

    const table = h('div', { class: 'table-wrap' }, h('table', { class: 'data contracts' },
        h('caption', { class: 'visually-hidden' }, 'Contracts of this cluster and their share of compute'),
        h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Contract'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, 'Deployer'),
            h('th', { scope: 'col', class: 'num' }, 'Code size'),
            h('th', { scope: 'col', class: 'num' }, 'Stake'),
            h('th', { scope: 'col', class: 'num' }, 'Weight'),
            h('th', { scope: 'col' }, 'Share'))),
        h('tbody', {}, rows.map((r) => h('tr', { 'data-contract': r.id },
            h('th', { scope: 'row' }, idLink(contractHref(r.id), r.id)),
            h('td', {}, badge(r.status)),
            h('td', { 'data-field': 'deployer' }, h('span', { class: 'account' }, r.deployer)),
            h('td', { class: 'num' }, bytes(r.codeSize)),
            h('td', { class: 'num', 'data-field': 'stake' }, amount(r.stake)),
            h('td', { class: 'num' }, groupDigits(String(r.weight))),
            h('td', { class: 'share-cell' }, shareBar(r.share, colours.get(r.id) || PALETTE[0], 90),
                h('span', { 'data-field': 'share' }, percent(r.share))))))));
    return [chart, table];
}

function messagingWords(m, names) {
    if (!m || m.accept === 'NONE') {
        return 'Accepts no messages from other clusters';
    }
    const from = m.accept === 'ANY'
        ? 'Accepts messages from any cluster'
        : ['Accepts messages from ', (m.clusters || []).map((id, i) => [i ? ', ' : '',
            h('a', { href: clusterHref(id), title: id }, names.get(id) || shortId(id))])];
    const fee = !m.fee || BigInt(m.fee) === 0n ? ['; no fee'] : ['; fee ', amount(m.fee), ' per message'];
    return [from, fee, `, up to ${bytes(m.maxMessageSize)}, `,
        `${groupDigits(String(m.channelCapacity))} queued per channel`];
}

/** Names of the clusters a cluster takes messages from (the first few; the rest show their ids). */
async function senderNames(m) {
    const names = new Map();
    if (!m || m.accept !== 'ALLOW_LIST') {
        return names;
    }
    await Promise.all((m.clusters || []).slice(0, 20).map(async (id) => {
        try {
            names.set(id, (await api.cluster(id)).name);
        } catch (error) {
            // A sender that is gone still shows, by its id.
        }
    }));
    return names;
}

export async function clusterPage(id) {
    let c;
    try {
        c = await api.cluster(id);
    } catch (error) {
        return { title: 'Cluster', nodes: [crumbs([]), errorView(error, { id })] };
    }
    let contracts = [];
    let contractsError = null;
    const names = senderNames(c.messaging);
    try {
        contracts = await api.contractsOf(c);
    } catch (error) {
        contractsError = error;
    }
    const senders = await names;
    const { online, total } = workersOnline(c.workers);
    const quotaUse = c.quota && c.quota.maxContracts != null ? ` of ${groupDigits(String(c.quota.maxContracts))}` : '';

    const stats = h('dl', { class: 'stats' },
        stat('Workers online', 'workersOnline', `${online} / ${total}`),
        stat('Escrow runway', 'runway', runway(c.runwayEpochs), runwayBar(c.runwayEpochs, 140)),
        stat('Escrow', 'escrow', amount(c.escrow)),
        stat('Rent per epoch', 'rent', amount(c.rentPerEpoch)),
        stat('Contracts', 'contracts', groupDigits(String(c.contracts)) + quotaUse),
        stat('Total stake', 'totalStake', amount(c.stake ? c.stake.total : '0')),
        c.inbox !== undefined && c.inbox !== null
            ? stat('Inbox', 'inbox', [groupDigits(String(c.inbox)), h('span', {
                class: 'stat-unit', title: 'messages sent into this cluster and not yet acknowledged by its workers',
            }, ' queued')]) : null);

    const rules = h('dl', { class: 'facts' },
        h('dt', {}, 'Owner'), h('dd', {}, h('a', { href: clustersHref({ owner: c.owner }), class: 'account', 'data-field': 'owner' }, c.owner)),
        h('dt', {}, 'Treasury'), h('dd', {}, h('span', { class: 'account' }, c.treasury)),
        h('dt', {}, 'Who may deploy'), h('dd', { 'data-field': 'rule' }, words(ruleWords(c.permission))),
        h('dt', {}, 'Quota'), h('dd', { 'data-field': 'quota' }, quotaWords(c.quota)),
        h('dt', {}, 'Pricing'), h('dd', { 'data-field': 'pricing' }, words(pricingWords(c.pricing))),
        c.messaging ? [h('dt', {}, 'Messages'), h('dd', { 'data-field': 'messaging' }, messagingWords(c.messaging, senders))] : null,
        c.createdAt ? [h('dt', {}, 'Formed'), h('dd', {}, time(c.createdAt))] : null);

    return {
        title: c.name,
        nodes: [
            crumbs([{ label: c.name }]),
            h('div', { class: 'page-head' },
                h('h1', {}, h('span', { 'data-field': 'name' }, c.name), ' ', badge(c.status),
                    c.publicGood ? h('span', { class: 'tag' }, 'public good') : null),
                h('p', { class: 'mono id-line', 'data-field': 'id' }, c.id)),
            c.status === 'SUSPENDED'
                ? h('p', { class: 'notice', role: 'status' }, 'Suspended: the escrow cannot pay an epoch of rent. New deploys are refused until the cluster is funded.')
                : null,
            stats,
            h('section', { 'aria-labelledby': 'rules-h' }, h('h2', { id: 'rules-h' }, 'Rules'), rules),
            h('section', { 'aria-labelledby': 'workers-h' },
                h('h2', { id: 'workers-h' }, 'Workers ', h('span', { class: 'count' }, String(total))),
                workersTable(c.workers)),
            h('section', { 'aria-labelledby': 'contracts-h' },
                h('h2', { id: 'contracts-h' }, 'Contracts ', h('span', { class: 'count' }, String(contracts.length))),
                contractsError ? errorView(contractsError) : contractsSection(c, contracts)),
        ],
    };
}

// --- one contract --------------------------------------------------------------------------------------

export async function contractPage(id) {
    let k;
    try {
        k = await api.contract(id);
    } catch (error) {
        return { title: 'Contract', nodes: [crumbs([]), errorView(error, { id })] };
    }
    let clusterName = null;
    try {
        clusterName = (await api.cluster(k.clusterId)).name;
    } catch (error) {
        // The contract page stands without its cluster's name: the id link still leads there.
    }
    const deployed = k.status === 'DEPLOYED';
    const facts = h('dl', { class: 'facts' },
        h('dt', {}, 'Cluster'), h('dd', {},
            h('a', { href: clusterHref(k.clusterId), 'data-field': 'cluster', title: k.clusterId },
                clusterName || shortId(k.clusterId)),
            clusterName ? h('span', { class: 'mono muted sub-inline' }, ' ' + shortId(k.clusterId)) : null),
        h('dt', {}, 'Deployer'), h('dd', {}, h('span', { class: 'account', 'data-field': 'deployer' }, k.deployer)),
        h('dt', {}, 'Code hash'), h('dd', { class: 'mono break', 'data-field': 'codeHash' }, k.codeHash),
        h('dt', {}, 'Code size'), h('dd', { 'data-field': 'codeSize' },
            bytes(k.codeSize), k.codeSize >= 1024 ? h('span', { class: 'muted' }, ` (${groupDigits(String(k.codeSize))} bytes)`) : null),
        h('dt', {}, 'Salt'), h('dd', { class: 'mono' }, k.salt ? k.salt : h('span', { class: 'muted' }, 'none')),
        h('dt', {}, 'Fee paid'), h('dd', { 'data-field': 'feePaid' }, amount(k.feePaid)),
        h('dt', {}, 'Deposit'), h('dd', { 'data-field': 'deposit' }, amount(k.deposit),
            deployed ? h('span', { class: 'muted' }, ' held, returned on undeploy') : h('span', { class: 'muted' }, ' returned')),
        h('dt', {}, 'Deployed'), h('dd', {}, time(k.deployedAt)),
        k.undeployedAt ? [h('dt', {}, 'Undeployed'), h('dd', {}, time(k.undeployedAt))] : null);

    const stats = h('dl', { class: 'stats' },
        stat('Stake', 'stake', amount(k.stake)),
        stat('Weight', 'weight', groupDigits(String(k.weight))),
        stat('Share of compute', 'share', percent(k.share), shareBar(k.share, PALETTE[0], 140)));

    return {
        title: 'Contract ' + shortId(k.id),
        nodes: [
            crumbs([{ label: clusterName || shortId(k.clusterId), href: clusterHref(k.clusterId) }, { label: shortId(k.id) }]),
            h('div', { class: 'page-head' },
                h('h1', {}, 'Contract ', h('span', { class: 'mono' }, shortId(k.id)), ' ', badge(k.status)),
                h('p', { class: 'mono id-line', 'data-field': 'id' }, k.id)),
            stats,
            h('section', { 'aria-labelledby': 'details-h' }, h('h2', { id: 'details-h' }, 'Details'), facts),
            h('p', { class: 'muted' }, deployed
                ? 'Weight is the stake divided by 10¹⁰ (1 PHA = weight 100); the share is this weight over the weights of all deployed contracts of the cluster.'
                : 'An undeployed contract has no share; stakes on it stay withdrawable.'),
        ],
    };
}

/** Resolves an id typed in the header to a cluster or a contract page. */
export async function openId(id) {
    try {
        await api.cluster(id);
        return { redirect: clusterHref(id) };
    } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'CLUSTER_NOT_FOUND') {
            return { title: 'Open by id', nodes: [errorView(error, { id })] };
        }
    }
    try {
        await api.contract(id);
        return { redirect: contractHref(id) };
    } catch (error) {
        if (error instanceof ApiError && error.code === 'CONTRACT_NOT_FOUND') {
            return { title: 'Not found', nodes: [errorView(new ApiError(404, 'NOT_FOUND', 'No cluster or contract ' + id), { id })] };
        }
        return { title: 'Open by id', nodes: [errorView(error, { id })] };
    }
}

export function notFoundPage(path) {
    return {
        title: 'Not found',
        nodes: [errorView(new Error('This dashboard has no page ' + path + '.'))],
    };
}

function crumbs(trail) {
    return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('ol', {},
        h('li', {}, h('a', { href: '#/clusters' }, 'Clusters')),
        trail.map((c, i) => h('li', {}, c.href && i < trail.length - 1 ? h('a', { href: c.href }, c.label)
            : h('span', { 'aria-current': i === trail.length - 1 ? 'page' : null }, c.label)))));
}
