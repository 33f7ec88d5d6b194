// Kader and bidan activity: the supervisor's page lists the demo kaders and the bidan with their
// visits of the month, the overdue items of their area, each device's last sync and the refused
// sync items; a phone that synced shows its last sync; a kader sees only the kaders of her RW.
import { assert, SERVER, SUPERVISOR, KADER, login, cellNumber, password } from './lib.mjs';

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
        },
    },
];
