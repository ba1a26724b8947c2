namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A database of a <see cref="PatroniClusterResource"/>, created once at the cluster's bootstrap with a role of its own
/// that owns it; what a service references. Its connection string names every node and demands the primary: a service
/// follows a failover without being told, and never writes to a standby.
/// </summary>
public sealed class PatroniDatabaseResource(string name, string databaseName, string userName, ParameterResource password, PatroniClusterResource cluster)
    : Resource(name), IResourceWithParent<PatroniClusterResource>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The database's name.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <summary>The role that owns the database and that services connect as (not the superuser).</summary>
    public string UserName { get; } = userName;

    /// <summary>That role's password (a secret parameter: it reaches the bootstrap script in its environment).</summary>
    public ParameterResource Password { get; } = password;

    public PatroniClusterResource Parent { get; } = cluster;

    /// <summary>
    /// Every node, the primary demanded (<c>Target Session Attributes=primary</c>). <c>Host Recheck Seconds=1</c>: Npgsql
    /// caches whether a host is the primary for 10 s by default, and a promoted standby would go unused that long.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.AppendLiteral("Host=");
            for (var i = 0; i < Parent.Nodes.Count; i++)
            {
                builder.AppendLiteral(i == 0 ? "127.0.0.1:" : ",127.0.0.1:");
                builder.Append($"{Parent.Nodes[i].PostgresEndpoint.Property(EndpointProperty.TargetPort)}");
            }

            builder.AppendLiteral($";Database={DatabaseName};Username={UserName};Password=");
            builder.Append($"{Password}");
            builder.AppendLiteral(";Target Session Attributes=primary;Host Recheck Seconds=1");
            return builder.Build();
        }
    }
}
