using System.Net;
using System.Net.Http.Json;
using HaSystem.Contracts.Http;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Coordination;

/// <summary>
/// Exactly-once orders: concurrent repeats of one Idempotency-Key over every API replica charge once. The same bodies
/// run on each store (<see cref="SqliteOrderTests"/>, <see cref="PostgresOrderTests"/>).
/// </summary>
public abstract class OrderTests(SystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    private ApiClient Api => fixture.Api;

    // Guards against a double charge when the same order arrives many times at once on different replicas (a lock
    // that does not exclude, a check-then-act race, a response that is not stored with the order).
    [Fact(Timeout = 180_000)]
    public async Task Fifty_concurrent_requests_with_one_key_over_every_replica_charge_once_and_get_identical_answers()
    {
        var replicas = (await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.ToArray();
        var key = $"same-{Guid.NewGuid():N}";
        var chargesBefore = await ChargesAsync("acme", key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => PlaceAsync(replicas[i % replicas.Length], "user@acme", key, 501, 2)));

        var statuses = responses.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"statuses: {string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}"))}; replayed: {responses.Count(r => r.Replayed)}");
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        Assert.Equal(49, responses.Count(r => r.Replayed));

        var charges = await ChargesAsync("acme", key) - chargesBefore;
        var orders = await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "Orders" WHERE "TenantId" = 'acme' AND "IdempotencyKey" = '{key}'""");
        Measurements.Record(output, fixture.Figure("orders.same_key_x50.ledger_charges"), charges, "charges");
        Assert.Equal(1, charges);
        Assert.Equal(1, orders);
    }

    // Guards against the lock or the idempotency check merging different orders.
    [Fact(Timeout = 180_000)]
    public async Task Fifty_concurrent_requests_with_different_keys_are_fifty_orders_and_fifty_charges()
    {
        var replicas = (await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.ToArray();
        var prefix = $"many-{Guid.NewGuid():N}"[..20];
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => PlaceAsync(replicas[i % replicas.Length], "user@globex", $"{prefix}-{i}", 2501 + i, 1)));

        Assert.All(responses, r => Assert.True(r.Status == HttpStatusCode.Created, $"{(int)r.Status}: {r.Body}"));
        Assert.DoesNotContain(responses, r => r.Replayed);
        var charges = await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "PaymentCharges" WHERE "TenantId" = 'globex' AND "Reference" LIKE 'order:{prefix}-%'""");
        var orders = await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "Orders" WHERE "TenantId" = 'globex' AND "IdempotencyKey" LIKE '{prefix}-%'""");
        Measurements.Record(output, fixture.Figure("orders.distinct_keys_x50.ledger_charges"), charges, "charges");
        Assert.Equal(50, charges);
        Assert.Equal(50, orders);
    }

    // Guards against a reused key silently placing (or answering) a different order, and against bad input
    // reaching the ledger.
    [Fact(Timeout = 120_000)]
    public async Task Bad_orders_get_problem_answers_and_charge_nothing()
    {
        var key = $"bad-{Guid.NewGuid():N}";
        var first = await PlaceAsync(Api.ProxyAddress, "user@acme", key, 502, 1);
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var repeat = await PlaceAsync(Api.ProxyAddress, "user@acme", key, 502, 1);
        Assert.Equal((HttpStatusCode.Created, first.Body, true), (repeat.Status, repeat.Body, repeat.Replayed));

        var different = await PlaceAsync(Api.ProxyAddress, "user@acme", key, 502, 3);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.Status);
        Assert.Contains("idempotency-key-reused", different.Body, StringComparison.Ordinal);

        // The same key in another tenant is another order: keys are namespaced by the caller's tenant.
        Assert.Equal(HttpStatusCode.Created, (await PlaceAsync(Api.ProxyAddress, "user@globex", key, 2502, 1)).Status);

        var unknown = await PlaceAsync(Api.ProxyAddress, "user@acme", $"unknown-{Guid.NewGuid():N}", 2502, 1); // globex's product
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);

        using var noKey = await Api.SendAsync(Api.ProxyAddress, HttpMethod.Post, "/api/orders", "user@acme", JsonContent.Create(Order(501, 1)));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await PlaceAsync(Api.ProxyAddress, "user@acme", "not a key!", 501, 1)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PlaceAsync(Api.ProxyAddress, "user@acme", $"zero-{Guid.NewGuid():N}", 501, 0)).Status);

        Assert.Equal(1, await ChargesAsync("acme", key));
        Assert.Equal(0, await System.CountSqlAsync("catalog", """SELECT COUNT(*) FROM "PaymentCharges" WHERE "Reference" LIKE 'order:unknown-%' OR "Reference" LIKE 'order:zero-%'"""));
    }

    // Guards against one user reading another's order by sending their Idempotency-Key (keys are guessable, and
    // were scoped to the tenant only): the same key from another user is that user's own new order, and a different
    // body is not a 422 that would tell them the key is taken.
    [Fact(Timeout = 120_000)]
    public async Task Another_users_idempotency_key_places_their_own_order_and_reveals_nothing()
    {
        var key = $"shared-{Guid.NewGuid():N}";
        var first = await PlaceAsync(Api.ProxyAddress, "user@acme", key, 506, 1);
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var sameBody = await PlaceAsync(Api.ProxyAddress, "admin@acme", key, 506, 1);
        Assert.Equal((HttpStatusCode.Created, false), (sameBody.Status, sameBody.Replayed));
        Assert.NotEqual(OrderId(first.Body), OrderId(sameBody.Body));
        var otherBody = await PlaceAsync(Api.ProxyAddress, "admin@globex", key, 2506, 4);
        Assert.Equal((HttpStatusCode.Created, false), (otherBody.Status, otherBody.Replayed));

        var repeat = await PlaceAsync(Api.ProxyAddress, "user@acme", key, 506, 1);
        Assert.Equal((HttpStatusCode.Created, first.Body, true), (repeat.Status, repeat.Body, repeat.Replayed));
        Assert.Equal(2, await ChargesAsync("acme", key));
        Assert.Equal(2, await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "Orders" WHERE "TenantId" = 'acme' AND "IdempotencyKey" = '{key}'"""));
    }

    // Guards the order history the web front end shows: a user sees their own placed orders (not another user's of
    // the same tenant, nor another tenant's), newest first, and bad paging is a 400 problem.
    [Fact(Timeout = 120_000)]
    public async Task The_order_history_lists_the_callers_own_orders_newest_first()
    {
        var mine = $"history-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await PlaceAsync(Api.ProxyAddress, "admin@acme", $"{mine}-1", 503, 1)).Status);
        Assert.Equal(HttpStatusCode.Created, (await PlaceAsync(Api.ProxyAddress, "admin@acme", $"{mine}-2", 504, 2)).Status);
        Assert.Equal(HttpStatusCode.Created, (await PlaceAsync(Api.ProxyAddress, "user@acme", $"{mine}-other", 505, 1)).Status);
        Assert.Equal(HttpStatusCode.Created, (await PlaceAsync(Api.ProxyAddress, "admin@globex", $"{mine}-globex", 2505, 1)).Status);

        using var response = await Api.SendAsync(Api.ProxyAddress, HttpMethod.Get, "/api/orders?page=1&pageSize=100", "admin@acme");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = (await ApiClient.BodyAsync(response)).GetProperty("items").EnumerateArray().Select(o => o.GetProperty("idempotencyKey").GetString()).ToList();
        Assert.True(keys.IndexOf($"{mine}-2") is >= 0 and var newest && newest < keys.IndexOf($"{mine}-1"), $"Not newest first: {string.Join(", ", keys)}");
        Assert.DoesNotContain($"{mine}-other", keys);
        Assert.DoesNotContain($"{mine}-globex", keys);

        using var badPage = await Api.SendAsync(Api.ProxyAddress, HttpMethod.Get, "/api/orders?pageSize=1000", "admin@acme");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Equal("application/problem+json", badPage.Content.Headers.ContentType?.MediaType);
        using var anonymous = await Api.SendAsync(Api.ProxyAddress, HttpMethod.Get, "/api/orders", user: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static long OrderId(string body) => global::System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();

    private static object Order(long productId, int quantity) => new { items = new[] { new { productId, quantity } } };

    private async Task<(HttpStatusCode Status, string Body, bool Replayed)> PlaceAsync(Uri replica, string user, string key, long productId, int quantity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(Order(productId, quantity)) };
        request.Headers.Add(ApiHeaders.IdempotencyKey, key);
        request.Headers.Authorization = new("Bearer", await Api.TokenAsync(user));
        using var http = new HttpClient { BaseAddress = replica, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.SendAsync(request);
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), replayed);
    }

    private Task<long> ChargesAsync(string tenant, string key) =>
        System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "PaymentCharges" WHERE "TenantId" = '{tenant}' AND "Reference" = 'order:{key}'""");
}

/// <summary>The order tests with the catalog on SQLite, on the shared running system.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class SqliteOrderTests(RunningSystemFixture fixture, ITestOutputHelper output) : OrderTests(fixture, output);

/// <summary>The order tests with the catalog on PostgreSQL.</summary>
[Collection(PostgresSystem.Name)]
public sealed class PostgresOrderTests(PostgresSystemFixture fixture, ITestOutputHelper output) : OrderTests(fixture, output);
