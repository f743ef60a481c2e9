// Ports on this machine: one the kernel just gave (free a moment ago), for PORT=0 semantics and for
// tests that need a port where nothing listens.
import { once } from 'node:events';
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer().listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
