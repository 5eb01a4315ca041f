import { VolleyError } from '../errors.ts';

/** A `startDemoServer` option (or `volley demo` flag) that cannot be used; the message is one line. */
export class DemoOptionError extends VolleyError {
  override name = 'DemoOptionError';
  override readonly code: string = 'VOLLEY_DEMO_OPTION';
}

/** `host` is not a loopback address and `allowRemote` was not given. */
export class RemoteBindRefusedError extends DemoOptionError {
  override name = 'RemoteBindRefusedError';
  override readonly code: string = 'VOLLEY_DEMO_REMOTE_BIND';

  constructor(host: string) {
    super(
      `refusing to listen on ${host}: the demo API is a test target with no real security; ` +
        'use a loopback host (127.0.0.1, ::1, localhost) or pass allowRemote (--allow-remote)',
    );
  }
}

/** The `db` option is not one of the accepted forms. */
export class DbSpecError extends DemoOptionError {
  override name = 'DbSpecError';
  override readonly code: string = 'VOLLEY_DEMO_DB_SPEC';

  constructor(spec: string) {
    super(
      `unsupported --db ${JSON.stringify(spec)}: use sqlite (temporary file), sqlite:FILE, or postgres://user:pass@host:port/db`,
    );
  }
}

/** The database could not be opened or migrated (e.g. PostgreSQL unreachable). */
export class DemoDatabaseError extends DemoOptionError {
  override name = 'DemoDatabaseError';
  override readonly code: string = 'VOLLEY_DEMO_DATABASE';
}
