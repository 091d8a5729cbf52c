"""Cairn's interop helper for openbadgeslib (OB 3.0 Data Integrity and
VC-JWT, signing and verifying) and openbadges-bakery 2.0.0 (unbaking).

Reads one job (JSON) from stdin and prints one result (JSON) to stdout:

    {"command": "verify" | "sign" | "unbake",
     "documents": {"<url>": <json or text>},   what `download` may answer
     "items": [ ... ]}

verify items:
    {"name", "kind": "ldp" | "jwt" | "baked", "file",
     "public_key_hex": Ed25519 key to pin (ldp, baked),
     "public_key_pem": key to pin (jwt, baked),
     "resolve_did": true to resolve the issuer's did:key instead of pinning,
     "check_status": true to read the Bitstring status list (from documents),
     "verify_status_list": true to have openbadgeslib check the list's proof}
sign items:
    {"name", "kind": "ldp" | "jwt", "credential": fields for the model}
unbake items:
    {"name", "file"}

Nothing is fetched from the network: `download` answers from the job and
refuses anything else.
"""

import json
import sys
import traceback
from datetime import datetime, timezone


def error_text(exc):
    text = "%s: %s" % (type(exc).__name__, exc)
    cause = exc.__cause__
    while cause is not None:
        text += " (caused by %s: %s)" % (type(cause).__name__, cause)
        cause = cause.__cause__
    return text


def make_download(documents, fetched):
    def download(url):
        fetched.append(url)
        if url not in documents:
            raise ValueError("offline test: %s is not served" % url)
        value = documents[url]
        text = value if isinstance(value, str) else json.dumps(value)
        return text.encode("utf-8")
    return download


def ed25519_pem(public_key_hex):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding, PublicFormat)
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def pinned_key(item):
    if item.get("public_key_pem"):
        return item["public_key_pem"].encode("utf-8")
    if item.get("public_key_hex"):
        return ed25519_pem(item["public_key_hex"])
    return None


def verify_item(item, download):
    from openbadgeslib.ob3 import OB3LdpVerifier, OB3Verifier
    from openbadgeslib.verify import verify_badge

    kind = item["kind"]
    check_status = bool(item.get("check_status"))
    verify_list = bool(item.get("verify_status_list"))
    pem = pinned_key(item)
    if kind == "baked":
        with open(item["file"], "rb") as f:
            data = f.read()
        result = verify_badge(
            data, "3", pubkey_pem=pem, resolve_did=pem is None,
            check_status=check_status, verify_status_list=verify_list,
            download=download)
        return {"valid": result.valid, "trusted": result.trusted,
                "proof_format": result.proof_format, "error": result.reason}
    with open(item["file"], "r", encoding="utf-8") as f:
        text = f.read().strip()
    if kind == "ldp":
        verifier = (OB3LdpVerifier(pubkey_pem=pem) if pem is not None
                    else OB3LdpVerifier.for_issuer_did(item["issuer"]))
    elif kind == "jwt":
        verifier = (OB3Verifier(pubkey_pem=pem) if pem is not None
                    else OB3Verifier.for_issuer_did(item["issuer"]))
    else:
        raise ValueError("unknown kind %r" % kind)
    # openbadgeslib verifies a status list's own proof only for a VC-JWT
    # list, so by default only the bit is read.
    credential = verifier.verify(
        text, check_status=check_status, verify_status_list=verify_list,
        download=download)
    return {"valid": True, "issuer": credential.issuer.id,
            "credential_name": credential.name}


def sign_item(item):
    from openbadgeslib.keys import KeyEd25519, KeyRSA
    from openbadgeslib.ob3 import Achievement, Issuer, OpenBadgeCredential
    from openbadgeslib.ob3.credential import IdentityObject
    from openbadgeslib.ob3.did import did_key_from_pem
    from openbadgeslib.ob3.ldp import OB3LdpSigner
    from openbadgeslib.ob3.signer import OB3Signer

    fields = item["credential"]
    if item["kind"] == "ldp":
        key = KeyEd25519()
        private_pem, public_pem = key.generate_keypair()
        issuer_id = did_key_from_pem(public_pem)
    else:
        key = KeyRSA()
        private_pem, public_pem = key.generate_keypair()
        issuer_id = fields["issuer_id"]
    achievement = Achievement(
        id=fields["achievement_id"], name=fields["name"],
        description=fields["description"],
        criteria_narrative=fields["criteria"],
        achievement_type=fields.get("achievement_type"),
        credits_available=fields.get("credits_available"),
        tags=fields.get("tags", []))
    credential = OpenBadgeCredential(
        issuer=Issuer(id=issuer_id, name=fields["issuer_name"],
                      url=fields.get("issuer_url")),
        recipient_id=fields.get("recipient_id"),
        achievement=achievement,
        id=fields["id"],
        issuance_date=datetime.fromisoformat(
            fields["valid_from"].replace("Z", "+00:00")),
        credits_earned=fields.get("credits_earned"),
        identifiers=[IdentityObject.create(
            fields["email"], salt=fields["salt"])])
    if item["kind"] == "ldp":
        signed = OB3LdpSigner(private_pem).sign(
            credential, created=datetime.now(timezone.utc))
        return {"issuer": issuer_id, "credential": signed,
                "public_key_pem": public_pem.decode("ascii")}
    signer = OB3Signer(private_pem, algorithm="RS256")
    token = signer.sign(credential)
    return {"issuer": issuer_id, "token": token,
            "public_jwk": signer._public_jwk(),
            "public_key_pem": public_pem.decode("ascii")}


def unbake_item(item):
    from openbadges_bakery import unbake
    with open(item["file"], "rb") as f:
        payload = unbake(f)
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    return {"payload": payload}


def main():
    job = json.load(sys.stdin)
    fetched = []
    download = make_download(job.get("documents", {}), fetched)
    results = []
    for item in job["items"]:
        result = {"name": item["name"]}
        try:
            if job["command"] == "verify":
                result.update(verify_item(item, download))
            elif job["command"] == "sign":
                result.update(sign_item(item))
            elif job["command"] == "unbake":
                result.update(unbake_item(item))
            else:
                raise ValueError("unknown command %r" % job["command"])
        except Exception as exc:  # every refusal is reported, not raised
            result["valid"] = False
            result["error"] = error_text(exc)
            result["traceback"] = traceback.format_exc(limit=6)
        results.append(result)
    json.dump({"results": results, "fetched": fetched}, sys.stdout)


if __name__ == "__main__":
    main()
