// Administration: an admin adds a user, assigns an area, and revokes a lost phone (its token is
// refused by /api/v1/pull afterwards); a field error names the field; an admin cannot disable
// themself; the users and devices lists download as XLSX and CSV with the page's rows; the users
// table stacks its rows on a phone; a supervisor is refused the pages, forms and exports.
import { join } from 'node:path';
import { assert, ExcelJS, SERVER, SUPERVISOR, KADER, ADMIN, PHONE, login, password, fetchWith, parseCsv } from './lib.mjs';

const NEW_USER = `kader.uji.${Date.now().toString(36)}`;

export const tests = [
    {
        name: 'an admin adds a user, assigns an area, and a wrong area names its field',
        async run(t) {
            const page = await login(t, ADMIN);
            await Promise.all([page.waitForURL('**/dashboard/admin/users'), page.locator('#nav-admin-users').click()]);
            assert.ok((await page.locator('[data-testid="user-row"]').count()) > 3);
            // The RW 001 and one of its RTs, from the list of area codes (typed as the admin reads them).
            const keys = await page.locator('[data-testid="area-key"]').evaluateAll((trs) =>
                trs.map((tr) => ({ level: tr.dataset.level, id: tr.dataset.id, key: tr.querySelector('code').textContent, label: tr.cells[1].textContent })),
            );
            const rw = keys.find((k) => k.level === 'rw' && k.label.startsWith('RW 001'));
            const rt = keys.find((k) => k.level === 'rt' && k.label.includes('/ RW 001'));
            const village = keys.find((k) => k.level === 'village');
            assert.ok(rw && rt && village);

            // A kader cannot be given the kelurahan: 400, naming the field, nobody added.
            await page.locator('#new-username').fill(NEW_USER);
            await page.locator('#new-display-name').fill('Kader Uji');
            await page.locator('#new-role').selectOption('kader');
            await page.locator('#new-areas').fill(village.key);
            await page.locator('#new-password').fill('rahasia-uji');
            const [bad] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('#add-user').click()]);
            assert.equal(bad.status(), 400);
            assert.match(await page.locator('#message').textContent(), /^areas: /);
            await page.goto(`${SERVER}/dashboard/admin/users`);
            assert.equal(await page.locator(`[data-testid="user-row"][data-user="${NEW_USER}"]`).count(), 0);

            await page.locator('#new-username').fill(NEW_USER);
            await page.locator('#new-display-name').fill('Kader Uji');
            await page.locator('#new-role').selectOption('kader');
            await page.locator('#new-areas').fill(rw.key);
            await page.locator('#new-password').fill('rahasia-uji');
            await Promise.all([page.waitForURL('**/dashboard/admin/users?done=added'), page.locator('#add-user').click()]);
            const row = page.locator(`[data-testid="user-row"][data-user="${NEW_USER}"]`);
            assert.match(rw.key, /^\d\d\.\d\d\.\d\d\.\d{4}\/001$/);
            assert.equal(await row.locator('[data-testid="user-areas"]').getAttribute('data-area-ids'), rw.id);
            // The assignment form shows the codes, not ids.
            assert.equal(await row.locator('input[name="areas"]').inputValue(), rw.key);
            assert.equal(await row.locator('[data-testid="user-status"]').textContent(), 'aktif');

            // Assign an RT instead.
            await row.locator('input[name="areas"]').fill(rt.key);
            await Promise.all([page.waitForURL('**/dashboard/admin/users?done=assigned'), row.locator('[data-testid="assign"]').click()]);
            const again = page.locator(`[data-testid="user-row"][data-user="${NEW_USER}"]`);
            assert.equal(await again.locator('[data-testid="user-areas"]').getAttribute('data-area-ids'), rt.id);
            assert.match(await again.locator('[data-testid="user-areas"]').textContent(), /^RT /);
            await t.shot(page, '16-admin-users');
            // The new user logs in to the dashboard and sees her RT.
            const hers = await t.page();
            await hers.goto(`${SERVER}/dashboard/login`);
            await hers.locator('input[name="username"]').fill(NEW_USER);
            await hers.locator('input[name="password"]').fill('rahasia-uji');
            await Promise.all([hers.waitForURL('**/dashboard/coverage'), hers.locator('#login-submit').click()]);
            assert.equal(await hers.locator('#area-picker option[selected]').getAttribute('value'), rt.id);
        },
    },
    {
        name: 'an admin revokes a lost phone and its token is refused by pull',
        async run(t) {
            const page = await login(t, ADMIN);
            const device = crypto.randomUUID();
            const res = await page.request.post(`${SERVER}/api/v1/login`, {
                data: { protocol: 1, username: KADER, secret: password(KADER), device_id: device, device_name: 'HP hilang' },
            });
            assert.equal(res.status(), 200);
            const { token } = await res.json();
            const pull = () =>
                page.request.post(`${SERVER}/api/v1/pull`, {
                    headers: { authorization: `Bearer ${token}` },
                    data: { protocol: 1, device_id: device, cursor: null, max_changes: 10 },
                });
            assert.equal((await pull()).status(), 200);
            await Promise.all([page.waitForURL('**/dashboard/admin/devices'), page.locator('#nav-admin-devices').click()]);
            const row = page.locator(`[data-testid="device-row"][data-device="${device}"]`);
            assert.equal(await row.getAttribute('data-user'), KADER);
            assert.equal(await row.getAttribute('data-revoked'), 'false');
            assert.match(await row.locator('[data-testid="last-sync"]').textContent(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
            await t.shot(page, '17-admin-devices');
            await Promise.all([page.waitForURL('**/dashboard/admin/devices?done=revoked'), row.locator('[data-testid="revoke"]').click()]);
            const after = page.locator(`[data-testid="device-row"][data-device="${device}"]`);
            assert.equal(await after.getAttribute('data-revoked'), 'true');
            assert.equal(await after.locator('[data-testid="revoke"]').count(), 0);
            assert.equal((await pull()).status(), 401);
        },
    },
    {
        name: 'a supervisor is refused the admin pages and forms',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            assert.equal(await page.locator('#nav-admin-users').count(), 0);
            for (const path of ['/dashboard/admin/users', '/dashboard/admin/devices']) {
                const res = await page.goto(`${SERVER}${path}`);
                assert.equal(res.status(), 403, path);
                await page.locator('[data-testid="forbidden"]').waitFor();
                assert.equal(await page.locator('#users-table, #devices-table').count(), 0);
            }
            // A forged add-user form with the supervisor's own CSRF token is refused too.
            await page.goto(`${SERVER}/dashboard/coverage`);
            const csrf = await page.locator('#logout-form input[name="csrf"]').inputValue();
            const res = await page.request.post(`${SERVER}/dashboard/admin/users/add`, {
                form: { csrf, username: 'penyusup', role: 'admin', password: 'rahasia-x' },
                maxRedirects: 0,
            });
            assert.equal(res.status(), 403);
            for (const path of ['/dashboard/export/users.xlsx', '/dashboard/export/users.csv', '/dashboard/export/devices.xlsx', '/dashboard/export/devices.csv']) {
                assert.equal((await fetchWith(page, path)).status(), 403, path);
            }
        },
    },
    {
        name: 'an admin cannot disable their own account: no button, and a forged form is refused in Indonesian',
        async run(t) {
            const page = await login(t, ADMIN);
            await Promise.all([page.waitForURL('**/dashboard/admin/users'), page.locator('#nav-admin-users').click()]);
            const own = page.locator(`[data-testid="user-row"][data-user="${ADMIN}"]`);
            assert.equal(await own.locator('[data-testid="disable"]').count(), 0);
            assert.equal(await own.locator('[data-testid="self"]').textContent(), 'akun Anda');
            // The disable form posted for herself anyway (as a stale or forged page would).
            const [res] = await Promise.all([
                page.waitForResponse((r) => r.request().method() === 'POST'),
                page.evaluate((user) => {
                    const f = document.createElement('form');
                    f.method = 'post';
                    f.action = '/dashboard/admin/users/disable';
                    for (const [k, v] of [['csrf', document.querySelector('#logout-form input[name="csrf"]').value], ['username', user]]) {
                        const i = document.createElement('input');
                        i.type = 'hidden';
                        i.name = k;
                        i.value = v;
                        f.append(i);
                    }
                    document.body.append(f);
                    f.submit();
                }, ADMIN),
            ]);
            assert.equal(res.status(), 400);
            await page.locator('[data-testid="error"]').waitFor();
            assert.equal(await page.locator('#message').textContent(), 'username: Anda tidak dapat menonaktifkan akun Anda sendiri; minta admin lain melakukannya.');
            await t.shot(page, '16b-admin-self-disable-refused');
            await page.goto(`${SERVER}/dashboard/admin/users`);
            assert.equal(await page.locator(`[data-testid="user-row"][data-user="${ADMIN}"]`).getAttribute('data-active'), 'true');
        },
    },
    {
        name: 'the users and devices lists download as XLSX and CSV with the page\'s rows',
        async run(t) {
            const page = await login(t, ADMIN);
            await page.goto(`${SERVER}/dashboard/admin/users`);
            const users = await page.locator('[data-testid="user-row"]').evaluateAll((trs) =>
                trs.map((tr) => [
                    tr.dataset.user,
                    tr.dataset.role,
                    tr.querySelector('[data-testid="user-areas"]').getAttribute('data-area-ids'),
                    tr.querySelector('input[name="areas"]').value.split(', ').join('; '),
                    tr.querySelector('[data-testid="user-status"]').textContent.trim(),
                ]),
            );
            const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#export-users-xlsx').click()]);
            assert.equal(dl.suggestedFilename(), 'pengguna.xlsx');
            const path = join(t.scratch, `${Date.now()}-${dl.suggestedFilename()}`);
            await dl.saveAs(path);
            const wb = new ExcelJS.Workbook();
            await wb.xlsx.readFile(path);
            const rows = [];
            wb.worksheets[0].eachRow({ includeEmpty: true }, (row, i) => {
                rows[i - 1] = row.values.slice(1);
            });
            assert.deepEqual(rows[0].slice(0, 2), ['Wilayah', 'Semua wilayah']);
            assert.equal(rows[1][0], 'Dibuat', 'no month: the list is not of one');
            assert.match(rows[1][1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} WITA$/);
            const hi = rows.findIndex((r) => r && r[0] === 'Nama pengguna');
            const col = Object.fromEntries(rows[hi].map((h, i) => [h, i]));
            const data = rows.slice(hi + 1).filter((r) => r && r.length);
            assert.deepEqual(
                data.map((r) => [r[0], r[col.Peran], r[col['Id wilayah']] ?? '', r[col['Kode wilayah']] ?? '', r[col.Status]]),
                users,
            );
            // Devices as CSV: the kader's phone that synced, with its last sync.
            const device = crypto.randomUUID();
            const login2 = await page.request.post(`${SERVER}/api/v1/login`, {
                data: { protocol: 1, username: KADER, secret: password(KADER), device_id: device, device_name: 'HP ekspor' },
            });
            assert.equal(login2.status(), 200);
            await page.goto(`${SERVER}/dashboard/admin/devices`);
            const onPage = await page.locator(`[data-testid="device-row"][data-device="${device}"] [data-testid="last-sync"]`).textContent();
            const res = await fetchWith(page, await page.locator('#export-devices-csv').getAttribute('href'));
            assert.equal(res.status(), 200);
            assert.match(res.headers()['content-disposition'], /filename="perangkat\.csv"/);
            const csv = parseCsv(await res.text());
            assert.deepEqual(csv[0].slice(0, 2), ['Wilayah', 'Semua wilayah']);
            const ch = csv.findIndex((r) => r[0] === 'Nama pengguna');
            const body = csv.slice(ch + 1).filter((r) => r.length > 1);
            assert.equal(body.length, await page.locator('[data-testid="device-row"]').count());
            const mine = body.find((r) => r[1] === device);
            assert.deepEqual(mine.slice(0, 3), [KADER, device, 'HP ekspor']);
            assert.equal(mine[4], onPage.trim());
        },
    },
    {
        name: 'the admin users table stacks its rows on a phone-sized screen',
        async run(t) {
            const page = await login(t, ADMIN, { viewport: PHONE, isMobile: true });
            await page.goto(`${SERVER}/dashboard/admin/users`);
            await page.locator('#users-table').waitFor();
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
            const wide = await page.locator('#users-table').evaluate((t) => t.closest('.table-wrap').scrollWidth - t.closest('.table-wrap').clientWidth);
            assert.ok(wide <= 0, `the users table scrolls sideways by ${wide}px`);
            // Every row's cells and forms lie inside the screen.
            const outside = await page.locator('[data-testid="user-row"]').evaluateAll((trs) =>
                trs.flatMap((tr) =>
                    [...tr.querySelectorAll('td, input, button')]
                        .filter((el) => {
                            const r = el.getBoundingClientRect();
                            return r.width > 0 && (r.left < -0.5 || r.right > window.innerWidth + 0.5);
                        })
                        .map((el) => `${tr.dataset.user}: ${el.tagName} ${el.getAttribute('data-testid') ?? el.name ?? ''}`),
                ),
            );
            assert.deepEqual(outside, []);
            // Cells are named, since the header row is not shown.
            const label = await page.locator('[data-testid="user-row"] [data-testid="user-role"]').first().evaluate((td) => getComputedStyle(td, '::before').content);
            assert.equal(label, '"Peran"');
            await page.locator(`[data-testid="user-row"][data-user="${KADER}"]`).scrollIntoViewIfNeeded();
            await t.shot(page, '16c-admin-users-phone', { fullPage: false });
        },
    },
];
