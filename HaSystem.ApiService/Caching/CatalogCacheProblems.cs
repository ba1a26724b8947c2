using HaSystem.ApiService.Errors;

namespace HaSystem.ApiService.Caching;

/// <summary>How the catalog cache's failures are answered.</summary>
public static class CatalogCacheProblems
{
    /// <summary>A warm-up that could not write to the <c>cache</c> role: 503 with <c>Retry-After</c>.</summary>
    public static IServiceCollection AddCatalogCacheProblems(this IServiceCollection services) =>
        services.AddUnavailableProblem<CacheWarmupIncompleteException>("The Redis cache is unavailable");
}
