namespace HaSystem.Contracts.Http;

/// <summary>The <c>type</c> of the RFC 7807 problems a client is expected to tell apart.</summary>
public static class ProblemTypes
{
    /// <summary>A write carried a fencing token lower than one the API already accepted: another leader took over (409).</summary>
    public const string StaleFencingToken = "urn:hasystem:problem:stale-fencing-token";

    /// <summary>The same idempotency key is still being processed by another request (409); retry later.</summary>
    public const string InProgress = "urn:hasystem:problem:request-in-progress";

    /// <summary>The report for the (tenant, period) was already produced (409); for the leader this means "done".</summary>
    public const string AlreadyProduced = "urn:hasystem:problem:already-produced";

    /// <summary>The idempotency key was used before with a different request (422).</summary>
    public const string KeyReused = "urn:hasystem:problem:idempotency-key-reused";
}
