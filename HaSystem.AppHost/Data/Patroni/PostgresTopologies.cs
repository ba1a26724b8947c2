namespace HaSystem.AppHost.Data;

/// <summary>The values of <c>Database:Postgres:Topology</c>.</summary>
public static class PostgresTopologies
{
    /// <summary>One server, started again by its keeper when it dies.</summary>
    public const string SingleServer = "single";

    /// <summary>A primary and two synchronous-capable standbys under Patroni, over a three-member etcd.</summary>
    public const string Patroni = "patroni";

    /// <summary>Every topology, as the error for an unknown one lists them.</summary>
    public static readonly string[] All = [SingleServer, Patroni];
}
