// A tiny cookie-keeping client over Fastify's inject, for the dashboard's integration tests:
// it remembers cookies like a browser would and reads CSRF tokens out of rendered forms.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class AdminClient {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse) {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, decodeURIComponent(value));
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ') } : {};
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { ...this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  async post(url: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
    });
    this.remember(res);
    return res;
  }

  async postMultipart(url: string, fields: Record<string, string>, file: { field: string; name: string; content: Buffer; type?: string }) {
    const boundary = '----admintest' + Math.random().toString(16).slice(2);
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(file.content, Buffer.from(`\r\n--${boundary}--\r\n`));
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(parts),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...this.cookieHeader() },
    });
    this.remember(res);
    return res;
  }

  /** The CSRF token of the current page (session meta tag, else the login form field). */
  static csrf(body: string): string {
    const m = /name="csrf-token" content="([^"]+)"/.exec(body) ?? /name="_csrf" value="([^"]+)"/.exec(body);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  /** Logs in through the form; returns the final response of the POST. */
  async login(username: string, password: string) {
    const page = await this.get('/admin/login');
    return this.post('/admin/login', { _csrf: AdminClient.csrf(page.body), username, password, next: '/admin' });
  }

  /** The session CSRF token, read from a page behind the login. */
  async sessionCsrf(): Promise<string> {
    return AdminClient.csrf((await this.get('/admin/try')).body);
  }
}
