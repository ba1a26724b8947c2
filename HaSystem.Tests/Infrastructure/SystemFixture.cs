using HaSystem.Contracts.Storage;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// The one way the distributed tests start and stop a whole system: with <paramref name="arguments"/> (AppHost
/// configuration) before the first test that uses it, and stopped after the last. The fixtures that share a system
/// derive from it; <see cref="SystemPerTest"/> uses one per test.
/// </summary>
public abstract class SystemFixture(params string[] arguments) : IAsyncLifetime
{
    private HaSystemApp? _system;
    private ApiClient? _api;

    /// <summary>The running system.</summary>
    public HaSystemApp System => _system ?? throw new InvalidOperationException("The system is not started.");

    /// <summary>The store the system's catalog runs on (<see cref="CatalogDatabaseProviders"/>): the AppHost's default unless a fixture says otherwise.</summary>
    public virtual string Store => CatalogDatabaseProviders.Sqlite;

    /// <summary>A figure's name for <see cref="Measurements"/>: as given on SQLite, prefixed with the store on any other.</summary>
    public string Figure(string name) => Store == CatalogDatabaseProviders.Sqlite ? name : $"{Store}.{name}";

    /// <summary>A client of the system's API, with the demo users' and services' tokens.</summary>
    public ApiClient Api => _api ?? throw new InvalidOperationException("The system is not started.");

    /// <summary>
    /// For a system that tests break and heal one after another: starts what the last test may have left stopped (had
    /// it failed half-way), then waits until every replica, node, Sentinel and group is Running and Healthy, every
    /// Redis group has settled on one primary, and every replica answers by itself, so that a test never measures the
    /// last one's damage.
    /// </summary>
    public async Task WaitUntilHealedAsync()
    {
        await System.StartStoppedInstancesAsync();
        await System.WaitForAllHealthyAsync(TimeSpan.FromMinutes(2));
        await System.WaitForSettledTopologyAsync(TimeSpan.FromMinutes(1));
        await System.WaitForEveryReplicaAnsweringAsync(TimeSpan.FromMinutes(1));
    }

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        _system = await HaSystemApp.StartAsync(arguments);
        _api = new ApiClient(_system);
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
