using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Caching;

/// <summary>Bound from <c>Catalog:Warmup</c>: which products count as hot.</summary>
public sealed class CacheWarmupOptions
{
    public const string SectionName = "Catalog:Warmup";

    /// <summary>How many products per tenant are warmed from the first catalog page, and as many again from the most ordered.</summary>
    [Range(0, 1000)]
    public int Products { get; set; } = 20;

    /// <summary>How far back orders count towards "most ordered".</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(1);
}
