using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.RateLimiting;

/// <summary>Bound from <c>RateLimiting</c>: how many requests one tenant may make per window, across all replicas.</summary>
public sealed class TenantRateLimitOptions
{
    public const string SectionName = "RateLimiting";

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 2000;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
