namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// An order, stored once per (tenant, idempotency key) together with the exact response it was answered with, so a
/// repeat of the request gets the same status and body without a second charge.
/// </summary>
public sealed class Order
{
    public long Id { get; set; }

    public required string TenantId { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>The user who placed it (the token's subject): whose order history it appears in.</summary>
    public string PlacedBy { get; set; } = "";

    /// <summary>SHA-256 of the normalised request: the same key with a different request is refused (422).</summary>
    public required string RequestHash { get; set; }

    public decimal Amount { get; set; }

    public long ChargeId { get; set; }

    /// <summary>The fencing token of the lock under which the order was charged and stored.</summary>
    public long FencingToken { get; set; }

    public int ResponseStatus { get; set; }

    public required string ResponseBody { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public long ProductId { get; set; }

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }
}
