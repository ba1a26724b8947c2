namespace HaSystem.Tests.Infrastructure;

/// <summary>The test classes that only observe the system share one running instance.</summary>
[CollectionDefinition(Name)]
public sealed class SharedRunningSystem : ICollectionFixture<RunningSystemFixture>
{
    public const string Name = "running system";
}
