pragma circom 2.1.6;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// One step of stochastic gradient descent on a linear model y ≈ w·x + b, in fixed point: the proof says that
// the weights committed in commitAfter are exactly one SGD step from those committed in commitBefore, on the
// batch committed in commitBatch, with learning rate lrNum / 2^LR_BITS, and that the batch's squared loss before
// the step is at most lossThreshold. Weights, batch and salts stay private (a validator that scores the model is
// handed the opening of commitAfter beside the proof, never the batch or the weights before). Three public inputs bind
// the proof to where it may be used: `provider` (the provider's address as a number) to its author, `agent`
// (keccak256("pot/zk/agent" ‖ agent id) mod r) to the agent it lists, and `round` (keccak256("pot/zk/round" ‖ round
// id) mod r) to the one validation round it was made for. A copied proof names the wrong provider, agent or round,
// and changing any of them breaks the pairing check.
//
// Fixed point: every real value v is the integer v * 2^S_BITS.
//   pred_j = sum_i w_i x_ji + b * S                      (scale S^2)
//   err_j  = pred_j - y_j * S                            (scale S^2)
//   g_i    = sum_j err_j x_ji,   g_b = sum_j err_j * S   (scale S^3)
//   real step: w' = w - (lr / N) * g / S^3, so in fixed point
//   wNext_i = floor((w_i * DEN - lrNum * g_i) / DEN),  DEN = S^2 * N * 2^LR_BITS
// The prover supplies wNext; the circuit checks it through the remainder r = w_i*DEN - lrNum*g_i - wNext_i*DEN,
// which must lie in [0, DEN). A wrong step makes r leave that range, and witness generation fails.
template SgdStep(N, F, S_BITS, LR_BITS, N_BITS) {
    var S = 1 << S_BITS;
    var DEN_BITS = 2 * S_BITS + N_BITS + LR_BITS;
    var DEN = 1 << DEN_BITS;

    signal input lrNum;           // public
    signal input lossThreshold;   // public
    signal input provider;        // public
    signal input agent;           // public
    signal input round;           // public
    signal input w[F];
    signal input b;
    signal input x[N][F];
    signal input y[N];
    signal input wNext[F];
    signal input bNext;
    signal input saltBefore;
    signal input saltAfter;
    signal input saltBatch;

    signal output commitBefore;
    signal output commitAfter;
    signal output commitBatch;

    // Every input is a signed 32-bit integer: the integer arithmetic below then never wraps around the field.
    component inRange[F + 1 + N * F + N + F + 1 + 1];
    var k = 0;
    for (var i = 0; i < F; i++) { inRange[k] = Num2Bits(32); inRange[k].in <== w[i] + (1 << 31); k++; }
    inRange[k] = Num2Bits(32); inRange[k].in <== b + (1 << 31); k++;
    for (var j = 0; j < N; j++) {
        for (var i = 0; i < F; i++) { inRange[k] = Num2Bits(32); inRange[k].in <== x[j][i] + (1 << 31); k++; }
        inRange[k] = Num2Bits(32); inRange[k].in <== y[j] + (1 << 31); k++;
    }
    for (var i = 0; i < F; i++) { inRange[k] = Num2Bits(32); inRange[k].in <== wNext[i] + (1 << 31); k++; }
    inRange[k] = Num2Bits(32); inRange[k].in <== bNext + (1 << 31); k++;
    inRange[k] = Num2Bits(16); inRange[k].in <== lrNum; k++;

    // A public input no constraint touches could be optimised away and its value changed freely; squaring it ties
    // it into the proof (the usual recipient-binding trick).
    signal providerSquare <== provider * provider;
    signal agentSquare <== agent * agent;
    signal roundSquare <== round * round;

    // Forward pass and error.
    signal prod[N][F];
    signal err[N];
    for (var j = 0; j < N; j++) {
        var pred = b * S;
        for (var i = 0; i < F; i++) {
            prod[j][i] <== w[i] * x[j][i];
            pred += prod[j][i];
        }
        err[j] <== pred - y[j] * S;
    }

    // Gradient and the step, checked through its remainder.
    signal gx[N][F];
    signal scaledGrad[F + 1];
    signal remainder[F + 1];
    component remainderRange[F + 1];
    for (var i = 0; i <= F; i++) {
        var g = 0;
        for (var j = 0; j < N; j++) {
            if (i < F) {
                gx[j][i] <== err[j] * x[j][i];
                g += gx[j][i];
            } else {
                g += err[j] * S;
            }
        }
        scaledGrad[i] <== lrNum * g;
        var before = i < F ? w[i] : b;
        var after = i < F ? wNext[i] : bNext;
        remainder[i] <-- before * DEN - scaledGrad[i] - after * DEN;
        remainder[i] === before * DEN - scaledGrad[i] - after * DEN;
        remainderRange[i] = Num2Bits(DEN_BITS);
        remainderRange[i].in <== remainder[i];
    }

    // The batch loss before the step is at most the public threshold.
    signal sq[N];
    var loss = 0;
    for (var j = 0; j < N; j++) {
        sq[j] <== err[j] * err[j];
        loss += sq[j];
    }
    component lossOk = LessEqThan(200);
    lossOk.in[0] <== loss;
    lossOk.in[1] <== lossThreshold;
    lossOk.out === 1;

    // Commitments (Poseidon as circomlibjs and Nethereum's PoseidonHasher compute it; only widths both offer):
    //   weights: Poseidon(Poseidon(w_0..w_{F-1}, b), salt);  batch: Poseidon(x..., y..., salt, 0...) of 14 inputs.
    component weightsBefore = Poseidon(F + 1);
    component weightsAfter = Poseidon(F + 1);
    for (var i = 0; i < F; i++) {
        weightsBefore.inputs[i] <== w[i];
        weightsAfter.inputs[i] <== wNext[i];
    }
    weightsBefore.inputs[F] <== b;
    weightsAfter.inputs[F] <== bNext;
    component hashBefore = Poseidon(2);
    hashBefore.inputs[0] <== weightsBefore.out;
    hashBefore.inputs[1] <== saltBefore;
    commitBefore <== hashBefore.out;
    component hashAfter = Poseidon(2);
    hashAfter.inputs[0] <== weightsAfter.out;
    hashAfter.inputs[1] <== saltAfter;
    commitAfter <== hashAfter.out;

    var BATCH_WIDTH = 14;
    component hashBatch = Poseidon(BATCH_WIDTH);
    for (var j = 0; j < N; j++) {
        for (var i = 0; i < F; i++) hashBatch.inputs[j * F + i] <== x[j][i];
        hashBatch.inputs[N * F + j] <== y[j];
    }
    hashBatch.inputs[N * F + N] <== saltBatch;
    for (var k2 = N * F + N + 1; k2 < BATCH_WIDTH; k2++) hashBatch.inputs[k2] <== 0;
    commitBatch <== hashBatch.out;
}

// Batches of 4 examples with 2 features; scale 2^8; learning rate lrNum / 2^8; 4 = 2^2 examples.
// Public signals, in snarkjs's order (outputs, then public inputs in declaration order): commitBefore, commitAfter,
// commitBatch, lrNum, lossThreshold, provider, agent, round.
component main {public [lrNum, lossThreshold, provider, agent, round]} = SgdStep(4, 2, 8, 8, 2);
