using System.Diagnostics;
using HaSystem.ApiService.Catalog;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Telemetry;
using ZiggyCreatures.Caching.Fusion;

namespace HaSystem.ApiService.Caching;

/// <summary>
/// The catalog's cache-aside: every key and tag is namespaced <c>tenant:{id}:…</c> with a validated
/// <see cref="TenantId"/>. Reads go L1 → L2 → database with stampede protection; when the database fails the last
/// good value is served, marked stale. A tenant is invalidated by expiring its tag: one write whatever the size of
/// the other tenants' data, propagated to every replica by the backplane.
/// </summary>
public sealed class CatalogCache(IFusionCache cache, ApiTelemetry telemetry, CacheStatistics statistics)
{
    public async Task<Served<ProductDto?>> GetProductAsync(TenantId tenant, long id, Func<CancellationToken, Task<ProductDto?>> load, CancellationToken cancellationToken)
    {
        var key = ProductKey(tenant, id);
        using var activity = ApiTelemetry.ActivitySource.StartActivity("catalog.product.get");
        using var scope = CacheTrace.Begin(key);
        var value = await cache.GetOrSetAsync<ProductDto?>(key, async (_, ct) => await load(ct), tags: [TenantTag(tenant)], token: cancellationToken);
        return Record(new Served<ProductDto?>(value, scope.Trace.ServedBy));
    }

    /// <summary>
    /// A page of products. Its memory is bounded three ways, since a client picks the page, its size and the search: a
    /// page weighs its size in L1 (which has a limit); a free-text search, of which there is no end, is cached in Redis
    /// only (bounded by the <c>cache</c> role's <c>maxmemory</c> and LRU), never in a replica's memory; and a page past
    /// the last one is answered (empty) but not cached at all.
    /// </summary>
    public async Task<Served<ProductPage>> GetPageAsync(TenantId tenant, ProductQuery query, Func<CancellationToken, Task<ProductPage>> load, CancellationToken cancellationToken)
    {
        var search = query.Search?.Trim() ?? "";
        var key = $"tenant:{tenant}:products:p{query.Page}:s{query.PageSize}:q{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(search)))[..16]}";
        using var activity = ApiTelemetry.ActivitySource.StartActivity("catalog.products.list");
        using var scope = CacheTrace.Begin(key);
        var options = cache.CreateEntryOptions(entry =>
        {
            entry.Size = 1 + query.PageSize;
            entry.SkipMemoryCacheRead = entry.SkipMemoryCacheWrite = search.Length > 0;
        });
        var value = await cache.GetOrSetAsync<ProductPage>(key, async (context, ct) =>
        {
            var page = await load(ct);
            if (page.Items.Count == 0 && page.Page > 1)
            {
                context.Options.SkipMemoryCacheWrite = true;
                context.Options.SkipDistributedCacheWrite = true;
            }

            return page;
        }, options: options, tags: [TenantTag(tenant), ListsTag(tenant)], token: cancellationToken);
        return Record(new Served<ProductPage>(value, scope.Trace.ServedBy));
    }

    /// <summary>After a write: the product's new value everywhere, and the tenant's lists rebuilt on next read.</summary>
    public async Task ProductChangedAsync(TenantId tenant, long id, ProductDto? product, CancellationToken cancellationToken)
    {
        if (product is null)
        {
            await cache.RemoveAsync(ProductKey(tenant, id), token: cancellationToken);
        }
        else
        {
            await cache.SetAsync(ProductKey(tenant, id), product, tags: [TenantTag(tenant)], token: cancellationToken);
        }

        await cache.RemoveByTagAsync(ListsTag(tenant), token: cancellationToken);
    }

    /// <summary>
    /// Writes a product fresh from the database into both levels (L2 included, even if this replica's L1 has it), in
    /// the foreground and with Redis errors thrown: a warm-up that did not reach Redis must say so, not succeed.
    /// </summary>
    public Task WarmProductAsync(TenantId tenant, ProductDto product, CancellationToken cancellationToken) =>
        cache.SetAsync(ProductKey(tenant, product.Id), product, options =>
        {
            options.AllowBackgroundDistributedCacheOperations = false;
            options.ReThrowDistributedCacheExceptions = true;
        }, tags: [TenantTag(tenant)], token: cancellationToken).AsTask();

    /// <summary>Whether Redis (L2) holds the product, read past this replica's memory. False too while FusionCache's Redis breaker is open.</summary>
    public async Task<bool> IsInDistributedCacheAsync(TenantId tenant, long id, CancellationToken cancellationToken) =>
        (await cache.TryGetAsync<ProductDto>(ProductKey(tenant, id), options =>
        {
            options.SkipMemoryCacheRead = true;
            options.SkipMemoryCacheWrite = true;
            options.ReThrowDistributedCacheExceptions = true;
        }, token: cancellationToken)).HasValue;

    /// <summary>Expires every entry of one tenant on every replica; other tenants are untouched.</summary>
    public async Task InvalidateTenantAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        using var activity = ApiTelemetry.ActivitySource.StartActivity("catalog.cache.invalidate_tenant");
        activity?.SetTag("hasystem.tenant", tenant.Value);
        await cache.RemoveByTagAsync(TenantTag(tenant), token: cancellationToken);
        telemetry.Invalidations.Add(1, new KeyValuePair<string, object?>("tenant", tenant.Value));
    }

    private static string ProductKey(TenantId tenant, long id) => $"tenant:{tenant}:product:{id}";

    private static string TenantTag(TenantId tenant) => $"tenant:{tenant}";

    private static string ListsTag(TenantId tenant) => $"tenant:{tenant}:lists";

    private Served<T> Record<T>(Served<T> served)
    {
        telemetry.CacheLookups.Add(1, new KeyValuePair<string, object?>("served_by", served.By));
        statistics.Record(served.By);
        Activity.Current?.SetTag("hasystem.cache.served_by", served.By);
        return served;
    }
}

/// <summary>A value and how it was served (the <c>X-Cache</c> header).</summary>
public sealed record Served<T>(T Value, string By);
