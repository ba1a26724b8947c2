using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What the supervisor does before it starts a dead Redis node again (<see cref="SupervisedProcessAnnotation.BeforeRestart"/>).
/// A dead <em>primary</em> is started again only once the Sentinels have promoted another node: started before, it
/// would either come back as primary with an append-only file up to a second behind its replicas (which would then
/// resynchronise from it and lose those writes), or, as a replica, keep answering on the primary's address and hold
/// up the Sentinels' failover for some 20 s. If no promotion happens (no quorum, no replica), it is started after
/// <see cref="PrimaryHold"/> as the only copy there is.
/// </summary>
internal static partial class RedisPrimaryRestart
{
    public static readonly TimeSpan PrimaryHold = TimeSpan.FromSeconds(20);

    public static async Task WaitForPromotionAsync(IResource resource, IServiceProvider services, ILogger logger, CancellationToken stoppingToken)
    {
        if (resource is not RedisNodeResource node || node.Group.LastKnownPrimary != node)
        {
            return;
        }

        LogWaitingForPromotion(logger, node.Name, node.Group.Name);
        if (await PromotionWait.UntilPromotedAsync(
            async ct => await RedisPrimaryResolver.FindPromotedPrimaryAsync(node, services, ct).ConfigureAwait(false) is not null,
            PrimaryHold, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        LogNoPromotion(logger, node.Name, PrimaryHold.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node} was the primary of '{Group}': waiting for the Sentinels to promote a replica, so that it comes back as that replica's replica.")]
    private static partial void LogWaitingForPromotion(ILogger logger, string node, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No other node of {Node}'s group was promoted within {Hold:0} s; starting it with its own data as the only copy there is.")]
    private static partial void LogNoPromotion(ILogger logger, string node, double hold);
}
