using System.Net;
using HaSystem.Coordination.Redis;

namespace HaSystem.Coordination.Tests.Redis;

/// <summary>When a client that lags behind its Sentinels is told to look at its nodes again.</summary>
public sealed class RedisPrimaryFollowerTests
{
    private static RedisSentinelView View(string primary = "127.0.0.1:7000", bool primaryDown = false, bool failingOver = false) =>
        new("state", 3, 3, 2, primary, primaryDown, failingOver, 2, 2, 2);

    // Guards against a client that writes to no node, or to the old primary, after a promotion its Sentinels report.
    [Theory]
    [InlineData(null, true)]              // no primary yet, the Sentinels name one: follow it
    [InlineData(7001, true)]              // still on the node that was primary: follow the promoted one
    [InlineData(7000, false)]             // on the primary the Sentinels name: nothing to do
    public void A_client_is_behind_when_its_primary_is_not_the_one_the_Sentinels_name(int? clientPort, bool behind) =>
        Assert.Equal(behind, RedisPrimaryFollower.IsBehind(View(), clientPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null));

    // Guards against reconfiguring in a loop while there is nothing better to follow: the Sentinels' primary is down,
    // a failover is under way, or they have not answered yet.
    [Fact]
    public void A_client_is_not_told_to_follow_a_primary_that_is_down_or_not_chosen_yet()
    {
        Assert.False(RedisPrimaryFollower.IsBehind(View(primaryDown: true), null));
        Assert.False(RedisPrimaryFollower.IsBehind(View(failingOver: true), null));
        Assert.False(RedisPrimaryFollower.IsBehind(RedisSentinelView.Unknown("state", 3), null));
    }

    [Fact]
    public void Endpoints_are_compared_as_the_Sentinels_write_them()
    {
        Assert.Equal("127.0.0.1:7000", RedisPrimaryFollower.Describe(new IPEndPoint(IPAddress.Loopback, 7000)));
        Assert.Equal("localhost:7000", RedisPrimaryFollower.Describe(new DnsEndPoint("localhost", 7000)));
        Assert.Null(RedisPrimaryFollower.Describe(null));
    }
}
