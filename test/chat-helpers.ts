// The chat tests' raw connections: each one is closed after its test.
import { WireClient } from '../scripts/chat-wire.ts';

const connections: WireClient[] = [];

/** A raw client connected to a chat server on 127.0.0.1, closed by closeConnections(). */
export async function connect(port: number): Promise<WireClient> {
  const client = await WireClient.connect(port);
  connections.push(client);
  return client;
}

/** Has connections made otherwise (e.g. connectMany) closed by closeConnections() too. */
export function track(...clients: WireClient[]): void {
  connections.push(...clients);
}

export function closeConnections(): void {
  for (const client of connections.splice(0)) client.socket.destroy();
}
