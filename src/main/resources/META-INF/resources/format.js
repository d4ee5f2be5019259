// Turns the service's values into what a person reads: exact PHA amounts, sizes, shares, rules in words.

const UNITS_PER_PHA = 10n ** 12n;
const KIB = 1024;
const MIB = 1024 * 1024;

/** Groups the digits of a non-negative integer string by thousands: "1234567" -> "1,234,567". */
export function groupDigits(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An amount (a string of units) in PHA, exactly: BigInt arithmetic, never floating point, so
 * "1500000000001" is "1.500000000001 PHA" and not a rounded figure.
 */
export function pha(units) {
    if (units === undefined || units === null || units === '') {
        return '–';
    }
    const value = BigInt(units);
    const negative = value < 0n;
    const abs = negative ? -value : value;
    const whole = groupDigits((abs / UNITS_PER_PHA).toString());
    const fraction = (abs % UNITS_PER_PHA).toString().padStart(12, '0').replace(/0+$/, '');
    return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '') + ' PHA';
}

/** The exact unit count, for the hover text of an amount. */
export function unitsText(units) {
    return groupDigits(BigInt(units).toString()) + ' units';
}

/**
 * A small per-byte price reads better in units ("1,000 units"); a large one in PHA. Either way
 * the hover text gives the other.
 */
export function perByte(units) {
    const value = BigInt(units);
    return value !== 0n && value < 1000000n ? unitsText(units) : pha(units);
}

/** A share (0..1) as a percentage with at most two decimals: 0.25 -> "25%", 1/3 -> "33.33%". */
export function percent(share) {
    if (share === undefined || share === null) {
        return '–';
    }
    const rounded = Math.round(share * 10000) / 100;
    return String(rounded) + '%';
}

/** A byte count: exact MiB or KiB where it divides, else bytes with thousands grouped. */
export function bytes(n) {
    if (n === undefined || n === null) {
        return '–';
    }
    if (n >= MIB && n % MIB === 0) {
        return groupDigits(String(n / MIB)) + ' MiB';
    }
    if (n >= KIB && n % KIB === 0) {
        return groupDigits(String(n / KIB)) + ' KiB';
    }
    return groupDigits(String(n)) + (n === 1 ? ' byte' : ' bytes');
}

export function count(n, singular, plural = singular + 's') {
    return groupDigits(String(n)) + ' ' + (n === 1 ? singular : plural);
}

/** Runway in epochs; absent when no online worker charges rent, so nothing runs out. */
export function runway(epochs) {
    return epochs === undefined || epochs === null ? 'no rent due' : count(epochs, 'epoch');
}

/** An ISO-8601 time, shown in UTC to the minute. */
export function time(iso) {
    if (!iso) {
        return '–';
    }
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** A long hex id cut for tables: "0x1234ab…9f0e"; the full id goes in a title and the link. */
export function shortId(id) {
    return id && id.length > 16 ? id.slice(0, 8) + '…' + id.slice(-4) : id;
}

/** Who may deploy, in words. Parts are {text} or {code} or {accounts: [...]}, rendered by the view. */
export function ruleWords(permission) {
    const p = permission || { rule: 'ONLY_OWNER' };
    switch (p.rule) {
        case 'PUBLIC':
            return [{ text: 'Anyone may deploy' }];
        case 'ONLY_OWNER':
            return [{ text: 'Only the owner may deploy' }];
        case 'ALLOW_LIST': {
            const accounts = p.accounts || [];
            return accounts.length === 0
                ? [{ text: 'Accounts on an allow list: none, so nobody may deploy' }]
                : [{ text: 'Accounts on an allow list: ' }, { accounts }];
        }
        case 'EXPRESSION':
            return [{ text: 'A CEL expression decides: ' }, { code: p.expression || '' }];
        default:
            return [{ text: 'Rule ' + p.rule }];
    }
}

/** The quota in words: "at most 100 contracts, 5 per deployer, code up to 2 MiB". */
export function quotaWords(quota) {
    const q = quota || {};
    const parts = [];
    parts.push(q.maxContracts === undefined || q.maxContracts === null
        ? 'any number of contracts'
        : 'at most ' + count(q.maxContracts, 'contract'));
    parts.push(q.maxContractsPerDeployer === undefined || q.maxContractsPerDeployer === null
        ? 'no limit per deployer'
        : groupDigits(String(q.maxContractsPerDeployer)) + ' per deployer');
    parts.push('code up to ' + bytes(q.maxCodeSize === undefined || q.maxCodeSize === null ? 2 * MIB : q.maxCodeSize));
    const text = parts.join(', ');
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Pricing in words, as [{text}|{amount, shown}] parts so amounts keep their unit hover. */
export function pricingWords(pricing) {
    const p = pricing || { deployFee: '0', depositPerByte: '0' };
    const fee = BigInt(p.deployFee || '0');
    const deposit = BigInt(p.depositPerByte || '0');
    if (fee === 0n && deposit === 0n) {
        return [{ text: 'Free: no fee, no deposit' }];
    }
    const parts = [];
    if (fee === 0n) {
        parts.push({ text: 'No fee' });
    } else {
        parts.push({ text: 'Fee ' }, { amount: p.deployFee, shown: pha(p.deployFee) }, { text: ' per deploy' });
    }
    parts.push({ text: ', ' });
    if (deposit === 0n) {
        parts.push({ text: 'no deposit' });
    } else {
        parts.push({ text: 'deposit ' }, { amount: p.depositPerByte, shown: perByte(p.depositPerByte) },
            { text: ' per byte of code, returned on undeploy' });
    }
    return parts;
}
