// Kader and bidan activity: the supervisor's page lists the demo kaders and the bidan with their
// visits of the month, the overdue items of their area (as of today), each device's last sync and
// the sync items refused in the month; a phone that synced shows its last sync; the table exports
// as XLSX and CSV with the page's rows; a kader sees only the kaders of her RW and is refused the
// kelurahan's export.
import { join } from 'node:path';
import { assert, ExcelJS, SERVER, SUPERVISOR, KADER, login, cellNumber, password, fetchWith, parseCsv } from './lib.mjs';

/** The rows of the activity table: { user, role, visits, overdue, refused, devices }. */
async function readActivity(page) {
    const rows = await page.locator('[data-testid="activity-row"]').evaluateAll((trs) =>
        trs.map((tr) => ({
            user: tr.dataset.user,
            role: tr.dataset.role,
            visits: tr.querySelector('[data-testid="visits"]').textContent,
            overdue: tr.querySelector('[data-testid="overdue"]').textContent,
            refused: tr.querySelector('[data-testid="refused"]').textContent,
            devices: [...tr.querySelectorAll('[data-testid="device"]')].map((d) => ({
                id: d.dataset.device,
                sync: d.querySelector('[data-testid="last-sync"]').textContent.trim(),
            })),
        })),
    );
    return rows.map((r) => ({ ...r, visits: cellNumber(r.visits), overdue: cellNumber(r.overdue), refused: cellNumber(r.refused) }));
}

/** Logs a phone of `user` in to the sync API and pulls once: its device id. */
async function syncOnce(page, user) {
    const device = crypto.randomUUID();
    const login = await page.request.post(`${SERVER}/api/v1/login`, {
        data: { protocol: 1, username: user, secret: password(user), device_id: device, device_name: 'HP uji' },
    });
    assert.equal(login.status(), 200);
    const { token } = await login.json();
    const pull = await page.request.post(`${SERVER}/api/v1/pull`, {
        headers: { authorization: `Bearer ${token}` },
        data: { protocol: 1, device_id: device, cursor: null, max_changes: 10 },
    });
    assert.equal(pull.status(), 200);
    return { device, token };
}

/** The first worksheet of a downloaded XLSX as rows of values (0-based). */
async function xlsxRows(path) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const rows = [];
    wb.worksheets[0].eachRow({ includeEmpty: true }, (row, i) => {
        rows[i - 1] = row.values.slice(1);
    });
    for (let i = 0; i < rows.length; i++) rows[i] = rows[i] ?? [];
    return rows;
}

