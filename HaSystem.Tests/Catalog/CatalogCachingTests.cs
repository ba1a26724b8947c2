using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Catalog;

/// <summary>The two-level cache in front of the catalog, observed through three API replicas addressed directly.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class CatalogCachingTests(RunningSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    private ApiClient Api => fixture.Api;

    private async Task<Uri[]> ReplicasAsync() => [.. (await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values];

    private async Task<(HttpStatusCode Status, string? ServedBy, string? Name)> ReadAsync(Uri replica, string user, long id)
    {
        using var response = await Api.SendAsync(replica, HttpMethod.Get, $"/api/catalog/products/{id}", user);
        var name = response.IsSuccessStatusCode ? (await ApiClient.BodyAsync(response)).GetProperty("name").GetString() : null;
        return (response.StatusCode, ApiClient.ServedBy(response), name);
    }

    // Guards against a cache that is never hit (every read going to the database).
    [Fact(Timeout = 120_000)]
    public async Task Second_read_of_a_product_is_served_from_the_replicas_memory()
    {
        var replica = (await ReplicasAsync())[0];
        var first = await ReadAsync(replica, "user@acme", 101);
        var second = await ReadAsync(replica, "user@acme", 101);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains(first.ServedBy, (string[])["source", "l2"]);
        Assert.Equal("l1", second.ServedBy);
    }

    // Guards the cache hit ratio the web status page shows: /api/info counts this replica's lookups by how each was
    // served, so a memory hit raises both the lookups and the hits.
    [Fact(Timeout = 120_000)]
    public async Task The_replicas_info_counts_its_lookups_and_hits()
    {
        var replica = (await ReplicasAsync())[1];
        await ReadAsync(replica, "user@acme", 102);
        var before = await Api.SendAsync(replica, HttpMethod.Get, "/api/info", user: null);
        var cacheBefore = (await ApiClient.BodyAsync(before)).GetProperty("cache");

        Assert.Equal("l1", (await ReadAsync(replica, "user@acme", 102)).ServedBy);

        var after = (await ApiClient.BodyAsync(await Api.SendAsync(replica, HttpMethod.Get, "/api/info", user: null))).GetProperty("cache");
        Assert.Equal(cacheBefore.GetProperty("lookups").GetInt64() + 1, after.GetProperty("lookups").GetInt64());
        Assert.Equal(cacheBefore.GetProperty("hits").GetInt64() + 1, after.GetProperty("hits").GetInt64());
        Assert.InRange(after.GetProperty("hitRatio").GetDouble(), 0.0, 1.0);
    }

    // Guards against replicas serving an old value from their memory after another replica's write (backplane broken).
    [Fact(Timeout = 120_000)]
    public async Task An_update_through_one_replica_is_seen_fresh_through_the_others_within_a_second()
    {
        var replicas = await ReplicasAsync();
        const long id = 102;
        foreach (var replica in replicas)
        {
            await ReadAsync(replica, "user@acme", id);
            Assert.Equal("l1", (await ReadAsync(replica, "user@acme", id)).ServedBy);
        }

        var newName = $"Updated {Guid.NewGuid():N}"[..20];
        var update = await Api.SendAsync(replicas[0], HttpMethod.Put, $"/api/catalog/products/{id}", "admin@acme",
            JsonContent.Create(new { name = newName, description = "updated", price = 9.99m, stock = 7 }));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updatedAt = Stopwatch.StartNew();

        foreach (var replica in replicas.Skip(1))
        {
            await Poll.UntilAsync($"{replica} sees the new name", TimeSpan.FromSeconds(1),
                async _ => (await ReadAsync(replica, "user@acme", id)).Name == newName, interval: TimeSpan.FromMilliseconds(20));
        }

        Measurements.Record(output, "catalog.update_visible_on_all_replicas", updatedAt.Elapsed.TotalMilliseconds, "ms");
    }

    // Guards against one tenant reading another's product by id, or invalidating another tenant's cache.
    [Fact(Timeout = 120_000)]
    public async Task A_tenant_cannot_read_or_invalidate_another_tenants_products()
    {
        var replica = (await ReplicasAsync())[0];
        using var globexPage = await Api.SendAsync(replica, HttpMethod.Get, "/api/catalog/products?pageSize=1", "user@globex");
        var globexId = (await ApiClient.BodyAsync(globexPage)).GetProperty("items")[0].GetProperty("id").GetInt64();

        var asAcme = await ReadAsync(replica, "user@acme", globexId);
        Assert.Equal(HttpStatusCode.NotFound, asAcme.Status);

        await ReadAsync(replica, "user@globex", globexId);
        Assert.Equal("l1", (await ReadAsync(replica, "user@globex", globexId)).ServedBy);

        using var invalidate = await Api.SendAsync(replica, HttpMethod.Post, "/api/catalog/cache/invalidate", "admin@acme");
        Assert.Equal(HttpStatusCode.Accepted, invalidate.StatusCode);
        Assert.Equal("acme", (await ApiClient.BodyAsync(invalidate)).GetProperty("tenant").GetString());
        Assert.Equal("l1", (await ReadAsync(replica, "user@globex", globexId)).ServedBy);

        using var userInvalidate = await Api.SendAsync(replica, HttpMethod.Post, "/api/catalog/cache/invalidate", "user@globex");
        Assert.Equal(HttpStatusCode.Forbidden, userInvalidate.StatusCode);
    }

    // Guards against an invalidation that only reaches the replica that received it, or that clears other tenants.
    [Fact(Timeout = 120_000)]
    public async Task Invalidating_a_tenant_drops_its_entries_on_every_replica_and_no_others()
    {
        var replicas = await ReplicasAsync();
        const long acmeId = 103;
        using var globexPage = await Api.SendAsync(replicas[0], HttpMethod.Get, "/api/catalog/products?page=2&pageSize=1", "user@globex");
        var globexId = (await ApiClient.BodyAsync(globexPage)).GetProperty("items")[0].GetProperty("id").GetInt64();

        // Cache both products everywhere, then change both behind the cache's back, straight in the database.
        var cachedNames = new Dictionary<long, string?>();
        foreach (var replica in replicas)
        {
            foreach (var (user, id) in new[] { ("user@acme", acmeId), ("user@globex", globexId) })
            {
                cachedNames[id] = (await ReadAsync(replica, user, id)).Name;
                Assert.Equal("l1", (await ReadAsync(replica, user, id)).ServedBy);
            }
        }

        var renamed = $"Renamed {Guid.NewGuid():N}"[..20];
        await System.ExecuteSqlAsync("catalog", $"""UPDATE "Products" SET "Name" = '{renamed}' WHERE "Id" IN ({acmeId}, {globexId})""");

        using var invalidate = await Api.SendAsync(replicas[1], HttpMethod.Post, "/api/catalog/cache/invalidate", "admin@acme");
        Assert.Equal(HttpStatusCode.Accepted, invalidate.StatusCode);
        var invalidatedAt = Stopwatch.StartNew();

        foreach (var replica in replicas)
        {
            // Globex's entry is still within its freshness (3 s in the test system): still the cached name.
            Assert.Equal(cachedNames[globexId], (await ReadAsync(replica, "user@globex", globexId)).Name);
            await Poll.UntilAsync($"{replica} shows acme's product as now stored", TimeSpan.FromSeconds(1),
                async _ => (await ReadAsync(replica, "user@acme", acmeId)).Name == renamed, interval: TimeSpan.FromMilliseconds(20));
        }

        Measurements.Record(output, "catalog.tenant_invalidation_visible_on_all_replicas", invalidatedAt.Elapsed.TotalMilliseconds, "ms");
    }

    // Guards against a database failure reaching users while a good cached value exists, or stale data served unmarked.
    [Fact(Timeout = 180_000)]
    public async Task When_the_database_fails_cached_products_are_served_marked_stale()
    {
        var replicas = await ReplicasAsync();
        const long cached = 104;
        const long neverCached = 1999;
        foreach (var replica in replicas)
        {
            Assert.Equal(HttpStatusCode.OK, (await ReadAsync(replica, "user@acme", cached)).Status);
        }

        try
        {
            await SetDatabaseFailingAsync(replicas, failing: true);
            foreach (var replica in replicas)
            {
                // The entry is fresh for a few seconds (Catalog:Cache:Duration of the test system), then served stale.
                await Poll.UntilAsync($"{replica} serving product {cached} stale", TimeSpan.FromSeconds(30), async _ =>
                {
                    var read = await ReadAsync(replica, "user@acme", cached);
                    Assert.Equal(HttpStatusCode.OK, read.Status);
                    return read.ServedBy == "stale";
                });

                using var missing = await Api.SendAsync(replica, HttpMethod.Get, $"/api/catalog/products/{neverCached}", "user@acme");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode);
                Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
                Assert.True(missing.Headers.RetryAfter is not null);
            }
        }
        finally
        {
            await SetDatabaseFailingAsync(replicas, failing: false);
        }

        await Poll.UntilAsync("fresh reads again", TimeSpan.FromSeconds(30),
            async _ => (await ReadAsync(replicas[0], "user@acme", neverCached)).Status == HttpStatusCode.OK);
    }

    private async Task SetDatabaseFailingAsync(IEnumerable<Uri> replicas, bool failing)
    {
        foreach (var replica in replicas)
        {
            using var response = await Api.SendAsync(replica, HttpMethod.Put, "/api/admin/chaos/database", ApiClient.Operator, JsonContent.Create(new { databaseFailing = failing }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
