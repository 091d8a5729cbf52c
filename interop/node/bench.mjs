// How fast the Digital Bazaar stack signs and verifies the credential Cairn's
// criterion benchmark uses (eddsa-rdfc-2022), single-threaded: N iterations
// of each after a warm-up, one at a time. Prints one JSON object.
//
//   node bench.mjs <unsigned credential.json> [iterations] [warm-up]
//
// The key is an Ed25519 Multikey at the same kind of URL Cairn's benchmark
// names (<issuer>/keys/1), published with its issuer's controller document
// through a static document loader (no network). Signing is `vc.issue`;
// verifying is `vc.verifyCredential`, which also checks that the issuer's
// document lists the key in `assertionMethod` (proof purpose). Status is
// not checked by either side.
//
// The modules are resolved from the `node_modules` beside this file (the
// interop test places it in its cache folder, next to the packages).

import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import multikeyContext from '@digitalbazaar/multikey-context';

const [file, iterationsText = '200', warmupText = '20'] =
  process.argv.slice(2);
if(!file) {
  process.stderr.write(
    'usage: node bench.mjs <unsigned credential.json> [iterations] [warm-up]\n');
  process.exit(2);
}
const iterations = Number(iterationsText);
const warmup = Number(warmupText);
const credential = JSON.parse(readFileSync(file, 'utf8'));
delete credential.proof;

const issuer = typeof credential.issuer === 'object' ?
  credential.issuer.id : credential.issuer;
const keyPair = await Ed25519Multikey.generate({seed: new Uint8Array(32).fill(7)});
keyPair.id = `${issuer}/keys/1`;
keyPair.controller = issuer;

const builder = securityLoader({fetchRemoteContexts: false});
builder.addStatic(multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT);
builder.addStatic(keyPair.id, {
  '@context': multikeyContext.CONTEXT_URL,
  id: keyPair.id,
  type: 'Multikey',
  controller: issuer,
  publicKeyMultibase: keyPair.publicKeyMultibase
});
builder.addStatic(issuer, {
  '@context': [
    'https://www.w3.org/ns/did/v1',
    'https://www.w3.org/ns/credentials/v2'
  ],
  id: issuer,
  assertionMethod: [keyPair.id]
});
const documentLoader = builder.build();

const signSuite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});
signSuite.date = credential.validFrom;
const verifySuite = new DataIntegrityProof({cryptosuite});
const now = new Date(credential.validFrom);
const checkStatus = async () => ({verified: true});

async function sign() {
  return vc.issue({
    credential: structuredClone(credential), suite: signSuite, documentLoader
  });
}

const signed = await sign();
async function verify() {
  const result = await vc.verifyCredential({
    credential: signed, suite: verifySuite, documentLoader, now, checkStatus
  });
  if(!result.verified) {
    throw result.error ?? new Error('not verified');
  }
}

async function measure(operation) {
  for(let i = 0; i < warmup; ++i) {
    await operation();
  }
  const start = process.hrtime.bigint();
  for(let i = 0; i < iterations; ++i) {
    await operation();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {perSecond: iterations / seconds, microseconds: seconds / iterations * 1e6};
}

const signing = await measure(sign);
const verifying = await measure(verify);
const version = name => {
  try {
    return JSON.parse(readFileSync(
      new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
  } catch {
    return null;
  }
};
process.stdout.write(JSON.stringify({
  node: process.version,
  packages: {
    '@digitalbazaar/vc': version('@digitalbazaar/vc'),
    '@digitalbazaar/eddsa-rdfc-2022-cryptosuite':
      version('@digitalbazaar/eddsa-rdfc-2022-cryptosuite'),
    jsonld: version('jsonld')
  },
  credentialBytes: JSON.stringify(credential).length,
  iterations,
  warmup,
  signsPerSecond: signing.perSecond,
  signMicroseconds: signing.microseconds,
  verifiesPerSecond: verifying.perSecond,
  verifyMicroseconds: verifying.microseconds
}) + '\n');
