namespace HaSystem.Tests.Infrastructure;

/// <summary>One running system shared by the tests of a class that only observe it and do not break it.</summary>
public sealed class RunningSystemFixture : IAsyncLifetime
{
    private HaSystemApp? _system;

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

    public HaSystemApp System => _system ?? throw new InvalidOperationException("The system is not started.");

    public ApiClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _system = await HaSystemApp.StartAsync(Arguments);
        Api = new ApiClient(_system);
    }

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
