import { parseId } from '../../../lib/ids.js';
import { configuredTrustStore } from '../../../lib/signatures/trust-store-config.js';
import { runPublicWrite } from '../../../lib/write.js';
import type { Context } from '../context.js';
import { EdsSignInManager, signInRefused } from '../eds-sign-in-manager.js';

// EDS sign-in: mutations anyone may call (their rule is `anyone`). They rest on no
// credential of the caller, so they take the public write path (`runPublicWrite`): what
// they need, an unused nonce and a valid signature over it, is proven inside the write.

export const signInMutations = {
  requestSignInChallenge: (_: unknown, _args: unknown, context: Context) =>
    runPublicWrite(context, {
      operation: 'access.requestSignInChallenge',
      run: (tx) => new EdsSignInManager(tx).challenge(context.receivedAt),
    }),

  signInWithSignature: (_: unknown, args: { challengeId: unknown; signature: string }, context: Context) => {
    const challengeId = parseId(args.challengeId, 'challengeId', 'a sign-in challenge');
    const trust = configuredTrustStore();
    if (!trust) throw signInRefused('EDS sign-in is not configured on this server (no trusted certification authority).', 'NOT_CONFIGURED');
    return runPublicWrite(context, {
      operation: 'access.signInWithSignature',
      run: (tx) => new EdsSignInManager(tx).signIn(challengeId, args.signature, trust, context.receivedAt),
    });
  },
};
