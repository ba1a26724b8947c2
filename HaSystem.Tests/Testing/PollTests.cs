using System.Diagnostics;
using Xunit.Sdk;

namespace HaSystem.Tests.Testing;

/// <summary><see cref="Poll"/> waits only for its own condition: a failed assertion inside a poll fails the test at once.</summary>
public sealed class PollTests
{
    [Fact]
    public async Task An_assertion_that_fails_inside_a_poll_fails_at_once_instead_of_being_retried()
    {
        var attempts = 0;
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<EqualException>(() => Poll.UntilAsync("never", TimeSpan.FromSeconds(30), _ =>
        {
            attempts++;
            Assert.Equal(1, 2);
            return Task.FromResult(true);
        }));
        Assert.Equal(1, attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_failure_of_a_system_not_ready_yet_is_retried_until_the_condition_holds()
    {
        var attempts = 0;
        await Poll.UntilAsync("the third attempt", TimeSpan.FromSeconds(30), _ => ++attempts switch
        {
            1 => throw new HttpRequestException("connection refused"),
            2 => Task.FromResult(false),
            _ => Task.FromResult(true),
        }, interval: TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_timeout_reports_the_last_failure_and_the_diagnostics()
    {
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => Poll.UntilAsync("a node that never answers", TimeSpan.FromMilliseconds(200),
            _ => throw new HttpRequestException("connection refused"), () => "state-0: Exited", TimeSpan.FromMilliseconds(10)));
        Assert.Contains("a node that never answers", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("Last failure: HttpRequestException: connection refused", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("state-0: Exited", timeout.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(timeout.InnerException);
    }

    [Fact]
    public async Task A_failure_the_caller_names_as_not_ready_yet_is_retried_and_any_other_is_not()
    {
        var attempts = 0;
        await Poll.UntilAsync("a page", TimeSpan.FromSeconds(30), _ => ++attempts < 3 ? throw new InvalidOperationException("page not loaded") : Task.FromResult(true),
            interval: TimeSpan.FromMilliseconds(1), notReadyYet: ex => ex is InvalidOperationException);
        Assert.Equal(3, attempts);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Poll.UntilAsync("a property", TimeSpan.FromSeconds(30),
            _ => throw new KeyNotFoundException("status"), notReadyYet: ex => ex is InvalidOperationException));
    }
}
