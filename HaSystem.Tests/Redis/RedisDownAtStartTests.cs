using System.Diagnostics;
using System.Net;
using System.Text.Json;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Redis;

/// <summary>Services start while every Redis process is down, report Degraded, and recover on their own.</summary>
public sealed class RedisDownAtStartTests(ITestOutputHelper output) : SystemPerTest
{
    private static readonly string[] Services = ["apiservice", "worker", "webfrontend"];

    // Guards against a service that crashes or hangs at start without Redis, reports Unhealthy (and is taken out
    // of rotation), or needs a restart once Redis is back.
    [Fact(Timeout = 480_000)]
    public async Task Services_start_degraded_while_redis_is_down_and_recover_without_a_restart()
    {
        var nodes = System.Model.Resources.OfType<RedisNodeResource>().ToArray();
        var sentinels = System.Model.Resources.OfType<RedisSentinelResource>().ToArray();
        var services = Services.Select(System.Resource<ProjectResource>).ToArray();

        // Stop the services while Redis still runs, then every Redis process, then start the services again.
        await Task.WhenAll(services.Select(System.TerminateServiceAsync));
        await Task.WhenAll(sentinels.Concat<IResource>(nodes).Select(r => System.ExecuteAsync(r, KnownResourceCommands.StopCommand)));
        foreach (var resource in sentinels.Concat<IResource>(nodes))
        {
            await System.WaitForStoppedAsync(resource);
        }

        // All at once: no service waits for another to start (the web front end does not wait for the API).
        var restart = Stopwatch.StartNew();
        await Task.WhenAll(services.Select(service => System.ExecuteAsync(service, KnownResourceCommands.StartCommand, TimeSpan.FromMinutes(2))));
        foreach (var service in services)
        {
            await System.WaitForStateAsync(service, KnownResourceStates.Running, TimeSpan.FromSeconds(60));
        }

        foreach (var service in Services)
        {
            await Poll.UntilAsync($"{service}: every replica alive and Degraded", TimeSpan.FromSeconds(90),
                ct => EveryAnswerIsAsync(service, "Degraded", ct), () => System.Tracker.Describe());
        }

        Measurements.Record(output, "redis_down.restart_to_all_services_degraded", restart.Elapsed.TotalSeconds, "s");

        // While Redis is down a write fails fast with a problem response, it does not hang.
        using (var api = System.CreateSpreadingClient("apiservice"))
        {
            var timer = Stopwatch.StartNew();
            var response = await api.PostAsync("/api/redis/state/probe", null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(timer.Elapsed < TimeSpan.FromSeconds(3), $"A write took {timer.Elapsed.TotalSeconds:0.0} s while Redis was down.");
        }

        // A web replica restarted during the outage renders its pages: it loaded the key ring from the copy it mirrored
        // to disk while Redis was up (without it, every request that needs a cookie would fail).
        using (var web = System.CreateSpreadingClient("webfrontend", TimeSpan.FromSeconds(10)))
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                using var page = await web.GetAsync("/status");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("cannot be reached", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        // Redis comes back; nothing restarts the services.
        var back = Stopwatch.StartNew();
        await Task.WhenAll(nodes.Select(n => System.ExecuteAsync(n, KnownResourceCommands.StartCommand)));
        await Task.WhenAll(sentinels.Select(s => System.ExecuteAsync(s, KnownResourceCommands.StartCommand)));
        foreach (var service in Services)
        {
            await Poll.UntilAsync($"{service}: every replica Healthy again", TimeSpan.FromSeconds(90),
                ct => EveryAnswerIsAsync(service, "Healthy", ct), () => System.Tracker.Describe());
        }

        Measurements.Record(output, "redis_down.redis_start_to_all_services_healthy", back.Elapsed.TotalSeconds, "s");

        using var client = System.CreateSpreadingClient("apiservice");
        await Poll.UntilAsync("a write through the API", TimeSpan.FromSeconds(30),
            async ct => (await client.PostAsync("/api/redis/state/probe", null, ct)).StatusCode == HttpStatusCode.OK);
    }

    /// <summary>
    /// Asks the service's shared endpoint several times (new connection each, so the replicas are sampled) and checks
    /// that <c>/alive</c> answers and <c>/health</c> reports <paramref name="status"/> for both Redis roles.
    /// </summary>
    private async Task<bool> EveryAnswerIsAsync(string service, string status, CancellationToken cancellationToken)
    {
        using var http = System.CreateSpreadingClient(service, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 8; i++)
        {
            if ((await http.GetAsync("/alive", cancellationToken)).StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            var response = await http.GetAsync("/health", cancellationToken);
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
            if (response.StatusCode != HttpStatusCode.OK
                || report.GetProperty("status").GetString() != status
                || report.GetProperty("entries").GetProperty("redis-state").GetProperty("status").GetString() != status
                || report.GetProperty("entries").GetProperty("redis-cache").GetProperty("status").GetString() != status)
            {
                return false;
            }
        }

        return true;
    }
}
