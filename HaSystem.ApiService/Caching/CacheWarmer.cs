using HaSystem.ApiService.Catalog;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Caching;

/// <summary>
/// Loads each tenant's hottest products into the cache: the first catalog page (what every visitor sees first) and
/// the most ordered in the recent window, up to <see cref="CacheWarmupOptions.Products"/> of each. Called by the leading worker after a start-up or a failover,
/// so the first readers after it do not all go to the database.
/// </summary>
public sealed class CacheWarmer(CatalogDbContext db, CatalogCache cache, IOptions<CacheWarmupOptions> options, TimeProvider time)
{
    public async Task<WarmupResult> WarmAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var since = time.GetUtcNow().UtcDateTime - settings.Window;
        var warmed = new Dictionary<string, int>();
        foreach (var tenantId in await db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(cancellationToken))
        {
            var tenant = TenantId.TryParse(tenantId, out var parsed) ? parsed : throw new InvalidOperationException($"Stored tenant id '{tenantId}' is invalid.");
            var mostOrdered = await db.Orders.AsNoTracking()
                .Where(o => o.TenantId == tenantId && o.CreatedAtUtc >= since)
                .SelectMany(o => o.Lines)
                .GroupBy(l => l.ProductId)
                .OrderByDescending(g => g.Sum(l => l.Quantity)).ThenBy(g => g.Key)
                .Select(g => g.Key).Take(settings.Products).ToListAsync(cancellationToken);
            var firstPage = await db.Products.AsNoTracking().Where(p => p.TenantId == tenantId)
                .OrderBy(p => p.Id).Select(p => p.Id).Take(settings.Products).ToListAsync(cancellationToken);
            var ids = firstPage.Concat(mostOrdered).Distinct().ToArray();

            var products = await db.Products.AsNoTracking().Where(p => p.TenantId == tenantId && ids.Contains(p.Id)).ToListAsync(cancellationToken);
            foreach (var product in products)
            {
                await cache.WarmProductAsync(tenant, ProductDto.From(product), cancellationToken);
            }

            // FusionCache skips Redis while its own breaker is open (right after a failover): check what arrived.
            foreach (var product in products)
            {
                if (!await cache.IsInDistributedCacheAsync(tenant, product.Id, cancellationToken))
                {
                    throw new CacheWarmupIncompleteException(tenantId, product.Id);
                }
            }

            warmed[tenantId] = products.Count;
        }

        return new WarmupResult(warmed);
    }
}

/// <summary>A warmed product is not in Redis: the cache role is unreachable or its breaker open. The caller retries (503).</summary>
public sealed class CacheWarmupIncompleteException(string tenant, long productId)
    : Exception($"Product {productId} of '{tenant}' did not reach the Redis cache.");
