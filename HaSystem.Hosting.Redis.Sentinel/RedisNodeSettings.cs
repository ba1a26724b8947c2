namespace Aspire.Hosting.ApplicationModel;

/// <summary>The memory and persistence policy of a Redis group, written into each node's configuration file.</summary>
public sealed class RedisNodeSettings
{
    /// <summary><c>maxmemory</c>, e.g. <c>256mb</c>; <see langword="null"/> leaves Redis unbounded.</summary>
    public string? MaxMemory { get; set; }

    /// <summary><c>maxmemory-policy</c>. Only rebuildable data may live under an evicting policy.</summary>
    public string MaxMemoryPolicy { get; set; } = "noeviction";

    /// <summary><c>appendonly</c>: whether writes are logged to disk.</summary>
    public bool AppendOnly { get; set; }

    /// <summary><c>appendfsync</c> when <see cref="AppendOnly"/> is on.</summary>
    public string AppendFsync { get; set; } = "everysec";

    /// <summary>
    /// <c>min-replicas-to-write</c>: a primary refuses writes (<c>NOREPLICAS</c>) unless this many replicas are connected
    /// and have acknowledged within <see cref="MinReplicasMaxLagSeconds"/>. 0 accepts writes alone.
    /// </summary>
    public int MinReplicasToWrite { get; set; }

    /// <summary><c>min-replicas-max-lag</c>, in seconds (replicas acknowledge once a second).</summary>
    public int MinReplicasMaxLagSeconds { get; set; } = 10;
}
