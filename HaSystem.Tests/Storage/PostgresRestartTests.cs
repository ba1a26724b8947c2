using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using HaSystem.Contracts.Http;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Storage;

/// <summary>
/// The catalog's PostgreSQL server stopped (a fast shutdown, as <c>pg_ctl stop</c> or an orchestrator's SIGINT) and
/// started again by the AppHost's Start command while orders are placed: an order waits for the server within the API's
/// retry deadline, or is answered 503 with <c>Retry-After</c>; none is lost or placed twice. Each test starts the server
/// again before it ends.
/// </summary>
[Collection(PostgresSystem.Name)]
public sealed class PostgresRestartTests(PostgresSystemFixture fixture, ITestOutputHelper output)
{
    /// <summary>The API's <c>Catalog:Database:RetryDeadline</c> (its default).</summary>
    private static readonly TimeSpan RetryDeadline = TimeSpan.FromSeconds(8);

    private HaSystemApp System => fixture.System;

    private LocalPostgresServerResource Server => System.Resource<LocalPostgresServerResource>("postgres");

    // Guards against orders failing while the database restarts (Npgsql's default retry: six tries up to 30 s apart;
    // no retry of a transaction as a whole; a pooled connection broken by the restart), and against a retry that places
    // or charges an order twice (a commit that went through but whose answer was lost).
    [Fact(Timeout = 300_000)]
    public async Task Orders_ride_through_a_stop_and_start_of_postgres_and_none_is_lost_or_placed_twice()
    {
        await fixture.WaitUntilHealedAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var stoppedAt = traffic.Clock.Now;
        TimeSpan startedAt;
        try
        {
            Signals.Interrupt(System.ProcessIdOf(Server));
            await System.WaitForStoppedAsync(Server, TimeSpan.FromSeconds(30));
            output.WriteLine($"{stoppedAt.TotalSeconds:0.00} s: SIGINT postgres; stopped after {(traffic.Clock.Now - stoppedAt).TotalSeconds:0.00} s");
        }
        finally
        {
            await StartServerAsync();
            startedAt = traffic.Clock.Now;
        }

        output.WriteLine($"{startedAt.TotalSeconds:0.00} s: postgres started again and healthy");
        await traffic.WaitForSuccessesAfterAsync(startedAt + TimeSpan.FromSeconds(2), 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();

        output.WriteLine(traffic.Describe());
        Measurements.Record(output, "postgres.restart.database_down", (startedAt - stoppedAt).TotalSeconds, "s");
        Measurements.Record(output, "postgres.restart.orders_failed", traffic.Orders.Count(s => !s.Outcome.Succeeded), "orders");
        Measurements.Record(output, "postgres.restart.longest_without_order", UserTraffic.LongestWithoutSuccess(traffic.Orders).TotalSeconds, "s");
        Measurements.Record(output, "postgres.restart.order_p99", UserTraffic.P99Seconds(traffic.Orders), "s");
        Measurements.Record(output, "postgres.restart.cart_writes_failed", traffic.CartWrites.Count(s => !s.Outcome.Succeeded), "writes");
        Assert.True(traffic.Orders.Count > 0 && traffic.Orders.All(s => s.Outcome.Succeeded),
            $"Orders failed.\n{traffic.Describe()}\nThe API's warnings:\n{string.Join('\n', ApiWarnings())}");

        var ledger = await OrderLedger.ReadAsync(System, traffic.KeyPrefix, traffic.AcknowledgedOrders);
        output.WriteLine($"ledger: {ledger}");
        Assert.True(ledger.Holds, $"The ledger does not hold: {ledger}");
        Assert.Equal(traffic.Orders.Count, ledger.Stored);
    }

    // Guards against an order that hangs while the database is down (or fails with a 500), and against its repeat
    // (the client's retry, with the same key, once the server is back) charging it twice or being refused.
    [Fact(Timeout = 180_000)]
    public async Task An_order_past_the_retry_deadline_is_answered_503_with_Retry_After_and_its_repeat_places_it_once()
    {
        await fixture.WaitUntilHealedAsync();
        var key = $"pg-down-{Guid.NewGuid():N}";
        await fixture.Api.TokenAsync("user@acme"); // signing in reads the database: done while it is up (the token is kept)
        (HttpStatusCode Status, string Body, string? RetryAfter, string? ContentType) outage;
        var waited = Stopwatch.StartNew();
        try
        {
            Signals.Interrupt(System.ProcessIdOf(Server));
            await System.WaitForStoppedAsync(Server, TimeSpan.FromSeconds(30));
            waited.Restart();
            outage = await PlaceAsync(key);
            waited.Stop();
        }
        finally
        {
            await StartServerAsync();
        }

        output.WriteLine($"while down: {(int)outage.Status} after {waited.Elapsed.TotalSeconds:0.00} s, Retry-After {outage.RetryAfter}: {outage.Body}");
        Measurements.Record(output, "postgres.down.order_answered_after", waited.Elapsed.TotalSeconds, "s");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outage.Status);
        Assert.Equal("application/problem+json", outage.ContentType);
        Assert.False(string.IsNullOrEmpty(outage.RetryAfter), "No Retry-After.");
        Assert.DoesNotContain("   at ", outage.Body, StringComparison.Ordinal); // no stack trace
        Assert.True(waited.Elapsed >= RetryDeadline - TimeSpan.FromSeconds(1) && waited.Elapsed < RetryDeadline + TimeSpan.FromSeconds(10),
            $"Answered after {waited.Elapsed.TotalSeconds:0.00} s, not at the {RetryDeadline.TotalSeconds} s retry deadline.");

        var repeat = await PlaceAsync(key);
        Assert.True(repeat.Status == HttpStatusCode.Created, $"{(int)repeat.Status}: {repeat.Body}");
        Assert.Equal(1, await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "Orders" WHERE "IdempotencyKey" = '{key}'"""));
        Assert.Equal(1, await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "PaymentCharges" WHERE "Reference" = 'order:{key}'"""));
    }

    // The exceptions the API replicas answered requests with, each with the lines that follow it (message, stack).
    private IEnumerable<string> ApiWarnings()
    {
        var lines = System.Tracker.LogLinesOf("apiservice", "");
        return lines.Select((line, i) => (line, i))
            .Where(l => l.line.Contains("ProblemExceptionHandler", StringComparison.Ordinal))
            .SelectMany(l => lines.Skip(l.i).Take(12))
            .Take(60);
    }

    private async Task StartServerAsync()
    {
        var instance = System.InstancesOf(Server).Single();
        if (System.Tracker.Latest.TryGetValue(instance, out var latest) && KnownResourceStates.TerminalStates.Contains(latest.Snapshot.State?.Text))
        {
            await System.ExecuteAsync(Server, KnownResourceCommands.StartCommand);
        }

        await Poll.UntilAsync("postgres Running and Healthy", TimeSpan.FromSeconds(60),
            _ => Task.FromResult(System.IsRunningAndHealthy(instance)), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
    }

    private async Task<(HttpStatusCode Status, string Body, string? RetryAfter, string? ContentType)> PlaceAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = 7, quantity = 1 } } }),
        };
        request.Headers.Add(ApiHeaders.IdempotencyKey, key);
        request.Headers.Authorization = new("Bearer", await fixture.Api.TokenAsync("user@acme"));
        using var http = new HttpClient { BaseAddress = fixture.Api.ProxyAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.MediaType);
    }
}
