// Cairn's interop helper for the JavaScript verifiers: Digital Bazaar's
// `@digitalbazaar/vc` (Data Integrity, eddsa-rdfc-2022, Bitstring Status
// List), the Digital Credentials Consortium's `@digitalcredentials/
// verifier-core` (the verifier behind the Learner Credential Wallet) and
// `jsonld` (RDFC-1.0 canonicalization).
//
// Reads one job (JSON) from stdin and prints one result (JSON) to stdout:
//
//   {"command": "verify" | "canonize" | "sign",
//    "contexts": {"<url>": "<file>"},   Cairn's bundled contexts
//    "documents": {"<url>": <json>},    issuer profiles, key documents,
//                                        status lists, JSON Schemas
//    "items": [ … ]}                    what to verify, canonicalize or sign
//
// Nothing is fetched from the network: `globalThis.fetch` answers from the
// job (404 for anything else, and the URL is reported in `fetched`), and the
// document loaders know only the bundled contexts and the job's documents.
//
// The modules are resolved from the `node_modules` beside this file (the
// test copies it into its cache folder, next to the installed packages).

import {readFileSync} from 'node:fs';

const job = JSON.parse(readFileSync(0, 'utf8'));

const contexts = new Map();
for(const [url, file] of Object.entries(job.contexts ?? {})) {
  contexts.set(url, JSON.parse(readFileSync(file, 'utf8')));
}
const documents = new Map(Object.entries(job.documents ?? {}));

// Every URL a library tried to fetch, and whether the job could answer it.
const fetched = [];
globalThis.fetch = async input => {
  const url = typeof input === 'string' ? input :
    input instanceof URL ? input.href : input.url;
  const body = documents.get(url) ?? contexts.get(url);
  fetched.push({url, answered: body !== undefined});
  if(body === undefined) {
    return new Response(JSON.stringify({error: `not served: ${url}`}), {
      status: 404, headers: {'content-type': 'application/json'}
    });
  }
  return new Response(JSON.stringify(body), {
    status: 200, headers: {'content-type': 'application/ld+json'}
  });
};

// Imported only now, so that no library captured the real fetch.
const vc = await import('@digitalbazaar/vc');
const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
const {cryptosuite: eddsaRdfc2022} =
  await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');
const {securityLoader} =
  await import('@digitalcredentials/security-document-loader');
const {default: multikeyContext} =
  await import('@digitalbazaar/multikey-context');
const {checkStatus} = await import('@digitalbazaar/vc-bitstring-status-list');
const {default: jsonld} = await import('jsonld');

/** Every message in an error, its `errors`, causes and JSON-LD details. */
function messages(error, out = [], depth = 0) {
  if(!error || depth > 8) {
    return out;
  }
  if(typeof error === 'string') {
    out.push(error);
    return out;
  }
  if(error.message) {
    out.push(`${error.name ?? 'Error'}: ${error.message}`);
  }
  const event = error.details?.event;
  if(event) {
    try {
      out.push(`  JSON-LD event: ${JSON.stringify({
        code: event.code, message: event.message, details: event.details
      })}`);
    } catch {
      out.push(`  JSON-LD event: ${event.code}`);
    }
  } else if(error.details && typeof error.details === 'object' &&
    !error.details.cause) {
    try {
      out.push(`  details: ${JSON.stringify(error.details).slice(0, 2000)}`);
    } catch {
      // not serializable: the message says enough
    }
  }
  for(const sub of Array.isArray(error.errors) ? error.errors : []) {
    messages(sub, out, depth + 1);
  }
  messages(error.cause, out, depth + 1);
  messages(error.details?.cause, out, depth + 1);
  return out;
}

/**
 * The Digital Bazaar document loader: the security loader with remote
 * contexts off, the Multikey context, and every bundled context or job
 * document it does not already know. `differs` lists URLs where Cairn's copy
 * of a context is not the one the loader ships (the loader's copy is kept,
 * as it would be in the wild).
 */
function digitalBazaarLoader() {
  const loader = securityLoader({fetchRemoteContexts: false});
  loader.addStatic(multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT);
  const differs = [];
  for(const [url, context] of contexts) {
    const own = loader.documents.get(url);
    if(own === undefined) {
      loader.addStatic(url, context);
    } else if(JSON.stringify(own) !== JSON.stringify(context)) {
      differs.push(url);
    }
  }
  for(const [url, document] of documents) {
    if(document && typeof document === 'object') {
      loader.addStatic(url, document);
    }
  }
  return {documentLoader: loader.build(), differs};
}

