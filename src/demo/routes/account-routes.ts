import { type Fields, readFields } from '../body-fields.ts';
import { checkEmail, optionalString, requiredEmail, requiredString } from '../fields.ts';
import { badRequest, HttpError, notFound } from '../http-error.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../passwords.ts';
import { json } from '../reply.ts';
import type { Route } from '../router.ts';
import type { StoredAccount } from '../store.ts';
import type { DemoDeps } from './deps.ts';

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

/**
 * Registration and login as the Locust/k6 suites call them: form or JSON bodies with fullName, userName,
 * email, password, phone; 200 with a `msg` on success (what those suites check), a bearer JWT on login.
 */
export function accountRoutes({ store, tokens, passwordCost }: DemoDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/client_registeration',
      handler: async (ctx) => {
        const f = readFields(ctx, { form: true });
        const fullName = requiredString(f, 'fullName', 100);
        const userName = requiredString(f, 'userName', 50);
        const email = requiredEmail(f);
        const password = passwordField(f, MIN_PASSWORD);
        const phone = optionalString(f, 'phone', 32);
        const account = await store.createAccount({
          email,
          full_name: fullName,
          user_name: userName,
          phone,
          password_hash: await hashPassword(password, passwordCost),
        });
        return json({
          msg: 'User Registered',
          id: account.id,
          email: account.email,
          userName: account.user_name,
        });
      },
    },
    {
      method: 'POST',
      path: '/client_login',
      handler: async (ctx) => {
        const f = readFields(ctx, { form: true });
        const email = optionalString(f, 'email', 254);
        const userName = optionalString(f, 'userName', 50);
        if (email === null && userName === null)
          throw badRequest('field "email" is required (or "userName")');
        const password = passwordField(f, 1);
        const account = await findForLogin(email, userName);
        if (account?.password_hash == null) {
          await burnPasswordCheck(password, passwordCost);
          throw invalidCredentials();
        }
        if (!(await verifyPassword(password, account.password_hash))) throw invalidCredentials();
        return json({
          msg: 'Login Successful',
          token: await tokens.issue(account.email),
          token_type: 'Bearer',
          expires_in: tokens.ttlSeconds,
          email: account.email,
          userName: account.user_name,
        });
      },
    },
    {
      method: 'GET',
      path: '/me',
      handler: async (ctx) => {
        const email = await tokens.authenticate(ctx);
        const account = await store.findAccountByEmail(email);
        if (account === undefined) throw notFound(`no account for ${email}`);
        const { password_hash: _secret, ...visible } = account;
        return json(visible);
      },
    },
  ];

  function findForLogin(email: string | null, userName: string | null): Promise<StoredAccount | undefined> {
    if (email !== null) return store.findAccountByEmail(checkEmail(email, 'email'));
    return store.findAccountByUserName(userName ?? '');
  }
}

/** Taken as typed: unlike other fields, passwords are not trimmed. */
function passwordField(f: Fields, minLength: number): string {
  const v = f.password;
  if (v === undefined || v === null || v === '') throw badRequest('field "password" is required');
  if (typeof v !== 'string') throw badRequest('field "password" must be a string');
  if (v.length > MAX_PASSWORD)
    throw badRequest(`field "password" must be at most ${MAX_PASSWORD} characters`);
  if (v.length < minLength) throw badRequest(`field "password" must be at least ${minLength} characters`);
  return v;
}

function invalidCredentials(): HttpError {
  return new HttpError(401, 'invalid email or password');
}
