namespace HaSystem.ApiService.Orders;

/// <summary>The idempotency key was already used with a different request (422).</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"The Idempotency-Key '{key}' was already used with a different request.");

/// <summary>Some ordered products are not in the tenant's catalog (422).</summary>
public sealed class UnknownProductsException(IReadOnlyList<long> ids)
    : Exception($"These products are not in your catalog: {string.Join(", ", ids)}.")
{
    public IReadOnlyList<long> ProductIds { get; } = ids;
}
