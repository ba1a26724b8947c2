using HaSystem.ApiService.Fencing;
using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Reports;

/// <summary>
/// A report's fencing token must be the one the leader lease in <c>state</c> carries now. The fence alone accepts any
/// higher token, so a forged <c>long.MaxValue</c> would move it out of every real leader's reach and stop reports for
/// good; checked against the lease (its token and its holder), a token nobody was given is refused.
/// </summary>
public sealed class LeaseHolderCheck(RedisDistributedLock locks, IOptions<ReportOptions> options)
{
    /// <exception cref="StaleFencingTokenException">The lease carries another token (409): another holder, or a forged token.</exception>
    /// <exception cref="LeaseLostException">No one holds the lease right now (503): a failover may have lost it, and its leader takes it back within a second.</exception>
    /// <exception cref="LockUnavailableException">The lease cannot be read (503).</exception>
    public async Task EnsureCurrentAsync(long fencingToken, string producedBy, CancellationToken cancellationToken)
    {
        var key = options.Value.LeaseKey;
        LockHolder? holder;
        try
        {
            holder = await locks.GetHolderAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || RedisResilience.IsRedisFailure(ex))
        {
            throw new LockUnavailableException(key, "the state role cannot be read", ex);
        }

        if (holder is null)
        {
            throw new LeaseLostException(key, fencingToken);
        }

        // The holder too: the current token is no secret (GET /api/coordination/leader shows it), and the fence, which
        // accepts an equal token only from the holder it first saw, would otherwise be claimed by whoever posts first.
        if (holder.FencingToken != fencingToken || !string.Equals(holder.Holder, producedBy, StringComparison.Ordinal))
        {
            throw new StaleFencingTokenException(key, fencingToken, holder.FencingToken);
        }
    }
}
