import { createServer } from 'node:net';

export const DEFAULT_HTTPS_PORT = 47443;
export const DEFAULT_BLOB_PORT = 47444;

/** Whether nothing listens on 127.0.0.1:port right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
