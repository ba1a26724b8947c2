using HaSystem.Web.Status;

namespace HaSystem.Web.Tests;

/// <summary>The anonymous status summary costs at most one read (an API call and a Redis call) per second per replica.</summary>
public sealed class StatusSummaryCacheTests
{
    // Guards finding 3: every anonymous view of /status cost an API call and a Redis call.
    [Fact]
    public async Task Views_within_a_second_share_one_read_and_the_next_second_reads_again()
    {
        var time = new ManualTime();
        var cache = new StatusSummaryCache(time);
        var reads = 0;
        var slowRead = new TaskCompletionSource();
        async Task<StatusSummary> Read(CancellationToken _)
        {
            Interlocked.Increment(ref reads);
            await slowRead.Task; // every view arrives while the first read is still running
            return new StatusSummary([new ComponentState("web", ComponentState.Up)], time.GetUtcNow());
        }

        var views = Enumerable.Range(0, 50).Select(_ => Task.Run(() => cache.GetAsync(Read, CancellationToken.None))).ToList();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref reads) > 0, TimeSpan.FromSeconds(5)), "No view started a read.");
        slowRead.SetResult();
        await Task.WhenAll(views);
        Assert.Equal(1, reads);
        time.Advance(TimeSpan.FromMilliseconds(900));
        await cache.GetAsync(Read, CancellationToken.None);
        Assert.Equal(1, reads);

        time.Advance(TimeSpan.FromMilliseconds(200));
        await cache.GetAsync(Read, CancellationToken.None);
        Assert.Equal(2, reads);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
