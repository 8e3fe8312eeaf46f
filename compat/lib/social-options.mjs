// Better Auth social-login options for the reference server (reference-server.mjs
// with OAUTH_PROVIDER_URL): the mock provider from oauth-provider.mjs registered
//
//  (a) as a generic OIDC provider "mock-oidc" through the genericOAuth plugin
//      (1.7.x: generic providers are first-class social providers, used with
//      POST /sign-in/social {provider:"mock-oidc"} and GET /callback/mock-oidc;
//      there is no /sign-in/oauth2 endpoint and no genericOAuthClient any more):
//        genericOAuth({ config: [{ providerId: "mock-oidc",
//          discoveryUrl: `${providerUrl}/.well-known/openid-configuration`,
//          clientId, clientSecret, pkce: true, scopes: ["openid","email","profile"] }] })
//  (b) as the BUILT-IN `github` social provider. Better Auth 1.7.25 hard-codes
//      GitHub's endpoints (github.com/login/oauth/authorize, .../access_token,
//      api.github.com/user, /user/emails) and has no option to override them, so
//      with `github: true` this module wraps globalThis.fetch in the server process
//      to send Better Auth's server-side GitHub calls to the mock instead:
//        https://github.com/login/oauth/access_token -> ${providerUrl}/token
//        https://api.github.com/user                 -> ${providerUrl}/github/user
//        https://api.github.com/user/emails          -> ${providerUrl}/github/user/emails
//      The authorization URL Better Auth hands to the browser still points at
//      https://github.com/login/oauth/authorize; social-flow.mjs's "browser" opens it
//      on ${providerUrl}/authorize instead (same query). A server whose GitHub
//      endpoints are configurable (ours) is simply pointed at the mock.
//
// plus account.accountLinking {enabled: true, trustedProviders: ["mock-oidc"]} and,
// with encryptTokens, account.encryptOAuthTokens: true.
// None of this changes the database schema.

import { genericOAuth } from "better-auth/plugins";

export const MOCK_OIDC_ID = "mock-oidc";
export const DEFAULT_OIDC_CLIENT = { clientId: "mock-oidc-client", clientSecret: "mock-oidc-secret" };
export const DEFAULT_GITHUB_CLIENT = { clientId: "mock-github-client", clientSecret: "mock-github-secret" };

const GITHUB_REWRITES = [
  ["https://github.com/login/oauth/access_token", "/token"],
  ["https://api.github.com/user/emails", "/github/user/emails"],
  ["https://api.github.com/user", "/github/user"],
];

let fetchWrapped = false;
function redirectGithubFetches(providerUrl) {
  if (fetchWrapped) return;
  fetchWrapped = true;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    for (const [from, to] of GITHUB_REWRITES) {
      if (url === from || url.startsWith(`${from}?`)) {
        const target = `${providerUrl}${to}${url.slice(from.length)}`;
        return realFetch(input instanceof Request ? new Request(target, input) : target, init);
      }
    }
    return realFetch(input, init);
  };
}

/**
 * @param {object} base  authOptions() result (possibly already extended)
 * @param {{ providerUrl: string, encryptTokens?: boolean, github?: boolean,
 *           oidcClient?: {clientId: string, clientSecret: string},
 *           githubClient?: {clientId: string, clientSecret: string} }} o
 */
export function withSocialOptions(base, { providerUrl, encryptTokens = false, github = true, oidcClient = DEFAULT_OIDC_CLIENT, githubClient = DEFAULT_GITHUB_CLIENT }) {
  if (!providerUrl) throw new Error("providerUrl is required");
  const url = providerUrl.replace(/\/+$/, "");
  if (github) redirectGithubFetches(url);
  return {
    ...base,
    socialProviders: {
      ...base.socialProviders,
      ...(github ? { github: { clientId: githubClient.clientId, clientSecret: githubClient.clientSecret } } : {}),
    },
    account: {
      ...base.account,
      accountLinking: { ...base.account?.accountLinking, enabled: true, trustedProviders: [MOCK_OIDC_ID] },
      ...(encryptTokens ? { encryptOAuthTokens: true } : {}),
    },
    plugins: [
      ...(base.plugins ?? []),
      genericOAuth({
        config: [
          {
            providerId: MOCK_OIDC_ID,
            discoveryUrl: `${url}/.well-known/openid-configuration`,
            clientId: oidcClient.clientId,
            clientSecret: oidcClient.clientSecret,
            pkce: true,
            scopes: ["openid", "email", "profile"],
          },
        ],
      }),
    ],
  };
}
