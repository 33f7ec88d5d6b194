// What the dashboard tests share: the npm packages (from ILP_DASHBOARD_NODE_MODULES, installed by
// tests/dashboard.sh), the per-test harness (browser contexts, screenshots) and small helpers.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const modules = process.env.ILP_DASHBOARD_NODE_MODULES;
if (!modules) throw new Error('ILP_DASHBOARD_NODE_MODULES is not set: run tests/dashboard.sh');
const require = createRequire(join(modules, 'noop.js'));
export const playwright = require('playwright-core');
export const ExcelJS = require('exceljs');
export { assert };

export const SERVER = (process.env.ILP_TEST_SERVER || '').replace(/\/$/, '');
if (!SERVER) throw new Error('ILP_TEST_SERVER is not set: run tests/dashboard.sh');
const SHOTS = process.env.ILP_DASHBOARD_SCREENSHOTS || 'build/dashboard-screenshots';
mkdirSync(SHOTS, { recursive: true });

export const SUPERVISOR = 'supervisor.oesapa';
export const BIDAN = 'bidan.oesapa.1';
export const KADER = 'kader.rw001.a';
export const ADMIN = 'admin';
export const password = (user) => `${user}-demo`;

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** One test's browser contexts and pages; closed after the test. */
export class Harness {
    constructor(browser, name, scratch) {
        this.browser = browser;
        this.name = name;
        this.scratch = scratch;
        this.contexts = [];
        this.pages = [];
        this.server = SERVER;
        /** Requests that left the server's origin (the pages must need no CDN, font or script host). */
        this.foreign = [];
    }

    /** A page in a fresh context (no cookies), laptop-sized unless told; downloads accepted. */
    async page({ viewport = LAPTOP, isMobile = false } = {}) {
        const context = await this.browser.newContext({
            viewport,
            isMobile,
            hasTouch: isMobile,
            deviceScaleFactor: 1,
            acceptDownloads: true,
            locale: 'id-ID',
            timezoneId: 'Asia/Makassar',
        });
        context.setDefaultTimeout(20_000);
        this.contexts.push(context);
        const page = await context.newPage();
        page.on('request', (req) => {
            const url = req.url();
            if (!url.startsWith(SERVER) && !url.startsWith('data:') && !url.startsWith('about:') && !url.startsWith('blob:')) {
                this.foreign.push(url);
            }
        });
        this.pages.push(page);
        return page;
    }

    /** A screenshot (the full page unless told) under the screenshots directory as NAME.png. */
    async shot(page, name, { fullPage = true } = {}) {
        await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
    }

    async failureShots() {
        const safe = this.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
        let i = 0;
        for (const page of this.pages) {
            try {
                if (!page.isClosed()) await page.screenshot({ path: join(SHOTS, `FAILED-${safe}-${i++}.png`), fullPage: true });
            } catch {
                // The page may be gone with its context; the failure itself is already reported.
            }
        }
    }

    async close() {
        for (const c of this.contexts) await c.close().catch(() => {});
    }
}

/** A number cell's text ("12", "45.5") as a number; "-" (no denominator) as null. */
export function cellNumber(text) {
    const s = String(text).trim();
    if (s === '-') return null;
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(s)) throw new Error(`not a number: ${JSON.stringify(text)}`);
    return Number(s);
}

/** The percentage as the dashboard computes it: numerator / denominator × 100 to one decimal. */
export function percentOf(numerator, denominator) {
    return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 10 : null;
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF or LF) into rows of strings; a leading BOM is dropped. */
export function parseCsv(text) {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    const s = text.replace(/^\uFEFF/, '');
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (quoted) {
            if (c === '"' && s[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ',') {
            row.push(field);
            field = '';
        } else if (c === '\n' || c === '\r') {
            if (c === '\r' && s[i + 1] === '\n') i++;
            row.push(field);
            rows.push(row);
            row = [];
            field = '';
        } else {
            field += c;
        }
    }
    if (field !== '' || row.length) {
        row.push(field);
        rows.push(row);
    }
    return rows;
}

/** Opens the login page in a fresh context of `t`, signs in as `user` through the form and waits for
 * the page the login leads to. Returns that page. */
export async function login(t, user, { viewport = LAPTOP, isMobile = false } = {}) {
    const page = await t.page({ viewport, isMobile });
    await page.goto(`${SERVER}/dashboard/login`);
    await page.locator('input[name="username"]').fill(user);
    await page.locator('input[name="password"]').fill(password(user));
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.locator('#login-submit').click()]);
    await page.locator('#current-user').waitFor();
    return page;
}

/** The coverage table of a coverage page: one entry per row, numbers parsed. */
export async function readCoverage(page) {
    const rows = await page.locator('[data-testid="coverage-row"]').evaluateAll((trs) =>
        trs.map((tr) => {
            const cell = (id) => tr.querySelector(`[data-testid="${id}"]`);
            return {
                code: tr.dataset.indicator,
                better: tr.dataset.better,
                band: tr.dataset.band,
                period: tr.dataset.period,
                label: tr.querySelector('td.label').childNodes[0].textContent.trim(),
                num: cell('numerator').textContent.trim(),
                den: cell('denominator').textContent.trim(),
                missing: cell('missing').textContent.trim(),
                pct: cell('percent').childNodes[0].textContent.trim(),
                target: tr.querySelector('[data-testid="target-input"]')?.value ?? null,
                trend: tr.querySelector('[data-testid="trend"]')?.getAttribute('data-trend') ?? '',
            };
        }),
    );
    return rows.map((r) => ({
        ...r,
        num: cellNumber(r.num),
        den: cellNumber(r.den),
        missing: cellNumber(r.missing),
        pct: cellNumber(r.pct),
        target: r.target === null ? null : Number(r.target),
        trend: r.trend.split(',').map(cellNumber),
    }));
}

/** The options of the area picker: { key, level, label, selected }. */
export async function areaChoices(page) {
    return page.locator('#area-picker option').evaluateAll((opts) =>
        opts.map((o) => ({ key: o.value, level: o.dataset.level, label: o.textContent.trim(), selected: o.selected })),
    );
}

/** GET a URL with the page's cookies (as the browser would send them), outside the page. */
export async function fetchWith(page, url) {
    return page.request.get(new URL(url, SERVER).href, { maxRedirects: 0 });
}
