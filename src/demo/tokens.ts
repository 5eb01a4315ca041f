import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from './http-error.ts';
import type { RequestContext } from './router.ts';

const ISSUER = 'volley-demo';
const DEFAULT_TTL_SECONDS = 3600;

/** Issues and checks the demo's bearer JWTs (HS256, subject = account email, 1 h by default). */
export class TokenIssuer {
  readonly ttlSeconds: number;
  readonly #key: Uint8Array;

  /** Without a secret, a random one per process: tokens then die with the server. */
  constructor(secret?: string, ttlSeconds = DEFAULT_TTL_SECONDS) {
    this.#key = secret === undefined ? randomBytes(32) : new TextEncoder().encode(secret);
    this.ttlSeconds = ttlSeconds;
  }

  issue(email: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(email)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.#key);
  }

  /** The email of a valid `Authorization: Bearer` token. @throws HttpError 401 */
  async authenticate(ctx: RequestContext): Promise<string> {
    const header = ctx.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) {
      throw new HttpError(401, 'missing bearer token (send Authorization: Bearer <token>)', {
        'WWW-Authenticate': 'Bearer realm="volley-demo"',
      });
    }
    try {
      const { payload } = await jwtVerify(match[1] ?? '', this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthorized('token has no subject');
      return payload.sub;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (error instanceof errors.JWTExpired) throw unauthorized('token expired');
      if (error instanceof errors.JWSSignatureVerificationFailed)
        throw unauthorized('invalid token signature');
      throw unauthorized('invalid token');
    }
  }
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, {
    'WWW-Authenticate': 'Bearer realm="volley-demo", error="invalid_token"',
  });
}
