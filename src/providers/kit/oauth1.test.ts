import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oauth1Header } from './oauth1.ts';

// The worked example of RFC 5849 §1.2 / Twitter's "Creating a signature" guide: fixed inputs
// and a published signature, so this checks the algorithm against an outside reference.
test('HMAC-SHA1 signature matches the published example', () => {
  const header = oauth1Header(
    'POST',
    'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
    {
      consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
      consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
      token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
    },
    {
      form: new URLSearchParams({ status: 'Hello Ladies + Gentlemen, a signed OAuth request!' }),
      nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
      timestamp: 1318622958,
    },
  );
  assert.match(header, /oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"/);
});
