using System.Net;
using System.Security.Cryptography;
using System.Text;
using HaSystem.ApiService.Telemetry;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// Counts sign-in attempts per user name and per client address in fixed windows, in the <c>state</c> role so that
/// every replica shares one count. An attempt is counted before its password is hashed, so a burst cannot run more
/// hashes than the limit allows, and given back when it succeeds. When Redis cannot be reached the count falls back to
/// this replica's memory, bounded in size (while it is full, new names are refused), so that a Redis outage neither
/// opens the door nor locks users out; the limits then hold per replica.
/// </summary>
public sealed class SignInThrottle(
    [FromKeyedServices(RedisRoles.State)] IConnectionMultiplexer state,
    ResiliencePipelineProvider<string> pipelines,
    IOptions<SignInThrottleOptions> options,
    TimeProvider time,
    ApiTelemetry telemetry) : IDisposable
{
    /// <summary>The key layout in <c>state</c>: <c>signin:{kind}:{hash}</c>; hashed so a hostile user name is never part of a key.</summary>
    public const string KeyPrefix = RedisKeyspace.SignInAttempts;

    // INCR the address, then (only while the address is within its limit, so that refused requests create no keys)
    // the user name, each starting its window on its first attempt; returns per key the count and the time left.
    private static readonly LuaScript Count = LuaScript.Prepare(
        "local a = redis.call('INCR', @address) if a == 1 then redis.call('PEXPIRE', @address, @window) end " +
        "local n = 0 local nt = 0 " +
        "if a <= tonumber(@addressLimit) then n = redis.call('INCR', @user) if n == 1 then redis.call('PEXPIRE', @user, @window) end nt = redis.call('PTTL', @user) end " +
        "return { n, nt, a, redis.call('PTTL', @address) }");

    // Gives a successful attempt back, without bringing a key back to life once its window has ended.
    private static readonly LuaScript GiveBack = LuaScript.Prepare(
        "if redis.call('EXISTS', @user) == 1 then redis.call('DECR', @user) end " +
        "if redis.call('EXISTS', @address) == 1 then redis.call('DECR', @address) end return 1");

    private readonly ResiliencePipeline _redis = pipelines.For(RedisRoles.State, RedisCaller.RateLimiter);

    // Bounded: a flood of invented user names while Redis is away must not grow the replica's memory.
    private readonly MemoryCache _local = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <inheritdoc />
    public void Dispose() => _local.Dispose();

    /// <summary>Counts an attempt of <paramref name="userName"/> from <paramref name="address"/>; the decision says whether it may proceed.</summary>
    public async Task<SignInAttempt> AttemptAsync(string userName, IPAddress? address, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var keys = new SignInKeys(KeyOf("user", userName.ToUpperInvariant()), KeyOf("address", address?.ToString() ?? "unknown"));
        try
        {
            var result = (RedisResult[])(await _redis.ExecuteCommandAsync(_ => state.GetDatabase().ScriptEvaluateAsync(Count, new
            {
                user = (RedisKey)keys.User, address = (RedisKey)keys.Address, window = (long)settings.Window.TotalMilliseconds, addressLimit = settings.PerClientAddress,
            }), cancellationToken))!;
            return Decide(keys, (long)result[0], Ttl(result[1]), (long)result[2], Ttl(result[3]), shared: true);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            telemetry.RateLimitFallbacks.Add(1);
            var (addresses, addressLeft) = CountLocally(keys.Address, +1);
            var (users, userLeft) = addresses <= settings.PerClientAddress ? CountLocally(keys.User, +1) : (0, TimeSpan.Zero);
            return Decide(keys, users, userLeft, addresses, addressLeft, shared: false);
        }
    }

    /// <summary>Gives a successful attempt back, so that only failures use up the budget.</summary>
    public async Task SucceededAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        if (!attempt.Shared)
        {
            CountLocally(attempt.Keys.User, -1);
            CountLocally(attempt.Keys.Address, -1);
            return;
        }

        try
        {
            await _redis.ExecuteCommandAsync(_ => state.GetDatabase()
                .ScriptEvaluateAsync(GiveBack, new { user = (RedisKey)attempt.Keys.User, address = (RedisKey)attempt.Keys.Address }), cancellationToken);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            // Not given back: the attempt stays counted until its window ends, which errs on the safe side.
        }
    }

    private SignInAttempt Decide(SignInKeys keys, long users, TimeSpan userLeft, long addresses, TimeSpan addressLeft, bool shared)
    {
        var settings = options.Value;
        var retryAfter = TimeSpan.Zero;
        if (users > settings.PerUserName)
        {
            retryAfter = userLeft;
        }

        if (addresses > settings.PerClientAddress && addressLeft > retryAfter)
        {
            retryAfter = addressLeft;
        }

        return new SignInAttempt(keys, users <= settings.PerUserName && addresses <= settings.PerClientAddress, retryAfter, shared);
    }

    private (long Count, TimeSpan Left) CountLocally(string key, int delta)
    {
        var now = time.GetUtcNow();
        lock (_local)
        {
            var window = _local.Get<LocalWindow>(key);
            if (window is null || window.EndsAt <= now)
            {
                if (delta < 0)
                {
                    return (0, TimeSpan.Zero);
                }

                window = new LocalWindow { EndsAt = now + options.Value.Window };
                _local.Set(key, window, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = window.EndsAt });
                if (!_local.TryGetValue(key, out _))
                {
                    // Full (a flood of invented names): a count that cannot be kept must not start again at 1.
                    return (long.MaxValue, options.Value.Window);
                }
            }

            window.Count = Math.Max(0, window.Count + delta);
            return (window.Count, window.EndsAt - now);
        }
    }

    private static string KeyOf(string kind, string value) =>
        $"{KeyPrefix}{kind}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32]}";

    private static TimeSpan Ttl(RedisResult milliseconds) => TimeSpan.FromMilliseconds(Math.Max(0, (long)milliseconds));

    private sealed class LocalWindow
    {
        public long Count { get; set; }

        public DateTimeOffset EndsAt { get; init; }
    }
}

/// <summary>The keys one attempt was counted under.</summary>
public sealed record SignInKeys(string User, string Address);

/// <summary>Whether an attempt may go on to the password check, and if not, when to try again.</summary>
public sealed record SignInAttempt(SignInKeys Keys, bool Allowed, TimeSpan RetryAfter, bool Shared);
