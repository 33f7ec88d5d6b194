// The coverage page: its numbers, the area and month pickers, the CSV export of the same page,
// targets, the English version and a phone-sized screen.
import {
    assert, SERVER, SUPERVISOR, PHONE, login, readCoverage, areaChoices, fetchWith, parseCsv, percentOf,
} from './lib.mjs';

/** The checks every coverage table must pass, whatever the area and month. */
function checkTable(rows) {
    assert.ok(rows.length >= 20, `only ${rows.length} indicator rows`);
    for (const r of rows) {
        const what = `${r.code}: ${r.num}/${r.den}`;
        assert.ok(Number.isInteger(r.num) && r.num >= 0, what);
        assert.ok(Number.isInteger(r.den) && r.den >= 0, what);
        assert.ok(r.num <= r.den, `numerator above denominator in ${what}`);
        assert.equal(r.missing, r.den - r.num, `missing of ${what}`);
        assert.equal(r.pct, percentOf(r.num, r.den), `percentage of ${what}`);
        // The trend ends on the month shown.
        assert.equal(r.trend.length, 12, `${r.code} trend`);
        assert.equal(r.trend[11], r.pct, `${r.code}: the trend's last month is not the table's`);
        assert.ok(['higher', 'lower', 'neither'].includes(r.better), r.code);
        // Only indicators where higher is better are coloured against a target.
        if (r.better !== 'higher') assert.equal(r.band, 'none', `${r.code} is coloured`);
        if (r.better === 'higher') {
            // Met at the target, near within 10 points under it, else below; none without a denominator.
            assert.ok(r.target !== null, `${r.code} has no target`);
            const band = r.pct === null ? 'none' : r.pct >= r.target ? 'met' : r.pct >= r.target - 10 ? 'near' : 'below';
            assert.equal(r.band, band, `${r.code}: ${r.pct}% against ${r.target}%`);
        } else {
            assert.equal(r.target, null, `${r.code} has a target`);
        }
    }
}

/** The current month as the page's month picker shows it (YYYY-MM). */
async function shownMonth(page) {
    return page.locator('#coverage-title').getAttribute('data-month');
}

