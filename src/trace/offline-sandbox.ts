import { spawnSync } from 'node:child_process';

/**
 * Running a command with no network but loopback, and with data folders hidden behind empty ones: a new
 * network and mount namespace (`unshare -n -m`, as root or where user namespaces are allowed), loopback
 * brought up with `ip`, an empty tmpfs mounted over each hidden folder. Where the machine does not allow
 * it, the caller says so and runs without it.
 */
export interface OfflineSandbox {
  /** The argv that runs `argv` inside the sandbox. */
  wrap(argv: readonly string[], hide: readonly string[]): string[];
}

let probed: { sandbox: OfflineSandbox | null; reason: string } | null = null;

export function offlineSandbox(): { sandbox: OfflineSandbox | null; reason: string } {
  if (probed !== null) return probed;
  const unshare = spawnSync('unshare', ['-n', '-m', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
  if (unshare.error !== undefined) {
    probed = { sandbox: null, reason: 'unshare is not installed (Debian: util-linux)' };
  } else if (unshare.status !== 0) {
    const plain = spawnSync('unshare', ['-n', '-m', 'true'], { stdio: 'ignore' });
    probed = {
      sandbox: null,
      reason:
        plain.status === 0
          ? 'ip is not installed (Debian: iproute2), so loopback cannot be brought up'
          : 'this machine does not allow new network namespaces (run as root, or allow user namespaces)',
    };
  } else {
    probed = {
      reason: '',
      sandbox: {
        wrap(argv, hide) {
          const mounts = hide.map((_, i) => `mount -t tmpfs volley-hidden "$${i + 1}" && `).join('');
          const script = `ip link set lo up && ${mounts}shift ${hide.length} && exec "$@"`;
          return [
            'unshare',
            '-n',
            '-m',
            '--propagation',
            'private',
            'sh',
            '-c',
            script,
            'sh',
            ...hide,
            ...argv,
          ];
        },
      },
    };
  }
  return probed;
}
