namespace HaSystem.Coordination.Tests;

/// <summary>The fixture every Redis test class stands on gives each class a server of its own.</summary>
public sealed class RedisServerTests
{
    // Guards the flake seen once in CI (a lease key gone 46 ms after it was given 300 ms to live): two classes starting
    // at once were given the same free port, and one class's tests ran against the other's server, which flushed it.
    [Fact]
    public async Task A_server_that_finds_its_port_taken_moves_to_another_and_never_shares_one()
    {
        var first = new RedisServer();
        var second = new RedisServer();
        await first.InitializeAsync();
        var ports = new Queue<int>([first.Port, RedisServer.FreePort()]);
        try
        {
            await second.StartAsync(ports.Dequeue);

            Assert.NotEqual(first.Port, second.Port);
            await first.Connection.GetDatabase().StringSetAsync("owner", "first");
            Assert.False(await second.Connection.GetDatabase().KeyExistsAsync("owner"));
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }
}
