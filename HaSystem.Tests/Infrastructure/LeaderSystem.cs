namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// The leader tests share one system whose workers report every 2 s: they kill the leading worker (and start it again)
/// or a primary, and each waits until every resource is Running and Healthy before its own faults.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LeaderSystem : ICollectionFixture<LeaderSystemFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "leader system";
}
