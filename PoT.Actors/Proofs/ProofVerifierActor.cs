using Akka.Actor;
using Akka.Event;

namespace PoT.Proofs;

/// <summary>Asks the verifier pool to check one round's proof.</summary>
public sealed record VerifyProof(ProofCheck Check, JudgedProofs JudgedProofs);

/// <summary>The verdict on one round's proof.</summary>
public sealed record ProofVerified(ProofCheck Check, ProofVerdict Verdict);

/// <summary>The verifier itself failed (not the proof): nothing to vote on yet; ask again later.</summary>
public sealed record ProofVerificationFailed(ProofCheck Check, string Reason);

/// <summary>
/// One worker of the verifier pool. Re-executing training intervals and checking pairings take tens of milliseconds
/// to seconds of CPU, so this runs on its own dispatcher (threads apart from the entities', see
/// <see cref="Hosting.ProofsHosting"/>), one verification at a time per worker.
/// </summary>
public sealed class ProofVerifierActor : ReceiveActor
{
    public ProofVerifierActor(ProofChecker checker)
    {
        var log = Context.GetLogger();
        Receive<VerifyProof>(request =>
        {
            try
            {
                Sender.Tell(new ProofVerified(request.Check, checker.Check(request.Check, request.JudgedProofs)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                log.Warning("verifying round {0}'s proof {1} failed: {2}", request.Check.RoundId, request.Check.ProofHash, e.Message);
                Sender.Tell(new ProofVerificationFailed(request.Check, e.Message));
            }
        });
    }

    public static Props PropsFor(ProofChecker checker) => Props.Create(() => new ProofVerifierActor(checker));
}
