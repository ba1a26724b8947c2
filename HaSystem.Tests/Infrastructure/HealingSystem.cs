namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// The test classes that break the system in a way it heals from share one system, one test after another: they kill,
/// freeze or stop Redis processes or the leading worker, and the AppHost starts what died again, or the test starts
/// what it stopped. Each
/// test starts by waiting until every resource is Running and Healthy again (<see cref="SystemFixture.WaitUntilHealedAsync"/>),
/// so it never measures the last test's damage, and compares counters (restarts) with their values before its fault.
/// A test whose damage does not heal (a service stopped, special settings) keeps a system of its own (<see cref="SystemPerTest"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class HealingSystem : ICollectionFixture<HealingSystemFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "healing system";
}
