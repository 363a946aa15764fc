/**
 * A loopback HTTP server that answers every request with what a test sets: a proxy's HTML
 * error page, an empty 503, a JSON body the SDK cannot read … — what an endpoint that is not
 * AWS (a proxy, an emulator) may send back. It records each request's body so a test can
 * check what was sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ForeignEndpoint {
  url: string;
  answer: Answer;
  requests: string[];
  close(): Promise<void>;
}

export async function foreignEndpoint(answer: Answer): Promise<ForeignEndpoint> {
  const requests: string[] = [];
  const state = { answer };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(body);
      res.writeHead(state.answer.status, state.answer.headers ?? {});
      res.end(state.answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get answer() {
      return state.answer;
    },
    set answer(next: Answer) {
      state.answer = next;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const HTML_500: Answer = {
  status: 500,
  headers: { 'content-type': 'text/html' },
  body: '<html>\n<head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body>\n</html>',
};
