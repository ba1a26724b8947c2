using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>Bound from <c>Catalog:Database</c>: how the replicas share the one SQLite file.</summary>
public sealed class CatalogDatabaseOptions
{
    public const string SectionName = "Catalog:Database";

    /// <summary>
    /// How long a write waits for its turn, behind the writes of this replica and the others, before its request is
    /// answered 503. Also SQLite's own busy timeout, for the writes that do not queue (migrations at start-up).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan WriteWait { get; set; } = TimeSpan.FromSeconds(5);
}
