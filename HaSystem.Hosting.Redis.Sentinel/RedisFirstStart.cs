using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The waits of a topology's first start (every node, then every Sentinel, then the first election), each on its own
/// health check polled every 100 ms. Aspire runs a resource's health checks at a growing interval while it is not
/// healthy (1 s, 2 s, … 5 s), and waiting on the health it reports added up to one such interval per step: a first
/// election at about 9 s of the start, for <c>redis-server</c> processes that answer within a second.
/// </summary>
internal static class RedisFirstStart
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once <paramref name="check"/> reports Healthy; a check that throws counts as not yet.</summary>
    public static Task UntilHealthyAsync(IHealthCheck check, CancellationToken cancellationToken)
    {
        var context = Context(check);
        return UntilAsync(async ct => (await check.CheckHealthAsync(context, ct).ConfigureAwait(false)).Status == HealthStatus.Healthy, cancellationToken);
    }

    /// <summary>Returns once the group's first election has happened, which its check marks when it sees it.</summary>
    public static Task UntilElectedAsync(RedisGroupHealthCheck check, RedisMonitoredGroupResource group, CancellationToken cancellationToken)
    {
        var context = Context(check);
        return UntilAsync(async ct =>
        {
            await check.CheckHealthAsync(context, ct).ConfigureAwait(false);
            return group.FirstElection.IsCompleted;
        }, cancellationToken);
    }

    private static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await HoldsAsync(condition, cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> HoldsAsync(Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken)
    {
        try
        {
            return await condition(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A process that is not listening yet: the next poll asks again.
            return false;
        }
    }

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("first-start", check, failureStatus: null, tags: null) };
}
