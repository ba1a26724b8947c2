using System.Collections.Concurrent;
using System.Security.Cryptography;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StackExchange.Redis;

namespace HaSystem.Web.Identity;

/// <summary>
/// Keeps each signed-in user's API token on the server: in the <c>state</c> role (so every replica finds it), with a
/// copy in this replica's memory that is used only while Redis cannot be reached. The cookie holds just the id. In
/// Redis the token is encrypted with Data Protection (whose key ring every replica shares): whoever reads <c>state</c>
/// does not get bearer tokens to call the API with.
/// </summary>
public sealed partial class ApiTokenStore(
    [FromKeyedServices(RedisRoles.State)] IConnectionMultiplexer redis,
    ResiliencePipelineProvider<string> pipelines,
    IOptions<WebAuthenticationOptions> options,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    ILogger<ApiTokenStore> logger)
{
    private readonly ConcurrentDictionary<string, StoredToken> _copies = new(StringComparer.Ordinal);
    private readonly IDataProtector _protector = dataProtection.CreateProtector("HaSystem.Web.ApiToken");

    /// <summary>Stores a token until it expires and returns the id to put in the cookie.</summary>
    public async Task<string> SaveAsync(string accessToken, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        ForgetExpired();
        Remember(id, new StoredToken(accessToken, expiresAt));
        try
        {
            await pipelines.For(RedisRoles.State, RedisCaller.WebState).ExecuteCommandAsync(_ =>
                redis.GetDatabase().StringSetAsync(Key(id), _protector.Protect(accessToken), expiresAt - time.GetUtcNow()), cancellationToken);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            // The user is still signed in on this replica; another replica asks them to sign in again.
            LogNotStored(logger, ex);
        }

        return id;
    }

    /// <summary>
    /// The user's token: from Redis; while Redis does not answer, from this replica's copy at once; and with no copy
    /// here (the user's first request on this replica), waiting for a failover to finish, as a session write does.
    /// </summary>
    public async Task<TokenLookup> FindAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return Found(id, await ReadAsync(id, RedisCaller.WebState, cancellationToken));
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            if (_copies.TryGetValue(id, out var copy) && copy.ExpiresAt > time.GetUtcNow())
            {
                return TokenLookup.Found(copy.AccessToken);
            }
        }

        try
        {
            return Found(id, await ReadAsync(id, RedisCaller.Sessions, cancellationToken));
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            return TokenLookup.Unavailable;
        }
    }

    private async Task<RedisValueWithExpiry> ReadAsync(string id, RedisCaller caller, CancellationToken cancellationToken) =>
        await pipelines.For(RedisRoles.State, caller).ExecuteCommandAsync(_ =>
            redis.GetDatabase().StringGetWithExpiryAsync(Key(id)), cancellationToken);

    private TokenLookup Found(string id, RedisValueWithExpiry token)
    {
        if (token.Value.IsNullOrEmpty)
        {
            _copies.TryRemove(id, out _);
            return TokenLookup.Missing;
        }

        string accessToken;
        try
        {
            accessToken = _protector.Unprotect((string)token.Value!);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            // Written under another key ring or changed in Redis: the user signs in again.
            LogNotDecrypted(logger, ex);
            return TokenLookup.Missing;
        }

        var stored = new StoredToken(accessToken, time.GetUtcNow() + (token.Expiry ?? TimeSpan.Zero));
        Remember(id, stored);
        return TokenLookup.Found(stored.AccessToken);
    }

    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        _copies.TryRemove(id, out _);
        try
        {
            await pipelines.For(RedisRoles.State, RedisCaller.WebState).ExecuteCommandAsync(_ => redis.GetDatabase().KeyDeleteAsync(Key(id)), cancellationToken);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            // It expires with the token; the cookie that pointed at it is gone already.
            LogNotRemoved(logger, ex);
        }
    }

    private void Remember(string id, StoredToken token) => _copies[id] = token;

    // At each sign-in: the copies stay as few as the live sign-ins this replica has seen.
    private void ForgetExpired()
    {
        foreach (var (key, copy) in _copies)
        {
            if (copy.ExpiresAt <= time.GetUtcNow())
            {
                _copies.TryRemove(key, out _);
            }
        }
    }

    private string Key(string id) => options.Value.TokenKeyPrefix + id;

    private sealed record StoredToken(string AccessToken, DateTimeOffset ExpiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed-out user's API token could not be removed from Redis; it expires with the token.")]
    private static partial void LogNotRemoved(ILogger logger, Exception exception);


    [LoggerMessage(Level = LogLevel.Warning, Message = "The API token could not be stored in Redis; only this replica knows it.")]
    private static partial void LogNotStored(ILogger logger, Exception exception);


    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored API token could not be decrypted; the user is asked to sign in again.")]
    private static partial void LogNotDecrypted(ILogger logger, Exception exception);
}

/// <summary>The outcome of looking a user's API token up.</summary>
public sealed record TokenLookup(string? AccessToken, bool IsUnavailable)
{
    public static readonly TokenLookup Missing = new(null, false);

    public static readonly TokenLookup Unavailable = new(null, true);

    public static TokenLookup Found(string accessToken) => new(accessToken, false);
}
