using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>Bound from <c>Catalog:Database</c>: how the replicas share the one SQLite file.</summary>
public sealed class CatalogDatabaseOptions
{
    public const string SectionName = "Catalog:Database";

    /// <summary>
    /// How long a write waits for its turn, behind the writes of this replica and the others, before its request is
    /// answered 503; also SQLite's own busy timeout, for the writes that do not queue (migrations at start-up). It
    /// bounds a queue, so it is generous: 50 orders at once on a just-started system (code not yet compiled) had 3 of
    /// them wait more than 5 s in CI. 15 s is what the connection's <c>Default Timeout</c> allowed SQLite before.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan WriteWait { get; set; } = TimeSpan.FromSeconds(15);
}
