namespace Aspire.Hosting.ApplicationModel;

/// <summary>A database of a <see cref="LocalPostgresServerResource"/>, created with its cluster; what a service references.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource server)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The database's name in the server.</summary>
    public string DatabaseName { get; } = databaseName;

    public LocalPostgresServerResource Parent { get; } = server;

    /// <summary>
    /// The server's connection string with this database. Each process pools at most 30 connections: three API replicas
    /// stay well inside the server's 100, with room for the health checks and an operator's psql.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName};Maximum Pool Size=30");
}
