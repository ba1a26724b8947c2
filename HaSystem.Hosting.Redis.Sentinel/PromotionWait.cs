namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The supervisor's wait before it starts a dead primary again (Redis's or Patroni's): until another node is promoted,
/// or a hold runs out and the primary is started anyway.
/// </summary>
public static class PromotionWait
{
    /// <summary>How often the promotion is looked for.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary><see langword="true"/> once <paramref name="promoted"/> says so; <see langword="false"/> when <paramref name="hold"/> ran out first.</summary>
    public static async Task<bool> UntilPromotedAsync(Func<CancellationToken, Task<bool>> promoted, TimeSpan hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promoted);
        var started = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - started < hold)
        {
            if (await promoted(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }
}
