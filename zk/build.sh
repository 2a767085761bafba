#!/usr/bin/env bash
# Builds the SGD-step circuit and its Groth16 keys from scratch (3–7 minutes on 2 cores), then proves one honest step as the
# committed sample. CI never runs this: the artifacts it makes are committed (see README.md here).
set -euo pipefail
cd "$(dirname "$0")"
snarkjs=node_modules/.bin/snarkjs
mkdir -p build
npx circom2 circuits/sgd_step.circom --r1cs --wasm --sym -o build -l node_modules
# Powers of tau for up to 2^13 constraints: a local ceremony with one contribution (fine for a devnet; a production
# network would use a public ceremony's file).
$snarkjs powersoftau new bn128 13 build/pot13_0000.ptau
$snarkjs powersoftau contribute build/pot13_0000.ptau build/pot13_0001.ptau --name="pot dev" -e="$(head -c 32 /dev/urandom | xxd -p -c 64)"
$snarkjs powersoftau prepare phase2 build/pot13_0001.ptau build/pot13_final.ptau
$snarkjs groth16 setup build/sgd_step.r1cs build/pot13_final.ptau build/sgd_step_0000.zkey
$snarkjs zkey contribute build/sgd_step_0000.zkey build/sgd_step.zkey --name="pot dev" -e="$(head -c 32 /dev/urandom | xxd -p -c 64)"
$snarkjs zkey export verificationkey build/sgd_step.zkey build/verification_key.json
$snarkjs r1cs info build/sgd_step.r1cs
./samples.sh
rm -f build/pot13_0000.ptau build/pot13_0001.ptau build/sgd_step_0000.zkey
