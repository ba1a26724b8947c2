namespace HaSystem.ApiService.Infrastructure;

/// <summary>The highest fencing token accepted so far for a protected resource (a lock's key).</summary>
public sealed class Fence
{
    public required string Resource { get; set; }

    public long Token { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}
