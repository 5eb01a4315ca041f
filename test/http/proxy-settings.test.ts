import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyAuthorization, proxyFor, proxySettings } from '../../src/http/proxy.ts';

const via = (env: NodeJS.ProcessEnv, origin: string, explicit?: string) =>
  proxyFor(proxySettings(explicit, env), origin)?.href ?? null;

describe('which proxy a request goes through', () => {
  it('takes HTTP_PROXY for http: and HTTPS_PROXY for https:, the lower-case variable first', () => {
    const env = { HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', HTTPS_PROXY: 'tls-proxy:3' };
    assert.equal(via(env, 'http://api.example'), 'http://lower:2/');
    assert.equal(via(env, 'https://api.example'), 'http://tls-proxy:3/');
    assert.equal(via({}, 'http://api.example'), null);
  });

  it('sends everything through --proxy, loopback included, and nothing from the environment to loopback', () => {
    const env = { HTTP_PROXY: 'http://corp:3128' };
    assert.equal(via(env, 'http://127.0.0.1:8080'), null);
    assert.equal(via(env, 'http://localhost:8080'), null);
    assert.equal(via(env, 'http://[::1]:8080'), null);
    assert.equal(via(env, 'https://127.0.0.1', 'http://mine:8'), 'http://mine:8/');
  });

  it('connects directly to what NO_PROXY names: hosts with their subdomains, addresses, ports, or *', () => {
    const env = { HTTPS_PROXY: 'http://corp:3128', NO_PROXY: '.internal.example, 10.0.0.1,api.example:8443' };
    assert.equal(via(env, 'https://internal.example'), null);
    assert.equal(via(env, 'https://a.b.internal.example'), null);
    assert.equal(via(env, 'https://notinternal.example'), 'http://corp:3128/');
    assert.equal(via(env, 'https://10.0.0.1'), null);
    assert.equal(via(env, 'https://api.example:8443'), null);
    assert.equal(via(env, 'https://api.example'), 'http://corp:3128/');
    assert.equal(via({ HTTPS_PROXY: 'http://corp:3128', no_proxy: '*' }, 'https://anything.example'), null);
  });

  it('sends the proxy URL credentials as Basic, decoded', () => {
    assert.equal(proxyAuthorization(new URL('http://a%40b:p%3Aw@corp:1')), `Basic ${btoa('a@b:p:w')}`);
    assert.equal(proxyAuthorization(new URL('http://corp:1')), null);
  });
});
