namespace HaSystem.Tests.Infrastructure;

/// <summary>One running system shared by the test classes that only observe it and do not break it (<see cref="SharedRunningSystem"/>).</summary>
public sealed class RunningSystemFixture() : SystemFixture(Arguments)
{
    /// <summary>
    /// Catalog entries stay fresh 3 s (instead of 30 s) so that a test sees fail-safe serving stale values without a
    /// long wait; fail-safe retries the database every second. Chaos is asked for (it is off by default), for the
    /// operator's database fault in CatalogCachingTests and the proof that a tenant admin cannot use it.
    /// </summary>
    public static readonly string[] Arguments =
    [
        "Chaos:Enabled=true",
        "ApiService:Environment:Catalog__Cache__Duration=00:00:03",
        "ApiService:Environment:Catalog__Cache__FailSafeThrottleDuration=00:00:01",
    ];
}
