/**
 * A coordinator and its workers on separate network "machines": one network namespace for the
 * coordinator (and the target it tests), one per worker, each worker joined to the coordinator's by its
 * own veth pair. A worker's link can be taken down and up like a pulled cable. Needs root (`ip netns`);
 * `ClusterNet.create` returns why not otherwise, for the test to skip with.
 */
import { execFileSync } from 'node:child_process';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

let made = 0;

export class ClusterNet {
  /** The coordinator's address, reachable from every worker's namespace. */
  readonly coordinatorAddress: string;
  readonly coordinatorNs: string;
  readonly workerNs: string[];
  readonly #subnet: string;

  private constructor(workers: number) {
    made += 1;
    const tag = `${process.pid}-${made}`;
    // 10.X.0.0/16 of its own per test process and topology, so parallel test files never share one.
    this.#subnet = `10.${100 + ((process.pid * 7 + made) % 150)}`;
    this.coordinatorNs = `volley-c-${tag}`;
    this.workerNs = Array.from({ length: workers }, (_, i) => `volley-w${i}-${tag}`);
    this.coordinatorAddress = `${this.#subnet}.0.1`;
  }

  /** The topology, or why this machine cannot make it. */
  static create(workers: number): ClusterNet | string {
    const net = new ClusterNet(workers);
    try {
      ip('netns', 'add', net.coordinatorNs);
    } catch (error) {
      return `ip netns is not permitted here (${(error as Error).message.split('\n')[0]})`;
    }
    try {
      const c = net.coordinatorNs;
      ip('-n', c, 'link', 'set', 'lo', 'up');
      ip('-n', c, 'addr', 'add', `${net.coordinatorAddress}/32`, 'dev', 'lo');
      net.workerNs.forEach((ns, i) => {
        ip('netns', 'add', ns);
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', c, 'link', 'add', `w${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
        ip('-n', c, 'addr', 'add', `${net.#subnet}.${i + 1}.1/24`, 'dev', `w${i}`);
        ip('-n', ns, 'addr', 'add', `${net.#subnet}.${i + 1}.2/24`, 'dev', 'eth0');
        ip('-n', c, 'link', 'set', `w${i}`, 'up');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
        ip('-n', ns, 'route', 'add', 'default', 'via', `${net.#subnet}.${i + 1}.1`);
      });
    } catch (error) {
      net.destroy();
      return `cannot build veth pairs between namespaces here (${(error as Error).message.split('\n')[0]})`;
    }
    return net;
  }

  /**
   * Takes worker i's link down (its packets go nowhere, as with a pulled cable), or up again. The
   * coordinator's end is switched: its connected route comes back with it, where a worker's default
   * route, removed with its interface, would not.
   */
  setLink(worker: number, state: 'up' | 'down'): void {
    ip('-n', this.coordinatorNs, 'link', 'set', `w${worker}`, state);
  }

  /** `ip netns exec NS` to prefix a command with. */
  exec(ns: string): string[] {
    return ['ip', 'netns', 'exec', ns];
  }

  destroy(): void {
    for (const ns of [...this.workerNs, this.coordinatorNs]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Not made (creation failed half-way).
      }
    }
  }
}
