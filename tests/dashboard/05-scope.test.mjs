// Scope and CSRF: a kader sees only her RW and is refused another (403 page, also for its
// drill-down and exports); a POST without the session's CSRF token is refused.
import { assert, SERVER, SUPERVISOR, KADER, login, readCoverage, areaChoices, fetchWith } from './lib.mjs';

/** The area keys of the kelurahan and of RW 002, as the supervisor's picker lists them. */
async function supervisorAreas(t) {
    const page = await login(t, SUPERVISOR);
    const choices = await areaChoices(page);
    const village = choices.find((c) => c.level === 'village');
    const rw2 = choices.find((c) => c.level === 'rw' && c.label.startsWith('RW 002'));
    assert.ok(village && rw2, 'the supervisor can pick the kelurahan and RW 002');
    return { village, rw2 };
}

export const tests = [
    {
        name: 'a kader sees only her own RW, its RTs and its Posyandu',
        async run(t) {
            const page = await login(t, KADER);
            assert.equal(await page.locator('#current-user').getAttribute('data-role'), 'kader');
            const choices = await areaChoices(page);
            assert.ok(choices.length > 0);
            assert.ok(!choices.some((c) => c.level === 'village'), 'the kelurahan is offered to a kader');
            for (const c of choices) {
                if (c.level === 'posyandu') continue;
                assert.match(c.label, /RW 001, Oesapa$/, `${c.label} is offered to kader.rw001.a`);
            }
            const rw = choices.find((c) => c.level === 'rw');
            assert.ok(rw && rw.selected, 'her RW is the page shown first');
            assert.equal(await page.locator('#coverage-title').getAttribute('data-area'), rw.key);
            const rows = await readCoverage(page);
            for (const r of rows) assert.ok(r.num <= r.den, r.code);
            await t.shot(page, '11-coverage-kader');
        },
    },
    {
        name: 'a kader asking for another RW gets the 403 page, and so do its drill-down and exports',
        async run(t) {
            const { village, rw2 } = await supervisorAreas(t);
            const page = await login(t, KADER);
            const res = await page.goto(`${SERVER}/dashboard/coverage?area=${rw2.key}`);
            assert.equal(res.status(), 403);
            await page.locator('[data-testid="forbidden"]').waitFor();
            assert.equal(await page.locator('html').getAttribute('lang'), 'id');
            assert.equal((await page.locator('[data-testid="forbidden"] h1').textContent()).trim(), 'Akses ditolak');
            assert.match(await page.locator('#message').textContent(), /di luar wilayah tugas Anda/);
            // Nothing of RW 002 leaks onto the refusal.
            assert.equal(await page.locator('#coverage-table').count(), 0);
            assert.ok(!(await page.content()).includes('RW 002'), 'the refusal names RW 002');
            await t.shot(page, '12-forbidden-area');
            // The way back leads to her own coverage.
            await Promise.all([page.waitForURL('**/dashboard/coverage'), page.locator('#back').click()]);
            assert.equal(await page.locator('#coverage-title').count(), 1);
            // The kelurahan, the drill-down and every export of what is outside her scope.
            for (const url of [
                `/dashboard/coverage?area=${village.key}`,
                `/dashboard/coverage/skdn_d?area=${rw2.key}&side=missing`,
                `/dashboard/coverage/bgm?area=${village.key}&side=counted`,
                `/dashboard/export/coverage.xlsx?area=${rw2.key}`,
                `/dashboard/export/coverage.csv?area=${rw2.key}`,
                `/dashboard/export/list.xlsx?indicator=skdn_d&side=missing&area=${rw2.key}`,
                `/dashboard/export/list.csv?indicator=skdn_d&side=missing&area=${village.key}`,
            ]) {
                const r = await fetchWith(page, url);
                assert.equal(r.status(), 403, `${url} answered ${r.status()}`);
                assert.match(r.headers()['content-type'], /^text\/html/, `${url} sent a file`);
            }
        },
    },
    {
        name: 'a form POST without the session\'s CSRF token is refused and changes nothing',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const before = await page.locator('#target-skdn_d').inputValue();
            // A forged form: the targets form without its token, a new target typed in.
            await page.locator('#target-skdn_d').fill('42');
            await page.evaluate(() => document.querySelector('#targets-form input[name="csrf"]').remove());
            const [res] = await Promise.all([
                page.waitForResponse((r) => r.request().method() === 'POST'),
                page.locator('#save-targets').click(),
            ]);
            assert.equal(res.status(), 403);
            await page.locator('[data-testid="csrf-refused"]').waitFor();
            assert.match(await page.locator('#message').textContent(), /token CSRF tidak cocok/);
            await t.shot(page, '13-csrf-refused');
            await page.goto(`${SERVER}/dashboard/coverage`);
            assert.equal(await page.locator('#target-skdn_d').inputValue(), before, 'the target changed');
            // A wrong token on logout leaves the session alive.
            const forged = await page.request.post(`${SERVER}/dashboard/logout`, { form: { csrf: 'forged' }, maxRedirects: 0 });
            assert.equal(forged.status(), 403);
            await page.goto(`${SERVER}/dashboard/coverage`);
            assert.equal(await page.locator('#current-user').count(), 1, 'signed out by a forged logout');
        },
    },
];
