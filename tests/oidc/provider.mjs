// A real OpenID Connect provider (the npm package oidc-provider) for tests/test_sso.py.
//
//   node provider.mjs <redirect_uri>
//
// Listens on 127.0.0.1 at a free port and prints "listening <issuer>" once it answers. One
// client ("reform-tracker" / "test-secret"), accounts by name (ACCOUNTS), and a sign-in form
// with one field that finishes login and consent at once, so that a test drives it over HTTP.
// POST /_test/id-token with mode=forged|expired|good makes the token endpoint return an ID
// token signed with another key (same key id) or already expired, as an attacker or a broken
// provider would.
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const redirectUri = process.argv[2];
const ACCOUNTS = {
  jane: { email: 'jane@ilo.org', email_verified: true, name: 'Jane Staff', groups: [] },
  member: { email: 'member@example.org', email_verified: true, name: 'GB Member', groups: ['gb-members'] },
  unverified: { email: 'someone@ilo.org', email_verified: false, name: 'Not Verified', groups: [] },
};
const KID = 'test-key';

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const other = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(signing.privateKey)), kid: KID, alg: 'RS256', use: 'sig' };
let idTokenMode = 'good';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'reform-tracker',
      client_secret: 'test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['test-only-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'groups'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, ...account }) };
  },
});

async function formBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function reSigned(idToken) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  const expired = idTokenMode === 'expired';
  return new jose.SignJWT({ ...claims, iat: expired ? now - 7200 : now, exp: expired ? now - 3600 : now + 600 })
    .setProtectedHeader({ alg: 'RS256', kid: KID })
    .sign(idTokenMode === 'forged' ? other.privateKey : signing.privateKey);
}

provider.use(async (ctx, next) => {
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (ctx.path === '/_test/id-token' && ctx.method === 'POST') {
    idTokenMode = (await formBody(ctx.req)).get('mode');
    ctx.body = { mode: idTokenMode };
  } else if (interaction && ctx.method === 'GET') {
    await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = `<form method="post" action="/interaction/${interaction[1]}/login">
      <label>Account <input name="login"></label><button>Sign in</button></form>`;
  } else if (interaction && interaction[2] && ctx.method === 'POST') {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = (await formBody(ctx.req)).get('login');
    if (!ACCOUNTS[accountId]) {
      ctx.status = 400;
      ctx.body = 'unknown account';
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    ctx.redirect(
      await provider.interactionResult(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false }),
    );
  } else {
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token && idTokenMode !== 'good') {
      ctx.body = { ...ctx.body, id_token: await reSigned(ctx.body.id_token) };
    }
  }
});

server.on('request', provider.callback());
console.log(`listening ${issuer}`);
