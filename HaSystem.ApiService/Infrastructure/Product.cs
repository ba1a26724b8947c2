namespace HaSystem.ApiService.Infrastructure;

/// <summary>A catalog product of one tenant.</summary>
public sealed class Product
{
    public long Id { get; set; }

    public required string TenantId { get; set; }

    public required string Name { get; set; }

    public string Description { get; set; } = "";

    public decimal Price { get; set; }

    public int Stock { get; set; }

    /// <summary>Grows with every update; also the optimistic concurrency token.</summary>
    public long Version { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}
