using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaSystem.ApiService.Tests;

/// <summary>Fences and sales reports past their retention are removed; everything newer stays.</summary>
public sealed class RetentionTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    // Guards finding 8: the Fences and SalesReports tables were never pruned and grew with every order and period.
    [Fact]
    public async Task Old_fences_and_reports_are_removed_and_recent_ones_kept()
    {
        var options = new RetentionOptions();
        var now = DateTimeOffset.UtcNow;
        var tenant = $"t{Guid.NewGuid():N}"[..20];
        await using (var scope = database.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            db.Tenants.Add(new Tenant { Id = tenant, Name = "Retention test" });
            db.Fences.AddRange(
                new Fence { Resource = $"{tenant}:old", Token = 1, Holder = "a", UpdatedAtUtc = (now - options.Fences - TimeSpan.FromMinutes(1)).UtcDateTime },
                new Fence { Resource = $"{tenant}:recent", Token = 1, Holder = "a", UpdatedAtUtc = (now - options.Fences + TimeSpan.FromMinutes(1)).UtcDateTime });
            db.SalesReports.AddRange(
                Report(tenant, (now - options.Reports - TimeSpan.FromMinutes(1)).ToUnixTimeSeconds()),
                Report(tenant, (now - options.Reports + TimeSpan.FromMinutes(1)).ToUnixTimeSeconds()));
            await db.SaveChangesAsync();
        }

        await using (var scope = database.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var pruner = new RetentionPruner(db, scope.ServiceProvider.GetRequiredService<CatalogWriteLock>(), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
            Assert.Equal(new PrunedRows(1, 1), await pruner.PruneAsync(CancellationToken.None));
            Assert.Equal([$"{tenant}:recent"], await db.Fences.Where(f => f.Resource.StartsWith(tenant)).Select(f => f.Resource).ToListAsync());
            Assert.Equal(1, await db.SalesReports.CountAsync(r => r.TenantId == tenant));
            Assert.Equal(new PrunedRows(0, 0), await pruner.PruneAsync(CancellationToken.None));
        }
    }

    private static SalesReport Report(string tenant, long periodStart) => new()
    {
        TenantId = tenant, PeriodStart = periodStart, PeriodSeconds = 10, ProducedBy = "worker-test", ProducedAtUtc = DateTime.UtcNow,
    };
}
