// Exports downloaded through the browser and opened again: the coverage table as XLSX, a
// drill-down list as XLSX and CSV.
import { join } from 'node:path';
import { assert, ExcelJS, SUPERVISOR, login, readCoverage, fetchWith, parseCsv } from './lib.mjs';

/** Clicks a download link, saves the file and returns [path, suggested name]. */
async function download(t, page, linkId) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(linkId).click()]);
    assert.equal(await dl.failure(), null);
    const name = dl.suggestedFilename();
    const path = join(t.scratch, `${Date.now()}-${name}`);
    await dl.saveAs(path);
    return [path, name];
}

/** The first worksheet as rows of cell values (1-based rows and columns as Excel counts them). */
async function openXlsx(path) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    assert.equal(wb.worksheets.length, 1, 'one worksheet');
    const ws = wb.worksheets[0];
    const rows = [];
    ws.eachRow({ includeEmpty: true }, (row, r) => {
        rows[r - 1] = [];
        row.eachCell({ includeEmpty: true }, (cell, c) => {
            rows[r - 1][c - 1] = cell.value;
        });
    });
    for (let i = 0; i < rows.length; i++) rows[i] = rows[i] ?? [];
    return { ws, rows };
}

export const tests = [
    {
        name: 'the coverage XLSX downloads and opens again with the page\'s area, month, numbers and percentages',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const table = await readCoverage(page);
            const month = await page.locator('#coverage-title').getAttribute('data-month');
            const asOf = (await page.locator('[data-testid="as-of"]').textContent()).trim();
            const [path, name] = await download(t, page, '#export-xlsx');
            assert.equal(name, `cakupan-${month}.xlsx`);
            const { ws, rows } = await openXlsx(path);
            assert.equal(ws.name, 'Cakupan');
            // The heading block: area, month, generation time, as of.
            assert.deepEqual(rows[0].slice(0, 2), ['Wilayah', 'Oesapa']);
            assert.deepEqual(rows[1].slice(0, 2), ['Bulan', month]);
            assert.equal(rows[2][0], 'Dibuat');
            assert.match(rows[2][1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} WITA$/);
            assert.deepEqual(rows[3].slice(0, 2), ['Dihitung sampai', asOf]);
            const hi = rows.findIndex((r) => r[0] === 'code');
            assert.ok(hi > 3, 'the column header row');
            const header = rows[hi];
            assert.ok(ws.getRow(hi + 1).getCell(1).font?.bold, 'the header row is bold');
            const col = Object.fromEntries(header.map((h, i) => [h, i]));
            for (const h of ['Indikator', 'Pembilang', 'Penyebut', '%', 'Target %', 'band']) assert.ok(h in col, `no ${h} column`);
            assert.equal(header.at(-1), `% ${month}`);
            const data = rows.slice(hi + 1).filter((r) => r.length);
            assert.equal(data.length, table.length, 'one row per indicator');
            for (const r of table) {
                const x = data.find((d) => d[0] === r.code);
                assert.ok(x, `${r.code} not in the XLSX`);
                assert.equal(x[col.Indikator], r.label);
                // Numbers are number cells, not text: the Dinkes sheets sum them.
                assert.equal(typeof x[col.Pembilang], 'number', `${r.code} numerator is ${typeof x[col.Pembilang]}`);
                assert.equal(x[col.Pembilang], r.num, `${r.code} numerator`);
                assert.equal(x[col.Penyebut], r.den, `${r.code} denominator`);
                assert.equal(x[col['%']] ?? null, r.pct, `${r.code} %`);
                assert.equal(x[col['Target %']] ?? null, r.target, `${r.code} target`);
                assert.equal(x[col.band], r.band, `${r.code} band`);
                assert.deepEqual(header.slice(-12).map((_, i) => x[header.length - 12 + i] ?? null), r.trend, `${r.code} trend`);
            }
        },
    },
    {
        name: 'a drill-down list exports as XLSX and CSV with the same persons as the page',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const d = (await readCoverage(page)).find((r) => r.code === 'skdn_d');
            await Promise.all([page.waitForURL('**/dashboard/coverage/skdn_d?*'), page.locator('#missing-skdn_d').click()]);
            const month = await page.locator('#drill-title').getAttribute('data-month');
            const onPage = await page.locator('[data-testid="subject-row"]').evaluateAll((trs) =>
                trs.map((tr) => [tr.dataset.id, tr.querySelector('[data-testid="subject-name"]').textContent.trim(), tr.querySelector('[data-testid="subject-kader"]').textContent.trim()]),
            );
            assert.equal(onPage.length, d.den - d.num);
            const [path, name] = await download(t, page, '#export-list-xlsx');
            assert.equal(name, `daftar-skdn_d-missing-${month}.xlsx`);
            const { rows } = await openXlsx(path);
            assert.deepEqual(rows[0].slice(0, 2), ['Wilayah', 'Oesapa']);
            assert.deepEqual(rows[1].slice(0, 2), ['Bulan', month]);
            assert.equal(rows[2][0], 'Dibuat');
            assert.deepEqual(rows[3].slice(0, 2), ['Indikator', 'D: balita ditimbang bulan ini (D/S)']);
            const hi = rows.findIndex((r) => r[0] === 'id');
            const col = Object.fromEntries(rows[hi].map((h, i) => [h, i]));
            const inXlsx = rows.slice(hi + 1).filter((r) => r.length).map((r) => [r[col.id], r[col.Nama], r[col.Kader]]);
            assert.deepEqual(inXlsx, onPage);
            // The CSV of the same list.
            const res = await fetchWith(page, await page.locator('#export-list-csv').getAttribute('href'));
            assert.equal(res.status(), 200);
            assert.match(res.headers()['content-disposition'], new RegExp(`filename="daftar-skdn_d-missing-${month}\\.csv"`));
            const csv = parseCsv(await res.text());
            const ch = csv.findIndex((r) => r[0] === 'id');
            const ccol = Object.fromEntries(csv[ch].map((h, i) => [h, i]));
            const inCsv = csv.slice(ch + 1).filter((r) => r.length > 1).map((r) => [r[ccol.id], r[ccol.Nama], r[ccol.Kader]]);
            assert.deepEqual(inCsv, onPage);
        },
    },
];
