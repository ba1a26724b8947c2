namespace Aspire.Hosting.ApplicationModel;

/// <summary>The parts of <c>INFO replication</c> the topology cares about.</summary>
internal sealed record RedisReplicationInfo(bool IsPrimary, string? PrimaryAddress, bool LinkUp, int ConnectedReplicas, int OnlineReplicas)
{
    /// <summary>The role as the dashboard shows it.</summary>
    public string Role => IsPrimary ? "primary" : "replica";

    public static RedisReplicationInfo Parse(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var values = fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.OrdinalIgnoreCase);
        var isPrimary = values.GetValueOrDefault("role") == "master";
        var primary = isPrimary ? null : $"{values.GetValueOrDefault("master_host")}:{values.GetValueOrDefault("master_port")}";
        var linkUp = values.GetValueOrDefault("master_link_status") == "up";
        _ = int.TryParse(values.GetValueOrDefault("connected_slaves"), out var replicas);
        // slave0:ip=127.0.0.1,port=6380,state=online,offset=…,lag=0 — "online" once its first sync is done.
        var online = values.Count(v => v.Key.StartsWith("slave", StringComparison.OrdinalIgnoreCase) && char.IsDigit(v.Key[^1])
            && v.Value.Contains("state=online", StringComparison.Ordinal));
        return new RedisReplicationInfo(isPrimary, primary, linkUp, replicas, online);
    }
}
