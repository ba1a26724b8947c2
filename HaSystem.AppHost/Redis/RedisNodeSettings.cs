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
}
