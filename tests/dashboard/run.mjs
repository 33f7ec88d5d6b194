// Runs the dashboard's browser tests (tests/dashboard/*.test.mjs) one after another in one headless
// Chromium, each test in a fresh browser context (its own cookies), and ends with the line
// "dashboard: N passed, M failed". A test module exports `tests`, a list of { name, run(t) }.
// Arguments: substrings of test names to run (all when none).
// Environment: ILP_TEST_SERVER (the demo server), ILP_DASHBOARD_NODE_MODULES (playwright-core,
// exceljs), ILP_DASHBOARD_SCREENSHOTS (where screenshots go), ILP_CHROMIUM (the browser binary).
import { readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { playwright, Harness } from './lib.mjs';

const TEST_TIMEOUT_MS = 90_000;
const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
const tests = [];
for (const f of files) {
    const mod = await import(pathToFileURL(join(here, f)).href);
    for (const test of mod.tests) {
        if (filters.length === 0 || filters.some((s) => test.name.includes(s))) tests.push({ ...test, file: f });
    }
}

// Playwright makes a fresh profile directory per launch; the cache and crash dumps go to a
// temporary directory of our own too, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'ilp-dashboard-'));
const browser = await playwright.chromium.launch({
    executablePath: process.env.ILP_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--disk-cache-dir=${join(scratch, 'cache')}`,
        `--crash-dumps-dir=${join(scratch, 'crashes')}`,
    ],
    downloadsPath: join(scratch, 'downloads'),
});

let passed = 0;
let failed = 0;
for (const test of tests) {
    const t = new Harness(browser, test.name, scratch);
    const started = Date.now();
    let timer;
    try {
        await Promise.race([
            test.run(t),
            new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS);
            }),
        ]);
        // The pages must work on a cut-off Puskesmas network: nothing from another host.
        if (t.foreign.length) throw new Error(`requests left the server: ${[...new Set(t.foreign)].join(', ')}`);
        passed++;
        console.log(`ok     ${test.name} (${Date.now() - started} ms)`);
    } catch (e) {
        failed++;
        console.log(`FAILED ${test.name} [${test.file}]`);
        console.log(String(e && e.stack ? e.stack : e).split('\n').map((l) => '    ' + l).join('\n'));
        await t.failureShots();
    } finally {
        clearTimeout(timer);
        await t.close();
    }
}
await browser.close();
rmSync(scratch, { recursive: true, force: true });
if (tests.length === 0) {
    console.log('dashboard: no test matched');
    failed++;
}
console.log(`dashboard: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
