#!/usr/bin/env bash
# Proves the two committed samples with the committed key (seconds; build.sh makes the key): the honest one (Alice,
# agent-1, round agent-1.1 of the specs' validator-duty network, a model that fits the linear-2 task) and a useless one
# (an honest step from zero weights: the proof is valid, the model scores low on held-out data). Run it again when
# round ids change (PoT.Specs/Support/ZkFiles.cs names the round).
set -euo pipefail
cd "$(dirname "$0")"
snarkjs=node_modules/.bin/snarkjs
# The round both samples are bound to (read by the specs and the bench): agent-1's first round on the specs'
# validator-duty network.
round="agent-1.1@acecab071d5c"
printf '%s\n' "$round" > build/sample-round.txt
node gen_input.js --round "$round" > build/input.json
$snarkjs groth16 fullprove build/input.json build/sgd_step_js/sgd_step.wasm build/sgd_step.zkey build/proof.json build/public.json
$snarkjs groth16 verify build/verification_key.json build/public.json build/proof.json
mkdir -p build/useless
node gen_input.js --round "$round" --useless > build/useless/input.json
$snarkjs groth16 fullprove build/useless/input.json build/sgd_step_js/sgd_step.wasm build/sgd_step.zkey build/useless/proof.json build/useless/public.json
$snarkjs groth16 verify build/verification_key.json build/useless/public.json build/useless/proof.json
