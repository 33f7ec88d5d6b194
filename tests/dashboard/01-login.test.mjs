// Login and logout through the forms, the session cookie, CSRF on the login form.
import { assert, SERVER, SUPERVISOR, password, login } from './lib.mjs';

export const tests = [
    {
        name: 'login page is in Bahasa Indonesia and needs nothing from other hosts',
        async run(t) {
            const page = await t.page();
            const res = await page.goto(`${SERVER}/dashboard/login`);
            assert.equal(res.status(), 200);
            assert.equal(await page.locator('html').getAttribute('lang'), 'id');
            assert.equal((await page.locator('#login-form h1').textContent()).trim(), 'Masuk');
            assert.match(await page.locator('label[for="username"]').textContent(), /Nama pengguna/);
            assert.match(await page.locator('label[for="password"]').textContent(), /Kata sandi/);
            assert.equal(await page.locator('#password').getAttribute('type'), 'password');
            // The stylesheet is the server's own; no script at all.
            const sheets = await page.locator('link[rel="stylesheet"]').evaluateAll((ls) => ls.map((l) => l.href));
            assert.deepEqual(sheets, [`${SERVER}/dashboard/style.css`]);
            assert.equal(await page.locator('script').count(), 0);
            await t.shot(page, '01-login');
        },
    },
    {
        name: 'a wrong password is refused with a message and no session',
        async run(t) {
            const page = await t.page();
            await page.goto(`${SERVER}/dashboard/login`);
            await page.locator('#username').fill(SUPERVISOR);
            await page.locator('#password').fill('not-the-password');
            const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('#login-submit').click()]);
            assert.equal(res.status(), 401);
            await page.locator('#login-error').waitFor();
            assert.equal((await page.locator('#login-error').textContent()).trim(), 'Nama pengguna atau kata sandi salah.');
            // The username stays filled in, the password does not.
            assert.equal(await page.locator('#username').inputValue(), SUPERVISOR);
            assert.equal(await page.locator('#password').inputValue(), '');
            const cookies = await page.context().cookies();
            assert.ok(!cookies.some((c) => c.name === 'ilp_dash' && c.value), 'no session cookie after a failed login');
            await t.shot(page, '02-login-wrong-password');
            // And the pages still send this browser to the login.
            await page.goto(`${SERVER}/dashboard/coverage`);
            assert.equal(new URL(page.url()).pathname, '/dashboard/login');
        },
    },
    {
        name: 'the supervisor logs in through the form; the session cookie is HttpOnly and SameSite=Strict',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            assert.equal(new URL(page.url()).pathname, '/dashboard/coverage');
            assert.equal(await page.locator('#current-user').getAttribute('data-role'), 'supervisor');
            const session = (await page.context().cookies()).find((c) => c.name === 'ilp_dash');
            assert.ok(session && session.value.length >= 32, 'a session cookie with a long random id');
            assert.equal(session.httpOnly, true, 'HttpOnly');
            assert.equal(session.sameSite, 'Strict');
            assert.equal(session.path, '/dashboard');
            // Scripts cannot read it.
            const visible = await page.evaluate(() => document.cookie);
            assert.ok(!visible.includes('ilp_dash'), `document.cookie shows the session: ${visible}`);
            // The login-form token is gone once signed in.
            assert.ok(!(await page.context().cookies()).some((c) => c.name === 'ilp_login_csrf' && c.value));
            // Back to the login page while signed in leads to the coverage.
            await page.goto(`${SERVER}/dashboard/login`);
            assert.equal(new URL(page.url()).pathname, '/dashboard/coverage');
        },
    },
    {
        name: 'a login POST without the form token is refused (403)',
        async run(t) {
            const page = await t.page();
            await page.goto(`${SERVER}/dashboard/login`);
            // The browser's own cookies, the right password, but no csrf field.
            const res = await page.request.post(`${SERVER}/dashboard/login`, {
                form: { username: SUPERVISOR, password: password(SUPERVISOR) },
                maxRedirects: 0,
            });
            assert.equal(res.status(), 403);
            assert.match(await res.text(), /data-testid="csrf-refused"/);
            assert.equal(res.headers()['set-cookie'] ?? '', '', 'no cookie set');
            // A token that does not match the cookie's is refused too.
            const res2 = await page.request.post(`${SERVER}/dashboard/login`, {
                form: { username: SUPERVISOR, password: password(SUPERVISOR), csrf: 'x'.repeat(43) },
                maxRedirects: 0,
            });
            assert.equal(res2.status(), 403);
            assert.ok(!(await page.context().cookies()).some((c) => c.name === 'ilp_dash' && c.value));
        },
    },
    {
        name: 'logout ends the session: the old cookie no longer opens a page',
        async run(t) {
            const page = await login(t, SUPERVISOR);
            const old = (await page.context().cookies()).find((c) => c.name === 'ilp_dash');
            await Promise.all([page.waitForURL('**/dashboard/login'), page.locator('#logout').click()]);
            assert.equal((await page.locator('#login-form h1').textContent()).trim(), 'Masuk');
            assert.ok(!(await page.context().cookies()).some((c) => c.name === 'ilp_dash' && c.value), 'cookie cleared');
            await t.shot(page, '09-logged-out');
            // A copy of the cookie kept from before the logout is worth nothing on the server.
            const other = await t.page();
            await other.context().addCookies([{ ...old }]);
            await other.goto(`${SERVER}/dashboard/coverage`);
            assert.equal(new URL(other.url()).pathname, '/dashboard/login');
        },
    },
];
