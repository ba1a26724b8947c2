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
    /// start (an order's: from when it holds its lock), before the request is answered 503 with <c>Retry-After</c>.
    /// The tries stop <see cref="CancellationAllowance"/> earlier. As long as the Redis request deadline: an order rides
    /// through a database restart as it does through a Redis failover.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:01:00")]
    public TimeSpan RetryDeadline { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// PostgreSQL: how long opening a connection may take (Npgsql's <c>Timeout</c>, whole seconds), and so how long a
    /// cancel request to a server that stopped answering may hold a request. A connection that times out is tried again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// PostgreSQL: how long the one connection a replica sends to a server that stood still (a connection timed out)
    /// waits in its accept queue before it is sent again; the replica's other connections wait for it (see
    /// <see cref="ConnectionOpeningGate"/>). Long: each connection given up there stays in that queue, and the thawed
    /// server serves the queue in order before it serves anything sent after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary><see cref="ConnectTimeout"/> in Npgsql's whole seconds.</summary>
    public int ConnectTimeoutSeconds => Math.Max(1, (int)Math.Ceiling(ConnectTimeout.TotalSeconds));

    /// <summary>
    /// PostgreSQL: the most connections one replica holds or opens at once: Npgsql's <c>Maximum Pool Size</c> is held
    /// to it (Npgsql's default is 100). An order holds one connection at a time, for milliseconds. It bounds what a
    /// replica leaves queued at a server that stands still (frozen, cut off), where each try whose connection hangs
    /// opens another (see <see cref="ConnectionOpeningGate"/>), and what it reopens at once after a restart: at 20, with
    /// one core busy, 4 of 9 runs of the restart tests lost 4–12 orders to backends that each started slower than the
    /// connect timeout; at 8, none in 10. Three replicas stay well within the server's 100 connection slots.
    /// </summary>
    [Range(2, 100)]
    public int MaxPoolSize { get; set; } = 8;

    /// <summary>
    /// PostgreSQL: how many connections of one replica open at once when the server first fails to take them (timed
    /// out, refused, starting); half as many after each further failure. After a server that stood still the first that
    /// opens opens them all; after a restart one more may open with each that opens, until none has failed for a connect
    /// timeout + 1 s (see <see cref="ConnectionOpeningGate"/>). Few: after a <c>kill -9</c> the waiting requests'
    /// connections, all opened at once, took over the connect timeout on 2 cores.
    /// </summary>
    [Range(1, 100)]
    public int OpeningsWhileFailing { get; set; } = 2;

    /// <summary>Npgsql's wait for the answer to a cancel request (its <c>Cancellation Timeout</c>).</summary>
    public static readonly TimeSpan CancellationWait = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long before <see cref="RetryDeadline"/> the tries stop: what a command held by a server that stopped
    /// answering takes to end. Its timeout is whole seconds (up to 1 s more than the time left), then Npgsql sends a cancel
    /// request on a new connection (held for <see cref="ConnectTimeout"/>) and waits <see cref="CancellationWait"/>.
    /// Measured with a 12 s freeze: the failed orders' answers came 1.6 s after the tries stopped.
    /// </summary>
    public TimeSpan CancellationAllowance => TimeSpan.FromSeconds(1 + ConnectTimeoutSeconds) + CancellationWait;

    /// <summary>The longest pause between two tries within <see cref="RetryDeadline"/>: how soon a restarted server is seen.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryDeadline < CancellationAllowance + TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult(
                $"RetryDeadline must leave at least a second to try in, after the {CancellationAllowance.TotalSeconds:0.#} s a command may take to end (ConnectTimeout + 1.5 s).",
                [nameof(RetryDeadline), nameof(ConnectTimeout)]);
        }
    }
}
