using System.ComponentModel.DataAnnotations;
using HaSystem.Contracts.Storage;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>Bound from <c>Catalog:Database</c>: which store the catalog is on, and how long its writes may wait.</summary>
public sealed class CatalogDatabaseOptions : IValidatableObject
{
    public const string SectionName = "Catalog:Database";

    /// <summary><see cref="CatalogDatabaseProviders.Sqlite"/> (the default) or <see cref="CatalogDatabaseProviders.Postgres"/>: set by the AppHost.</summary>
    [Required]
    [AllowedValues(CatalogDatabaseProviders.Sqlite, CatalogDatabaseProviders.Postgres)]
    public string Provider { get; set; } = CatalogDatabaseProviders.Sqlite;

    /// <summary>
    /// SQLite: how long a write waits for its turn, behind the writes of this replica and the others, before its request is
    /// answered 503; also SQLite's own busy timeout, for the writes that do not queue (migrations at start-up). It
    /// bounds a queue, so it is generous: 50 orders at once on a just-started system (code not yet compiled) had 3 of
    /// them wait more than 5 s in CI. 15 s is what the connection's <c>Default Timeout</c> allowed SQLite before.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan WriteWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// PostgreSQL: the time a request's work on the database (its queries and transactions, each tried again after
    /// transient failures: a server restart, a dropped connection, a deadlock) has ended by, counted from the request's
    /// start, before the request is answered 503 with <c>Retry-After</c>. The tries stop earlier by
    /// <see cref="ConnectTimeout"/> and half a second: the time a try in flight may take to cancel. As long as the Redis
    /// request deadline: an order rides through a database restart as it does through a Redis failover.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:01:00")]
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// PostgreSQL: how long opening a connection may take (Npgsql's <c>Timeout</c>, whole seconds), and so how long a
    /// cancel request to a server that stopped answering may hold a request. A connection that times out is tried again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest pause between two tries within <see cref="RetryDeadline"/>: how soon a restarted server is seen.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryDeadline <= ConnectTimeout + TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult(
                "RetryDeadline must be longer than ConnectTimeout and a second, or no query would be tried before it.", [nameof(RetryDeadline), nameof(ConnectTimeout)]);
        }
    }
}
