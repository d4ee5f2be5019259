// Hand-drawn SVG charts. Two shapes (a bar and a ring) do not justify a charting library, and
// drawing them here keeps the dashboard free of dependencies and of any network at run time.

const SVG = 'http://www.w3.org/2000/svg';

/** Runway bars are full at this many epochs: one week of the default one-hour epochs. */
export const RUNWAY_HORIZON = 168;
/** Below this many epochs a runway shows amber: a day of the default epochs. */
export const RUNWAY_WARN = 24;
/** Below this many epochs a runway shows red: the cluster is about to be suspended. */
export const RUNWAY_LOW = 3;

/** Colours for contracts in a share chart, chosen to stay apart for colour-blind readers. */
export const PALETTE = ['#2563eb', '#f59e0b', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
const OTHERS = '#94a3b8';

function svg(tag, attrs = {}) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) {
        el.setAttribute(k, String(v));
    }
    return el;
}

function titled(el, text) {
    const title = svg('title');
    title.textContent = text;
    el.appendChild(title);
    return el;
}

/** Severity of a runway: "low", "warn", "ok", or "none" when no rent is due. */
export function runwayLevel(epochs) {
    if (epochs === undefined || epochs === null) {
        return 'none';
    }
    return epochs < RUNWAY_LOW ? 'low' : epochs < RUNWAY_WARN ? 'warn' : 'ok';
}

/** A bar of `epochs` against RUNWAY_HORIZON; longer runways fill it. */
export function runwayBar(epochs, width = 120) {
    const height = 8;
    const level = runwayLevel(epochs);
    const fraction = level === 'none' ? 1 : Math.min(epochs, RUNWAY_HORIZON) / RUNWAY_HORIZON;
    const root = svg('svg', {
        class: 'bar runway-' + level, width, height, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img',
        'aria-label': level === 'none' ? 'no rent due'
            : `runway ${epochs} epochs on a scale of ${RUNWAY_HORIZON}`,
    });
    root.appendChild(svg('rect', { class: 'track', x: 0, y: 0, width, height, rx: height / 2 }));
    if (fraction > 0) {
        root.appendChild(svg('rect', {
            class: 'fill', x: 0, y: 0, width: Math.max(height, fraction * width), height, rx: height / 2,
        }));
    }
    return root;
}

/** A bar of one share (0..1) of the whole. */
export function shareBar(share, colour = PALETTE[0], width = 120) {
    const height = 8;
    const root = svg('svg', {
        class: 'bar share', width, height, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img',
        'aria-label': `share ${Math.round(share * 10000) / 100}%`,
    });
    root.appendChild(svg('rect', { class: 'track', x: 0, y: 0, width, height, rx: height / 2 }));
    if (share > 0) {
        root.appendChild(svg('rect', {
            x: 0, y: 0, width: Math.max(height, share * width), height, rx: height / 2, fill: colour,
        }));
    }
    return root;
}

/**
 * A ring of slices, one per item {label, share, colour}, each with a hover title and an accessible
 * name; the centre shows `centre` (e.g. the total stake). Shares are fractions of 1.
 */
export function shareRing(items, centre, size = 180) {
    const stroke = 28;
    const radius = (size - stroke) / 2;
    const circumference = 2 * Math.PI * radius;
    const root = svg('svg', {
        class: 'ring', width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img',
        'aria-label': 'Stake share: ' + items.map((i) => `${i.label} ${i.percent}`).join(', '),
    });
    root.appendChild(svg('circle', {
        class: 'track', cx: size / 2, cy: size / 2, r: radius, fill: 'none', 'stroke-width': stroke,
    }));
    let offset = 0;
    for (const item of items) {
        if (item.share <= 0) {
            continue;
        }
        const length = item.share * circumference;
        // A hair of gap between slices, none when one slice is the whole ring.
        const gap = item.share >= 1 ? 0 : Math.min(1.5, length / 4);
        const slice = svg('circle', {
            class: 'slice', cx: size / 2, cy: size / 2, r: radius, fill: 'none', stroke: item.colour,
            'stroke-width': stroke, 'stroke-dasharray': `${length - gap} ${circumference - length + gap}`,
            'stroke-dashoffset': -offset, transform: `rotate(-90 ${size / 2} ${size / 2})`,
            'data-share': item.percent, 'aria-label': `${item.label}: ${item.percent}`,
        });
        root.appendChild(titled(slice, `${item.label}: ${item.percent}`));
        offset += length;
    }
    // Exact amounts can be long: shrink the centre figure to stay inside the ring.
    const fontSize = Math.max(9, Math.min(20, Math.floor((size - 2 * stroke - 12) / (0.6 * centre.value.length))));
    const text = svg('text', {
        x: size / 2, y: size / 2 - 2, class: 'ring-centre', 'text-anchor': 'middle', 'font-size': fontSize,
    });
    text.textContent = centre.value;
    const caption = svg('text', { x: size / 2, y: size / 2 + 14, class: 'ring-caption', 'text-anchor': 'middle' });
    caption.textContent = centre.caption;
    root.append(text, caption);
    return root;
}

export { OTHERS as OTHERS_COLOUR };
