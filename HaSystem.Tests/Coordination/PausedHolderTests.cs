using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using HaSystem.Contracts.Http;
using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.LockBench;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Coordination;

/// <summary>
/// A leader-lease holder frozen past its time to live (SIGSTOP, as a long GC pause or a VM stall would): it loses the
/// lease, its cancellation token fires, and its late write with the old fencing token is refused by the database.
/// </summary>
[Collection(HealingSystem.Name)]
public sealed class PausedHolderTests(HealingSystemFixture fixture, ITestOutputHelper output)
{
    private const string LeaseKey = RedisKeyspace.WorkerLease;

    private HaSystemApp System => fixture.System;

    private ApiClient Api => fixture.Api;

    // Guards against the one thing a lock alone cannot prevent: a holder that stalls, loses its lease without
    // knowing, and writes after someone else has taken over.
    [Fact(Timeout = 300_000)]
    public async Task A_holder_paused_past_its_ttl_loses_the_lease_and_its_late_write_is_refused()
    {
        // The workers stand down (SIGTERM: they release the lease) so that the test's two holders are the only ones. They
        // are started again at the end, on the shared system.
        await fixture.WaitUntilHealedAsync();
        await System.TerminateServiceAsync(System.Resource<ProjectResource>("worker"));
        try
        {
            await HoldPauseAndWriteLateAsync();
        }
        finally
        {
            await System.StartStoppedInstancesAsync();
        }
    }

    private async Task HoldPauseAndWriteLateAsync()
    {
        await Poll.UntilAsync("no leader", TimeSpan.FromSeconds(30), async ct => await Leadership.CurrentAsync(Api, ct) is null, () => System.Tracker.Describe());

        const long stalePeriod = 1_000_000_000; // a finished, aligned period nobody reports: only the fence can refuse it
        var redis = await System.App.GetConnectionStringAsync("state") ?? throw new InvalidOperationException("No state connection string.");
        await using var holder = LockBenchProcess.Start(redis, new Dictionary<string, string> { ["HASYSTEM_TOKEN"] = await Api.ServiceTokenAsync() },
            "hold", "--key", LeaseKey, "--ttl", "00:00:02", "--api", Api.ProxyAddress.ToString(), "--period-start", $"{stalePeriod}", "--period-seconds", "10");
        var oldToken = long.Parse((await holder.WaitForLineAsync("acquired ", TimeSpan.FromSeconds(60))).Split(' ')[1], CultureInfo.InvariantCulture);

        // Connected before the pause, so that the 2 s lease cannot run out while the test is still connecting.
        var (locks, connection) = await LockFactory.CreateAsync(redis);
        await using var _ = connection;
        Signals.Pause(holder.ProcessId);
        var paused = Stopwatch.StartNew();
        var resumed = false;
        try
        {
            Assert.Null(await locks.TryAcquireAsync(new LockRequest(LeaseKey, TimeSpan.FromSeconds(10))));

            // The frozen holder cannot renew: its lease runs out and the lock is free again.
            await using var lease = await locks.AcquireAsync(new LockRequest(LeaseKey, TimeSpan.FromSeconds(10)) { Holder = "test" }, TimeSpan.FromSeconds(30));
            Measurements.Record(output, "locks.paused_holder.pause_to_takeover", paused.Elapsed.TotalSeconds, "s");
            Assert.True(lease.FencingToken > oldToken, $"Token {lease.FencingToken} after {oldToken}.");

            using var written = await PostReportAsync(stalePeriod + 10, lease.FencingToken);
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);

            Signals.Resume(holder.ProcessId);
            resumed = true;
            output.WriteLine(await holder.WaitForLineAsync("lost after ", TimeSpan.FromSeconds(15)));
            var late = await holder.WaitForLineAsync("write ", TimeSpan.FromSeconds(30));
            Assert.Equal($"write 409 {ProblemTypes.StaleFencingToken}", late);
        }
        finally
        {
            if (!resumed)
            {
                Signals.Resume(holder.ProcessId); // a failed assertion must not leave a frozen process behind
            }
        }

        var stored = (await SalesReports.ReadAsync(System)).Where(r => r.PeriodStart is stalePeriod or stalePeriod + 10).ToArray();
        Assert.Equal([stalePeriod + 10], stored.Select(r => r.PeriodStart));
        Assert.DoesNotContain(stored, r => r.FencingToken == oldToken);
    }

    private async Task<HttpResponseMessage> PostReportAsync(long periodStart, long fencingToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports")
        {
            Content = JsonContent.Create(new { tenant = "acme", periodStart, periodSeconds = 10, fencingToken, producedBy = "test" }),
        };
        request.Headers.Authorization = new("Bearer", await Api.ServiceTokenAsync());
        using var http = new HttpClient { BaseAddress = Api.ProxyAddress, Timeout = TimeSpan.FromSeconds(10) };
        return await http.SendAsync(request);
    }
}
