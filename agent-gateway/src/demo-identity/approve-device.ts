// Approves a device login on the embedded provider's pages without a browser:
// opens the page with the code, confirms, signs in and follows each redirect
// with the cookies a browser would keep. For the demo script and tests; a
// person does the same in a browser.

const MAX_STEPS = 12;

interface Form {
  action: string;
  fields: Record<string, string>;
  hasPassword: boolean;
}

/** The first form of a page: where it posts and the values it would send (a browser's, without script). */
function firstForm(html: string, base: string): Form | undefined {
  const m = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!m) return undefined;
  const action = /action="([^"]*)"/i.exec(m[1]!)?.[1] ?? base;
  const fields: Record<string, string> = {};
  for (const input of m[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[1]!)?.[1];
    if (name) fields[name] = decodeEntities(/value="([^"]*)"/i.exec(input[1]!)?.[1] ?? '');
  }
  return { action: new URL(decodeEntities(action), base).href, fields, hasPassword: /type="password"/i.test(m[2]!) };
}

const decodeEntities = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');

/**
 * Signs in as `user` on the page `verificationUri` (with the code in it, or
 * `userCode` typed in) and confirms; resolves when the provider says the login
 * succeeded, rejects with the page's words otherwise.
 */
export async function approveDeviceLogin(verificationUri: string, user: { name: string; password: string }, userCode?: string): Promise<void> {
  const cookies = new Map<string, string>();
  let url = verificationUri;
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < MAX_STEPS; step++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    if (/Device login successful/i.test(html)) return;
    const form = firstForm(html, url);
    const error = /<p class="error">([^<]*)<\/p>/.exec(html)?.[1];
    if (!form || (error && step > 0 && form.hasPassword)) throw new Error(`the sign-in page at ${url} answered ${res.status}: ${decodeEntities(error ?? html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300))}`);
    if (form.hasPassword) Object.assign(form.fields, { username: user.name, password: user.password });
    else if ('user_code' in form.fields && !form.fields.user_code && userCode) form.fields.user_code = userCode;
    url = form.action;
    init = { method: 'POST', body: new URLSearchParams(form.fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error(`the sign-in at ${verificationUri} did not finish in ${MAX_STEPS} pages`);
}
