using HaSystem.AppHost.Data;
using HaSystem.Contracts.Storage;

namespace HaSystem.Tests.Infrastructure;

/// <summary>The system the <see cref="PatroniSystem"/> tests share: its catalog on the Patroni cluster the AppHost runs.</summary>
public sealed class PatroniSystemFixture() : SystemFixture(Arguments)
{
    public static readonly string[] Arguments =
    [
        $"Database:Provider={CatalogDatabaseProviders.Postgres}",
        $"Database:Postgres:Topology={PostgresTopologies.Patroni}",
    ];

    public override string Store => "patroni";
}
