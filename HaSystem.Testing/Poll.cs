using System.Diagnostics;

namespace HaSystem.Testing;

/// <summary>Waiting by polling with a deadline. A timeout explains itself with the caller's diagnostics.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, or throws <see cref="TimeoutException"/> with <paramref name="diagnostics"/>.</summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        TimeSpan timeout,
        Func<CancellationToken, Task<T?>> probe,
        Func<string>? diagnostics = null,
        TimeSpan? interval = null)
        where T : class
    {
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
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                last = ex;
            }

            await Task.Delay(interval ?? DefaultInterval);
        }

        throw new TimeoutException(
            $"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}." +
            (last is null ? "" : $"\nLast error: {last.GetType().Name}: {last.Message}") +
            (diagnostics is null ? "" : $"\n{diagnostics()}"));
    }

    /// <summary>Polls a condition until it holds.</summary>
    public static Task UntilAsync(string what, TimeSpan timeout, Func<CancellationToken, Task<bool>> condition, Func<string>? diagnostics = null, TimeSpan? interval = null) =>
        UntilAsync<object>(what, timeout, async ct => await condition(ct) ? new object() : null, diagnostics, interval);
}