export const tests = [
    {
        name: 'the activity page lists the demo kaders and bidan with their visits, overdue items and last sync',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const { device } = await syncOnce(page, KADER);
            await Promise.all([page.waitForURL('**/dashboard/activity'), page.locator('#nav-activity').click()]);
            let rows = await readActivity(page);
            const kaders = rows.filter((r) => r.role === 'kader');
            assert.ok(kaders.length >= 2, `${kaders.length} kaders listed`);
            assert.ok(rows.some((r) => r.role === 'bidan'), 'the bidan is listed');
            for (const r of rows) {
                assert.ok(Number.isInteger(r.visits) && r.visits >= 0, `${r.user} visits`);
                assert.ok(Number.isInteger(r.overdue) && r.overdue >= 0, `${r.user} overdue`);
                assert.equal(r.refused, 0, `${r.user} refused`);
            }
            const mine = rows.find((r) => r.user === KADER);
            const d = mine.devices.find((x) => x.id === device);
            assert.ok(d, 'the phone that synced is listed under its kader');
            assert.match(d.sync, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
            // The demo records visits: this month or the one before has some.
            const months = await page.locator('#month-picker').getAttribute('max');
            const [y, m] = months.split('-').map(Number);
            const before = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
            let total = rows.reduce((s, r) => s + r.visits, 0);
            await t.shot(page, '15-activity');
            await page.goto(`${SERVER}/dashboard/activity?month=${before}`);
            rows = await readActivity(page);
            total += rows.reduce((s, r) => s + r.visits, 0);
            assert.ok(total > 0, 'no visits recorded in two months');
            // An RW: only its kaders (and the bidan only where the whole kelurahan is chosen).
            const rw = await page.locator('#area-picker option[data-level="rw"]').first().getAttribute('value');
            await page.goto(`${SERVER}/dashboard/activity?area=${rw}`);
            const label = await page.locator('#area-picker option[selected]').textContent();
            const rwNumber = label.match(/^RW (\d{3})/)[1];
            for (const r of await readActivity(page)) {
                if (r.role === 'kader') assert.match(r.user, new RegExp(`^kader\\.rw${rwNumber}\\.`));
            }
        },
    },
    {
        name: 'the activity table downloads as XLSX and CSV with the page\'s rows, area, month and generation time',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            await Promise.all([page.waitForURL('**/dashboard/activity'), page.locator('#nav-activity').click()]);
            const rows = await readActivity(page);
            const month = await page.locator('#page-title').getAttribute('data-month');
            assert.match(await page.locator('#activity-note').textContent(), /Tugas terlambat: keadaan per hari ini/);
            const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#export-activity-xlsx').click()]);
            assert.equal(dl.suggestedFilename(), `aktivitas-${month}.xlsx`);
            const path = join(t.scratch, `${Date.now()}-${dl.suggestedFilename()}`);
            await dl.saveAs(path);
            const x = await xlsxRows(path);
            assert.deepEqual(x[0].slice(0, 2), ['Wilayah', 'Oesapa']);
            assert.deepEqual(x[1].slice(0, 2), ['Bulan', month]);
            assert.equal(x[2][0], 'Dibuat');
            assert.match(x[2][1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} WITA$/);
            const hi = x.findIndex((r) => r[0] === 'Pengguna');
            const col = Object.fromEntries(x[hi].map((h, i) => [h, i]));
            for (const h of ['Kunjungan dicatat', 'Tugas terlambat di wilayahnya (per hari ini)', 'Item sinkron ditolak bulan ini']) assert.ok(h in col, `no ${h} column`);
            const data = x.slice(hi + 1).filter((r) => r.length);
            assert.deepEqual(
                data.map((r) => [r[0], r[col.Peran], r[col['Kunjungan dicatat']], r[col['Tugas terlambat di wilayahnya (per hari ini)']], r[col['Item sinkron ditolak bulan ini']]]),
                rows.map((r) => [r.user, r.role, r.visits, r.overdue, r.refused]),
            );
            // The CSV of the same table, in English.
            const res = await fetchWith(page, `${await page.locator('#export-activity-csv').getAttribute('href')}&lang=en`);
            assert.equal(res.status(), 200);
            assert.match(res.headers()['content-disposition'], new RegExp(`filename="aktivitas-${month}\\.csv"`));
            const csv = parseCsv(await res.text());
            assert.deepEqual(csv[1].slice(0, 2), ['Month', month]);
            const ch = csv.findIndex((r) => r[0] === 'User');
            const body = csv.slice(ch + 1).filter((r) => r.length > 1);
            assert.deepEqual(body.map((r) => [r[0], Number(r[4]), Number(r[5]), Number(r[7])]), rows.map((r) => [r.user, r.visits, r.overdue, r.refused]));
        },
    },
    {
        name: 'a kader sees the activity of her own RW only',
        async run(t) {
            const page = await login(t, KADER);
            await Promise.all([page.waitForURL('**/dashboard/activity'), page.locator('#nav-activity').click()]);
            const rows = await readActivity(page);
            assert.ok(rows.some((r) => r.user === KADER));
            for (const r of rows) {
                assert.equal(r.role, 'kader', `${r.user} (${r.role}) shown to a kader`);
                assert.match(r.user, /^kader\.rw001\./);
            }
            assert.equal(await page.locator('#nav-admin-users').count(), 0);
            // The kelurahan's activity and its export are out of her scope.
            const hers = await page.locator('#page-title').getAttribute('data-area');
            const supervisorPage = await login(t, SUPERVISOR);
            await supervisorPage.goto(`${SERVER}/dashboard/activity`);
            const kelurahan = await supervisorPage.locator('#page-title').getAttribute('data-area');
            assert.notEqual(kelurahan, hers);
            for (const path of [`/dashboard/activity?area=${kelurahan}`, `/dashboard/export/activity.xlsx?area=${kelurahan}`, `/dashboard/export/activity.csv?area=${kelurahan}`]) {
                const res = await fetchWith(page, path);
                assert.equal(res.status(), 403, path);
            }
        },
    },
];
