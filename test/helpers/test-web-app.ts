import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the web app received, in arrival order. */
export interface WebRequest {
  method: string;
  path: string;
}

/** A form the app received: its fields, as the browser posted them. */
export type FormPost = Record<string, string>;

/**
 * A small website on loopback for the browser tests, served by the test itself so every effect
 * can be checked from the server's side: which pages were fetched, and what a form posted.
 *
 * - `/form`: name, email, a plan select and a Send button at fixed places (absolute layout, so a
 *   click by coordinate can be aimed), posting to `/submit`;
 * - `/links`: a link that opens `/second` in a new tab (target=_blank);
 * - `/self-navigating`: goes to `/landed` on its own after 500 ms;
 * - `/slow`: answers after 3 s;
 * - `/text`: a page with known text.
 */
export interface TestWebApp {
  origin: string;
  requests: WebRequest[];
  posts: FormPost[];
  /** Resolves with the n-th form post (1-based) once it has arrived. */
  waitForPost(count: number, timeoutMs?: number): Promise<FormPost>;
  close(): Promise<void>;
}

const page = (title: string, body: string, head = ''): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}<style>body{margin:0;font:16px sans-serif}</style></head><body>${body}</body></html>`;

const FORM = page(
  'Contact form',
  `<h1 style="position:absolute;left:40px;top:10px;margin:0">Contact us</h1>
  <form method="post" action="/submit">
    <label for="name" style="position:absolute;left:40px;top:80px">Name</label>
    <input id="name" name="name" placeholder="Your full name" style="position:absolute;left:160px;top:70px;width:300px;height:30px">
    <label for="email" style="position:absolute;left:40px;top:140px">Email</label>
    <input id="email" name="email" type="email" placeholder="you@example.com" style="position:absolute;left:160px;top:130px;width:300px;height:30px">
    <label for="plan" style="position:absolute;left:40px;top:200px">Plan</label>
    <select id="plan" name="plan" style="position:absolute;left:160px;top:190px;width:200px;height:30px">
      <option value="basic">Basic</option><option value="pro">Pro</option><option value="team">Team</option>
    </select>
    <button type="submit" style="position:absolute;left:160px;top:250px;width:120px;height:40px">Send</button>
  </form>`,
);

const ROUTES: Record<string, () => string> = {
  '/text': () => page('Field notes', '<h1>Field notes</h1><p>The quick brown fox counts 42 lanterns by the river.</p>'),
  '/form': () => FORM,
  '/links': () => page('Links', '<h1>Links</h1><p><a href="/second" target="_blank">Open the second page</a></p>'),
  '/second': () => page('Second page', '<h1>Second page</h1><p>You reached the second page.</p>'),
  '/self-navigating': () => page('Moving on', '<p>This page moves on by itself.</p>', '<script>setTimeout(() => { location.href = "/landed"; }, 500);</script>'),
  '/landed': () => page('Landed', '<p>You landed here on your own.</p>'),
};

export async function startTestWebApp(): Promise<TestWebApp> {
  const requests: WebRequest[] = [];
  const posts: FormPost[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', path: url.pathname });
    const send = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    if (req.method === 'POST' && url.pathname === '/submit') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const fields = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        posts.push(fields);
        send(200, page('Thanks', `<h1>Thanks, ${fields.name ?? 'stranger'}!</h1>`));
      });
      return;
    }
    if (url.pathname === '/slow') {
      const timer = setTimeout(() => send(200, page('Slow page', '<p>Slow page loaded at last.</p>')), 3_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const route = ROUTES[url.pathname];
    if (route) send(200, route());
    else if (url.pathname === '/favicon.ico') send(404, '');
    else send(404, page('Not found', '<p>Nothing here.</p>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    posts,
    async waitForPost(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (posts.length < count) {
        if (Date.now() > deadline) throw new Error(`the web app received ${posts.length} form posts, not ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return posts[count - 1]!;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
