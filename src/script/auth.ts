/** `headers: bearer(token)` on one request; `vu.http.bearer(token)` sets it for all of a user's requests. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** `headers: basicAuth('user', 'secret')`. */
export function basicAuth(username: string, password: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
