using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Host.Node;

/// <summary>The HTTP face of errors: <c>{"error":{"code","message"}}</c> with a status that follows the code.</summary>
public static class ApiErrors
{
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.InvalidSignature or ErrorCodes.WrongSigner => StatusCodes.Status401Unauthorized,
        ErrorCodes.NotAgentOwner => StatusCodes.Status403Forbidden,
        ErrorCodes.UnknownAccount or ErrorCodes.UnknownAgent or ErrorCodes.UnknownRound or ErrorCodes.UnknownTask or ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.StaleNonce or ErrorCodes.FutureNonce or ErrorCodes.NonceAlreadyUsed or ErrorCodes.AgentExists
            or ErrorCodes.AgentBusy or ErrorCodes.AgentDeregistered or ErrorCodes.ValidationInProgress or ErrorCodes.AgentListed
            or ErrorCodes.AgentRejected or ErrorCodes.RoundClosed or ErrorCodes.NotCommitteeMember or ErrorCodes.CommitTooLate
            or ErrorCodes.RevealTooEarly or ErrorCodes.RevealTooLate or ErrorCodes.NotCommitted or ErrorCodes.ValidatorEquivocated
            or ErrorCodes.AlreadyProven or ErrorCodes.EvidenceWindowClosed or ErrorCodes.TaskExists or ErrorCodes.TaskStopped => StatusCodes.Status409Conflict,
        ErrorCodes.NoValidators or ErrorCodes.RevealMismatch or ErrorCodes.InvalidEvidence or ErrorCodes.ProofNotFound
            or ErrorCodes.ProofOverBudget or ErrorCodes.NotBoundToProvider or ErrorCodes.WrongAgent => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.InsufficientFunds or ErrorCodes.InsufficientStake or ErrorCodes.StakeBelowMinimum or ErrorCodes.PriceBelowMinimum
            or ErrorCodes.UnbondingNotMatured or ErrorCodes.NothingToWithdraw or ErrorCodes.SelfTransfer
            or ErrorCodes.InvalidAmount or ErrorCodes.AmountOverflow => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.DeadlinePassed or ErrorCodes.NoAgentForCapability or ErrorCodes.PlanCycle or ErrorCodes.UnknownDependency
            or ErrorCodes.UnknownTemplate => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.Timeout or ErrorCodes.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest
    };

    public static IResult Error(string code, string message) => Json(Body(code, message), StatusOf(code));

    public static IResult Error(CommandRejected rejected) => Error(rejected.Code, rejected.Message);

    public static JObject Body(string code, string message) => new() { ["error"] = new JObject { ["code"] = code, ["message"] = message } };

    public static IResult Json(JToken body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToString(Newtonsoft.Json.Formatting.None), "application/json", System.Text.Encoding.UTF8, status);

    public static IResult Json(object value, int status = StatusCodes.Status200OK) =>
        Results.Text(Persistence.PotJson.Serialize(value), "application/json", System.Text.Encoding.UTF8, status);
}
