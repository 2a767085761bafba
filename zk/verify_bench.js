// Times snarkjs's Groth16 verification of the committed proof in-process (the baseline PoT.Bench prints beside
// the C# verifier): node verify_bench.js [runs]. Prints one JSON line with the median and mean in milliseconds.
const snarkjs = require("snarkjs");
const fs = require("fs");
const path = require("path");

const dir = path.join(__dirname, "build");
const vk = JSON.parse(fs.readFileSync(path.join(dir, "verification_key.json")));
const proof = JSON.parse(fs.readFileSync(path.join(dir, "proof.json")));
const signals = JSON.parse(fs.readFileSync(path.join(dir, "public.json")));
const runs = parseInt(process.argv[2] || "20", 10);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

(async () => {
  if (!(await snarkjs.groth16.verify(vk, signals, proof, silent))) throw new Error("the committed proof does not verify");
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const ok = await snarkjs.groth16.verify(vk, signals, proof, silent);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!ok) throw new Error("verification failed");
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  console.log(JSON.stringify({ runs, medianMs: times[Math.floor(times.length / 2)], meanMs: mean }));
  process.exit(0);
})().catch((e) => { console.error(e.message); process.exit(1); });
