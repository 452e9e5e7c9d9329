// A real OpenID Connect provider for the sign-in tests (npm package oidc-provider, pinned in package-lock.json).
//
// One confidential client (client_secret_basic, authorization code + PKCE S256, as Streamlit's st.login
// through Authlib uses it), the scopes `openid email profile`, a fixed set of test accounts, and the
// provider's built-in login and consent pages (devInteractions): no other interaction. The login form's
// password is checked against the account's `password` (devInteractions alone accepts any).
//
// Settings, each from a --flag or the environment variable beside it:
//   --port           OIDC_PORT            TCP port on 127.0.0.1 (required)
//   --issuer         OIDC_ISSUER          default http://127.0.0.1:<port>
//   --client-id      OIDC_CLIENT_ID       default subsidy-dashboard
//   --client-secret  OIDC_CLIENT_SECRET   required
//   --redirect-uri   OIDC_REDIRECT_URI    one or more, comma separated (e.g. http://127.0.0.1:8501/oauth2callback)
//   --accounts       OIDC_ACCOUNTS        JSON: {"alice": {"password": "...", "email": "...", "name": "...",
//                                        "sub": "optional, default the login", "preferred_username": "optional"}}
//   --accounts-file  OIDC_ACCOUNTS_FILE   the same JSON in a file, read again at each sign-in (accounts can be
//                                        added while it runs); one of --accounts / --accounts-file is required
//   --any-loopback-port  OIDC_ANY_LOOPBACK_PORT=1   accept the redirect URIs' http://127.0.0.1 callback on any
//                                        port (RFC 8252 loopback rule), so one provider serves Streamlit servers
//                                        on ports chosen later; without it the redirect URI must match exactly
// It prints `oidc-provider ready <issuer>` on stdout once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as querystring from 'node:querystring';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    accounts: { type: 'string' },
    'accounts-file': { type: 'string' },
    'any-loopback-port': { type: 'boolean' },
  },
});

function setting(flag, env, fallback) {
  const value = args[flag] ?? process.env[env] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`provider.mjs: --${flag} (or $${env}) is required`);
    process.exit(2);
  }
  return value;
}

const port = Number(setting('port', 'OIDC_PORT'));
const issuer = setting('issuer', 'OIDC_ISSUER', `http://127.0.0.1:${port}`);
const clientId = setting('client-id', 'OIDC_CLIENT_ID', 'subsidy-dashboard');
const clientSecret = setting('client-secret', 'OIDC_CLIENT_SECRET');
const redirectUris = setting('redirect-uri', 'OIDC_REDIRECT_URI').split(',').map((s) => s.trim()).filter(Boolean);
const anyLoopbackPort = args['any-loopback-port'] ?? process.env.OIDC_ANY_LOOPBACK_PORT === '1';
const accountsFile = args['accounts-file'] ?? process.env.OIDC_ACCOUNTS_FILE;
const fixedAccounts = accountsFile ? undefined : JSON.parse(setting('accounts', 'OIDC_ACCOUNTS'));

function readAccounts() {
  return fixedAccounts ?? JSON.parse(readFileSync(accountsFile, 'utf8'));
}

// by the login typed in the form
function accountOf(login) {
  const accounts = readAccounts();
  return typeof login === 'string' && Object.hasOwn(accounts, login) ? accounts[login] : undefined;
}

// by the provider's accountId, which is the account's sub (it becomes the ID token's `sub`)
function loginOfSub(sub) {
  return Object.entries(readAccounts()).find(([login, a]) => (a.sub ?? login) === sub)?.[0];
}

function claimsOf(login, a) {
  return {
    sub: a.sub ?? login,
    email: a.email,
    email_verified: true,
    name: a.name,
    preferred_username: a.preferred_username ?? login,
  };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-key' };

const provider = new Provider(issuer, {
  clients: [{
    // 'native' is what lets a loopback redirect URI differ in its port only (oidc-provider's Client model)
    application_type: anyLoopbackPort ? 'native' : 'web',
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    // Streamlit's st.logout sends post_logout_redirect_uri = its redirect_uri
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  // Streamlit builds st.user from the ID token alone (it never calls userinfo): put the scopes' claims there
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: { keys: [signingKey] },
  async findAccount(ctx, id) {
    const login = loginOfSub(id);
    if (login === undefined) return undefined;
    const claims = claimsOf(login, accountOf(login));
    return { accountId: id, async claims() { return claims; } };
  },
});

// The login form (devInteractions) accepts any password: check it against the account before the provider
// sees the submission, and answer a wrong one (or an unknown login) with 401 and a link back to the form.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const form = querystring.parse(raw);
    if (form.prompt === 'login') {
      const account = accountOf(form.login);
      if (!account || account.password !== form.password) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = `<!DOCTYPE html><html><head><title>Sign-in failed</title></head><body>
<p id="error">Invalid login or password.</p><p><a href="${ctx.path}">Try again</a></p></body></html>`;
        return;
      }
      // devInteractions makes the typed login the accountId, and the accountId is the `sub`
      form.login = account.sub ?? form.login;
    }
    // the provider's body parser reads an already-read body from here
    ctx.request.body = querystring.stringify(form);
  }
  await next();
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
