// The local stage's OpenID provider: npm `oidc-provider` (OpenID-certified) on loopback.
//
// Started by chalicelib/local/idp.py with its settings in the environment. Sign-in uses
// the library's development form (a `login` field, any password); the accounts are the
// demo staff: `coordinator` and each demo worker by id, whose ID tokens carry `role`
// and `worker_id` as the county's provider would (see docs/CONSOLE.md).
import Provider from 'oidc-provider';

const env = process.env;
const accounts = JSON.parse(env.TAPAAMO_IDP_ACCOUNTS);

const provider = new Provider(env.TAPAAMO_IDP_ISSUER, {
  clients: [{
    client_id: env.TAPAAMO_IDP_CLIENT_ID,
    client_secret: env.TAPAAMO_IDP_CLIENT_SECRET,
    redirect_uris: [env.TAPAAMO_IDP_REDIRECT_URI],
    post_logout_redirect_uris: [env.TAPAAMO_IDP_POST_LOGOUT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  // PKCE (S256, the library's only method) for every client, not only public ones.
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'tapaamo'],
  claims: { openid: ['sub'], profile: ['name'], tapaamo: ['role', 'worker_id'] },
  // Put the scope's claims in the ID token itself: the console reads nothing else.
  conformIdTokenClaims: false,
  cookies: { keys: [env.TAPAAMO_IDP_COOKIE_KEY] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Interaction: 600, Grant: 36000, Session: 36000 },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  // The console is the county's own application: no consent screen after sign-in.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile tapaamo');
    grant.addOIDCClaims(['role', 'worker_id', 'name']);
    await grant.save();
    return grant;
  },
});

// An unknown login is refused by the library's form; say so in the terminal too.
provider.on('server_error', (ctx, error) => console.error('idp:', error.message));
const { port } = new URL(env.TAPAAMO_IDP_ISSUER);
provider.listen(Number(port), '127.0.0.1', () => console.log(`idp: listening on ${env.TAPAAMO_IDP_ISSUER}`));
