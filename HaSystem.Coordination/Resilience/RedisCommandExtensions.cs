using Polly;

namespace HaSystem.Coordination.Resilience;

/// <summary>Runs one Redis command through a caller's pipeline (<see cref="RedisResilience.For"/>).</summary>
/// <remarks>
/// The command is abandoned when the pipeline gives up on the attempt (its timeout, its deadline, or the caller's
/// token): StackExchange.Redis does not cancel a command in flight, so without <c>WaitAsync</c> an attempt would wait
/// out the client's own, longer timeout, and the retry and the breaker would see the failure seconds late.
/// </remarks>
public static class RedisCommandExtensions
{
    /// <summary>Runs <paramref name="command"/> (given the attempt's token) and returns its reply.</summary>
    public static async Task<T> ExecuteCommandAsync<T>(this ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return await pipeline.ExecuteAsync(
            static async (command, attempt) => await command(attempt).WaitAsync(attempt).ConfigureAwait(false),
            command,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="command"/> (given the attempt's token), which has no reply.</summary>
    public static async Task ExecuteCommandAsync(this ResiliencePipeline pipeline, Func<CancellationToken, Task> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        await pipeline.ExecuteAsync(
            static async (command, attempt) => await command(attempt).WaitAsync(attempt).ConfigureAwait(false),
            command,
            cancellationToken).ConfigureAwait(false);
    }
}
