import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL, Redis) that tests can break:
 * - `pause()`: a frozen server (SIGSTOP). Connections stay open and new ones are accepted, but no byte goes
 *   through in either direction until `resume()`.
 * - `cut()`: a server that went away. Open connections are closed and new ones refused.
 */
export class FaultProxy {
  private readonly sockets = new Set<Socket>();
  private readonly held: Array<() => void> = [];
  private server: Server | undefined;
  private port = 0;
  private paused = false;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy for the host and port of `url` (e.g. `postgres://…`, `redis://…`). */
  static async start(url: string): Promise<FaultProxy> {
    const target = new URL(url);
    const proxy = new FaultProxy(target.hostname, Number(target.port));
    await proxy.listen();
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }

  pause(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.pause();
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.held.length = 0;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async resume(): Promise<void> {
    this.paused = false;
    if (!this.server) await this.listen();
    for (const open of this.held.splice(0)) open();
    for (const socket of this.sockets) socket.resume();
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The same port again after a cut: the app keeps the address it was given.
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private accept(client: Socket): void {
    this.track(client);
    client.pause();
    const open = () => {
      const upstream = new Socket();
      this.track(upstream);
      if (this.paused) upstream.pause();
      upstream.connect(this.targetPort, this.targetHost);
      this.forward(client, upstream);
      this.forward(upstream, client);
      if (!this.paused) client.resume();
    };
    // A frozen server accepts connections but answers nothing: open the upstream side only once resumed.
    if (this.paused) this.held.push(open);
    else open();
  }

  /** By hand rather than pipe(): pipe() resumes its source on 'drain', which would undo a pause. */
  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk) => to.write(chunk));
    from.on('end', () => to.end());
    from.on('close', () => to.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }
}
