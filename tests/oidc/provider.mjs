// The OpenID provider kivo's tests sign in through: `oidc-provider` (pinned in
// package-lock.json) on 127.0.0.1, never a mock. Started by the pytest session
// (tests/oidc/provider.py) as `node provider.mjs`; it prints one line
// `ready <issuer>` when it listens, and stops on SIGTERM or when stdin closes.
//
// Settings (environment):
//   OIDC_PORT           port to listen on (0, the default: a free one)
//   OIDC_REDIRECT_URIS  the registered client's redirect URIs, space-separated
//   OIDC_CLIENT_ID      the registered client (default "kivo")
//   OIDC_CLIENT_SECRET  its secret (default "kivo-test-secret")
//   OIDC_ACCOUNTS       JSON {login: email}: who may sign in on the login form
//   OIDC_API_CLIENTS    JSON {client_id: email}: clients of the client-credentials grant
//                       (the same secret), and the e-mail claim of their tokens
//
// The client uses the authorization code flow with PKCE (S256, required) and the
// client-credentials grant; access tokens for a resource (RFC 8707 resource
// indicators) are JWTs signed with the provider's RS256 key, audience = the resource,
// scopes `kivo.read kivo.write`, and carry the e-mail claim of whom they stand for.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider, { errors } from 'oidc-provider';

const env = process.env;
const clientId = env.OIDC_CLIENT_ID || 'kivo';
const clientSecret = env.OIDC_CLIENT_SECRET || 'kivo-test-secret';
const redirectUris = (env.OIDC_REDIRECT_URIS || 'http://127.0.0.1/auth/callback')
  .split(/\s+/)
  .filter(Boolean);
const accounts = JSON.parse(env.OIDC_ACCOUNTS || '{}');
const apiClients = JSON.parse(env.OIDC_API_CLIENTS || '{}');
// Resources the client may ask tokens for: kivo's API, and another API (a token for it
// must be refused by kivo: wrong audience).
const resources = new Set(['urn:kivo:api', 'urn:other:api']);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

function emailOf(accountId) {
  return Object.hasOwn(accounts, accountId) ? accounts[accountId] : undefined;
}

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
    },
    ...Object.keys(apiClients)
      .filter((id) => id !== clientId)
      .map((id) => ({
        client_id: id,
        client_secret: clientSecret,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
      })),
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  pkce: { methods: ['S256'], required: () => true },
  async findAccount(ctx, id) {
    const email = emailOf(id);
    if (email === undefined) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: true };
      },
    };
  },
  // A first-party client: no consent screen, the grant is given on sign-in.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    grant.addOIDCClaims(['email', 'email_verified']);
    await grant.save();
    return grant;
  },
  async extraTokenClaims(ctx, token) {
    if (token.kind !== 'AccessToken' && token.kind !== 'ClientCredentials') return undefined;
    const email = token.accountId ? emailOf(token.accountId) : apiClients[token.clientId];
    return email ? { email } : undefined;
  },
  features: {
    devInteractions: { enabled: true }, // the plain login form the browser tests fill in
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => false,
      async getResourceServerInfo(ctx, resource) {
        if (!resources.has(resource)) throw new errors.InvalidTarget();
        return {
          scope: 'kivo.read kivo.write',
          audience: resource,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600, Session: 3600, Interaction: 600, Grant: 3600 },
};

const server = createServer();
server.listen(Number(env.OIDC_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`ready ${issuer}`);
});

function stop() {
  server.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
