// Ports on this machine: one the kernel just gave (free a moment ago), for PORT=0 semantics and for
// tests that need a port where nothing listens.
import { once } from 'node:events';
import net from 'node:net';

/**
 * The ports this process has handed out. Once a port is closed the kernel may give it again at once, and two
 * checks started together would then share it: the second program fails with EADDRINUSE, or the checker
 * talks to the other one's program.
 */
const handedOut = new Set<number>();

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const server = net.createServer().listen(0, host);
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (handedOut.size >= 10_000) handedOut.clear(); // long done with: the range holds about 28,000
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
