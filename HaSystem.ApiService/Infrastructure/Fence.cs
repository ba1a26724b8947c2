namespace HaSystem.ApiService.Infrastructure;

/// <summary>The highest fencing token accepted so far for a protected resource (a lock's key).</summary>
public sealed class Fence
{
    public required string Resource { get; set; }

    public long Token { get; set; }

    /// <summary>Who wrote with <see cref="Token"/>: only they may write with it again.</summary>
    public string Holder { get; set; } = "";

    public DateTime UpdatedAtUtc { get; set; }
}
