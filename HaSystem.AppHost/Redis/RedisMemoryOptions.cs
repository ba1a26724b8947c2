namespace HaSystem.AppHost.Redis;

/// <summary>How much memory each of HaSystem's two Redis groups may use, bound from the AppHost's <c>Redis</c> section.</summary>
public sealed class RedisMemoryOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Redis";

    /// <summary><c>maxmemory</c> of every node of <c>cache</c>, which evicts the least recently used keys when full.</summary>
    public string CacheMaxMemory { get; set; } = "256mb";

    /// <summary>
    /// <c>maxmemory</c> of every node of <c>state</c>: with <c>noeviction</c>, a full <c>state</c> refuses writes
    /// instead of growing until the machine swaps; the services report it Degraded from 80 % on.
    /// </summary>
    public string StateMaxMemory { get; set; } = "256mb";
}
