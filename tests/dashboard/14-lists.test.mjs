// "Daftar tindakan": the lists supervisors act on. The lists that are a side of a coverage row count
// what the coverage table counts and open its drill-down; pregnant women behind on ANC, overdue
// immunizations (both as of today, from the replica store's due items) and emergency referrals
// (the month's events) have their own exports.
import { join } from 'node:path';
import { assert, ExcelJS, SUPERVISOR, PHONE, login, readCoverage, fetchWith, parseCsv } from './lib.mjs';

async function openLists(page) {
    await Promise.all([page.waitForURL('**/dashboard/lists*'), page.locator('#nav-lists').click()]);
    await page.locator('#lists-title').waitFor();
}

async function readLists(page) {
    return page.locator('[data-testid="action-list"]').evaluateAll((sections) =>
        sections.map((s) => ({
            key: s.dataset.list,
            asOf: s.dataset.asOf ?? null,
            title: s.querySelector('h2').textContent.trim(),
            indicator: s.dataset.indicator ?? null,
            side: s.dataset.side ?? null,
            count: Number(s.querySelector('[data-testid="list-count"]').textContent),
            rows: [...s.querySelectorAll('[data-testid="list-row"]')].map((tr) => ({
                id: tr.dataset.id,
                name: tr.querySelector('[data-testid="list-name"]').textContent.trim(),
                rt: tr.querySelector('[data-testid="list-rt"]').textContent.trim(),
                kader: tr.querySelector('[data-testid="list-kader"]').textContent.trim(),
                what: tr.querySelector('[data-testid="list-what"]')?.textContent.trim() ?? '',
                due: tr.querySelector('[data-testid="list-due"]')?.textContent.trim() ?? null,
                pickup: tr.dataset.pickup ?? null,
            })),
        })),
    );
}

