namespace HaSystem.Web.ApiClients;

// The API's JSON, as the front end reads it.

public sealed record IssuedToken(string AccessToken, string TokenType, int ExpiresIn);

public sealed record Product(long Id, string Name, string Description, decimal Price, int Stock, long Version, DateTime UpdatedAtUtc);

public sealed record ProductPage(IReadOnlyList<Product> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record ProductInput(string Name, string? Description, decimal Price, int Stock);

public sealed record OrderLine(long ProductId, int Quantity);

public sealed record PlacedOrder(long Id, string IdempotencyKey, decimal Amount, DateTime CreatedAtUtc);

public sealed record OrderLineView(long ProductId, int Quantity, decimal UnitPrice);

public sealed record OrderSummary(long Id, string IdempotencyKey, decimal Amount, DateTime CreatedAtUtc, IReadOnlyList<OrderLineView> Lines);

public sealed record OrderHistoryPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record SalesReport(string Tenant, long PeriodStart, int PeriodSeconds, int OrderCount, decimal Revenue, long FencingToken, string ProducedBy, DateTime ProducedAtUtc);

public sealed record ApiInfo(string Service, string Replica, int ProcessId, DateTimeOffset StartedAt, string[] Addresses,
    Dictionary<string, ApiRedisRole> Redis, ApiCacheStatistics? Cache);

public sealed record ApiRedisRole(string? Primary, bool Connected, double? PingMs, string Breaker);

public sealed record ApiCacheStatistics(long Lookups, long Hits, double? HitRatio, Dictionary<string, long> ServedBy);

/// <summary>The API's <c>/health/ready</c> answer, of which the summary status page needs only the overall status.</summary>
public sealed record ApiReadiness(string Status);
