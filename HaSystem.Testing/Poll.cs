using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace HaSystem.Testing;

/// <summary>
/// Waiting by polling with a deadline. A poll tries again only while its condition is not met yet, or when the probe
/// failed the way a system that is still starting or failing over fails (<see cref="IsNotReadyYet"/>): any other
/// exception, an assertion's above all, fails the poll at once. A timeout explains itself with the last of those
/// failures and the caller's diagnostics.
/// </summary>
public static class Poll
{
    /// <summary>The pause between two probes unless the caller gives one.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns a value, or throws <see cref="TimeoutException"/> with
    /// <paramref name="diagnostics"/>. <paramref name="notReadyYet"/> names further failures to try again after (for
    /// example a browser's), besides <see cref="IsNotReadyYet"/>.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        TimeSpan timeout,
        Func<CancellationToken, Task<T?>> probe,
        Func<string>? diagnostics = null,
        TimeSpan? interval = null,
        Func<Exception, bool>? notReadyYet = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var stopwatch = Stopwatch.StartNew();
        Exception? last = null;
        while (stopwatch.Elapsed < timeout)
        {
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, Math.Min(10, (timeout - stopwatch.Elapsed).TotalSeconds))));
            try
            {
                if (await probe(attempt.Token) is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (IsNotReadyYet(ex, attempt.Token) || notReadyYet?.Invoke(ex) == true)
            {
                last = ex;
            }

            await Task.Delay(interval ?? DefaultInterval);
        }

        throw new TimeoutException(
            $"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}." +
            (last is null ? "" : $"\nLast failure: {last.GetType().Name}: {last.Message}") +
            (diagnostics is null ? "" : $"\n{diagnostics()}"),
            last);
    }

    /// <summary>Polls a condition until it holds.</summary>
    public static Task UntilAsync(
        string what,
        TimeSpan timeout,
        Func<CancellationToken, Task<bool>> condition,
        Func<string>? diagnostics = null,
        TimeSpan? interval = null,
        Func<Exception, bool>? notReadyYet = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync<object>(what, timeout, async ct => await condition(ct) ? new object() : null, diagnostics, interval, notReadyYet);
    }

    /// <summary>
    /// How a probe fails while the part it asks is starting, stopped or failing over: no connection, a connection
    /// reset, an HTTP client's failure or timeout, a Redis error (no primary yet, <c>READONLY</c>, <c>LOADING</c>), a
    /// Redis group without one primary, a busy SQLite file, a PostgreSQL server that is not up, or the attempt's own time
    /// running out (<paramref name="attempt"/>).
    /// </summary>
    public static bool IsNotReadyYet(Exception exception, CancellationToken attempt) => exception switch
    {
        HttpRequestException or IOException or SocketException or TimeoutException or RedisException or TopologyNotSettledException => true,
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        Npgsql.NpgsqlException npgsql => npgsql.IsTransient, // a PostgreSQL server starting, stopping or restarting
        // HttpClient's own timeout surfaces as a TaskCanceledException whose inner exception is a TimeoutException.
        OperationCanceledException => attempt.IsCancellationRequested || exception.InnerException is TimeoutException,
        _ => false,
    };
}
