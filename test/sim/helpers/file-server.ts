/** A loopback HTTP server serving fixed bodies per path, standing in for S3 presigned GETs in tests. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  status?: number;
  body: Buffer | string;
  contentType?: string;
}

export interface FileServer {
  url: (path: string) => string;
  set: (path: string, served: Served) => void;
  hits: (path: string) => number;
  close: () => Promise<void>;
}

export async function startFileServer(files: Record<string, Served> = {}): Promise<FileServer> {
  const routes = new Map(Object.entries(files));
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const f = routes.get(path);
    if (!f) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(f.status ?? 200, { 'content-type': f.contentType ?? 'application/octet-stream' });
    res.end(f.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    set: (path, served) => void routes.set(path, served),
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A URL on a port nothing listens on (bound then released). */
export async function unreachableUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/gone.png`;
}
