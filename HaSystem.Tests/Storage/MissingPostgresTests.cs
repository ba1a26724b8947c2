using System.Diagnostics;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Storage;

/// <summary>With <c>Database:Provider=postgres</c> and no PostgreSQL server binaries, the AppHost stops at once and says what to install.</summary>
public sealed class MissingPostgresTests
{
    // Guards against an AppHost that starts half a system, hangs, or fails with an unhelpful message when the
    // postgresql package is missing (or a bad folder is configured), and against a provider name that is silently ignored.
    [Fact(Timeout = 120_000)]
    public async Task Building_the_app_fails_at_once_naming_the_package_to_install()
    {
        var timer = Stopwatch.StartNew();
        var missing = await BuildErrorAsync("Database:Provider=postgres", "Database:Postgres:BinDirectory=/nonexistent/postgresql/bin");
        Assert.Contains("PostgreSQL server binaries not found", missing, StringComparison.Ordinal);
        Assert.Contains("'/nonexistent/postgresql/bin'", missing, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", missing, StringComparison.Ordinal);
        Assert.Contains("brew install postgresql", missing, StringComparison.Ordinal);

        var unknown = await BuildErrorAsync("Database:Provider=oracle");
        Assert.Contains("Database:Provider is 'oracle': use sqlite or postgres.", unknown, StringComparison.Ordinal);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(30), $"It took {timer.Elapsed.TotalSeconds:0.0} s to fail.");
    }

    // Guards against a cluster that starts half-way (etcd without Patroni, or the reverse) or fails with an unhelpful
    // message when the patroni or etcd-server package is missing, and against a topology name that is silently ignored.
    [Fact(Timeout = 120_000)]
    public async Task Building_the_cluster_without_patroni_or_etcd_fails_at_once_naming_the_packages()
    {
        var missing = await BuildErrorAsync("Database:Provider=postgres", "Database:Postgres:Topology=patroni",
            "Database:Postgres:Patroni:PatroniExecutable=/nonexistent/patroni", "Database:Postgres:Patroni:EtcdExecutable=/nonexistent/etcd");
        Assert.Contains("'/nonexistent/patroni' and '/nonexistent/etcd' not found", missing, StringComparison.Ordinal);
        Assert.Contains("apt-get install patroni etcd-server", missing, StringComparison.Ordinal);

        var unknown = await BuildErrorAsync("Database:Provider=postgres", "Database:Postgres:Topology=galera");
        Assert.Contains("Database:Postgres:Topology is 'galera': use single or patroni.", unknown, StringComparison.Ordinal);

        var unsafeTimings = await BuildErrorAsync("Database:Provider=postgres", "Database:Postgres:Topology=patroni", "Database:Postgres:Patroni:TimeToLiveSeconds=6");
        Assert.Contains("must not exceed TimeToLiveSeconds", unsafeTimings, StringComparison.Ordinal);
    }

    private static async Task<string> BuildErrorAsync(params string[] args)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HaSystem_AppHost>(args, cts.Token);
        });

        Assert.NotNull(error);
        return string.Join("\n", ExceptionChain.Flatten(error).Select(e => e.Message));
    }
}
