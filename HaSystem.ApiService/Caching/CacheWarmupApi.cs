using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaSystem.ApiService.Caching;

/// <summary><c>POST /api/catalog/cache/warm</c>: the leading worker asks for the hottest products to be cached.</summary>
public static class CacheWarmupApi
{
    public static IEndpointRouteBuilder MapCacheWarmupApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/catalog/cache/warm", Warm).WithName("WarmCatalogCache").WithTags("Catalog")
            .RequireAuthorization(IdentityExtensions.ServicePolicy);
        return app;
    }

    public static async Task<Ok<WarmupResult>> Warm(CacheWarmer warmer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await warmer.WarmAsync(cancellationToken));
}
