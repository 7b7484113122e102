import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * An HTTP agent that sends every request, whatever its host, to one loopback port in plain
 * HTTP, while the client keeps believing it talks to `https://<real host>`. For SDKs whose
 * hosts are hard-coded but which take an `agent`: their URLs, signatures and response parsing
 * stay exactly what they are against the real platform.
 */
export function loopbackAgent(port: number): Agent {
  const agent = new Agent({ keepAlive: false });
  // node's https.request checks the agent's protocol; this one speaks plain HTTP on loopback.
  (agent as unknown as { protocol: string }).protocol = 'https:';
  (agent as unknown as { createConnection: () => Socket }).createConnection = () => connect(port, '127.0.0.1');
  return agent;
}
