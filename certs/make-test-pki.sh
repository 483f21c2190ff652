#!/usr/bin/env bash
# Makes the test PKI described in certs/README.md in DIR. Test use only: the
# keys are unencrypted and the CA is trusted by nothing but our tests.
# Idempotent: a complete, still valid PKI in DIR is left as it is.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1

files=(ca foreign-ca server structure professional expired foreign-client)

pki_is_complete() {
  local name
  for name in "${files[@]}"; do
    [[ -s "$dir/$name.pem" && -s "$dir/$name.key" ]] || return 1
  done
  [[ -s "$dir/structure-chain.pem" ]] || return 1
  # issue 6: the VIHF signer (block at the end)
  [[ -s "$dir/vihf-signer.pem" && -s "$dir/vihf-signer.key" ]] || return 1
  openssl x509 -in "$dir/vihf-signer.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  # A day of margin so a test run never straddles an expiry.
  for name in ca foreign-ca server structure professional foreign-client; do
    openssl x509 -in "$dir/$name.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  done
}

if pki_is_complete; then
  exit 0
fi

mkdir -p "$dir"
work=$(mktemp -d "$dir/.make-test-pki.XXXXXX")
trap 'rm -rf "$work"' EXIT

key() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$1.key" 2>/dev/null
}

serial() {
  # Positive 127-bit random serial, as RFC 5280 asks for unpredictable ones.
  printf '0x%s' "$(openssl rand -hex 16 | sed 's/^./7/')"
}

# self_signed_ca NAME SUBJECT
self_signed_ca() {
  key "$1"
  openssl req -new -x509 -key "$work/$1.key" -out "$work/$1.pem" -days 3650 -sha256 \
    -subj "$2" -set_serial "$(serial)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
}

# leaf NAME ISSUER SUBJECT EXTENSIONS...
leaf() {
  local name=$1 issuer=$2 subject=$3
  shift 3
  key "$name"
  printf '%s\n' "$@" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" \
    >"$work/$name.ext"
  openssl req -new -key "$work/$name.key" -subj "$subject" -out "$work/$name.csr"
  openssl x509 -req -in "$work/$name.csr" -CA "$work/$issuer.pem" -CAkey "$work/$issuer.key" \
    -set_serial "$(serial)" -days 825 -sha256 -extfile "$work/$name.ext" \
    -out "$work/$name.pem" 2>/dev/null
}

# OpenSSL 3.0's x509 cannot set a past notBefore; `openssl ca` can, given a
# throwaway CA database.
expired_leaf() {
  local name=$1 issuer=$2 subject=$3
  key "$name"
  openssl req -new -key "$work/$name.key" -subj "$subject" -out "$work/$name.csr"
  mkdir "$work/ca-db"
  : >"$work/ca-db/index.txt"
  cat >"$work/ca-db/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $work/ca-db/index.txt
new_certs_dir = $work/ca-db
certificate = $work/$issuer.pem
private_key = $work/$issuer.key
serial = $work/ca-db/serial
default_md = sha256
policy = accept_anything
email_in_dn = no
unique_subject = no
copy_extensions = none
x509_extensions = client_ext
[accept_anything]
commonName = supplied
organizationName = optional
organizationalUnitName = optional
countryName = optional
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl rand -hex 16 | sed 's/^./7/' >"$work/ca-db/serial"
  openssl ca -batch -config "$work/ca-db/ca.cnf" -notext -preserveDN \
    -startdate 20200101000000Z -enddate 20210101000000Z \
    -in "$work/$name.csr" -out "$work/$name.pem" 2>/dev/null
}

self_signed_ca ca "/C=FR/O=Passerelle Test/CN=Passerelle Test Root CA"
self_signed_ca foreign-ca "/C=FR/O=Foreign Test/CN=Foreign Test Root CA"

leaf server ca "/C=FR/O=Passerelle Test/CN=localhost" \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"

# Shaped like an ANS organisation ("personne morale") certificate: the
# structure's FINESS-style id in OU.
leaf structure ca "/C=FR/O=CENTRE HOSPITALIER DE TEST/OU=10B0152872/CN=passerelle-test.10B0152872" \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=clientAuth"

# A health professional's signing certificate: RPPS-like id in CN.
leaf professional ca "/C=FR/O=CENTRE HOSPITALIER DE TEST/OU=10B0152872/title=Medecin/SN=DUPONT/GN=JEAN/CN=810000000001" \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,nonRepudiation,digitalSignature"

leaf foreign-client foreign-ca "/C=FR/O=Foreign Test/OU=10B0999999/CN=foreign-client" \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=clientAuth"

expired_leaf expired ca "/C=FR/O=CENTRE HOSPITALIER DE TEST/OU=10B0152872/CN=expired-client"

cat "$work/structure.pem" "$work/ca.pem" >"$work/structure-chain.pem"
chmod 600 "$work"/*.key
chmod 644 "$work"/*.pem

# ca.pem goes last: it is what the completeness check looks at first.
for name in "${files[@]}"; do
  [[ $name == ca ]] || mv -f "$work/$name.pem" "$work/$name.key" "$dir/"
done
mv -f "$work/structure-chain.pem" "$dir/"
mv -f "$work/ca.key" "$work/ca.pem" "$dir/"

echo "make-test-pki: test PKI in $dir (ca, server, structure, professional, expired, foreign-ca, foreign-client)"

# ---- issue 6: VIHF signer ------------------------------------------------
# The organisation ("personne morale") certificate that signs VIHF assertions
# (dmp-xds-mapping.md §7): the assertion's Issuer is this subject DN. Also a
# TLS client certificate, so one test can use it for both, as an indirect-
# authentication LPS does. Issued by the test CA, made after the rest.
cp "$dir/ca.pem" "$dir/ca.key" "$work/"
leaf vihf-signer ca "/C=FR/O=CENTRE HOSPITALIER DE TEST/OU=10B0152872/CN=vihf-signer.10B0152872" \
  "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature,nonRepudiation" \
  "extendedKeyUsage=clientAuth"
chmod 600 "$work/vihf-signer.key"
chmod 644 "$work/vihf-signer.pem"
mv -f "$work/vihf-signer.pem" "$work/vihf-signer.key" "$dir/"
echo "make-test-pki: VIHF signer in $dir (vihf-signer)"
# ---- end issue 6 ----------------------------------------------------------
