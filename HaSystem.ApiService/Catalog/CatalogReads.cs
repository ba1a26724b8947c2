namespace HaSystem.ApiService.Catalog;

/// <summary>The catalog's reads as the cache's factories run them.</summary>
public static class CatalogReads
{
    /// <summary>
    /// A read of the store in a scope of its own, for a cache factory. FusionCache answers from its fail-safe copy when a
    /// factory passes its soft timeout and lets the factory finish in the background, after the request has ended: with
    /// the request's store, its pooled <c>DbContext</c> went back to the pool while still in use. Measured in a
    /// PostgreSQL freeze: the context came back with a connection still opening ("Can't close, connection is in state
    /// Connecting"), and the next request that got it failed at once with a 500 ("A second operation was started on this
    /// context instance"), orders included.
    /// </summary>
    public static Func<CancellationToken, Task<T>> InScopeOfItsOwn<T>(this IServiceScopeFactory scopes, Func<CatalogStore, CancellationToken, Task<T>> read) =>
        async cancellationToken =>
        {
            await using var scope = scopes.CreateAsyncScope();
            return await read(scope.ServiceProvider.GetRequiredService<CatalogStore>(), cancellationToken);
        };
}