export const tests = [
    {
        name: 'coverage of the kelurahan: every indicator with numerator <= denominator and its percentage',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            assert.equal(await page.locator('html').getAttribute('lang'), 'id');
            const title = (await page.locator('#coverage-title').textContent()).trim();
            assert.match(title, /^Cakupan · Oesapa · \d{4}-\d{2}$/);
            assert.equal(await shownMonth(page), await page.locator('#month-picker').inputValue());
            const headers = await page.locator('#coverage-table thead th').allTextContents();
            assert.deepEqual(headers.slice(0, 4), ['Indikator', 'Pembilang', 'Penyebut', 'Belum']);
            const rows = await readCoverage(page);
            checkTable(rows);
            const codes = rows.map((r) => r.code);
            for (const c of ['skdn_s', 'skdn_d', 'bgm', 'two_t', 'idl', 'k1_access', 'k4', 'kf1', 'kn1', 'stunting', 'households_without_jkn']) {
                assert.ok(codes.includes(c), `no ${c} row`);
            }
            // The demo kelurahan has children weighed, pregnant women and families: real numbers.
            const by = Object.fromEntries(rows.map((r) => [r.code, r]));
            assert.ok(by.skdn_s.den > 0 && by.skdn_d.num > 0, 'no weighed under-fives');
            assert.ok(by.k1_access.den > 0, 'no pregnant women');
            // D/S: the weighed are a part of the registered.
            assert.equal(by.skdn_d.den, by.skdn_s.num);
            await t.shot(page, '03-coverage');
        },
    },
    {
        name: 'the CSV export of the coverage page has the same numbers, area, month and generation time',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const rows = await readCoverage(page);
            const month = await shownMonth(page);
            const href = await page.locator('#export-csv').getAttribute('href');
            const res = await fetchWith(page, href);
            assert.equal(res.status(), 200);
            assert.match(res.headers()['content-type'], /^text\/csv/);
            assert.match(res.headers()['content-disposition'], new RegExp(`attachment; filename="cakupan-${month}\\.csv"`));
            const csv = parseCsv(await res.text());
            const head = Object.fromEntries(csv.slice(0, 4).map((r) => [r[0], r[1]]));
            assert.equal(head.Wilayah, 'Oesapa');
            assert.equal(head.Bulan, month);
            assert.match(head.Dibuat, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} WITA$/);
            const hi = csv.findIndex((r) => r[0] === 'code');
            assert.ok(hi > 0, 'no column header line');
            const col = Object.fromEntries(csv[hi].map((c, i) => [c, i]));
            const byCode = Object.fromEntries(csv.slice(hi + 1).filter((r) => r.length > 1).map((r) => [r[0], r]));
            assert.equal(Object.keys(byCode).length, rows.length, 'rows in the CSV');
            const num = (s) => (s === '' ? null : Number(s));
            for (const r of rows) {
                const c = byCode[r.code];
                assert.ok(c, `${r.code} not in the CSV`);
                assert.equal(c[col.Indikator], r.label, `${r.code} label`);
                assert.equal(num(c[col.Pembilang]), r.num, `${r.code} numerator`);
                assert.equal(num(c[col.Penyebut]), r.den, `${r.code} denominator`);
                assert.equal(num(c[col['%']]), r.pct, `${r.code} %`);
                assert.equal(c[col.band], r.band, `${r.code} band`);
                assert.equal(c[col.better], r.better, `${r.code} better`);
                assert.deepEqual(csv[hi].slice(-12).map((h) => h.slice(0, 2)), Array(12).fill('% '));
                assert.deepEqual(c.slice(-12).map(num), r.trend, `${r.code} trend`);
            }
            assert.equal(csv[hi].at(-1), `% ${month}`);
        },
    },
    {
        name: 'picking an RW and an earlier month shows that area and month; the RWs add up to the kelurahan',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const village = await readCoverage(page);
            const month = await shownMonth(page);
            const choices = await areaChoices(page);
            const levels = new Set(choices.map((c) => c.level));
            for (const l of ['village', 'rw', 'rt', 'posyandu']) assert.ok(levels.has(l), `no ${l} to pick`);
            const rws = choices.filter((c) => c.level === 'rw');
            assert.ok(rws.length >= 2, 'the demo has two RW');
            // Each RW through the form, this month: together they are the kelurahan.
            const sum = new Map();
            for (const rw of rws) {
                await page.locator('#area-picker').selectOption(rw.key);
                await Promise.all([page.waitForURL((u) => u.searchParams.get('area') === rw.key), page.locator('#show').click()]);
                assert.equal(await page.locator('#coverage-title').getAttribute('data-area'), rw.key);
                assert.match(await page.locator('#coverage-title').textContent(), new RegExp(`· ${rw.label} ·`));
                const rows = await readCoverage(page);
                checkTable(rows);
                for (const r of rows) {
                    const s = sum.get(r.code) ?? { num: 0, den: 0 };
                    sum.set(r.code, { num: s.num + r.num, den: s.den + r.den });
                }
            }
            for (const r of village) {
                assert.deepEqual(sum.get(r.code), { num: r.num, den: r.den }, `${r.code}: RWs do not add up to the kelurahan`);
            }
            // An earlier month of the first RW.
            const [y, m] = month.split('-').map(Number);
            const earlier = m > 3 ? `${y}-${String(m - 3).padStart(2, '0')}` : `${y - 1}-${String(m + 9).padStart(2, '0')}`;
            await page.locator('#area-picker').selectOption(rws[0].key);
            await page.locator('#month-picker').fill(earlier);
            await Promise.all([page.waitForURL((u) => u.searchParams.get('month') === earlier), page.locator('#show').click()]);
            assert.equal(await shownMonth(page), earlier);
            assert.equal(await page.locator('#area-picker').inputValue(), rws[0].key, 'the picker keeps the area');
            const rowsEarlier = await readCoverage(page);
            checkTable(rowsEarlier);
            await t.shot(page, '04-coverage-rw-earlier-month');
            // A month after this one is refused with a message naming the field.
            const future = `${y + 1}-${String(m).padStart(2, '0')}`;
            const res = await page.goto(`${SERVER}/dashboard/coverage?area=${rws[0].key}&month=${future}`);
            assert.equal(res.status(), 400);
            assert.match(await page.locator('[data-testid="error"] #message').textContent(), /^month: /);
        },
    },
    {
        name: 'picking a Posyandu shows its coverage; the Posyandu together are the kelurahan',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const village = await readCoverage(page);
            const posyandu = (await areaChoices(page)).filter((c) => c.level === 'posyandu');
            assert.ok(posyandu.length >= 2, 'the demo has a Posyandu per RW');
            const sum = new Map();
            for (const p of posyandu) {
                await page.locator('#area-picker').selectOption(p.key);
                await Promise.all([page.waitForURL((u) => u.searchParams.get('area') === p.key), page.locator('#show').click()]);
                assert.match(await page.locator('#coverage-title').textContent(), new RegExp(`· ${p.label.replace(/[()]/g, '\\$&')} ·`));
                const rows = await readCoverage(page);
                checkTable(rows);
                for (const r of rows) {
                    const s = sum.get(r.code) ?? { num: 0, den: 0 };
                    sum.set(r.code, { num: s.num + r.num, den: s.den + r.den });
                }
                if (p === posyandu[0]) await t.shot(page, '04b-coverage-posyandu');
            }
            for (const r of village) {
                assert.deepEqual(sum.get(r.code), { num: r.num, den: r.den }, `${r.code}: the Posyandu do not add up to the kelurahan`);
            }
        },
    },
    {
        name: 'a target set by the supervisor colours the rows against it',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const before = Object.fromEntries((await readCoverage(page)).map((r) => [r.code, r]));
            const d = before.skdn_d;
            assert.ok(d.pct > 0 && d.pct < 100, `D/S is ${d.pct}`);
            // Just under D/S: met; far above: below.
            const original = await page.locator('#target-skdn_d').inputValue();
            await page.locator('#target-skdn_d').fill(String(Math.floor(d.pct)));
            await Promise.all([page.waitForURL((u) => u.searchParams.has('saved')), page.locator('#save-targets').click()]);
            assert.equal((await page.locator('#notice').textContent()).trim(), 'Target disimpan.');
            assert.equal(await page.locator('#row-skdn_d').getAttribute('data-band'), 'met');
            assert.equal(await page.locator('#row-skdn_d [data-testid="band"]').textContent(), 'mencapai target');
            await t.shot(page, '05-coverage-target-saved');
            await page.locator('#target-skdn_d').fill('100');
            await Promise.all([page.waitForURL((u) => u.searchParams.has('saved')), page.locator('#save-targets').click()]);
            assert.equal(await page.locator('#row-skdn_d').getAttribute('data-band'), 'below');
            assert.equal(await page.locator('#target-skdn_d').inputValue(), '100');
            // Put the demo's target back for the other tests and screenshots.
            await page.locator('#target-skdn_d').fill(original);
            await Promise.all([page.waitForURL((u) => u.searchParams.has('saved')), page.locator('#save-targets').click()]);
            assert.equal(await page.locator('#row-skdn_d').getAttribute('data-band'), before.skdn_d.band);
            checkTable(await readCoverage(page));
        },
    },
    {
        name: 'the coverage page in English has the same numbers',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const id = await readCoverage(page);
            await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'en'), page.locator('#lang-en').click()]);
            assert.equal(await page.locator('html').getAttribute('lang'), 'en');
            assert.match(await page.locator('#coverage-title').textContent(), /^Coverage · Oesapa · /);
            const en = await readCoverage(page);
            assert.deepEqual(en.map((r) => [r.code, r.num, r.den, r.pct]), id.map((r) => [r.code, r.num, r.den, r.pct]));
            assert.equal(en.find((r) => r.code === 'skdn_d').label, 'D: under-fives weighed this month (D/S)');
            await t.shot(page, '10-coverage-english');
            // The choice is remembered; switching back restores Bahasa Indonesia.
            await page.goto(`${SERVER}/dashboard/coverage`);
            assert.equal(await page.locator('html').getAttribute('lang'), 'en');
            await page.locator('#lang-id').click();
            await page.waitForURL((u) => u.searchParams.get('lang') === 'id');
            assert.equal(await page.locator('html').getAttribute('lang'), 'id');
        },
    },
    {
        name: 'on a phone-sized screen the coverage page fits the width and keeps the numbers',
        async run(t) {
            const page = await login(t, SUPERVISOR, { viewport: PHONE, isMobile: true });
            const rows = await readCoverage(page);
            checkTable(rows);
            // The page itself never scrolls sideways (a wide table scrolls inside its own box).
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
            for (const id of ['#area-picker', '#month-picker', '#show', '#export-xlsx', '#logout']) {
                const box = await page.locator(id).boundingBox();
                assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width + 1, `${id} is off screen`);
            }
            // Every row's percentage is wholly on screen, its text complete (not clipped by its cell or
            // scrolled away inside the table's box), and is the percentage of its row.
            const pcts = await page.locator('[data-testid="coverage-row"] [data-testid="percent"]').evaluateAll((tds) =>
                tds.map((td) => {
                    const box = td.getBoundingClientRect();
                    const range = document.createRange();
                    range.selectNodeContents(td.childNodes[0]);
                    const text = range.getBoundingClientRect();
                    return {
                        code: td.closest('tr').dataset.indicator,
                        text: td.childNodes[0].textContent.trim(),
                        left: box.left, right: box.right, textLeft: text.left, textRight: text.right,
                        clipped: td.scrollWidth > td.clientWidth + 1,
                        width: window.innerWidth,
                    };
                }),
            );
            assert.equal(pcts.length, rows.length);
            for (const p of pcts) {
                const r = rows.find((x) => x.code === p.code);
                assert.ok(p.left >= 0 && p.right <= p.width + 0.5, `${p.code}: the % cell spans ${p.left}..${p.right} of ${p.width}px`);
                assert.ok(p.textLeft >= 0 && p.textRight <= p.width + 0.5, `${p.code}: the % text spans ${p.textLeft}..${p.textRight}`);
                assert.ok(!p.clipped, `${p.code}: the % cell clips its text`);
                assert.equal(p.text, r.pct === null ? '-' : r.pct.toFixed(1), `${p.code}: % shown as ${p.text}`);
            }
            const wrap = await page.locator('.table-wrap').evaluate((w) => w.scrollWidth - w.clientWidth);
            assert.ok(wrap <= 1, `the coverage table scrolls sideways by ${wrap}px`);
            const first = await page.locator('#num-skdn_d').boundingBox();
            assert.ok(first && first.x + first.width <= PHONE.width, 'the numerator column is off screen');
            await t.shot(page, '06-coverage-phone', { fullPage: false });
        },
    },
];
