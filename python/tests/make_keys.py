"""Write a JWKS with one RSA and one EC P-256 public key (for the test
cluster's rbac.jwt_key_file) and the private keys as PEM, into DIR.

    python3 tests/make_keys.py DIR      (run-test.sh does)
"""

import base64
import json
import pathlib
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def b64(n, size=None):
    data = n.to_bytes(size or (n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def main(out):
    out = pathlib.Path(out)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    r, e = rsa_key.public_key().public_numbers(), ec_key.public_key().public_numbers()
    jwks = {"keys": [
        {"kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig", "n": b64(r.n), "e": b64(r.e)},
        {"kty": "EC", "kid": "ec-1", "alg": "ES256", "use": "sig", "crv": "P-256",
         "x": b64(e.x, 32), "y": b64(e.y, 32)},
    ]}
    (out / "jwks.json").write_text(json.dumps(jwks))
    (out / "rsa.pem").write_bytes(pem(rsa_key))
    (out / "ec.pem").write_bytes(pem(ec_key))


if __name__ == "__main__":
    main(sys.argv[1])