/** A loader that knows Cairn's bundled contexts and nothing else. */
function bundledOnlyLoader() {
  return async url => {
    const document = contexts.get(url);
    if(document === undefined) {
      throw new Error(`context not bundled with Cairn: ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

function readCredential(item) {
  return item.credential ?? JSON.parse(readFileSync(item.file, 'utf8'));
}

async function verifyWithDigitalBazaar(credential, documentLoader, now) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  try {
    const result = await vc.verifyCredential({
      credential, suite, documentLoader, now,
      checkStatus: async options => checkStatus({
        ...options, suite, documentLoader,
        verifyBitstringStatusListCredential: true,
        verifyMatchingIssuers: true
      })
    });
    const errors = messages(result.error);
    for(const r of result.results ?? []) {
      if(r.error) {
        messages(r.error, errors);
      }
      if(r.purposeResult?.error) {
        messages(r.purposeResult.error, errors);
      }
    }
    const statuses = result.statusResult?.results ?? [];
    if(result.statusResult?.error) {
      messages(result.statusResult.error, errors);
    }
    return {
      verified: result.verified === true,
      revoked: statuses.length ? statuses.some(s => s.status === true) : null,
      statusChecked: result.statusResult ?
        result.statusResult.verified === true : null,
      errors: [...new Set(errors)]
    };
  } catch(error) {
    return {verified: false, revoked: null, statusChecked: null,
      errors: messages(error)};
  }
}

async function verifyWithDcc(credential) {
  const {verifyCredential} = await import('@digitalcredentials/verifier-core');
  try {
    const result = await verifyCredential({
      credential, knownDIDRegistries: []
    });
    const step = id => (result.log ?? []).find(entry => entry.id === id);
    const errors = [];
    for(const e of result.errors ?? []) {
      errors.push(`${e.name}: ${e.message}`);
      if(e.stackTrace?.message) {
        errors.push(`  ${e.stackTrace.message}`);
      }
    }
    for(const entry of result.log ?? []) {
      if(entry.error) {
        errors.push(`${entry.id}: ${entry.error.name}: ${entry.error.message}`);
      }
    }
    const schema = (result.additionalInformation ?? [])
      .find(entry => entry.id === 'schema_check');
    const schemaResults = Array.isArray(schema?.results) ?
      schema.results.map(r => ({
        schema: r.schema, valid: r.result?.valid ?? null,
        errors: (r.result?.errors ?? []).map(e =>
          `${e.instancePath || '/'} ${e.message}` +
          (e.params ? ` ${JSON.stringify(e.params)}` : ''))
      })) : schema?.results ?? null;
    const revocation = step('revocation_status');
    return {
      signature: step('valid_signature')?.valid ?? null,
      expiration: step('expiration')?.valid ?? null,
      // valid: true means "not revoked"; an error means "could not tell".
      revocation: revocation ? (revocation.error ? 'error' :
        revocation.valid ? 'not revoked' : 'revoked') : null,
      fatal: (result.errors ?? []).length > 0,
      schema: schemaResults,
      errors
    };
  } catch(error) {
    return {signature: null, expiration: null, revocation: null, fatal: true,
      schema: null, errors: messages(error)};
  }
}

async function runVerify() {
  const {documentLoader, differs} = digitalBazaarLoader();
  const results = [];
  for(const item of job.items) {
    const credential = readCredential(item);
    const now = item.now ? new Date(item.now) : undefined;
    const result = {name: item.name};
    if(item.digitalBazaar !== false) {
      result.digitalBazaar = await verifyWithDigitalBazaar(
        structuredClone(credential), documentLoader, now);
    }
    if(item.dcc !== false) {
      result.dcc = await verifyWithDcc(structuredClone(credential));
    }
    results.push(result);
  }
  return {results, contextsDiffering: differs};
}

async function runCanonize() {
  const documentLoader = bundledOnlyLoader();
  const results = [];
  for(const item of job.items) {
    const document = readCredential(item);
    const options = {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader
    };
    const result = {name: item.name};
    try {
      result.nquads = await jsonld.canonize(
        structuredClone(document), {...options, safe: true});
    } catch(error) {
      // Safe mode refuses what would be dropped (undefined terms, relative
      // IRIs): Digital Bazaar refuses such a credential. Say why, and still
      // give the canonical form for comparison.
      result.safeModeErrors = messages(error);
      try {
        result.nquads = await jsonld.canonize(
          structuredClone(document), {...options, safe: false});
      } catch(inner) {
        result.errors = messages(inner);
      }
    }
    results.push(result);
  }
  return {results};
}

async function runSign() {
  const {documentLoader} = digitalBazaarLoader();
  const results = [];
  for(const item of job.items) {
    const keyPair = await Ed25519Multikey.generate();
    const did = `did:key:${keyPair.publicKeyMultibase}`;
    keyPair.controller = did;
    keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
    const credential = structuredClone(item.credential);
    if(credential.issuer && typeof credential.issuer === 'object') {
      credential.issuer.id = did;
    } else {
      credential.issuer = did;
    }
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(), cryptosuite: eddsaRdfc2022
    });
    try {
      const signed = await vc.issue({credential, suite, documentLoader});
      results.push({name: item.name, did, credential: signed});
    } catch(error) {
      results.push({name: item.name, did, errors: messages(error)});
    }
  }
  return {results};
}

const commands = {verify: runVerify, canonize: runCanonize, sign: runSign};
const command = commands[job.command];
if(!command) {
  process.stdout.write(JSON.stringify({
    error: `unknown command ${JSON.stringify(job.command)}`
  }));
  process.exit(2);
}
const output = await command();
output.fetched = fetched;
process.stdout.write(JSON.stringify(output));
