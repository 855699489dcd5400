/**
 * A scripted user agent for the test IdP's pages: follows redirects with a cookie jar, fills the
 * login form (any password), the device code form and consent, until the flow leaves the IdP.
 */
export interface BrowserOutcome {
  /** The last URL reached (the loopback redirect for code flow; the success page for device flow). */
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

function formOf(html: string, base: string): { action: string; fields: URLSearchParams } | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const action = /action="([^"]*)"/i.exec(form[1] ?? '')?.[1] ?? base;
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = input[1] ?? '';
    const name = /name="([^"]*)"/i.exec(attrs)?.[1];
    if (!name) continue;
    fields.set(name, /value="([^"]*)"/i.exec(attrs)?.[1] ?? '');
  }
  return { action: new URL(action.replace(/&amp;/g, '&'), base).href, fields };
}

export async function scriptedSignIn(
  startUrl: string,
  login: string,
  opts: { userCode?: string; stopAt?: (url: string) => boolean; maxSteps?: number } = {},
): Promise<BrowserOutcome> {
  const jar = new Map<string, string>();
  let url = startUrl;
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let step = 0; step < (opts.maxSteps ?? 25); step++) {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = (pair ?? '').indexOf('=');
      if (i > 0) jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      method = 'GET';
      body = undefined;
      if (opts.stopAt?.(url)) {
        const last = await fetch(url);
        return { url, status: last.status, body: await last.text() };
      }
      continue;
    }
    const text = await res.text();
    const form = formOf(text, url);
    if (!form) return { url, status: res.status, body: text };
    if (form.fields.has('login')) form.fields.set('login', login);
    if (form.fields.has('password')) form.fields.set('password', 'any');
    if (form.fields.has('user_code') && opts.userCode) form.fields.set('user_code', opts.userCode);
    url = form.action;
    method = 'POST';
    body = form.fields;
  }
  throw new Error(`the scripted sign-in did not finish; last at ${url}`);
}
