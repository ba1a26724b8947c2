namespace Aspire.Hosting.ApplicationModel;

/// <summary>The roles a Patroni node reports on <c>/patroni</c>, and the dashboard properties that show them.</summary>
public static class PatroniRoles
{
    /// <summary>The node that holds the leader key and runs the primary (Patroni 3 says <c>master</c>, 4 says <c>primary</c>).</summary>
    public const string Primary = "primary";

    /// <summary>A streaming standby.</summary>
    public const string Standby = "standby";

    /// <summary>The dashboard property with a node's role.</summary>
    public const string RoleProperty = "postgres.role";

    /// <summary>The dashboard property with the cluster's current primary.</summary>
    public const string PrimaryProperty = "postgres.primary";

    /// <summary>The dashboard property with a node's timeline (each promotion starts a new one).</summary>
    public const string TimelineProperty = "postgres.timeline";

    /// <summary>Maps Patroni's role names onto <see cref="Primary"/> and <see cref="Standby"/>.</summary>
    public static string? FromPatroni(string? role) => role switch
    {
        "master" or "primary" or "leader" => Primary,
        "replica" or "sync_standby" or "standby" or "standby_leader" => Standby,
        _ => null,
    };
}
