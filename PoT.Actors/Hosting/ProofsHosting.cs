using Akka.Hosting;
using Akka.Routing;
using PoT.Proofs;
using PoT.Protocol;

namespace PoT.Hosting;

public static class ProofsHosting
{
    /// <summary>Dispatcher of the verifier pool: dedicated threads, so that re-executing training never delays an
    /// entity, a projection or the HTTP edge.</summary>
    public const string VerifierDispatcher = "pot.proofs.verifier-dispatcher";

    /// <summary>
    /// Proof of training: the verifier pool (pot.proofs.verifier-workers workers on their own threads) and one
    /// validator duty per key the node votes for (none by default).
    /// </summary>
    public static AkkaConfigurationBuilder AddProofs(this AkkaConfigurationBuilder builder, PotSettings settings, TimeProvider clock,
        IReadOnlyList<EthKey> validatorKeys)
    {
        var workers = settings.Proofs.VerifierWorkers;
        var checker = new ProofChecker(new ProofStore(settings.Proofs.Directory), settings.Proofs);
        var signer = new CommandVerifier(CommandCatalog.Pot, settings.Domain);
        return builder
            .AddHocon($$"""
                {{VerifierDispatcher}} {
                  type = ForkJoinDispatcher
                  throughput = 1
                  dedicated-thread-pool.thread-count = {{workers}}
                }
                """, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var pool = system.ActorOf(ProofVerifierActor.PropsFor(checker).WithDispatcher(VerifierDispatcher)
                    .WithRouter(new SmallestMailboxPool(workers)), "proof-verifiers");
                registry.Register<ProofVerifierPool>(pool);
                foreach (var key in validatorKeys)
                    system.ActorOf(ValidatorDuty.PropsFor(key, pool, registry.Get<RoundRegion>(), signer, settings.Outbox.QueryPluginId, clock,
                        settings.Validator), $"validator-duty-{key.Address}");
            });
    }
}
