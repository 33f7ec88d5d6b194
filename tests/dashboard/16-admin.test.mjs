// Administration: an admin adds a user, assigns an area, and revokes a lost phone (its token is
// refused by /api/v1/pull afterwards); a field error names the field; a supervisor is refused.
import { assert, SERVER, SUPERVISOR, KADER, ADMIN, login, password } from './lib.mjs';

const NEW_USER = `kader.uji.${Date.now().toString(36)}`;

export const tests = [
    {
        name: 'an admin adds a user, assigns an area, and a wrong area names its field',
        async run(t) {
            const page = await login(t, ADMIN);
            await Promise.all([page.waitForURL('**/dashboard/admin/users'), page.locator('#nav-admin-users').click()]);
            assert.ok((await page.locator('[data-testid="user-row"]').count()) > 3);
            // The RW 001 and one of its RTs, from the list of area ids.
            const keys = await page.locator('[data-testid="area-key"]').evaluateAll((trs) =>
                trs.map((tr) => ({ level: tr.dataset.level, key: tr.querySelector('code').textContent, label: tr.cells[1].textContent })),
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
            assert.equal(await row.locator('[data-testid="user-areas"]').getAttribute('data-area-ids'), rw.key);
            assert.equal(await row.locator('[data-testid="user-status"]').textContent(), 'aktif');

            // Assign an RT instead.
            await row.locator('input[name="areas"]').fill(rt.key);
            await Promise.all([page.waitForURL('**/dashboard/admin/users?done=assigned'), row.locator('[data-testid="assign"]').click()]);
            const again = page.locator(`[data-testid="user-row"][data-user="${NEW_USER}"]`);
            assert.equal(await again.locator('[data-testid="user-areas"]').getAttribute('data-area-ids'), rt.key);
            assert.match(await again.locator('[data-testid="user-areas"]').textContent(), /^RT /);
            await t.shot(page, '16-admin-users');
            // The new user logs in to the dashboard and sees her RT.
            const hers = await t.page();
            await hers.goto(`${SERVER}/dashboard/login`);
            await hers.locator('input[name="username"]').fill(NEW_USER);
            await hers.locator('input[name="password"]').fill('rahasia-uji');
            await Promise.all([hers.waitForURL('**/dashboard/coverage'), hers.locator('#login-submit').click()]);
            assert.equal(await hers.locator('#area-picker option[selected]').getAttribute('value'), rt.key);
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
        },
    },
];
