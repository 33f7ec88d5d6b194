// Drill-down: from a number of the coverage table to the persons or households behind it.
import { assert, SUPERVISOR, login, readCoverage, areaChoices } from './lib.mjs';

/** The drill-down list of the page: one entry per row. */
async function readSubjects(page) {
    return page.locator('[data-testid="subject-row"]').evaluateAll((trs) =>
        trs.map((tr) => {
            const text = (id) => tr.querySelector(`[data-testid="${id}"]`)?.textContent.trim() ?? '';
            return {
                id: tr.dataset.id,
                kind: tr.dataset.kind,
                name: text('subject-name'),
                age: text('subject-age'),
                rt: text('subject-rt'),
                kader: text('subject-kader'),
                also: [...tr.querySelectorAll('[data-testid="subject-also-missing"] [data-code]')].map((s) => s.dataset.code),
            };
        }),
    );
}

/** Clicks a link of the coverage table and waits for the drill-down page it opens. */
async function open(page, linkId) {
    const clicked = Number((await page.locator(linkId).textContent()).trim());
    await Promise.all([page.waitForURL('**/dashboard/coverage/*'), page.locator(linkId).click()]);
    await page.locator('#drill-title').waitFor();
    return clicked;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkPersons(list, { maxYears } = {}) {
    assert.equal(new Set(list.map((s) => s.id)).size, list.length, 'a subject listed twice');
    for (const s of list) {
        assert.match(s.id, UUID);
        assert.equal(s.kind, 'person');
        assert.ok(s.name.length > 1, `no name for ${s.id}`);
        assert.match(s.rt, /^RT \d{3} \/ RW \d{3}, Oesapa$/, `RT of ${s.name}: ${s.rt}`);
        assert.ok(s.kader && s.kader !== '-', `no kader for ${s.name}`);
        if (maxYears !== undefined) {
            // "12 hr", "7 bl", "2 th 3 bl", "±4 th".
            const m = s.age.match(/^±?(\d+) (hr|bl|th)/);
            assert.ok(m, `age of ${s.name}: ${s.age}`);
            const years = m[2] === 'th' ? Number(m[1]) : m[2] === 'bl' ? Number(m[1]) / 12 : 0;
            assert.ok(years < maxYears, `${s.name} is ${s.age}`);
        }
    }
}

export const tests = [
    {
        name: 'a numerator drills down to exactly that many persons, each with RT and kader (BGM children)',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const bgm = (await readCoverage(page)).find((r) => r.code === 'bgm');
            assert.ok(bgm.num > 0, 'the demo has BGM children this month');
            const clicked = await open(page, '#num-bgm');
            assert.equal(clicked, bgm.num);
            assert.equal(await page.locator('#drill-title').getAttribute('data-indicator'), 'bgm');
            assert.equal(await page.locator('#drill-title').getAttribute('data-side'), 'counted');
            assert.equal((await page.locator('#drill-title').textContent()).trim(), 'BGM: berat badan di bawah garis merah');
            assert.equal(Number(await page.locator('#drill-count').textContent()), clicked);
            const list = await readSubjects(page);
            assert.equal(list.length, clicked, 'rows listed');
            checkPersons(list, { maxYears: 5 });
            await t.shot(page, '07-drill-bgm-counted');
            // Back to the table of the same area and month.
            const month = await page.locator('#drill-title').getAttribute('data-month');
            await Promise.all([page.waitForURL('**/dashboard/coverage?*'), page.locator('#back-to-coverage').click()]);
            assert.equal(await page.locator('#coverage-title').getAttribute('data-month'), month);
        },
    },
    {
        name: 'children not weighed this month: the missing side of D/S lists denominator minus numerator, disjoint from the counted',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const d = (await readCoverage(page)).find((r) => r.code === 'skdn_d');
            const clicked = await open(page, '#missing-skdn_d');
            assert.equal(clicked, d.den - d.num);
            assert.equal(await page.locator('#drill-title').getAttribute('data-side'), 'missing');
            const missing = await readSubjects(page);
            assert.equal(missing.length, clicked);
            assert.equal(Number(await page.locator('#drill-count').textContent()), clicked);
            checkPersons(missing, { maxYears: 6 });
            // What else they miss is named by the table's rows, never the row itself.
            for (const s of missing) assert.ok(!s.also.includes('skdn_d'), `${s.name} misses skdn_d twice`);
            await t.shot(page, '08-drill-not-weighed');
            // The other side of the same number.
            await Promise.all([page.waitForURL((u) => u.searchParams.get('side') === 'counted'), page.locator('#side-counted').click()]);
            const counted = await readSubjects(page);
            assert.equal(counted.length, d.num);
            const ids = new Set(counted.map((s) => s.id));
            assert.ok(missing.every((s) => !ids.has(s.id)), 'a child is both weighed and not weighed');
            assert.equal(ids.size + missing.length, d.den);
        },
    },
    {
        name: 'a household number drills down to households (families without JKN)',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const row = (await readCoverage(page)).find((r) => r.code === 'households_without_jkn');
            assert.ok(row.num > 0);
            const clicked = await open(page, '#num-households_without_jkn');
            assert.equal(clicked, row.num);
            const list = await readSubjects(page);
            assert.equal(list.length, clicked);
            assert.match(await page.locator('#drill-count').locator('..').textContent(), / keluarga · /);
            for (const s of list) {
                assert.equal(s.kind, 'household');
                assert.match(s.id, UUID);
                assert.ok(s.name.length > 1, 'a household without its head');
                assert.ok(s.kader && s.kader !== '-');
            }
            await t.shot(page, '08b-drill-households-without-jkn');
        },
    },
    {
        name: "an RW's numbers drill down to persons of that RW only",
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const rw = (await areaChoices(page)).find((c) => c.level === 'rw' && c.label.startsWith('RW 002'));
            assert.ok(rw, 'RW 002 is a choice');
            await page.locator('#area-picker').selectOption(rw.key);
            await Promise.all([page.waitForURL((u) => u.searchParams.get('area') === rw.key), page.locator('#show').click()]);
            const k1 = (await readCoverage(page)).find((r) => r.code === 'skdn_s');
            const clicked = await open(page, '#num-skdn_s');
            assert.equal(clicked, k1.num);
            assert.equal(await page.locator('#drill-title').getAttribute('data-area'), rw.key);
            const list = await readSubjects(page);
            assert.equal(list.length, clicked);
            checkPersons(list, { maxYears: 6 });
            for (const s of list) assert.match(s.rt, /RW 002/, `${s.name} lives in ${s.rt}`);
        },
    },
];