export const tests = [
    {
        name: 'action lists: each count equals the coverage number it comes from, and opens its drill-down',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const coverage = Object.fromEntries((await readCoverage(page)).map((r) => [r.code, r]));
            const month = await page.locator('#coverage-title').getAttribute('data-month');
            await openLists(page);
            assert.equal(await page.locator('#lists-title').getAttribute('data-month'), month);
            assert.match(await page.locator('#lists-title').textContent(), /^Daftar tindakan · Oesapa · /);
            const lists = await readLists(page);
            const keys = lists.map((l) => l.key);
            for (const k of ['not_weighed', 'two_t', 'bgm', 'stunted', 'wasted', 'anc_behind', 'no_kn1', 'no_kf1', 'no_jkn', 'overdue_immunizations', 'emergency_referrals']) {
                assert.ok(keys.includes(k), `no ${k} list`);
            }
            for (const l of lists.filter((x) => x.indicator)) {
                const r = coverage[l.indicator];
                assert.ok(r, `${l.key}: no coverage row ${l.indicator}`);
                assert.equal(l.count, l.side === 'missing' ? r.den - r.num : r.num, `${l.key} count`);
                assert.equal(l.rows.length, Math.min(5, l.count), `${l.key} first rows`);
                for (const row of l.rows) {
                    assert.ok(row.name.length > 1 && /^RT \d{3} \/ RW \d{3}/.test(row.rt) && row.kader !== '-', `${l.key}: ${JSON.stringify(row)}`);
                    assert.ok(row.what.length > 0, `${l.key}: nothing said missing`);
                }
            }
            assert.ok(lists.find((l) => l.key === 'not_weighed').count > 0, 'the demo has children not weighed');
            await t.shot(page, '14-lists');
            // The not-weighed list opens the drill-down of D/S's missing side, with as many persons.
            const notWeighed = lists.find((l) => l.key === 'not_weighed');
            await Promise.all([page.waitForURL('**/dashboard/coverage/skdn_d?*'), page.locator('#full-not_weighed').click()]);
            assert.equal(await page.locator('#drill-title').getAttribute('data-side'), 'missing');
            assert.equal(Number(await page.locator('#drill-count').textContent()), notWeighed.count);
            const ids = await page.locator('[data-testid="subject-row"]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
            assert.deepEqual(ids.slice(0, notWeighed.rows.length), notWeighed.rows.map((r) => r.id));
        },
    },
    {
        name: 'action lists: women behind on ANC, overdue immunizations and emergency referrals show rows and export as XLSX and CSV',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            await openLists(page);
            const lists = await readLists(page);
            const month = await page.locator('#lists-title').getAttribute('data-month');
            const overdue = lists.find((l) => l.key === 'overdue_immunizations');
            assert.ok(overdue.count > 0, 'the demo has overdue doses');
            // As of today whatever the month: the title says so, with the date.
            const asOf = overdue.asOf;
            assert.match(asOf, /^\d{4}-\d{2}-\d{2}$/);
            assert.ok(overdue.title.startsWith(`Imunisasi terlambat per hari ini (${asOf})`), overdue.title);
            assert.equal(overdue.rows.length, Math.min(5, overdue.count));
            const today = new Date().toISOString().slice(0, 10);
            for (const r of overdue.rows) {
                assert.match(r.what, /^Imunisasi /, `dose of ${r.name}`);
                assert.match(r.due, /^\d{4}-\d{2}-\d{2}$/);
                assert.ok(r.due <= today, `${r.name}: due ${r.due} is not past`);
            }
            const referrals = lists.find((l) => l.key === 'emergency_referrals');
            assert.ok(referrals.count > 0, 'the demo has emergency referrals this month');
            for (const r of referrals.rows) assert.ok(['true', 'false'].includes(r.pickup), r.name);
            assert.ok(referrals.rows.some((r) => r.pickup === 'true'), 'a pick-up called');
            // The overdue doses as XLSX, opened again.
            const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#xlsx-overdue_immunizations').click()]);
            assert.equal(dl.suggestedFilename(), `imunisasi-terlambat-per-${asOf}.xlsx`);
            const path = join(t.scratch, `${Date.now()}-${dl.suggestedFilename()}`);
            await dl.saveAs(path);
            const wb = new ExcelJS.Workbook();
            await wb.xlsx.readFile(path);
            const rows = [];
            wb.worksheets[0].eachRow({ includeEmpty: true }, (row, i) => {
                rows[i - 1] = row.values.slice(1);
            });
            assert.deepEqual(rows[0].slice(0, 2), ['Wilayah', 'Oesapa']);
            // No month: the file is as of today, and says so.
            assert.deepEqual(rows[1].slice(0, 2), ['Keadaan per', `${asOf} (per hari ini)`]);
            assert.equal(rows[2][0], 'Dibuat');
            assert.match(rows[2][1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} WITA$/);
            assert.ok(!rows.some((r) => r && r[0] === 'Bulan'), 'no month in an as-of-today file');
            const hi = rows.findIndex((r) => r && r[0] === 'id');
            const data = rows.slice(hi + 1).filter((r) => r && r.length);
            assert.equal(data.length, overdue.count, 'rows in the XLSX');
            assert.deepEqual(data.slice(0, overdue.rows.length).map((r) => r[0]), overdue.rows.map((r) => r.id));
            // The referrals as CSV.
            const res = await fetchWith(page, await page.locator('#csv-emergency_referrals').getAttribute('href'));
            assert.equal(res.status(), 200);
            assert.match(res.headers()['content-disposition'], new RegExp(`filename="rujukan-darurat-${month}\\.csv"`));
            const csv = parseCsv(await res.text());
            assert.equal(csv[0][1], 'Oesapa');
            const ch = csv.findIndex((r) => r[0] === 'id');
            const body = csv.slice(ch + 1).filter((r) => r.length > 1);
            assert.equal(body.length, referrals.count);
            assert.deepEqual(body.slice(0, referrals.rows.length).map((r) => r[1]), referrals.rows.map((r) => r.name));
            // Pregnant women behind on ANC: each with the contacts overdue (still open) or missed
            // (window closed) today and since when, the longest behind first; the XLSX holds the
            // same women.
            const anc = lists.find((l) => l.key === 'anc_behind');
            assert.equal(anc.indicator, null, 'not a coverage row');
            assert.ok(anc.count > 0, 'the demo has women behind on ANC');
            assert.equal(anc.asOf, asOf);
            assert.ok(anc.title.startsWith(`Ibu hamil tertinggal ANC (kontak terlambat) per hari ini (${asOf})`), anc.title);
            assert.equal(anc.rows.length, Math.min(5, anc.count));
            for (const r of anc.rows) {
                const contact = 'K[1-6]( \\(dokter\\))? \\((terlambat|terlewat), sejak \\d{4}-\\d{2}-\\d{2}\\)';
                assert.match(r.what, new RegExp(`^${contact}(; ${contact})*$`), `${r.name}: ${r.what}`);
                assert.ok(r.due <= asOf && r.what.includes(`sejak ${r.due})`), `${r.name}: since ${r.due}`);
            }
            for (let i = 1; i < anc.rows.length; i++) assert.ok(anc.rows[i - 1].due <= anc.rows[i].due, 'oldest first');
            const [ancDl] = await Promise.all([page.waitForEvent('download'), page.locator('#xlsx-anc_behind').click()]);
            assert.equal(ancDl.suggestedFilename(), `anc-terlambat-per-${asOf}.xlsx`);
            const ancPath = join(t.scratch, `${Date.now()}-${ancDl.suggestedFilename()}`);
            await ancDl.saveAs(ancPath);
            const ancWb = new ExcelJS.Workbook();
            await ancWb.xlsx.readFile(ancPath);
            const ancRows = [];
            ancWb.worksheets[0].eachRow({ includeEmpty: true }, (row, i) => {
                ancRows[i - 1] = row.values.slice(1);
            });
            assert.deepEqual(ancRows[1].slice(0, 2), ['Keadaan per', `${asOf} (per hari ini)`]);
            const ahi = ancRows.findIndex((r) => r && r[0] === 'id');
            const ancData = ancRows.slice(ahi + 1).filter((r) => r && r.length);
            assert.equal(ancData.length, anc.count, 'rows in the ANC XLSX');
            assert.deepEqual(
                ancData.slice(0, anc.rows.length).map((r) => [r[0], r[1], r[5], r[6]]),
                anc.rows.map((r) => [r.id, r.name, r.what, r.due]),
            );
            // English.
            await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'en'), page.locator('#lang-en').click()]);
            assert.match(await page.locator('#lists-title').textContent(), /^Action lists · Oesapa · /);
            assert.deepEqual((await readLists(page)).map((l) => l.count), lists.map((l) => l.count));
            await page.locator('#lang-id').click();
        },
    },
    {
        name: 'action lists on a phone-sized screen',
        async run(t) {
            const page = await login(t, SUPERVISOR, { viewport: PHONE, isMobile: true });
            await openLists(page);
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
            const wide = await page.locator('.action-list .table-wrap').evaluateAll((ws) => ws.map((w) => w.scrollWidth - w.clientWidth));
            assert.ok(wide.every((w) => w <= 1), `a list scrolls sideways: ${wide}`);
            await page.locator('#list-not_weighed').scrollIntoViewIfNeeded();
            await t.shot(page, '14b-lists-phone', { fullPage: false });
        },
    },
];
