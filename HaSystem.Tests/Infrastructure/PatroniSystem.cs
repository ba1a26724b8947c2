namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// The catalog on a PostgreSQL cluster under Patroni (three nodes over a three-member etcd), and its faults under
/// order load: each test heals the cluster before it starts, so they share one system.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PatroniSystem : ICollectionFixture<PatroniSystemFixture>
{
    public const string Name = "patroni system";
}
